/**
 * The pure half of the WebSocket event source: reading a `state_change` message of `/v2/ws` (docs/websocket.md)
 * into a `StateChange`, and putting the events of the two subscriptions (execution and task) back in `sequence`
 * order. Kept apart from the socket handling so that both can be tested without a server.
 *
 * The event name comes from the same rules the engine names its outbox events with (`engine/states.ts`, Mistral's
 * `_identify_event`), imported from that module alone: it is pure and does not load the engine.
 */
import { taskEventFor, workflowEventFor } from '../../engine/states.js';
import type { TaskState, WorkflowState } from '../../engine/types.js';
import type { StateChange } from './events.js';

/** The `data` of a `state_change` message. */
export interface WireStateChange {
  entity: 'execution' | 'task';
  id: string;
  identifier: string | null;
  execution_id: string;
  state: string;
  previous_state: string | null;
  sequence: number;
  timestamp: string;
}

/** The entity names a server may echo: Tramontane's and the aliases `flow` and `step`. */
const ENTITIES: Readonly<Record<string, 'execution' | 'task'>> = {
  execution: 'execution',
  flow: 'execution',
  task: 'task',
  step: 'task',
};

const isString = (v: unknown): v is string => typeof v === 'string';

/** The `data` of a `state_change` message, or null when it is not one (a newer server's extra message, say). */
export function parseStateChange(data: unknown): WireStateChange | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const entity = isString(d.entity) ? ENTITIES[d.entity] : undefined;
  if (
    !entity ||
    !isString(d.id) ||
    !isString(d.execution_id) ||
    !isString(d.state) ||
    !(d.previous_state === null || isString(d.previous_state)) ||
    !Number.isSafeInteger(d.sequence)
  ) {
    return null;
  }
  return {
    entity,
    id: d.id,
    identifier: isString(d.identifier) ? d.identifier : null,
    execution_id: d.execution_id,
    state: d.state,
    previous_state: d.previous_state,
    sequence: d.sequence as number,
    timestamp: isString(d.timestamp) ? d.timestamp : '',
  };
}

/** The change as the watch shows it; `stateInfo` is not on the stream and is supplied by the caller. */
export function toStateChange(d: WireStateChange, stateInfo: string | null = null): StateChange {
  const base = { id: d.id, name: d.identifier ?? d.id, stateInfo };
  if (d.entity === 'execution') {
    const state = d.state as WorkflowState;
    const previousState = d.previous_state as WorkflowState | null;
    return {
      ...base,
      entity: 'execution',
      state,
      previousState,
      event: workflowEventFor(previousState, state),
    };
  }
  const state = d.state as TaskState;
  const previousState = d.previous_state as TaskState | null;
  return { ...base, entity: 'task', state, previousState, event: taskEventFor(previousState, state) };
}

/**
 * Releases events in `sequence` order, each once. The two subscriptions replay independently, so an event may
 * arrive before an earlier one: it is held until the gap closes. An event at or below the last released
 * sequence, or already held, is a duplicate (a resumed subscription may send again what was held) and dropped.
 */
export class SequenceOrder<T extends { sequence: number }> {
  /** The last sequence released: where a resumed subscription starts (`after_sequence`). */
  private last = 0;
  private readonly held = new Map<number, T>();

  get released(): number {
    return this.last;
  }

  /** Events waiting for an earlier one. */
  get waiting(): number {
    return this.held.size;
  }

  /** Takes an event; false when it is a duplicate. */
  add(ev: T): boolean {
    if (ev.sequence <= this.last || this.held.has(ev.sequence)) return false;
    this.held.set(ev.sequence, ev);
    return true;
  }

  /** The events that follow the last released one without a gap, in order. */
  release(): T[] {
    const out: T[] = [];
    for (let ev = this.held.get(this.last + 1); ev; ev = this.held.get(this.last + 1)) {
      this.held.delete(ev.sequence);
      this.last = ev.sequence;
      out.push(ev);
    }
    return out;
  }
}
