/**
 * `on-success`, `on-error`, `on-complete` and `on-skip` clauses, in every form Mistral accepts:
 *
 *     on-success: next_task                       # one transition
 *     on-success: [a, b]                          # several, taken in order
 *     on-success:
 *       - big: <% $.val > 3 %>                    # guarded
 *       - fail(msg="too large"): <% $.v > 9 %>    # engine command, function form, guarded
 *       - fail msg="stop"                         # engine command, parameter form
 *     on-success:                                 # advanced form
 *       publish: {branch: {x: 1}, global: {y: 2}}
 *       next: [a, b]
 *
 * A name is an engine command (`fail`, `succeed`, `pause`, `noop`) even when the workflow has a task of that
 * name: as in Mistral 15, the command wins (the task is only reached from elsewhere). Unknown task names are left to the semantic checks.
 */
import type { EngineCommand, OnClauseSpec, TaskDefaultsSpec, TransitionSpec } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import type { Anchor } from '../source/yaml-source.js';
import type { NormaliseContext } from './context.js';
import { readCall, readPublish, setIfDefined } from './values.js';

export const ENGINE_COMMANDS: readonly EngineCommand[] = ['fail', 'succeed', 'pause', 'noop'];

export type ClauseSpecs = Pick<TaskDefaultsSpec, 'onSuccess' | 'onError' | 'onComplete' | 'onSkip'>;

const CLAUSES: readonly [string, keyof ClauseSpecs][] = [
  ['on-success', 'onSuccess'],
  ['on-error', 'onError'],
  ['on-complete', 'onComplete'],
  ['on-skip', 'onSkip'],
];

/** All four clauses of a task (or of task-defaults); `tasks` are the names of the workflow's tasks. */
export function readClauses(
  ctx: NormaliseContext,
  path: Path,
  raw: Record<string, unknown>,
  tasks: ReadonlySet<string>,
): ClauseSpecs {
  const out: ClauseSpecs = {};
  for (const [key, field] of CLAUSES) {
    if (raw[key] !== undefined) setIfDefined(out, field, readClause(ctx, [...path, key], raw[key], tasks));
  }
  return out;
}

function readClause(
  ctx: NormaliseContext,
  path: Path,
  raw: unknown,
  tasks: ReadonlySet<string>,
): OnClauseSpec {
  if (isRecord(raw) && ('publish' in raw || 'next' in raw)) {
    const clause: OnClauseSpec = { next: readTransitions(ctx, [...path, 'next'], raw['next'], tasks) };
    const published = readPublish(ctx, [...path, 'publish'], raw['publish']);
    setIfDefined(clause, 'publish', published.branch);
    setIfDefined(clause, 'publishGlobal', published.global);
    return clause;
  }
  return { next: readTransitions(ctx, path, raw, tasks) };
}

/** A string, a guarded single-key mapping, or a list of those. */
function readTransitions(
  ctx: NormaliseContext,
  path: Path,
  raw: unknown,
  tasks: ReadonlySet<string>,
): TransitionSpec[] {
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: TransitionSpec[] = [];
  items.forEach((item: unknown, i) => {
    const itemPath = Array.isArray(raw) ? [...path, i] : path;
    let t: TransitionSpec | undefined;
    if (typeof item === 'string') {
      t = readTransition(ctx, itemPath, 'value', item, undefined, tasks);
    } else if (isRecord(item)) {
      const [entry] = Object.entries(item);
      if (entry && Object.keys(item).length === 1) {
        const guard = typeof entry[1] === 'string' ? entry[1] : undefined;
        if (guard !== undefined) ctx.expr([...itemPath, entry[0]], guard);
        t = readTransition(ctx, [...itemPath, entry[0]], 'key', entry[0], guard, tasks);
      }
    }
    if (t) out.push(t);
  });
  return out;
}

function readTransition(
  ctx: NormaliseContext,
  path: Path,
  anchor: Anchor,
  text: string,
  guard: string | undefined,
  tasks: ReadonlySet<string>,
): TransitionSpec {
  const call = readCall(ctx, path, text, anchor);
  const pos = ctx.pos(path, anchor);
  const params = call.syntax.params;
  let t: TransitionSpec;
  const command = ENGINE_COMMANDS.find((c) => c === call.name);
  if (command) {
    for (const p of params.filter((p) => p.name !== 'msg')) {
      ctx.problem(path, p.nameOffset, `engine command '${command}' takes only 'msg'`, anchor);
    }
    t = { kind: 'command', command, pos };
    setIfDefined(t, 'msg', call.input['msg']);
  } else {
    if (params.length > 0 && tasks.has(call.name)) {
      ctx.problem(
        path,
        params[0]!.nameOffset,
        `a transition to task '${call.name}' takes no parameters`,
        anchor,
      );
    }
    t = { kind: 'task', task: call.name, pos };
  }
  setIfDefined(t, 'guard', guard);
  ctx.origins.set(t, path);
  return t;
}
