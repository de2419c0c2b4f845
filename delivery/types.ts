/**
 * The delivery area's data model: listeners (who wants which events, over which transport), deliveries (one per
 * event and listener, the unit of ordering and retry), attempts (the log of every try, Stark's Event.Attempt)
 * and statuses (Sirius's feedback loop: what the receiver did with a delivery).
 *
 * These are plain records: the store persists them, the dispatcher moves them through their states, the API
 * serialises them. Times are epoch milliseconds.
 */
import type { EventType } from '../engine/index.js';

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

/** What a caller gives to create a listener; the registry fills in the id, the secret (unless given), health
 * and times. */
export type NewListener = Omit<
  Listener,
  'id' | 'secret' | 'health' | 'createdAt' | 'updatedAt' | 'disabledReason'
> & { secret?: string };

/** The fields a user may change (`PUT /v2/listeners/{id}`); the rest stays. */
export type ListenerPatch = Partial<
  Pick<
    Listener,
    | 'name'
    | 'scope'
    | 'events'
    | 'filter'
    | 'transport'
    | 'format'
    | 'payload'
    | 'retry'
    | 'status'
    | 'enabled'
  >
>;

/** A status update from a receiver (`PUT /v2/statuses/{id}` or the GraphQL `updateStatus` mutation). */
export interface StatusUpdate {
  status: 'in_progress' | 'completed';
  conclusion?: StatusConclusion;
  output?: { title?: string; summary?: string };
}

/** A listener as shown by the API: the record (without its secret) and its backlog. */
export interface ListenerView extends Omit<Listener, 'secret'> {
  backlog: number;
}

/**
 * What the API and the CLI ask of the delivery area (implemented by `DeliveryService`). Reads of deliveries,
 * attempts and events go straight to `store.delivery`.
 */
export interface DeliveryApi {
  /** Validates (egress policy included) and stores; the result carries the secret, the only time it is shown. */
  createListener(input: NewListener): Promise<Listener>;
  /** `ConflictError` for a listener owned by a workbook or an execution's notify. */
  updateListener(id: string, patch: ListenerPatch): Promise<ListenerView>;
  getListener(id: string): Promise<ListenerView>;
  listListeners(filter?: { afterId?: string; limit?: number }): Promise<ListenerView[]>;
  deleteListener(id: string): Promise<void>;
  /** One immediate attempt per listener that has a delivery of the event (or only `listenerId`'s), logged as
   * `manual`. Resolves with the attempts made. */
  redeliver(eventId: number, listenerId?: string): Promise<Attempt[]>;
  /** Puts every delivery of the listener that was given up since `since` back in the queue; resolves with how
   * many. */
  recover(listenerId: string, since: number): Promise<number>;
  /**
   * Makes a workbook's `listeners:` section (already parsed, keyed by full name `<workbook>.<name>`) the
   * registry's truth for that workbook; null removes them (the workbook was deleted).
   */
  syncWorkbookListeners(workbook: string, declared: Map<string, NewListener> | null): Promise<void>;
  /** Checks a listener's transport against the egress policy (`InvalidInputError` naming `transport.url`). */
  checkTransport(l: Pick<Listener, 'transport'>): Promise<void>;
  /** `NotFoundError`, `ConflictError` (already completed) or `InvalidInputError`. */
  updateStatus(id: string, update: StatusUpdate): Promise<StatusRecord>;
}
