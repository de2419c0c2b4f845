/** OpenAPI paths of /v2/tasks. */
import {
  BAD_REQUEST,
  NOT_FOUND,
  jsonResponse,
  listSchema,
  pathParameter,
} from '../definitions/openapi-parts.js';
import {
  ACTION_EXECUTION,
  EXECUTION,
  INVALID_STATE,
  JSON_BODY,
  TASK,
  TREE_PARAMS,
  pagedList,
  query,
} from '../runtime/openapi-schemas.js';

const ID = pathParameter('id', 'Task execution id');
const TASK_SORT = ['created_at', 'updated_at', 'id', 'name', 'state'];

const UPDATE = {
  type: 'object',
  required: ['state'],
  properties: {
    state: { type: 'string', enum: ['RUNNING', 'SKIPPED'], description: 'RUNNING re-runs, SKIPPED skips' },
    reset: { type: 'boolean', description: 'Required to re-run; only true is supported' },
    env: {
      description: 'Variables merged into the execution env before the re-run (object or JSON text)',
      oneOf: [{ type: 'object' }, { type: 'string' }],
    },
  },
};

export const paths: Record<string, unknown> = {
  '/tasks': {
    get: {
      operationId: 'listTasks',
      summary: 'List task executions',
      parameters: pagedList(['workflow_execution_id', 'name', 'state'], TASK_SORT),
      responses: { '200': jsonResponse('A page of tasks', listSchema('tasks', TASK)), '400': BAD_REQUEST },
    },
  },
  '/tasks/{id}': {
    get: {
      operationId: 'getTask',
      summary: 'Show a task execution',
      parameters: [ID],
      responses: { '200': jsonResponse('The task', TASK), '404': NOT_FOUND },
    },
    put: {
      operationId: 'updateTask',
      summary: 'Re-run or skip a task in ERROR',
      parameters: [ID],
      requestBody: JSON_BODY(UPDATE, 'The change'),
      responses: {
        '200': jsonResponse('The task after the change', TASK),
        '400': INVALID_STATE,
        '404': NOT_FOUND,
      },
    },
  },
  '/tasks/{id}/action_executions': {
    get: {
      operationId: 'listTaskActionExecutions',
      summary: "List a task's action executions",
      parameters: [ID, ...pagedList(['state'], ['created_at', 'updated_at', 'id', 'state'])],
      responses: {
        '200': jsonResponse('The action executions', listSchema('action_executions', ACTION_EXECUTION)),
        '404': NOT_FOUND,
      },
    },
  },
  '/tasks/{id}/workflow_executions': {
    get: {
      operationId: 'listTaskWorkflowExecutions',
      summary: 'List the sub-workflow executions a task started',
      parameters: [
        ID,
        ...pagedList([], ['created_at', 'updated_at', 'id', 'state', 'workflow_name']),
        query('include_output', 'Include output', { type: 'boolean' }),
      ],
      responses: {
        '200': jsonResponse('The executions', listSchema('executions', EXECUTION)),
        '404': NOT_FOUND,
      },
    },
  },
  '/tasks/{id}/executions': {
    get: {
      operationId: 'listTaskSubExecutions',
      summary: 'The sub-workflow executions under a task, at any depth',
      parameters: [ID, ...TREE_PARAMS, query('include_output', 'Include output', { type: 'boolean' })],
      responses: {
        '200': jsonResponse('The executions', listSchema('executions', EXECUTION)),
        '404': NOT_FOUND,
      },
    },
  },
};
