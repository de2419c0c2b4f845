/**
 * What the runtime lists accept (`readPage`): the filters the routes apply and the resources' fields as Mistral
 * 15 lists them (its "please choose from [...]" answers). Sort keys are the store's to check: it maps them to
 * columns.
 *
 * Mistral accepts more filters (`description`, `input`, `state_info`, ...); a filter we do not apply is refused
 * by name rather than ignored, so a client never takes an unfiltered list for a filtered one (docs/api.md).
 */
import type { Request } from 'express';
import type { ActionExecutionRecord } from '../../engine/index.js';
import { envelope, type ListQuery, type Page } from '../paging.js';
import { withOutput } from './requests.js';
import { actionExecutionResource } from './serializers.js';

/** Runtime lists answer at most this many items when no `limit` is given (python-mistralclient's default). */
export const DEFAULT_RUNTIME_LIMIT = 100;

/** The Execution resource's fields. */
export const EXECUTION_FIELDS = [
  'id',
  'workflow_id',
  'workflow_name',
  'workflow_namespace',
  'description',
  'tags',
  'params',
  'task_execution_id',
  'root_execution_id',
  'source_execution_id',
  'state',
  'state_info',
  'input',
  'output',
  'created_at',
  'updated_at',
  'project_id',
  'published_global',
];

/** The Task resource's fields. */
export const TASK_FIELDS = [
  'id',
  'name',
  'type',
  'workflow_name',
  'workflow_namespace',
  'workflow_id',
  'workflow_execution_id',
  'tags',
  'state',
  'state_info',
  'project_id',
  'runtime_context',
  'result',
  'published',
  'published_global',
  'processed',
  'created_at',
  'updated_at',
  'started_at',
  'finished_at',
  'reset',
  'env',
];

/** The ActionExecution resource's fields. */
export const ACTION_EXECUTION_FIELDS = [
  'id',
  'name',
  'workflow_name',
  'workflow_execution_id',
  'workflow_namespace',
  'task_name',
  'task_execution_id',
  'state',
  'state_info',
  'tags',
  'description',
  'project_id',
  'accepted',
  'input',
  'output',
  'created_at',
  'updated_at',
  'params',
];

/** `GET /v2/executions`. */
export const EXECUTIONS: ListQuery = {
  filters: ['workflow_name', 'workflow_id', 'state', 'task_execution_id', 'root_execution_id'],
  options: ['nulls', 'include_output', 'all_projects', 'project_id'],
  fields: EXECUTION_FIELDS,
  defaultLimit: DEFAULT_RUNTIME_LIMIT,
};

/** `GET /v2/tasks/{id}/workflow_executions`: the task's sub-workflow executions. */
export const TASK_EXECUTIONS: ListQuery = {
  ...EXECUTIONS,
  filters: [],
  options: ['include_output'],
  defaultLimit: undefined,
};

/** `GET /v2/tasks`. */
export const TASKS: ListQuery = {
  filters: ['workflow_execution_id', 'workflow_name', 'name', 'state'],
  fields: TASK_FIELDS,
  defaultLimit: DEFAULT_RUNTIME_LIMIT,
};

/** `GET /v2/executions/{id}/tasks`. */
export const EXECUTION_TASKS: ListQuery = { ...TASKS, filters: ['name', 'state'], defaultLimit: undefined };

/** `GET /v2/action_executions`. */
export const ACTION_EXECUTIONS: ListQuery = {
  filters: ['task_execution_id', 'workflow_execution_id', 'state'],
  options: ['include_output'],
  fields: ACTION_EXECUTION_FIELDS,
  defaultLimit: DEFAULT_RUNTIME_LIMIT,
};

/** `GET /v2/tasks/{id}/action_executions`. */
export const TASK_ACTION_EXECUTIONS: ListQuery = {
  ...ACTION_EXECUTIONS,
  filters: ['state'],
  defaultLimit: undefined,
};

/** A page of action executions, with `output` only when asked for. */
export function actionExecutionList(
  req: Request,
  page: Page,
  actions: ActionExecutionRecord[],
): Record<string, unknown> {
  const output = withOutput(req, page);
  return envelope(
    req,
    'action_executions',
    actions.map((a) => actionExecutionResource(a, { output })),
    page,
  );
}
