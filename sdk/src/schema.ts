/**
 * The wire contract of Tramontane's events: JSON Schemas of the `mistral`-format body of EXECUTION and TASK
 * events (Mistral's notify payload plus `event_id`, `sequence`, `previous_state`), and of the AMQP routing keys.
 *
 * This file is the one source of truth shared by both ends: the server serves these schemas in its OpenAPI
 * document and its tests validate every body it delivers against them (strictly: a field added, removed or
 * renamed on either side fails), and the SDK derives its TypeScript types from them at type level
 * (`json-schema-to-ts`), so the types cannot drift from what the server sends. It imports nothing.
 */

export const EXECUTION_EVENT_TYPES = [
  'WORKFLOW_LAUNCHED',
  'WORKFLOW_SUCCEEDED',
  'WORKFLOW_FAILED',
  'WORKFLOW_CANCELLED',
  'WORKFLOW_PAUSED',
  'WORKFLOW_RESUMED',
  'WORKFLOW_RERUN',
] as const;

export const TASK_EVENT_TYPES = [
  'TASK_LAUNCHED',
  'TASK_SUCCEEDED',
  'TASK_FAILED',
  'TASK_CANCELLED',
  'TASK_PAUSED',
  'TASK_RESUMED',
  'TASK_RERUN',
  'TASK_SKIPPED',
] as const;

export const WORKFLOW_STATES = ['IDLE', 'RUNNING', 'PAUSED', 'SUCCESS', 'ERROR', 'CANCELLED'] as const;
export const TASK_STATES = [
  'IDLE',
  'WAITING',
  'RUNNING',
  'DELAYED',
  'PAUSED',
  'SUCCESS',
  'ERROR',
  'CANCELLED',
  'SKIPPED',
] as const;

const nullableString = { type: ['string', 'null'] } as const;
/** `YYYY-MM-DD HH:MM:SS`, UTC (Mistral's format). */
const time = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' } as const;
const nullableTime = { type: ['string', 'null'], pattern: time.pattern } as const;

/** Fields every `mistral`-format event body has beside Mistral's payload. */
const tramFields = {
  /** The event's position in the server's outbox. */
  event_id: { type: 'integer', minimum: 1 },
  /** 1, 2, 3, ... per workflow execution, without gaps. */
  sequence: { type: 'integer', minimum: 1 },
} as const;

export const executionEventSchema = {
  $id: 'https://tramontane.dev/schemas/execution-event.json',
  title: 'ExecutionEvent',
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'name',
    'workflow_name',
    'workflow_namespace',
    'workflow_id',
    'state',
    'state_info',
    'project_id',
    'task_execution_id',
    'root_execution_id',
    'created_at',
    'updated_at',
    'event',
    'event_id',
    'sequence',
    'previous_state',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    workflow_name: { type: 'string' },
    workflow_namespace: { type: 'string' },
    workflow_id: { type: 'string' },
    state: { enum: WORKFLOW_STATES },
    state_info: nullableString,
    project_id: { type: 'string' },
    task_execution_id: nullableString,
    root_execution_id: nullableString,
    created_at: time,
    updated_at: time,
    event: { enum: EXECUTION_EVENT_TYPES },
    ...tramFields,
    previous_state: { enum: [...WORKFLOW_STATES, null] },
  },
} as const;

export const taskEventSchema = {
  $id: 'https://tramontane.dev/schemas/task-event.json',
  title: 'TaskEvent',
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'name',
    'workflow_execution_id',
    'workflow_name',
    'workflow_namespace',
    'workflow_id',
    'state',
    'state_info',
    'type',
    'project_id',
    'created_at',
    'updated_at',
    'started_at',
    'finished_at',
    'event',
    'event_id',
    'sequence',
    'previous_state',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    workflow_execution_id: { type: 'string' },
    workflow_name: { type: 'string' },
    workflow_namespace: { type: 'string' },
    workflow_id: { type: 'string' },
    state: { enum: TASK_STATES },
    state_info: nullableString,
    type: { enum: ['ACTION', 'WORKFLOW'] },
    project_id: { type: 'string' },
    created_at: time,
    updated_at: time,
    started_at: nullableTime,
    finished_at: nullableTime,
    event: { enum: TASK_EVENT_TYPES },
    ...tramFields,
    previous_state: { enum: [...TASK_STATES, null] },
  },
} as const;

/** The AMQP routing key of an event: `<entity>.<event type in lower case>`, e.g. `task.task_failed`. */
export function routingKey(entity: 'execution' | 'task', eventType: string): string {
  return `${entity}.${eventType.toLowerCase()}`;
}

/** The exchange the server publishes to unless a listener names another. */
export const DEFAULT_EXCHANGE = 'tram.events';
