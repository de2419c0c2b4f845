/** OpenAPI paths of /v2/action_executions. */
import {
  BAD_REQUEST,
  NOT_FOUND,
  jsonResponse,
  listSchema,
  pathParameter,
} from '../definitions/openapi-parts.js';
import {
  ACTION_EXECUTION,
  INVALID_STATE,
  JSON_BODY,
  NOT_ALLOWED,
  pagedList,
} from '../runtime/openapi-schemas.js';

const ID = pathParameter('id', 'Action execution id');
const jsonOrText = (what: string) => ({
  description: `${what}: an object, or its JSON text`,
  oneOf: [{ type: 'object' }, { type: 'string' }],
});

const COMPLETE = {
  type: 'object',
  required: ['state'],
  properties: {
    state: { type: 'string', enum: ['SUCCESS', 'ERROR', 'CANCELLED'] },
    output: jsonOrText('The result (SUCCESS) or the error (ERROR)'),
  },
};

const RUN = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'A registered action, e.g. std.echo' },
    input: jsonOrText('The action input'),
    params: jsonOrText('`timeout` (seconds); `run_sync` is implied; `save_result` is not supported'),
    description: { type: 'string' },
  },
};

export const paths: Record<string, unknown> = {
  '/action_executions': {
    get: {
      operationId: 'listActionExecutions',
      summary: 'List action executions',
      parameters: pagedList(
        ['task_execution_id', 'workflow_execution_id', 'state'],
        ['created_at', 'updated_at', 'id', 'state'],
      ),
      responses: {
        '200': jsonResponse('A page of action executions', listSchema('action_executions', ACTION_EXECUTION)),
        '400': BAD_REQUEST,
      },
    },
    post: {
      operationId: 'runAction',
      summary: 'Run an action outside a workflow and return its result (not stored)',
      requestBody: JSON_BODY(RUN, 'The action and its input'),
      responses: {
        '201': jsonResponse('The finished action execution', ACTION_EXECUTION),
        '400': BAD_REQUEST,
      },
    },
  },
  '/action_executions/{id}': {
    get: {
      operationId: 'getActionExecution',
      summary: 'Show an action execution',
      parameters: [ID],
      responses: { '200': jsonResponse('The action execution', ACTION_EXECUTION), '404': NOT_FOUND },
    },
    put: {
      operationId: 'completeActionExecution',
      summary: 'Complete an asynchronous action execution (the async-action protocol)',
      parameters: [ID],
      requestBody: JSON_BODY(COMPLETE, 'The outcome'),
      responses: {
        '200': jsonResponse('The completed action execution', ACTION_EXECUTION),
        '400': INVALID_STATE,
        '404': NOT_FOUND,
      },
    },
    delete: {
      operationId: 'deleteActionExecution',
      summary: "Refused, as in Mistral's default configuration",
      parameters: [ID],
      responses: { '404': NOT_FOUND, '409': NOT_ALLOWED },
    },
  },
};
