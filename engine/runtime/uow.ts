/**
 * The unit of work of one kernel batch: which in-memory objects changed, which events and timers were
 * produced, and which side effects to run once the batch is committed. Side effects never run before the
 * commit, so an action only starts after the state that says it is running is durable.
 */
import type { ChangeSet, MessageReceipt, TimerRow } from '../../store/index.js';
import type { ActionExecutionRecord, OutboxEvent } from '../types.js';
import type { ExecRun, TaskRun } from './model.js';

export class UnitOfWork {
  readonly execs = new Set<ExecRun>();
  readonly tasks = new Set<TaskRun>();
  readonly actions = new Map<string, ActionExecutionRecord>();
  readonly events: Omit<OutboxEvent, 'id'>[] = [];
  readonly timersSet = new Map<string, TimerRow>();
  readonly timersCleared = new Set<string>();
  readonly resultsDropped = new Set<string>();
  readonly supersededRuns = new Set<string>();
  readonly receipts: MessageReceipt[] = [];
  readonly effects: (() => void)[] = [];
  /** Refuse the callers waiting for this batch, when it can never be committed. */
  readonly aborts: ((err: Error) => void)[] = [];

  get empty(): boolean {
    return (
      this.execs.size === 0 &&
      this.tasks.size === 0 &&
      this.actions.size === 0 &&
      this.events.length === 0 &&
      this.timersSet.size === 0 &&
      this.timersCleared.size === 0 &&
      this.resultsDropped.size === 0 &&
      this.supersededRuns.size === 0 &&
      this.receipts.length === 0
    );
  }

  toChangeSet(): ChangeSet {
    return {
      executions: [...this.execs].map((e) => ({ record: e.rec, runtime: e.rt })),
      tasks: [...this.tasks].map((t) => ({ record: t.rec, machine: {} })),
      actions: [...this.actions.values()],
      events: this.events,
      timersSet: [...this.timersSet.values()],
      timersCleared: [...this.timersCleared],
      resultsDropped: [...this.resultsDropped],
      supersededRuns: [...this.supersededRuns],
      receipts: this.receipts,
    };
  }
}
