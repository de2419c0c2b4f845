/**
 * The wire protocol of `/v2/ws` (docs/websocket.md): the requests a client sends, once validated, and the
 * messages the server sends back. Every request gets one response `{request_id, errors, status}`; events are
 * `{event, request_id?, data}`. Builders return the JSON text, so that a frame is serialised once.
 */
import type { OutboxEvent } from '../../engine/index.js';

export type RequestId = number | string;

/** What the engine's events are about. */
export type Entity = 'execution' | 'task';

/** The names a client may use for an entity: Tramontane's, and the aliases `flow` and `step`. */
export const ENTITY_NAMES: Readonly<Record<string, Entity>> = {
  execution: 'execution',
  flow: 'execution',
  task: 'task',
  step: 'task',
};

/** Which events of an entity a subscription wants. `all`: everything the token may see. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'execution'; executionId: string }
  | { kind: 'workflow'; workflowName: string }
  | { kind: 'workbook'; workbook: string };

export interface SubscribeRequest {
  action: 'subscribe_state_change';
  requestId: RequestId;
  entity: Entity;
  /** The entity as the client wrote it (`flow`, `task`, ...), echoed in the events. */
  entityName: string;
  scope: Scope;
  /** Replay the execution's events after this sequence first (execution scope only). */
  afterSequence?: number;
}

export interface UnsubscribeRequest {
  action: 'unsubscribe_state_change';
  requestId: RequestId;
}

export interface PingRequest {
  action: 'ping';
  requestId: RequestId;
}

export type Request = SubscribeRequest | UnsubscribeRequest | PingRequest;

/** One problem with a request. `field` is the offending member (`data.execution_id`), when there is one. */
export interface WireError {
  field?: string;
  message: string;
}

/** The engine event fields a state change message is built from (live and replayed events alike). */
export type StreamEvent = Pick<
  OutboxEvent,
  'executionId' | 'sequence' | 'entity' | 'entityId' | 'state' | 'previousState' | 'payload' | 'createdAt'
>;

export function response(requestId: RequestId | null, status: number, errors: WireError[] = []): string {
  return JSON.stringify({ request_id: requestId, errors, status });
}

export function pong(requestId: RequestId): string {
  return JSON.stringify({ action: 'pong', request_id: requestId, errors: [], status: 200 });
}

/**
 * The engine hands each event to every connection in turn: the `data` of the last event is kept, so that the
 * subscriptions of all the connections share one serialisation.
 */
let last: { ev: StreamEvent; entityName: string; json: string } | null = null;

function stateChangeData(ev: StreamEvent, entityName: string): string {
  if (last && last.ev === ev && last.entityName === entityName) return last.json;
  const identifier = ev.payload.name;
  const json = JSON.stringify({
    entity: entityName,
    id: ev.entityId,
    identifier: typeof identifier === 'string' ? identifier : null,
    execution_id: ev.executionId,
    state: ev.state,
    previous_state: ev.previousState,
    sequence: ev.sequence,
    timestamp: new Date(ev.createdAt).toISOString(),
  });
  last = { ev, entityName, json };
  return json;
}

export function stateChange(requestId: RequestId, entityName: string, ev: StreamEvent): string {
  return `{"event":"state_change","request_id":${JSON.stringify(requestId)},"data":${stateChangeData(ev, entityName)}}`;
}

export function overflow(limit: number): string {
  return JSON.stringify({
    event: 'overflow',
    data: {
      limit,
      message:
        `more than ${limit} messages waiting for this client: disconnecting; ` +
        'resume with after_sequence on a new connection',
    },
  });
}
