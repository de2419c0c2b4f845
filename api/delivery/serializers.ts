/**
 * The delivery records as API resources. These are Tramontane's extensions, not Mistral's resources: field names
 * are snake_case like Mistral's, but timestamps are ISO 8601 UTC with milliseconds (`2026-05-01T10:00:00.000Z`)
 * and JSON values are JSON (not JSON strings).
 */
import type {
  Attempt,
  Delivery,
  Listener,
  ListenerView,
  StatusRecord,
  TransportSpec,
} from '../../delivery/types.js';
import { maskTransport } from '../../delivery/index.js';
import { listenerOwnerNamespace } from '../../model/index.js';
import type { OutboxEvent } from '../../engine/index.js';

type Json = Record<string, unknown>;

/** Epoch ms as ISO 8601 UTC with milliseconds; null stays null. */
export function isoTime(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** Credentials (header values, a URL's password) are write-only: shown as `***`. */
function transportResource(spec: TransportSpec): Json {
  const t = maskTransport(spec);
  if (t.type === 'http') {
    return { type: 'http', url: t.url, method: t.method, headers: t.headers, timeout_ms: t.timeoutMs };
  }
  return { type: 'amqp', url: t.url, exchange: t.exchange, routing_key: t.routingKey };
}

/**
 * A listener. `secret` only with `{secret: true}` (the answer to its creation: the one time it is shown).
 * `health.backlog` is the number of pending deliveries (0 for a listener just created).
 */
export function listenerResource(l: Listener | ListenerView, opts: { secret?: boolean } = {}): Json {
  const scope: Json = {};
  if (l.scope.workbook !== undefined) scope.workbook = l.scope.workbook;
  if (l.scope.workflow !== undefined) scope.workflow = l.scope.workflow;
  if (l.scope.executionId !== undefined) scope.execution_id = l.scope.executionId;
  if (l.scope.taskName !== undefined) scope.task_name = l.scope.taskName;
  const out: Json = {
    id: l.id,
    name: l.name,
    origin: l.origin,
    owner: l.owner,
    ...(l.origin === 'workbook' ? { owner_namespace: listenerOwnerNamespace(l) } : {}),
    scope,
    events: l.events,
    filter: l.filter,
    transport: transportResource(l.transport),
    format: l.format,
    payload: l.payload ?? null,
    retry: l.retry,
    status: l.status ? { enabled: l.status.enabled, timeout_s: l.status.timeoutS } : null,
    enabled: l.enabled,
    disabled_reason: l.disabledReason,
    health: {
      last_success_at: isoTime(l.health.lastSuccessAt),
      last_failure_at: isoTime(l.health.lastFailureAt),
      failures_in_row: l.health.failuresInRow,
      backlog: 'backlog' in l ? l.backlog : 0,
    },
    created_at: isoTime(l.createdAt),
    updated_at: isoTime(l.updatedAt),
  };
  if (opts.secret && 'secret' in l) out.secret = l.secret;
  return out;
}

export function attemptResource(a: Attempt | Omit<Attempt, 'seq'>): Json {
  return {
    id: a.id,
    code: a.code,
    message: a.message,
    event_id: a.eventId,
    listener_id: a.listenerId,
    delivery_id: a.deliveryId,
    created: isoTime(a.createdAt),
    http_status: a.httpStatus,
    duration_ms: a.durationMs,
    attempt_number: a.attemptNumber,
    trigger: a.trigger,
  };
}

export function deliveryResource(d: Delivery): Json {
  return {
    id: d.id,
    listener_id: d.listenerId,
    state: d.state,
    attempts: d.attempts,
    is_delivered: d.state === 'succeeded',
    status_id: d.statusId,
  };
}

/** Whether an event got through: it has at least one delivery, and every one of them succeeded. */
export function isDelivered(deliveries: readonly Delivery[]): boolean {
  return deliveries.length > 0 && deliveries.every((d) => d.state === 'succeeded');
}

/** An outbox event with its deliveries (one per listener it went to). */
export function eventResource(e: OutboxEvent, deliveries: readonly Delivery[]): Json {
  return {
    id: e.id,
    execution_id: e.executionId,
    root_execution_id: e.rootExecutionId,
    sequence: e.sequence,
    entity: e.entity,
    entity_id: e.entityId,
    event_type: e.eventType,
    state: e.state,
    previous_state: e.previousState,
    payload: e.payload,
    created: isoTime(e.createdAt),
    is_delivered: isDelivered(deliveries),
    deliveries: deliveries.map(deliveryResource),
  };
}

export function statusResource(s: StatusRecord): Json {
  return {
    id: s.id,
    delivery_id: s.deliveryId,
    event_id: s.eventId,
    listener_id: s.listenerId,
    execution_id: s.executionId,
    task_execution_id: s.taskExecutionId,
    task_name: s.taskName,
    status: s.status,
    conclusion: s.conclusion,
    output: s.output,
    deadline: isoTime(s.deadlineAt),
    created_at: isoTime(s.createdAt),
    updated_at: isoTime(s.updatedAt),
  };
}
