/**
 * Where `tram execution watch` gets its news from. An `ExecutionEventSource` yields the state changes of one
 * execution (its own and its tasks') in order, in batches, starting with what already happened, and ends once the
 * execution is over. Today the only source polls the REST API (`polling-source.ts`); a WebSocket stream
 * (`/v2/ws`) replaces it later behind the same interface, yielding one-change batches as they are pushed.
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
   * The execution's changes, in batches (a poll's worth, or one pushed message). The iteration ends after the
   * batch in which the execution reaches SUCCESS, ERROR or CANCELLED, or when `signal` aborts.
   */
  changes(executionId: string, signal?: AbortSignal): AsyncIterable<StateChange[]>;
}
