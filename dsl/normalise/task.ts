/**
 * A task (and `task-defaults`) → TaskSpec / TaskDefaultsSpec. Every shorthand is expanded here: inline
 * parameters of `action:`/`workflow:`, `std.noop` when neither is given, `with-items` entries, `publish` scopes,
 * `join: one`, `requires: a`, the `keep-result` default. Keys that do not belong to the workflow's type (`join` in
 * a reverse workflow, `requires` in a direct one) are still read; the semantic checks report them.
 */
import type { TaskDefaultsSpec, TaskSpec, WithItemsSpec } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import { scanWithItem } from '../syntax/with-items.js';
import { readClauses } from './clauses.js';
import type { NormaliseContext } from './context.js';
import { readHooks } from './hooks.js';
import { readPolicies } from './policies.js';
import { readCall, readPublish, setIfDefined, stringList } from './values.js';

export function readTaskDefaults(
  ctx: NormaliseContext,
  path: Path,
  raw: unknown,
  tasks: ReadonlySet<string>,
): TaskDefaultsSpec {
  if (!isRecord(raw)) return {};
  const spec: TaskDefaultsSpec = { ...readPolicies(ctx, path, raw), ...readClauses(ctx, path, raw, tasks) };
  if (raw['requires'] !== undefined) spec.requires = stringList(raw['requires']);
  return spec;
}

export function readTask(
  ctx: NormaliseContext,
  path: Path,
  name: string,
  raw: Record<string, unknown>,
  tasks: ReadonlySet<string>,
): TaskSpec {
  const spec: TaskSpec = {
    name,
    tags: stringList(raw['tags']),
    ...readTarget(ctx, path, raw),
    keepResult: raw['keep-result'] ?? true,
    requires: stringList(raw['requires']),
    onEnter: readHooks(ctx, [...path, 'on-enter'], raw['on-enter']),
    onExit: readHooks(ctx, [...path, 'on-exit'], raw['on-exit']),
    pos: ctx.pos(path),
    ...readPolicies(ctx, path, raw),
    ...readClauses(ctx, path, raw, tasks),
  };
  if (typeof raw['description'] === 'string') spec.description = raw['description'];
  if (raw['input'] !== undefined) {
    spec.input = raw['input'];
    ctx.exprDeep([...path, 'input'], raw['input']);
  }
  const publish = readPublish(ctx, [...path, 'publish'], raw['publish'], false);
  const onError = readPublish(ctx, [...path, 'publish-on-error'], raw['publish-on-error'], false);
  const onSkip = readPublish(ctx, [...path, 'publish-on-skip'], raw['publish-on-skip'], false);
  setIfDefined(spec, 'publish', publish.branch);
  setIfDefined(spec, 'publishGlobal', publish.global);
  setIfDefined(spec, 'publishOnError', onError.branch);
  setIfDefined(spec, 'publishOnErrorGlobal', onError.global);
  setIfDefined(spec, 'publishOnSkip', onSkip.branch);
  setIfDefined(spec, 'publishOnSkipGlobal', onSkip.global);
  setIfDefined(spec, 'withItems', readWithItems(ctx, [...path, 'with-items'], raw['with-items']));
  for (const key of ['keep-result', 'target'] as const) ctx.exprDeep([...path, key], raw[key]);
  setIfDefined(spec, 'targetHost', raw['target']);
  setIfDefined(spec, 'join', readJoin(raw['join']));
  return spec;
}

type Target = Pick<TaskSpec, 'kind' | 'target' | 'inlineInput'>;

/** `action: std.echo output="x"` / `workflow: sub x=1`; neither means `std.noop`. */
function readTarget(ctx: NormaliseContext, path: Path, raw: Record<string, unknown>): Target {
  for (const kind of ['action', 'workflow'] as const) {
    const text = raw[kind];
    if (typeof text !== 'string') continue;
    const call = readCall(ctx, [...path, kind], text);
    return { kind, target: call.name, inlineInput: call.input };
  }
  return { kind: 'action', target: 'std.noop', inlineInput: {} };
}

function readJoin(raw: unknown): TaskSpec['join'] {
  if (raw === 'all') return 'all';
  if (raw === 'one') return 1;
  return typeof raw === 'number' && Number.isInteger(raw) && raw > 0 ? raw : undefined;
}

function readWithItems(ctx: NormaliseContext, path: Path, raw: unknown): WithItemsSpec[] | undefined {
  if (raw === undefined) return undefined;
  const entries: [Path, unknown][] = Array.isArray(raw)
    ? raw.map((e, i) => [[...path, i], e])
    : [[path, raw]];
  const out: WithItemsSpec[] = [];
  for (const [entryPath, entry] of entries) {
    if (typeof entry !== 'string') continue;
    const syntax = scanWithItem(entry);
    ctx.scanIssues(entryPath, syntax.issues);
    if (!syntax.spec) continue;
    ctx.expr(entryPath, entry.slice(syntax.sourceOffset), syntax.sourceOffset);
    if (out.some((w) => w.variable === syntax.spec!.variable)) {
      const message = `${ctx.sink.describe(entryPath)}: variable '${syntax.spec.variable}' is used twice`;
      ctx.sink.at(entryPath, message, 'value');
    } else {
      out.push(syntax.spec);
    }
  }
  return out;
}
