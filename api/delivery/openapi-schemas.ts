/**
 * OpenAPI building blocks of the delivery resources (`api/openapi/{listeners,events,statuses}.ts`): the
 * listener, event, attempt and status resources and the parameters their lists share.
 */
import {
  DEFAULT_EXCHANGE,
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_RETRY,
  DEFAULT_STATUS_TIMEOUT_S,
  EVENT_SELECTORS,
  EVENT_TYPES,
  HTTP_METHODS,
  HTTP_TIMEOUT_MS,
  LISTENER_FORMATS,
  MAX_NAME_LENGTH,
  MAX_RETRIES,
  MAX_RETRY_DELAY_S,
  SECRET_FORM,
  STATUS_TIMEOUT_S,
} from '../../model/index.js';

type Json = Record<string, unknown>;

const str = { type: 'string' };
const nullableStr = { type: 'string', nullable: true };
export const ISO_TIME: Json = {
  type: 'string',
  format: 'date-time',
  example: '2026-05-01T10:00:00.000Z',
  description: 'ISO 8601, UTC, with milliseconds',
};
const nullableTime = { ...ISO_TIME, nullable: true };

export const TIME_PARAM_SCHEMA: Json = {
  type: 'string',
  description: "ISO 8601, 'YYYY-MM-DD HH:MM:SS' (UTC) or epoch milliseconds",
  example: '2026-05-01T10:00:00Z',
};

const scope: Json = {
  type: 'object',
  description: 'Every given field must match; empty: every event',
  properties: {
    workbook: { type: 'string', description: 'Workflows of this workbook' },
    workflow: { type: 'string', description: 'One workflow, by qualified name' },
    execution_id: { type: 'string', description: 'One execution and its sub-workflows' },
    task_name: { type: 'string', description: 'Task events of tasks of this name' },
  },
};

const events: Json = {
  type: 'array',
  description: 'EXECUTION, TASK (every event of the entity) or exact event types; empty: every event',
  items: { type: 'string', enum: EVENT_SELECTORS },
};

const httpTransport: Json = {
  type: 'object',
  required: ['type', 'url'],
  properties: {
    type: { type: 'string', enum: ['http'] },
    url: { type: 'string', format: 'uri', description: 'http:// or https://' },
    method: { type: 'string', enum: HTTP_METHODS, default: 'POST' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    timeout_ms: {
      type: 'integer',
      minimum: HTTP_TIMEOUT_MS.min,
      maximum: HTTP_TIMEOUT_MS.max,
      default: DEFAULT_HTTP_TIMEOUT_MS,
    },
  },
};

const amqpTransport: Json = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['amqp'] },
    url: { ...nullableStr, description: "amqp:// or amqps://; null: the server's TRAM_AMQP_URL" },
    exchange: { type: 'string', default: DEFAULT_EXCHANGE, description: 'A durable topic exchange' },
    routing_key: {
      ...nullableStr,
      description: 'Fixed routing key; null: `<entity>.<event type in lower case>`, e.g. task.task_failed',
    },
  },
};

const transport: Json = { oneOf: [httpTransport, amqpTransport] };

const format: Json = {
  type: 'string',
  enum: LISTENER_FORMATS,
  default: 'mistral',
  description:
    "mistral: Mistral's notify payload; cloudevents: CloudEvents 1.0; template: the rendered `payload`",
};

const retry: Json = {
  type: 'array',
  maxItems: MAX_RETRIES,
  items: { type: 'number', minimum: 0, maximum: MAX_RETRY_DELAY_S },
  description: `Delays in seconds before the 2nd, 3rd... attempt; default [${DEFAULT_RETRY.join(', ')}]`,
};

const statusSettings: Json = {
  type: 'object',
  nullable: true,
  required: ['enabled'],
  properties: {
    enabled: { type: 'boolean' },
    timeout_s: {
      type: 'integer',
      minimum: STATUS_TIMEOUT_S.min,
      maximum: STATUS_TIMEOUT_S.max,
      default: DEFAULT_STATUS_TIMEOUT_S,
    },
  },
  description: 'Statuses: each delivery gets a queued status that the receiver completes within timeout_s',
};

const listenerFields: Json = {
  name: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH, description: 'Unique' },
  scope,
  events,
  filter: { ...nullableStr, description: "A YAQL expression over the event (`$.state = 'ERROR'`)" },
  transport,
  format,
  payload: { description: 'The body template (any JSON; strings may hold expressions), for format template' },
  retry,
  status: statusSettings,
  enabled: { type: 'boolean', default: true },
};

const shorthandUrl: Json = {
  type: 'string',
  description: 'Shorthand for an http transport with the defaults',
};

export const LISTENER_BODY: Json = {
  type: 'object',
  required: ['name'],
  properties: {
    ...listenerFields,
    url: shorthandUrl,
    secret: {
      type: 'string',
      pattern: SECRET_FORM.source,
      description: "'whsec_' + base64 of 24 to 64 bytes; default: a random one",
    },
  },
  description: '`transport` or `url` is required',
};

export const LISTENER_PATCH: Json = {
  type: 'object',
  properties: { ...listenerFields, url: shorthandUrl },
  description: 'Only the fields given change (nested fields are replaced whole)',
};

export const LISTENER: Json = {
  type: 'object',
  properties: {
    id: str,
    origin: { type: 'string', enum: ['api', 'notify', 'workbook'] },
    owner: { ...nullableStr, description: 'The workbook or the execution that declared it' },
    owner_namespace: {
      ...str,
      description: "Workbook listeners only: the namespace of their workbook ('' for the default one)",
    },
    ...listenerFields,
    disabled_reason: nullableStr,
    health: {
      type: 'object',
      properties: {
        last_success_at: nullableTime,
        last_failure_at: nullableTime,
        failures_in_row: { type: 'integer' },
        backlog: { type: 'integer', description: 'Pending deliveries' },
      },
    },
    created_at: ISO_TIME,
    updated_at: ISO_TIME,
  },
};

export const CREATED_LISTENER: Json = {
  ...LISTENER,
  properties: {
    ...(LISTENER.properties as Json),
    secret: { type: 'string', description: 'The signing secret: shown in this answer only' },
  },
};

export const ATTEMPT: Json = {
  type: 'object',
  properties: {
    id: str,
    code: {
      type: 'string',
      example: 'success',
      description: 'The outcome: success, badHttpStatus, badConnection, timeout, unroutable, nack...',
    },
    message: str,
    event_id: { type: 'integer' },
    listener_id: str,
    delivery_id: str,
    created: ISO_TIME,
    http_status: { type: 'integer', nullable: true },
    duration_ms: { type: 'integer' },
    attempt_number: { type: 'integer', description: '1 for the first attempt of the delivery' },
    trigger: { type: 'string', enum: ['scheduled', 'manual'] },
  },
};

export const EVENT: Json = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'Position in the outbox' },
    execution_id: str,
    root_execution_id: str,
    sequence: { type: 'integer', description: 'Gap-free number of the event in its execution' },
    entity: { type: 'string', enum: ['execution', 'task'] },
    entity_id: str,
    event_type: { type: 'string', enum: EVENT_TYPES },
    state: str,
    previous_state: nullableStr,
    payload: { type: 'object', description: "Mistral's notify payload" },
    created: ISO_TIME,
    is_delivered: {
      type: 'boolean',
      description: 'At least one delivery, and every delivery succeeded',
    },
    deliveries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: str,
          listener_id: str,
          state: { type: 'string', enum: ['pending', 'succeeded', 'failed'] },
          attempts: { type: 'integer' },
          is_delivered: { type: 'boolean' },
          status_id: nullableStr,
        },
      },
    },
  },
};

export const STATUS: Json = {
  type: 'object',
  properties: {
    id: str,
    delivery_id: str,
    event_id: { type: 'integer' },
    listener_id: str,
    execution_id: str,
    task_execution_id: nullableStr,
    task_name: nullableStr,
    status: { type: 'string', enum: ['queued', 'in_progress', 'completed'] },
    conclusion: { type: 'string', nullable: true, enum: ['success', 'failure', 'timed_out', null] },
    output: {
      type: 'object',
      nullable: true,
      properties: { title: str, summary: str },
    },
    deadline: { ...ISO_TIME, description: 'An open status becomes completed / timed_out at this time' },
    created_at: ISO_TIME,
    updated_at: ISO_TIME,
  },
};

export const STATUS_UPDATE: Json = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['in_progress', 'completed'] },
    conclusion: {
      type: 'string',
      enum: ['success', 'failure', 'timed_out'],
      description: 'Required with completed; refused otherwise',
    },
    output: {
      type: 'object',
      properties: {
        title: { type: 'string', maxLength: 1024 },
        summary: { type: 'string', maxLength: 65535 },
      },
    },
  },
};

/** `{<name>: [...], cursor}`: cursor-paged lists. */
export function cursorList(name: string, item: Json): Json {
  return {
    type: 'object',
    required: [name, 'cursor'],
    properties: {
      [name]: { type: 'array', items: item },
      cursor: { ...nullableStr, description: 'The cursor of the next page; null on the last page' },
    },
  };
}
