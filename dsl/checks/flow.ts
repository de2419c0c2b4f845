/**
 * Checks of a workflow's control flow:
 * - direct workflows: transitions to unknown tasks (in tasks and task-defaults), no start task; and, as warnings
 *   (Mistral accepts them; the task just never runs), join tasks nobody transitions to (or fewer than `join: N`)
 *   and tasks no path leads to from a start task;
 * - reverse workflows: `requires` of unknown tasks and `requires` cycles;
 * - keys of the other workflow type (`join`/`on-*` in a reverse workflow, `requires` in a direct one), which
 *   Mistral rejects in tasks. Task-defaults may hold both kinds (Mistral shares one schema), so they are not checked.
 */
import type { WorkflowSpec } from '../spec.js';
import type { Path } from '../source/paths.js';
import { valueAt } from '../source/paths.js';
import type { ClauseSpecs } from '../normalise/clauses.js';
import { ENGINE_COMMANDS } from '../normalise/clauses.js';
import type { CheckContext } from './context.js';
import { reportAt, taskPath, workflowPath } from './context.js';
import { CLAUSE_FIELDS, CLAUSE_KEYS, effectiveNext, findCycles, inboundTasks } from './graph.js';

export function checkFlow(c: CheckContext, wf: WorkflowSpec): void {
  checkTypeKeys(c, wf);
  if (wf.type === 'direct') {
    checkTransitions(c, wf);
    checkJoins(c, wf);
    checkReachable(c, wf);
  } else {
    checkRequires(c, wf);
  }
}

function checkTransitions(c: CheckContext, wf: WorkflowSpec): void {
  const names = [...Object.keys(wf.tasks), ...ENGINE_COMMANDS];
  const owners: [string, ClauseSpecs][] = [
    [c.sink.describe([...workflowPath(c.doc, wf), 'task-defaults']), wf.taskDefaults],
    ...Object.values(wf.tasks).map((t): [string, ClauseSpecs] => [
      c.sink.describe(taskPath(c.doc, wf, t.name)),
      t,
    ]),
  ];
  for (const [subject, owner] of owners) {
    for (const field of CLAUSE_FIELDS) {
      for (const t of owner[field]?.next ?? []) {
        if (t.kind !== 'task' || Object.hasOwn(wf.tasks, t.task)) continue;
        const hint = c.sink.didYouMean(t.task, names);
        reportAt(c, t, `${subject}: transition to unknown task '${t.task}'${hint}`);
      }
    }
  }
}

function checkJoins(c: CheckContext, wf: WorkflowSpec): void {
  const inbound = inboundTasks(wf);
  const tasks = Object.values(wf.tasks);
  for (const task of tasks) {
    if (task.join === undefined) continue;
    const count = inbound.get(task.name)?.size ?? 0;
    const path = taskPath(c.doc, wf, task.name);
    if (count === 0) {
      c.sink.warnAt(path, `join task '${task.name}' is never reached: no task transitions to it`);
    } else if (task.join !== 'all' && task.join > count) {
      const only = count === 1 ? 'only 1 transitions' : `only ${count} transition`;
      c.sink.warnAt(path, `join task '${task.name}' waits for ${task.join} tasks but ${only} to it`);
    }
  }
  if (tasks.length > 0 && tasks.every((t) => (inbound.get(t.name)?.size ?? 0) > 0)) {
    const message = `workflow '${wf.shortName}' has no start task: every task is the target of a transition`;
    c.sink.at(workflowPath(c.doc, wf), message);
  }
}

/**
 * Tasks that only other unreachable tasks transition to (a loop no start task leads into). A task nobody
 * transitions to is a start task, and a join task nobody transitions to is reported by checkJoins.
 */
function checkReachable(c: CheckContext, wf: WorkflowSpec): void {
  const inbound = inboundTasks(wf);
  const starts = Object.keys(wf.tasks).filter((n) => (inbound.get(n)?.size ?? 0) === 0);
  if (starts.length === 0) return;
  const reached = new Set<string>(starts);
  const queue = [...starts];
  // Read by index: `shift()` moves the whole queue each time, quadratic in a workflow of many tasks.
  for (const name of queue) {
    const task = wf.tasks[name]!;
    for (const field of CLAUSE_FIELDS) {
      for (const t of effectiveNext(wf, task, field)) {
        if (t.kind !== 'task' || reached.has(t.task) || !Object.hasOwn(wf.tasks, t.task)) continue;
        reached.add(t.task);
        queue.push(t.task);
      }
    }
  }
  for (const task of Object.values(wf.tasks)) {
    if (reached.has(task.name)) continue;
    const from = [...(inbound.get(task.name) ?? [])].map((n) => `'${n}'`).join(', ');
    const message = `task '${task.name}' is unreachable: only ${from} transition to it, and no start task leads there`;
    c.sink.warnAt(taskPath(c.doc, wf, task.name), message);
  }
}

function checkRequires(c: CheckContext, wf: WorkflowSpec): void {
  const defaultsPath = [...workflowPath(c.doc, wf), 'task-defaults'];
  const defaults = wf.taskDefaults.requires ?? [];
  const edges = new Map<string, string[]>();
  const requiresPath = new Map<string, (i: number) => Path>();
  for (const task of Object.values(wf.tasks)) {
    edges.set(task.name, [...task.requires, ...defaults.filter((d) => d !== task.name)]);
    requiresPath.set(task.name, (i) => itemPath(c, [...taskPath(c.doc, wf, task.name), 'requires'], i));
  }
  const sources: [Path, string[]][] = [
    [defaultsPath, defaults],
    ...Object.values(wf.tasks).map((t): [Path, string[]] => [taskPath(c.doc, wf, t.name), t.requires]),
  ];
  for (const [owner, requires] of sources) {
    requires.forEach((name, i) => {
      if (Object.hasOwn(wf.tasks, name)) return;
      const message = `${c.sink.describe(owner)}: requires unknown task '${name}'${c.sink.didYouMean(name, edges.keys())}`;
      c.sink.at(itemPath(c, [...owner, 'requires'], i), message, 'value');
    });
  }
  for (const cycle of findCycles([...edges.keys()], (n) => edges.get(n) ?? [])) {
    const [first, second] = cycle as [string, string];
    const own = wf.tasks[first]?.requires.indexOf(second) ?? -1;
    const at = own >= 0 ? requiresPath.get(first)!(own) : [...taskPath(c.doc, wf, first), 'requires'];
    c.sink.at(at, `requires cycle: ${cycle.join(' -> ')}`, 'value');
  }
}

/** `requires: a` is one scalar, `requires: [a, b]` a list: point at the item when there is one. */
function itemPath(c: CheckContext, listPath: Path, i: number): Path {
  return Array.isArray(valueAt(c.sink.src.data, listPath)) ? [...listPath, i] : listPath;
}

function checkTypeKeys(c: CheckContext, wf: WorkflowSpec): void {
  for (const task of Object.values(wf.tasks)) {
    const path = taskPath(c.doc, wf, task.name);
    const subject = c.sink.describe(path);
    if (wf.type === 'reverse') {
      const direct = CLAUSE_FIELDS.filter((f) => task[f] !== undefined).map((f) => CLAUSE_KEYS[f]);
      if (task.join !== undefined) direct.unshift('join');
      for (const key of direct) {
        c.sink.at(
          [...path, key],
          `${subject}: '${key}' is only allowed in direct workflows (this one is reverse)`,
        );
      }
    } else if (task.requires.length > 0) {
      c.sink.at([...path, 'requires'], `${subject}: 'requires' is only allowed in reverse workflows`);
    }
  }
}
