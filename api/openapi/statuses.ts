/**
 * OpenAPI paths of /v2/statuses, the statuses of an execution or a task, and POST /graphql (Tramontane's
 * extension: what receivers did with the deliveries of listeners that have statuses).
 */
import {
  BAD_REQUEST,
  NOT_FOUND,
  errorResponse,
  jsonResponse,
  pathParameter,
} from '../definitions/openapi-parts.js';
import { STATUS, STATUS_UPDATE } from '../delivery/openapi-schemas.js';
import { JSON_BODY, query } from '../runtime/openapi-schemas.js';

const statuses = jsonResponse('The statuses, oldest first', {
  type: 'object',
  required: ['statuses'],
  properties: { statuses: { type: 'array', items: STATUS } },
});

const graphqlAnswer = {
  type: 'object',
  properties: {
    data: { type: 'object', nullable: true },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          message: { type: 'string' },
          path: { type: 'array', items: { type: 'string' } },
          extensions: {
            type: 'object',
            properties: {
              code: {
                type: 'string',
                enum: [
                  'NOT_FOUND',
                  'CONFLICT',
                  'BAD_USER_INPUT',
                  'BAD_REQUEST',
                  'GRAPHQL_PARSE_FAILED',
                  'GRAPHQL_VALIDATION_FAILED',
                  'INTERNAL_SERVER_ERROR',
                ],
              },
              field: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

export const paths: Record<string, unknown> = {
  '/statuses': {
    get: {
      operationId: 'listStatuses',
      summary: 'List statuses',
      parameters: [
        query('execution_id', 'Only statuses of events of this execution'),
        query('task_execution_id', 'Only statuses of events of this task'),
        query('limit', 'At most this many (1 to 1000, default 1000)', {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
        }),
      ],
      responses: { '200': statuses, '400': BAD_REQUEST },
    },
  },
  '/statuses/{id}': {
    get: {
      operationId: 'getStatus',
      summary: 'Show a status',
      parameters: [pathParameter('id', 'Status id')],
      responses: { '200': jsonResponse('The status', STATUS), '404': NOT_FOUND },
    },
    put: {
      operationId: 'updateStatus',
      summary: 'Move a status on (in_progress, then completed with a conclusion)',
      parameters: [pathParameter('id', 'Status id')],
      requestBody: JSON_BODY(STATUS_UPDATE, 'The new status'),
      responses: {
        '200': jsonResponse('The status after the change', STATUS),
        '400': BAD_REQUEST,
        '404': NOT_FOUND,
        '409': errorResponse('The status is completed already: it cannot change'),
      },
    },
  },
  '/executions/{id}/statuses': {
    get: {
      operationId: 'listExecutionStatuses',
      summary: 'Statuses of an execution and of its sub-workflow executions',
      parameters: [pathParameter('id', 'Workflow execution id')],
      responses: { '200': statuses, '404': NOT_FOUND },
    },
  },
  '/tasks/{id}/statuses': {
    get: {
      operationId: 'listTaskStatuses',
      summary: "Statuses of a task's events",
      parameters: [pathParameter('id', 'Task execution id')],
      responses: { '200': statuses, '404': NOT_FOUND },
    },
  },
  '/graphql': {
    servers: [{ url: '/' }, { url: '/v2' }],
    post: {
      operationId: 'graphql',
      summary: 'GraphQL: read and update statuses',
      description:
        'Served at /graphql (and /v2/graphql). Schema: `Query.status(id)`, ' +
        '`Mutation.updateStatus(input: {id, status, conclusion, output: {title, summary}})`. ' +
        'Resolver errors answer 200 with `errors[].extensions.code` (NOT_FOUND, CONFLICT, BAD_USER_INPUT); ' +
        'a request that cannot run (syntax, validation, variables) answers 400.',
      requestBody: JSON_BODY(
        {
          type: 'object',
          required: ['query'],
          properties: {
            query: { type: 'string' },
            variables: { type: 'object', nullable: true },
            operationName: { type: 'string', nullable: true },
          },
        },
        'A GraphQL request',
      ),
      responses: {
        '200': jsonResponse('The result (resolver errors included)', graphqlAnswer),
        '400': jsonResponse('A request that cannot run', graphqlAnswer),
      },
    },
  },
};
