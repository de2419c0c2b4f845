/**
 * The delivery area's data model: listeners (who wants which events, over which transport), deliveries (one per
 * event and listener, the unit of ordering and retry), attempts (the log of every try, Stark's Event.Attempt)
 * and statuses (Sirius's feedback loop: what the receiver did with a delivery).
 *
 * These are plain records: the store persists them, the dispatcher moves them through their states, the API
 * serialises them. Times are epoch milliseconds. They live below delivery, store and API so that the store does
 * not import the delivery area.
 */
import type { EventType } from './execution.js';

/** An event category (every event of an entity) or one exact event type. */
export type EventSelector = 'EXECUTION' | 'TASK' | EventType;

/** What a listener covers. Every given field must match; an empty scope covers everything. */
export interface ListenerScope {
  /** Workflows of this workbook (`wb.` prefix of the workflow name). */
  workbook?: string;
  /** One workflow, by qualified name. */
  workflow?: string;
  /** One execution and its sub-workflows (matched on the event's execution or root execution). */
  executionId?: string;
  /** Task events of tasks of this name (execution events never match a scope with a task name). */
  taskName?: string;
}

export interface HttpTransportSpec {
  type: 'http';
  url: string;
  /** @default 'POST' */
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  /** @default 10000 */
  timeoutMs: number;
}

export interface AmqpTransportSpec {
  type: 'amqp';
  /** The broker; null: the server's `TRAM_AMQP_URL`. */
  url: string | null;
  /** A durable topic exchange, declared on first use. @default 'tram.events' */
  exchange: string;
  /** A fixed routing key; null: `<entity>.<event type in lower case>`, e.g. `task.task_failed`. */
  routingKey: string | null;
}

export type TransportSpec = HttpTransportSpec | AmqpTransportSpec;

/**
 * `mistral`: Mistral's notify payload plus `event_id`, `sequence` and `previous_state`.
 * `cloudevents`: a CloudEvents 1.0 event (structured JSON over HTTP, `ce-*` headers over AMQP).
 * `template`: the listener's `payload` template (YAQL / Jinja expressions over the event) rendered as the body.
 */
export type ListenerFormat = 'mistral' | 'cloudevents' | 'template';

/** Where a listener came from: it decides who may change it (a workbook owns the listeners it declares). */
export type ListenerOrigin = 'api' | 'notify' | 'workbook';

export interface ListenerHealth {
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  /** Start of the current run of failures (null after a success): drives automatic disabling. */
  firstFailureAt: number | null;
  failuresInRow: number;
}

export interface Listener {
  id: string;
  name: string;
  origin: ListenerOrigin;
  /** The workbook that declared it (origin `workbook`), or the execution whose `params.notify` did (`notify`). */
  owner: string | null;
  /**
   * The namespace of the owning workbook (origin `workbook`): a workbook is (name, namespace), so `wb` in two
   * namespaces owns two sets of listeners. Absent on records written before namespaces were told apart, which
   * all belong to the default namespace ('').
   */
  ownerNamespace?: string;
  scope: ListenerScope;
  /** Empty: every event. */
  events: EventSelector[];
  /** A YAQL expression over the event (`$.event`, `$.entity`, `$.state`, `$.payload`...); falsy skips it. */
  filter: string | null;
  transport: TransportSpec;
  format: ListenerFormat;
  /** The body template when `format` is `template` (any JSON value; strings may hold expressions). */
  payload: unknown;
  /** Delays in seconds before the 2nd, 3rd... attempt; its length is the number of retries. */
  retry: number[];
  /** Statuses: a delivery gets a `queued` status that the receiver completes within `timeoutS`. */
  status: { enabled: boolean; timeoutS: number } | null;
  /** `whsec_` + base64 of 32 random bytes. Returned once, at creation. */
  secret: string;
  enabled: boolean;
  /** Why it was disabled (by a 410, by failing for too long, or by a user). */
  disabledReason: string | null;
  health: ListenerHealth;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryState = 'pending' | 'succeeded' | 'failed';

/** One event for one listener: created by the dispatcher's fan-out, stable across retries and redeliveries. */
export interface Delivery {
  id: string;
  /** The outbox event's id. */
  eventId: number;
  listenerId: string;
  /** Deliveries of one key go out one at a time, in event order: the event's root execution id. */
  orderKey: string;
  state: DeliveryState;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (pending deliveries). */
  nextAttemptAt: number;
  /** The outcome code of the last attempt. */
  lastCode: AttemptCode | null;
  /** The delivery's status id, when the listener has statuses. */
  statusId: string | null;
  createdAt: number;
  updatedAt: number;
}

export type AttemptCode =
  | 'success'
  | 'badHttpStatus'
  | 'badConnection'
  | 'timeout'
  | 'unroutable'
  | 'nack'
  /** The listener's payload template failed to render (our extension: no transport was tried). */
  | 'badPayload';

export interface Attempt {
  id: string;
  /** Position in the attempt log (assigned by the store): the cursor of `GET /v2/event_attempts`. */
  seq: number;
  deliveryId: string;
  eventId: number;
  listenerId: string;
  code: AttemptCode;
  message: string;
  httpStatus: number | null;
  durationMs: number;
  /** 1 for the first attempt of the delivery. */
  attemptNumber: number;
  /** `manual`: a redelivery asked for through the API. */
  trigger: 'scheduled' | 'manual';
  createdAt: number;
}

export type StatusState = 'queued' | 'in_progress' | 'completed';
export type StatusConclusion = 'success' | 'failure' | 'timed_out';

export interface StatusRecord {
  id: string;
  deliveryId: string;
  eventId: number;
  listenerId: string;
  executionId: string;
  rootExecutionId: string;
  /** For task events. */
  taskExecutionId: string | null;
  taskName: string | null;
  status: StatusState;
  conclusion: StatusConclusion | null;
  output: { title?: string; summary?: string } | null;
  /** A status still open at this time becomes `completed` / `timed_out`. */
  deadlineAt: number;
  createdAt: number;
  updatedAt: number;
}
