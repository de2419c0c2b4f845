/**
 * The resources of Mistral's REST API v2 as the CLI reads them, and the one quirk of their wire format: `input`,
 * `output`, `params`, `published`, `result`, `variables` (and the cron trigger's `workflow_input` and
 * `workflow_params`) are JSON *strings* inside the JSON document. `decode` parses them once, on arrival, so that
 * tables and `--json` output show real values.
 */
import type { TaskState, WorkflowState } from '../../engine/index.js';

/**
 * Fields that Mistral sends as JSON text, per resource. A workflow's or an action's `input` is not one of them:
 * it is a plain parameter list (`name, greeting="Hello"`).
 */
export const JSON_TEXT_FIELDS = {
  execution: ['input', 'output', 'params', 'published_global'],
  task: ['result', 'published', 'published_global', 'runtime_context', 'env'],
  actionExecution: ['input', 'output', 'params'],
  cronTrigger: ['workflow_input', 'workflow_params'],
  environment: ['variables'],
  none: [],
} as const satisfies Record<string, readonly string[]>;

export type ResourceKind = keyof typeof JSON_TEXT_FIELDS;

/** Every resource has an id; the rest is typed where the CLI relies on it. */
export interface Resource {
  id: string;
  [field: string]: unknown;
}

export interface Workbook extends Resource {
  name: string;
  namespace?: string;
  definition?: string;
}

export interface Workflow extends Resource {
  name: string;
  /** A workflow's input stays text in Mistral: `name, greeting="Hello"`. */
  input?: string;
  definition?: string;
}

export interface Action extends Resource {
  name: string;
}

export interface Execution extends Resource {
  workflow_name: string;
  state: WorkflowState;
  state_info: string | null;
  input?: unknown;
  output?: unknown;
  params?: unknown;
}

export interface Task extends Resource {
  name: string;
  workflow_execution_id: string;
  state: TaskState;
  state_info: string | null;
  result?: unknown;
  published?: unknown;
}

export interface ActionExecution extends Resource {
  name: string;
  state: TaskState;
  output?: unknown;
}

export interface CronTrigger extends Resource {
  name: string;
  workflow_name: string;
  pattern: string | null;
}

export interface Environment extends Resource {
  name: string;
  variables?: unknown;
}

/** `{valid: true}` or `{valid: false, error: "..."}` from the `validate` endpoints (`warnings` when valid with some). */
export interface Validation {
  valid: boolean;
  error?: string | null;
  /** One `file:line:col: warning: message` per line: Tramontane only (Mistral sends none). */
  warnings?: string | null;
}

/** Parses one JSON-text field; text that is not JSON stays as it is (a server may send plain strings). */
export function decodeJsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** The resource with the JSON-text fields of its kind parsed. */
export function decode<T extends Resource>(kind: ResourceKind, resource: T): T {
  const out: Record<string, unknown> = { ...resource };
  for (const f of JSON_TEXT_FIELDS[kind]) if (f in out) out[f] = decodeJsonText(out[f]);
  return out as T;
}

/** A value as Mistral expects it in a request: JSON text. */
export function encodeJsonText(v: unknown): string {
  return JSON.stringify(v);
}

// ---- Tramontane's delivery resources (listeners, events, attempts, statuses). Not Mistral's: their JSON values
// are JSON (no JSON-text fields) and their times ISO 8601 with milliseconds.

/** What a listener covers; every given field must match. */
export interface ListenerScope {
  workbook?: string;
  workflow?: string;
  execution_id?: string;
  task_name?: string;
}

export interface HttpListenerTransport {
  type: 'http';
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  timeout_ms?: number;
}

export interface AmqpListenerTransport {
  type: 'amqp';
  /** null: the server's `TRAM_AMQP_URL`. */
  url?: string | null;
  exchange?: string;
  /** null: `<entity>.<event type in lower case>`. */
  routing_key?: string | null;
}

export type ListenerTransport = HttpListenerTransport | AmqpListenerTransport;

export interface ListenerStatusSettings {
  enabled: boolean;
  timeout_s?: number;
}

/** A listener as `GET /v2/listeners/{id}` answers it; `secret` only in the answer to its creation. */
export interface Listener extends Resource {
  name: string;
  origin: 'api' | 'notify' | 'workbook';
  owner: string | null;
  scope: ListenerScope;
  events: string[];
  filter: string | null;
  transport: ListenerTransport;
  format: string;
  payload: unknown;
  retry: number[];
  status: ListenerStatusSettings | null;
  enabled: boolean;
  disabled_reason: string | null;
  health: {
    last_success_at: string | null;
    last_failure_at: string | null;
    failures_in_row: number;
    backlog: number;
  };
  created_at: string;
  updated_at: string;
  secret?: string;
}

/** The body of `POST /v2/listeners` (`name` and a transport or `url` required) and `PUT /v2/listeners/{id}`
 * (only the fields given change; `scope` and `transport` are replaced whole). */
export interface ListenerBody {
  name?: string;
  scope?: ListenerScope;
  events?: string[];
  filter?: string | null;
  transport?: ListenerTransport;
  url?: string;
  format?: string;
  payload?: unknown;
  retry?: number[];
  status?: ListenerStatusSettings | null;
  secret?: string;
  enabled?: boolean;
}

/** One event for one listener: stable across retries and redeliveries. */
export interface EventDelivery {
  id: string;
  listener_id: string;
  state: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  is_delivered: boolean;
  status_id: string | null;
}

/** An outbox event (`GET /v2/events/{id}`) with its deliveries. Its id is a number: its place in the outbox. */
export interface EventResource {
  id: number;
  execution_id: string;
  root_execution_id: string;
  sequence: number;
  entity: 'execution' | 'task';
  entity_id: string;
  event_type: string;
  state: string;
  previous_state: string | null;
  payload: Record<string, unknown>;
  created: string;
  /** At least one delivery, and every one succeeded. */
  is_delivered: boolean;
  deliveries: EventDelivery[];
  [field: string]: unknown;
}

/** One try of a delivery (`GET /v2/event_attempts`). */
export interface EventAttempt {
  id: string;
  code: string;
  message: string;
  event_id: number;
  listener_id: string;
  delivery_id: string;
  created: string;
  http_status: number | null;
  duration_ms: number;
  attempt_number: number;
  trigger: 'scheduled' | 'manual';
  [field: string]: unknown;
}

/** What a receiver did with a delivery (`GET /v2/executions/{id}/statuses`, `PUT /v2/statuses/{id}`). */
export interface DeliveryStatus {
  id: string;
  delivery_id: string;
  event_id: number;
  listener_id: string;
  execution_id: string;
  task_execution_id: string | null;
  task_name: string | null;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'timed_out' | null;
  output: { title?: string; summary?: string } | null;
  deadline: string;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}
