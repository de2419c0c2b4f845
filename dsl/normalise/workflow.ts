/**
 * A workflow → WorkflowSpec: type, input declarations, output clauses, vars, task-defaults, tasks (in document
 * order) and the workflow's hooks. A task whose body is not a mapping (already reported by the schema) is kept
 * as an empty task so that transitions to it are not reported a second time as "unknown task".
 */
import type { TaskSpec, WorkflowSpec } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import type { NormaliseContext } from './context.js';
import { readHooks } from './hooks.js';
import { readTask, readTaskDefaults } from './task.js';
import type { QualifiedNames } from './values.js';
import { readInputParams, setIfDefined, stringList } from './values.js';

export function readWorkflow(
  ctx: NormaliseContext,
  path: Path,
  names: QualifiedNames,
  raw: unknown,
): WorkflowSpec {
  const body = isRecord(raw) ? raw : {};
  const rawTasks = isRecord(body['tasks']) ? body['tasks'] : {};
  const taskNames = new Set(Object.keys(rawTasks));
  const tasks: Record<string, TaskSpec> = {};
  for (const [name, task] of Object.entries(rawTasks)) {
    tasks[name] = readTask(ctx, [...path, 'tasks', name], name, isRecord(task) ? task : {}, taskNames);
  }
  const spec: WorkflowSpec = {
    name: names.name,
    shortName: names.shortName,
    type: body['type'] === 'reverse' ? 'reverse' : 'direct',
    tags: stringList(body['tags']),
    input: readInputParams(ctx, [...path, 'input'], body['input']),
    vars: isRecord(body['vars']) ? body['vars'] : {},
    taskDefaults: readTaskDefaults(ctx, [...path, 'task-defaults'], body['task-defaults'], taskNames),
    tasks,
    onEnter: readHooks(ctx, [...path, 'on-enter'], body['on-enter']),
    onExit: readHooks(ctx, [...path, 'on-exit'], body['on-exit']),
    pos: ctx.pos(path),
  };
  setIfDefined(spec, 'workbook', names.workbook);
  if (typeof body['description'] === 'string') spec.description = body['description'];
  for (const [key, field] of [
    ['output', 'output'],
    ['output-on-error', 'outputOnError'],
  ] as const) {
    if (body[key] === undefined) continue;
    spec[field] = body[key];
    ctx.exprDeep([...path, key], body[key]);
  }
  ctx.exprDeep([...path, 'vars'], spec.vars);
  return spec;
}
