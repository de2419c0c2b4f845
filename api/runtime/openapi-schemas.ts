/**
 * OpenAPI building blocks of the runtime resources (`api/openapi/{executions,tasks,action-executions}.ts`):
 * Mistral's Execution, Task and ActionExecution resources and the query parameters of their lists.
 */
import { errorResponse } from '../definitions/openapi-parts.js';
import { TASK_STATES, WORKFLOW_STATES } from './states.js';

type Json = Record<string, unknown>;

const str = { type: 'string' };
const nullableStr = { type: 'string', nullable: true };
const jsonText = (what: string): Json => ({
  type: 'string',
  nullable: true,
  description: `${what}, as JSON text (Mistral's wire format)`,
});
const timestamp = { type: 'string', nullable: true, example: '2026-01-01 12:00:00' };
const tags = { type: 'array', items: str };

export const EXECUTION: Json = {
  type: 'object',
  properties: {
    id: str,
    workflow_id: str,
    workflow_name: str,
    workflow_namespace: str,
    description: str,
    tags,
    params: jsonText('Parameters (env, notify, task_name, ...)'),
    task_execution_id: { ...nullableStr, description: 'The parent task, for a sub-workflow execution' },
    root_execution_id: {
      ...nullableStr,
      description: 'The top-level execution, for a sub-workflow execution',
    },
    source_execution_id: nullableStr,
    state: { type: 'string', enum: WORKFLOW_STATES },
    state_info: nullableStr,
    input: jsonText('The workflow input'),
    output: jsonText('The workflow output (left out of lists unless include_output=true)'),
    created_at: timestamp,
    updated_at: timestamp,
    project_id: str,
    published_global: jsonText('Variables published with publish/global'),
  },
};

export const TASK: Json = {
  type: 'object',
  properties: {
    id: str,
    name: str,
    type: { type: 'string', enum: ['ACTION', 'WORKFLOW'] },
    workflow_name: str,
    workflow_namespace: str,
    workflow_id: str,
    workflow_execution_id: str,
    tags,
    state: { type: 'string', enum: TASK_STATES },
    state_info: nullableStr,
    project_id: str,
    runtime_context: jsonText('Engine bookkeeping (with-items, retries)'),
    result: jsonText('The task result'),
    published: jsonText('Variables the task published'),
    published_global: jsonText('Always null: globals are kept per execution'),
    processed: { type: 'boolean' },
    reset: { type: 'boolean' },
    env: jsonText('Always null'),
    created_at: timestamp,
    updated_at: timestamp,
    started_at: timestamp,
    finished_at: timestamp,
  },
};

export const ACTION_EXECUTION: Json = {
  type: 'object',
  properties: {
    id: { ...nullableStr, description: 'null for an action run outside a workflow (not stored)' },
    name: str,
    workflow_name: nullableStr,
    workflow_namespace: str,
    workflow_execution_id: str,
    task_name: nullableStr,
    task_execution_id: nullableStr,
    state: { type: 'string', enum: TASK_STATES },
    state_info: nullableStr,
    tags,
    accepted: { type: 'boolean' },
    input: jsonText('The action input'),
    output: jsonText('The action output, `{"result": ...}`'),
    description: str,
    params: jsonText('Parameters'),
    created_at: timestamp,
    updated_at: timestamp,
  },
};

const entry = (props: Json): Json => ({
  type: 'object',
  properties: {
    id: str,
    name: str,
    state: str,
    state_info: nullableStr,
    created_at: timestamp,
    updated_at: timestamp,
    ...props,
  },
});

export const REPORT: Json = {
  type: 'object',
  properties: {
    statistics: {
      type: 'object',
      properties: Object.fromEntries(
        ['total', 'running', 'success', 'error', 'idle', 'paused'].map((s) => [
          `${s}_tasks_count`,
          { type: 'integer' },
        ]),
      ),
    },
    root_workflow_execution: entry({
      task_executions: {
        type: 'array',
        items: entry({
          type: str,
          retry_count: { type: 'integer' },
          action_executions: { type: 'array', items: entry({ last_heartbeat: nullableStr }) },
          workflow_executions: {
            type: 'array',
            description: 'Sub-workflow executions, each shaped like root_workflow_execution',
            items: { type: 'object' },
          },
        }),
      },
    }),
  },
};

export const INVALID_STATE = errorResponse(
  'The change is not allowed in the current state (reason in faultstring)',
);
export const NOT_ALLOWED = errorResponse('Refused: the resource is in a state that does not allow it');

export function query(name: string, description: string, schema: Json = str): Json {
  return { name, in: 'query', required: false, description, schema };
}

/** Mistral's list parameters (marker, limit, sort_keys, sort_dirs, fields) and equality filters. */
export function pagedList(filters: string[], sortKeys: string[]): Json[] {
  return [
    query('marker', 'Id of the last item of the previous page'),
    query('limit', 'Page size (-1: all)', { type: 'integer', minimum: -1 }),
    query('sort_keys', `Sort key (default: created_at)`, { type: 'string', enum: sortKeys }),
    query('sort_dirs', 'asc (default) or desc', { type: 'string', enum: ['asc', 'desc'] }),
    query('fields', 'Comma-separated fields to return (id is always returned)'),
    ...filters.map((f) => query(f, `Only items whose ${f} equals this value (optionally written eq:value)`)),
  ];
}

/** The query parameters of the tree walks (sub-executions, report). */
export const TREE_PARAMS: Json[] = [
  query('errors_only', 'Only tasks in ERROR (and what they ran)', { type: 'boolean' }),
  query('max_depth', 'Levels of sub-workflows to descend into (negative: all)', { type: 'integer' }),
];

export const JSON_BODY = (schema: Json, description: string): Json => ({
  required: true,
  description,
  content: { 'application/json': { schema } },
});
