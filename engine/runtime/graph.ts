/**
 * The workflow graph: a workflow spec compiled for navigation. Task-defaults are merged into each task once
 * here (Mistral's rules: a task's own clause replaces the default one, a default clause never points a task at
 * itself, a falsy task policy falls back to the default), start tasks and join inbound lists are precomputed,
 * so that each task completion costs only its own transitions: navigation stays linear in the number of tasks.
 */
import type { OnClauseSpec, TaskDefaultsSpec, TaskSpec, WorkflowSpec } from '../../dsl/index.js';
import { keepsAllTasks } from './history.js';

export interface WorkflowGraph {
  spec: WorkflowSpec;
  tasks: Map<string, TaskSpec>;
  /** Direct workflows: tasks nobody transitions to. */
  startTasks: string[];
  /** Join tasks: the names of the tasks with a transition to them. */
  inbound: Map<string, string[]>;
  /** Executions keep every task execution in memory (`history.ts`). */
  keepsAllTasks: boolean;
}

const cache = new WeakMap<WorkflowSpec, WorkflowGraph>();

export function graphOf(spec: WorkflowSpec): WorkflowGraph {
  let g = cache.get(spec);
  if (!g) cache.set(spec, (g = compileGraph(spec)));
  return g;
}

const CLAUSES = ['onSuccess', 'onError', 'onComplete', 'onSkip'] as const;
const POLICIES = [
  'waitBefore',
  'waitAfter',
  'timeout',
  'pauseBefore',
  'concurrency',
  'failOn',
  'safeRerun',
] as const;

function withoutSelf(clause: OnClauseSpec | undefined, self: string): OnClauseSpec | undefined {
  if (!clause) return undefined;
  const next = clause.next.filter((t) => !(t.kind === 'task' && t.task === self));
  return { ...clause, next };
}

function mergeDefaults(task: TaskSpec, defaults: TaskDefaultsSpec): TaskSpec {
  const t: TaskSpec = { ...task };
  for (const c of CLAUSES) {
    const own = t[c];
    const dflt = withoutSelf(defaults[c], task.name);
    // A task's clause replaces the default one, except when it names no transition (only `publish`): then
    // Mistral takes the default transitions.
    if (dflt && (!own || own.next.length === 0)) t[c] = own ? { ...own, next: dflt.next } : dflt;
  }
  for (const p of POLICIES) {
    if (!t[p] && defaults[p] !== undefined) t[p] = defaults[p];
  }
  if (!t.retry && defaults.retry) t.retry = defaults.retry;
  // Default requires add to a task's own (Mistral merges them).
  if (defaults.requires)
    t.requires = [...new Set([...t.requires, ...defaults.requires])].filter((r) => r !== task.name);
  return t;
}

function compileGraph(spec: WorkflowSpec): WorkflowGraph {
  const tasks = new Map<string, TaskSpec>();
  for (const [name, task] of Object.entries(spec.tasks))
    tasks.set(name, mergeDefaults(task, spec.taskDefaults));
  const targeted = new Set<string>();
  const inbound = new Map<string, string[]>();
  for (const task of tasks.values()) {
    const seen = new Set<string>();
    for (const c of CLAUSES) {
      for (const tr of task[c]?.next ?? []) {
        // Mistral finds start tasks by the names in on-* clauses: a command (`noop`) still names a task `noop`.
        if (tr.kind !== 'task') {
          targeted.add(tr.command);
          continue;
        }
        targeted.add(tr.task);
        if (seen.has(tr.task)) continue;
        seen.add(tr.task);
        const list = inbound.get(tr.task) ?? [];
        list.push(task.name);
        inbound.set(tr.task, list);
      }
    }
  }
  const startTasks = spec.type === 'direct' ? [...tasks.keys()].filter((n) => !targeted.has(n)) : [];
  return { spec, tasks, startTasks, inbound, keepsAllTasks: keepsAllTasks(spec) };
}
