/**
 * The task graph of a workflow as the engine will see it: which transitions a task effectively has once
 * `task-defaults` are applied, who transitions to whom, and cycles in a dependency relation (reverse workflows'
 * `requires`, ad-hoc actions' `base`).
 */
import type { OnClauseSpec, TaskSpec, TransitionSpec, WorkflowSpec } from '../spec.js';

export const CLAUSE_FIELDS = ['onSuccess', 'onError', 'onComplete', 'onSkip'] as const;
export type ClauseField = (typeof CLAUSE_FIELDS)[number];

/** YAML key of a clause field. */
export const CLAUSE_KEYS: Record<ClauseField, string> = {
  onSuccess: 'on-success',
  onError: 'on-error',
  onComplete: 'on-complete',
  onSkip: 'on-skip',
};

/**
 * The transitions a task takes for one clause: its own when it lists any, otherwise the task-defaults ones
 * minus those pointing at the task itself (Mistral: a default clause never points a task at itself).
 */
export function effectiveNext(wf: WorkflowSpec, task: TaskSpec, field: ClauseField): TransitionSpec[] {
  const own = task[field]?.next ?? [];
  if (own.length > 0) return own;
  const defaults: OnClauseSpec | undefined = wf.taskDefaults[field];
  return (defaults?.next ?? []).filter((t) => t.kind !== 'task' || t.task !== task.name);
}

/** For each task, the tasks having at least one transition to it (whatever its clause or guard). */
export function inboundTasks(wf: WorkflowSpec): Map<string, Set<string>> {
  const inbound = new Map<string, Set<string>>(Object.keys(wf.tasks).map((n) => [n, new Set<string>()]));
  for (const task of Object.values(wf.tasks)) {
    for (const field of CLAUSE_FIELDS) {
      for (const t of effectiveNext(wf, task, field)) {
        if (t.kind === 'task') inbound.get(t.task)?.add(task.name);
      }
    }
  }
  return inbound;
}

/**
 * Every elementary cycle reachable by depth-first search, each once, as `[a, b, a]`, starting with the node
 * listed first in `nodes` (so that messages do not depend on where the search happened to enter the cycle).
 */
export function findCycles(nodes: readonly string[], edges: (node: string) => readonly string[]): string[][] {
  const order = new Map(nodes.map((n, i) => [n, i]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles = new Map<string, string[]>();
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges(n)) {
      if (!order.has(m)) continue;
      if (state.get(m) === 'open') {
        const loop = stack.slice(stack.indexOf(m));
        const first = loop.reduce((a, b) => (order.get(b)! < order.get(a)! ? b : a));
        const rotated = [...loop.slice(loop.indexOf(first)), ...loop.slice(0, loop.indexOf(first))];
        cycles.set(rotated.join('\u0000'), [...rotated, first]);
      } else if (!state.has(m)) {
        visit(m);
      }
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
  return [...cycles.values()];
}
