/**
 * Durable timers: wait-before, wait-after, retry delays and timeouts. XState does not restore `after` timers
 * from a persisted snapshot, so each timer is a row with an absolute due time, written in the same unit of work
 * as the state that needs it, armed in memory after commit, and re-armed from the store on restart.
 */
import { MAX_DELAY_SECONDS, type TimerHandle } from '../../common/index.js';
import type { TimerRow } from '../../store/index.js';
import type { TaskRun } from './model.js';
import type { Runtime } from './runtime.js';

export type TimerKind = 'wait-before' | 'wait-after' | 'retry' | 'timeout';

export class Timers {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly rt: Runtime) {}

  arm(t: TaskRun, kind: TimerKind, seconds: number, payload: Record<string, unknown> = {}): void {
    const row: TimerRow = {
      id: `${t.rec.id}:${kind}`,
      executionId: t.exec.rec.id,
      taskExecutionId: t.rec.id,
      kind,
      // Clamped (a year): a policy value from an expression can be anything, and the due time must stay a date.
      dueAt: this.rt.clock.now() + Math.min(Math.max(0, seconds), MAX_DELAY_SECONDS) * 1000,
      payload,
    };
    const uow = this.rt.kernel.uow;
    uow.timersCleared.delete(row.id);
    uow.timersSet.set(row.id, row);
    uow.effects.push(() => this.schedule(row));
  }

  clear(t: TaskRun, kind: TimerKind): void {
    const id = `${t.rec.id}:${kind}`;
    const handle = this.handles.get(id);
    const uow = this.rt.kernel.uow;
    if (uow.timersSet.delete(id) || handle) uow.timersCleared.add(id);
    if (handle) {
      this.rt.clock.clearTimeout(handle);
      this.handles.delete(id);
    }
  }

  clearAll(t: TaskRun): void {
    for (const k of ['wait-before', 'wait-after', 'retry', 'timeout'] as const) this.clear(t, k);
  }

  /** Arms a timer loaded from the store (recovery). */
  schedule(row: TimerRow): void {
    const prev = this.handles.get(row.id);
    if (prev) this.rt.clock.clearTimeout(prev);
    const handle = this.rt.clock.setTimeout(
      () => this.rt.kernel.enqueue(() => this.fire(row)),
      row.dueAt - this.rt.clock.now(),
    );
    this.handles.set(row.id, handle);
  }

  cancelAll(): void {
    for (const h of this.handles.values()) this.rt.clock.clearTimeout(h);
    this.handles.clear();
  }

  private fire(row: TimerRow): void {
    if (!this.handles.has(row.id)) return; // cleared after it was queued
    this.handles.delete(row.id);
    this.rt.kernel.uow.timersCleared.add(row.id);
    const t = row.taskExecutionId ? this.rt.liveTasks.get(row.taskExecutionId) : undefined;
    if (!t) return;
    this.rt.tasks.onTimer(t, row.kind as TimerKind, row.payload);
  }
}
