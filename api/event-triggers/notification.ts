/**
 * OpenStack notifications as they arrive on RabbitMQ, read into one shape. Two forms are accepted:
 *
 * - oslo.messaging's envelope (message format 2.0): `{"oslo.version": "2.0", "oslo.message": "<JSON text>"}`;
 * - the plain form (format 1.0, or a publisher that is not oslo): the notification object itself.
 *
 * Either way the notification has `event_type`, `payload`, `publisher_id`, `priority`, `timestamp`,
 * `message_id`, and its request context as `_context_*` keys (oslo) or a `context` object. The message id
 * that makes processing exactly-once is the notification's `message_id`, else the AMQP `message_id`
 * property, else a hash of the body (two identical bodies without ids are then the same message).
 *
 * `eventParams` is what Mistral gives the workflow as `params.event_params`: its default event definition
 * (`service`, `project_id`, `user_id`, `timestamp`), to which Tramontane adds `event_type`, `message_id`,
 * `priority` and the `payload` itself.
 */
import crypto from 'node:crypto';

export interface Notification {
  messageId: string;
  eventType: string;
  publisherId: string | null;
  priority: string | null;
  payload: unknown;
  timestamp: string | null;
  context: Record<string, unknown>;
}

export type ParseResult = { ok: true; notification: Notification } | { ok: false; reason: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

/** The notification object inside a message body (either form), or why there is none. */
function unwrap(body: Buffer): Record<string, unknown> | string {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return `the body is not JSON: ${(err as Error).message}`;
  }
  if (!isObject(doc)) return 'the body is not a JSON object';
  if (!('oslo.message' in doc)) return doc;
  const inner = doc['oslo.message'];
  if (typeof inner !== 'string') return "'oslo.message' is not a string";
  try {
    const parsed: unknown = JSON.parse(inner);
    return isObject(parsed) ? parsed : "'oslo.message' does not hold a JSON object";
  } catch (err) {
    return `'oslo.message' is not JSON: ${(err as Error).message}`;
  }
}

/** Reads a message body (and its AMQP message id, if any) as a notification. */
export function parseNotification(body: Buffer, amqpMessageId?: string): ParseResult {
  const n = unwrap(body);
  if (typeof n === 'string') return { ok: false, reason: `not an OpenStack notification: ${n}` };
  const eventType = str(n.event_type);
  if (!eventType) return { ok: false, reason: "not an OpenStack notification: no 'event_type'" };
  const context: Record<string, unknown> = isObject(n.context) ? { ...n.context } : {};
  for (const [k, v] of Object.entries(n)) if (k.startsWith('_context_')) context[k.slice(9)] = v;
  const messageId =
    str(n.message_id) ??
    (amqpMessageId || null) ??
    `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`;
  return {
    ok: true,
    notification: {
      messageId,
      eventType,
      publisherId: str(n.publisher_id) ?? str(n.publisher),
      priority: str(n.priority),
      payload: n.payload ?? null,
      timestamp: str(n.timestamp) ?? str(context.timestamp),
      context,
    },
  };
}

/** `params.event_params` of the executions a notification starts. */
export function eventParams(n: Notification): Record<string, unknown> {
  return {
    service: n.publisherId,
    project_id: n.context.project_id ?? null,
    user_id: n.context.user_id ?? null,
    timestamp: n.timestamp,
    event_type: n.eventType,
    message_id: n.messageId,
    priority: n.priority,
    payload: n.payload,
  };
}

/** What a trigger's `filter` and `input_map` see as `$`: the notification, with Mistral's field names. */
export function notificationView(n: Notification): Record<string, unknown> {
  return {
    event_type: n.eventType,
    message_id: n.messageId,
    publisher_id: n.publisherId,
    priority: n.priority,
    payload: n.payload,
    timestamp: n.timestamp,
    context: n.context,
  };
}
