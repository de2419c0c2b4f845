/**
 * Where `tram execution watch` gets its news from. An `ExecutionEventSource` yields the state changes of one
 * execution (its own and its tasks') in order, in batches, starting with what already happened, and ends once the
 * execution is over. The default source follows the server's WebSocket stream (`/v2/ws`, `ws-source.ts`),
 * yielding what was pushed since the last batch; a server without the stream is polled through the REST API
 * instead (`polling-source.ts`). `openEventSource` (`source-factory.ts`) picks one.
 */
import type { EventType, TaskState, WorkflowState } from '../../engine/index.js';

export interface StateChange {
  entity: 'execution' | 'task';
  /** The execution's or the task execution's id. */
  id: string;
  /** The workflow name (execution) or the task name. */
  name: string;
  state: WorkflowState | TaskState;
  /** null the first time the entity is seen. */
  previousState: WorkflowState | TaskState | null;
  stateInfo: string | null;
  /** Mistral's event for the change (`TASK_SUCCEEDED`); null for states that have none (WAITING, DELAYED). */
  event: EventType | null;
}

export interface ExecutionEventSource {
  /**
   * The execution's changes, in batches (a poll's worth, or what was pushed meanwhile). The iteration ends once
   * the execution has reached SUCCESS, ERROR or CANCELLED (the stream adds the task changes committed with the
   * end, such as TASK_CANCELLED after WORKFLOW_CANCELLED, in a batch of their own), or when `signal` aborts.
   */
  changes(executionId: string, signal?: AbortSignal): AsyncIterable<StateChange[]>;
}
