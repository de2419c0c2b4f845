/**
 * What an execution keeps in memory of its finished tasks. A running execution holds its task executions in
 * `ExecRun.tasks`; a workflow that loops (`t1 -> t2 -> t1 ...`) would otherwise hold every iteration it ever
 * ran, growing without bound (about 30 MB/s for a loop of two `std.noop` tasks) until the process runs out of
 * memory. The store has every row; memory needs only what the engine still reads:
 * - a task not finished, still routing, or with work in flight;
 * - the last task execution of each name (`task(name)`) and each join (re-armable);
 * - an end task (`has_next` not set): the workflow's final context merges them;
 * - any ERROR task: completion counts the unhandled ones, and re-run and skip take an ERROR task;
 * - everything while navigation is deferred (a paused execution's commands name their source tasks);
 * - everything, when the workflow calls `tasks()` (it lists them all) or is a reverse workflow (it reads which
 *   names succeeded from them).
 * The rest (SUCCESS tasks that led somewhere and were superseded by a later execution of their name) is
 * dropped from memory in sweeps run as the map grows, each one after the map doubled since the last: a sweep
 * walks the map, so the cost per task created stays constant. Reads of the API and of the WebSocket stream come
 * from the store, which keeps every row.
 */
import type { WorkflowSpec } from '../../dsl/index.js';
import type { ExecRun, TaskRun } from './model.js';
import type { Runtime } from './runtime.js';

/** Below this many task executions in memory, no sweep: most executions never get there. */
const SWEEP_FLOOR = 256;

const CALLS_TASKS = /\btasks\s*\(/;

/** Whether an execution of `spec` must keep every task execution in memory (see the module's comment). */
export function keepsAllTasks(spec: WorkflowSpec): boolean {
  return spec.type === 'reverse' || mentions(spec, CALLS_TASKS);
}

/** Whether any string inside `v` (an expression, wherever the spec holds one) matches `re`. */
function mentions(v: unknown, re: RegExp): boolean {
  if (typeof v === 'string') return re.test(v);
  if (Array.isArray(v)) return v.some((x) => mentions(x, re));
  if (v !== null && typeof v === 'object') return Object.values(v).some((x) => mentions(x, re));
  return false;
}

/**
 * Called after a task execution was added to `e.tasks`: once the map doubled since the last sweep, queues the
 * next one (one at a time). A sweep runs as a work item of its own, never inside another: a task's transitions,
 * while they run, read the task they leave.
 */
export function boundTaskHistory(e: ExecRun, rt: Runtime): void {
  if (e.tasks.size < (e.sweepAt ?? SWEEP_FLOOR)) return;
  e.sweepAt = Number.POSITIVE_INFINITY;
  rt.kernel.enqueue(() => sweep(e, rt));
}

/** Drops the forgettable task executions of `e` from memory (`e.tasks` and the runtime's `liveTasks`). */
function sweep(e: ExecRun, rt: Runtime): void {
  // A finished execution dropped from memory (and maybe loaded again since, as another object) is not swept.
  if (rt.liveExecs.get(e.rec.id) !== e) return;
  if (!e.graph.keepsAllTasks && e.rt.deferred.length === 0) {
    for (const [id, t] of e.tasks) {
      if (!forgettable(e, t)) continue;
      e.tasks.delete(id);
      if (rt.liveTasks.get(id) === t) rt.liveTasks.delete(id);
    }
  }
  e.sweepAt = Math.max(SWEEP_FLOOR, 2 * e.tasks.size);
}

function forgettable(e: ExecRun, t: TaskRun): boolean {
  const rec = t.rec;
  return (
    rec.state === 'SUCCESS' &&
    rec.processed &&
    t.phase === 'done' &&
    t.running.size === 0 &&
    rec.runtimeContext.has_next === true &&
    e.lastByName.get(rec.name) !== t &&
    e.joins.get(rec.name) !== t
  );
}
