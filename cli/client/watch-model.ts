/**
 * What `tram execution watch` knows about an execution at any moment, built only from the state changes it has
 * received (whatever their source): the execution's state, each task's latest state, and from those the progress
 * figures and the tasks running now. Pure: no I/O, easy to test.
 */
import type { TaskState, WorkflowState } from '../../engine/index.js';
import type { StateChange } from './events.js';

const DONE: ReadonlySet<string> = new Set(['SUCCESS', 'ERROR', 'CANCELLED', 'SKIPPED']);
const ACTIVE: ReadonlySet<string> = new Set(['RUNNING', 'DELAYED']);

export class WatchModel {
  state: WorkflowState | null = null;
  stateInfo: string | null = null;
  /** Task execution id → name and latest state, in the order first seen. */
  readonly tasks = new Map<string, { name: string; state: TaskState }>();

  apply(change: StateChange): void {
    if (change.entity === 'execution') {
      this.state = change.state as WorkflowState;
      this.stateInfo = change.stateInfo;
    } else {
      this.tasks.set(change.id, { name: change.name, state: change.state });
    }
  }

  /** Tasks that have reached an end state (SUCCESS, ERROR, CANCELLED, SKIPPED). */
  get done(): number {
    let n = 0;
    for (const t of this.tasks.values()) if (DONE.has(t.state)) n++;
    return n;
  }

  /** Task executions known so far; the graph may add more as it advances. */
  get total(): number {
    return this.tasks.size;
  }

  /** Names of the tasks running now (or waiting out a delay), in the order first seen. */
  get running(): string[] {
    return [...this.tasks.values()].filter((t) => ACTIVE.has(t.state)).map((t) => t.name);
  }
}

/** `[#######-------------]`: `done` of `total` as a bar of `width` cells. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** The status line: `RUNNING   [#####---------------] 1/4 tasks  running: t2, t3`. */
export function statusLine(model: WatchModel): string {
  const running = model.running;
  const line = `${(model.state ?? 'PENDING').padEnd(9)} ${progressBar(model.done, model.total)} ${model.done}/${model.total} tasks`;
  return running.length > 0 ? `${line}  running: ${running.join(', ')}` : line;
}

/** One event as a line: `TASK_SUCCEEDED t1`, with the first line of the state info of a failure. */
export function eventLine(change: StateChange): string | null {
  if (!change.event) return null;
  const info =
    change.stateInfo && (change.state === 'ERROR' || change.state === 'CANCELLED')
      ? `: ${change.stateInfo.split('\n')[0]}`
      : '';
  return `${change.event} ${change.name}${info}`;
}
