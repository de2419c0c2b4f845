/** OpenAPI paths of /v2/environments. */
import {
  BAD_REQUEST,
  COMMON_FIELDS,
  CONFLICT,
  NOT_FOUND,
  jsonResponse,
  listParameters,
  listSchema,
  pathParameter,
} from '../definitions/openapi-parts.js';

const ENVIRONMENT = {
  type: 'object',
  properties: {
    ...COMMON_FIELDS,
    description: { type: 'string', nullable: true },
    variables: { type: 'string', description: 'The variables, as a JSON string (Mistral wire format)' },
  },
};

const BODY = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          variables: {
            oneOf: [{ type: 'object' }, { type: 'string', description: 'A JSON object, as a string' }],
          },
          scope: { type: 'string', enum: ['private', 'public'] },
        },
      },
    },
  },
};

const NAME = pathParameter('name', 'Environment name (or id)');

export const paths: Record<string, unknown> = {
  '/environments': {
    get: {
      operationId: 'listEnvironments',
      summary: 'List environments',
      parameters: listParameters(['id', 'name', 'description', 'scope', 'created_at', 'updated_at']),
      responses: {
        '200': jsonResponse('A page of environments', listSchema('environments', ENVIRONMENT)),
        '400': BAD_REQUEST,
      },
    },
    post: {
      operationId: 'createEnvironment',
      summary: 'Create an environment',
      requestBody: BODY,
      responses: {
        '201': jsonResponse('The environment', ENVIRONMENT),
        '400': BAD_REQUEST,
        '409': CONFLICT,
      },
    },
    put: {
      operationId: 'updateEnvironment',
      summary: 'Update the environment the body names (only the fields given)',
      requestBody: BODY,
      responses: {
        '200': jsonResponse('The environment', ENVIRONMENT),
        '400': BAD_REQUEST,
        '404': NOT_FOUND,
      },
    },
  },
  '/environments/{name}': {
    get: {
      operationId: 'getEnvironment',
      summary: 'Show an environment',
      parameters: [NAME],
      responses: { '200': jsonResponse('The environment', ENVIRONMENT), '404': NOT_FOUND },
    },
    delete: {
      operationId: 'deleteEnvironment',
      summary: 'Delete an environment',
      parameters: [NAME],
      responses: { '204': { description: 'Deleted' }, '404': NOT_FOUND },
    },
  },
};
