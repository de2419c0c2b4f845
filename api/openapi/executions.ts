/** OpenAPI paths of /v2/executions. */
import {
  BAD_REQUEST,
  NOT_FOUND,
  jsonResponse,
  listSchema,
  pathParameter,
} from '../definitions/openapi-parts.js';
import {
  EXECUTION,
  INVALID_STATE,
  JSON_BODY,
  NOT_ALLOWED,
  REPORT,
  TASK,
  TREE_PARAMS,
  pagedList,
  query,
} from '../runtime/openapi-schemas.js';

const ID = pathParameter('id', 'Execution id');
const EXECUTIONS = listSchema('executions', EXECUTION);
const jsonOrText = (what: string) => ({
  description: `${what}: an object, or its JSON text (python-mistralclient sends text)`,
  oneOf: [{ type: 'object' }, { type: 'string' }],
});

const CREATE = {
  type: 'object',
  properties: {
    workflow_name: { type: 'string', description: 'The workflow to run (`wf` or `workbook.wf`)' },
    workflow_id: { type: 'string', description: 'The workflow definition id (wins over workflow_name)' },
    workflow_namespace: { type: 'string' },
    input: jsonOrText('The workflow input'),
    params: jsonOrText(
      'Parameters: `env` (object or environment name), `task_name` (reverse workflows), `notify` (webhooks)',
    ),
    description: { type: 'string' },
    id: {
      type: 'string',
      description: 'Client-chosen id: creating again with the same id returns the existing execution',
    },
    source_execution_id: {
      type: 'string',
      description: "Start again with an earlier execution's workflow, input and params (given ones win)",
    },
  },
};

const UPDATE = {
  type: 'object',
  description:
    'A state change (with state_info), or a description, or params.env; description not with state',
  properties: {
    state: { type: 'string', enum: ['RUNNING', 'PAUSED', 'SUCCESS', 'ERROR', 'CANCELLED'] },
    state_info: { type: 'string' },
    description: { type: 'string' },
    params: jsonOrText('Only `env` is read: merged into the env while IDLE, PAUSED or ERROR, or on resume'),
  },
};

export const paths: Record<string, unknown> = {
  '/executions': {
    get: {
      operationId: 'listExecutions',
      summary: 'List workflow executions (sub-workflow executions included)',
      parameters: [
        ...pagedList(
          ['workflow_name', 'workflow_id', 'state', 'task_execution_id', 'root_execution_id'],
          ['created_at', 'updated_at', 'id', 'state', 'workflow_name'],
        ),
        query('nulls', 'root_execution_id (or task_execution_id): only top-level executions'),
        query('include_output', 'Include output', { type: 'boolean' }),
      ],
      responses: { '200': jsonResponse('A page of executions', EXECUTIONS), '400': BAD_REQUEST },
    },
    post: {
      operationId: 'createExecution',
      summary: 'Start a workflow execution',
      requestBody: JSON_BODY(CREATE, 'What to run'),
      responses: {
        '201': jsonResponse('The execution (or the existing one with that id)', EXECUTION),
        '400': BAD_REQUEST,
        '404': NOT_FOUND,
        '413': BAD_REQUEST,
      },
    },
  },
  '/executions/{id}': {
    get: {
      operationId: 'getExecution',
      summary: 'Show an execution',
      parameters: [ID],
      responses: { '200': jsonResponse('The execution', EXECUTION), '404': NOT_FOUND },
    },
    put: {
      operationId: 'updateExecution',
      summary: 'Pause, resume or stop an execution, or change its description or env',
      parameters: [ID],
      requestBody: JSON_BODY(UPDATE, 'The change'),
      responses: {
        '200': jsonResponse('The execution after the change', EXECUTION),
        '400': INVALID_STATE,
        '404': NOT_FOUND,
      },
    },
    delete: {
      operationId: 'deleteExecution',
      summary: 'Delete an execution with its tasks and sub-workflow executions',
      parameters: [ID, query('force', 'Also delete an unfinished execution', { type: 'boolean' })],
      responses: {
        '204': { description: 'Deleted' },
        '404': NOT_FOUND,
        '409': NOT_ALLOWED,
      },
    },
  },
  '/executions/{id}/tasks': {
    get: {
      operationId: 'listExecutionTasks',
      summary: "List an execution's task executions",
      parameters: [ID, ...pagedList(['name', 'state'], ['created_at', 'updated_at', 'id', 'name', 'state'])],
      responses: {
        '200': jsonResponse('The tasks (all of them unless limit is given)', listSchema('tasks', TASK)),
        '400': BAD_REQUEST,
        '404': NOT_FOUND,
      },
    },
  },
  '/executions/{id}/executions': {
    get: {
      operationId: 'listSubExecutions',
      summary: 'The execution and its sub-workflow executions, depth first',
      parameters: [ID, ...TREE_PARAMS, query('include_output', 'Include output', { type: 'boolean' })],
      responses: { '200': jsonResponse('The executions', EXECUTIONS), '404': NOT_FOUND },
    },
  },
  '/executions/{id}/report': {
    get: {
      operationId: 'getExecutionReport',
      summary: 'The execution tree with task statistics (mistral execution-get-report)',
      parameters: [ID, ...TREE_PARAMS, query('statistics_only', 'Only the statistics', { type: 'boolean' })],
      responses: { '200': jsonResponse('The report', REPORT), '404': NOT_FOUND },
    },
  },
};
