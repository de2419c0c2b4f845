/** OpenAPI paths of /v2/workbooks. */
import {
  BAD_REQUEST,
  COMMON_FIELDS,
  CONFLICT,
  INVALID_DEFINITION,
  NAMESPACE_QUERY,
  NOT_FOUND,
  SCOPE_QUERY,
  TAGS_FIELD,
  YAML_BODY,
  jsonResponse,
  listParameters,
  listSchema,
  pathParameter,
  validateOperation,
} from '../definitions/openapi-parts.js';

const WORKBOOK = {
  type: 'object',
  properties: {
    ...COMMON_FIELDS,
    namespace: { type: 'string' },
    definition: { type: 'string', description: 'The YAML text as uploaded' },
    tags: TAGS_FIELD,
  },
};

const NAME = pathParameter('name', 'Workbook name');

export const paths: Record<string, unknown> = {
  '/workbooks': {
    get: {
      operationId: 'listWorkbooks',
      summary: 'List workbooks',
      parameters: listParameters(['name', 'namespace', 'scope', 'tags', 'created_at', 'updated_at']),
      responses: {
        '200': jsonResponse('A page of workbooks', listSchema('workbooks', WORKBOOK)),
        '400': BAD_REQUEST,
      },
    },
    post: {
      operationId: 'createWorkbook',
      summary: 'Create a workbook from its YAML definition',
      parameters: [NAMESPACE_QUERY, SCOPE_QUERY],
      requestBody: YAML_BODY,
      responses: {
        '201': jsonResponse('The workbook', WORKBOOK),
        '400': INVALID_DEFINITION,
        '409': CONFLICT,
      },
    },
    put: {
      operationId: 'updateWorkbook',
      summary: 'Replace the workbook the YAML definition names (with its workflows and actions)',
      parameters: [NAMESPACE_QUERY, SCOPE_QUERY],
      requestBody: YAML_BODY,
      responses: {
        '200': jsonResponse('The workbook', WORKBOOK),
        '400': INVALID_DEFINITION,
        '404': NOT_FOUND,
      },
    },
  },
  '/workbooks/validate': validateOperation('validateWorkbook', 'a workbook definition'),
  '/workbooks/{name}': {
    get: {
      operationId: 'getWorkbook',
      summary: 'Show a workbook',
      parameters: [NAME, NAMESPACE_QUERY],
      responses: { '200': jsonResponse('The workbook', WORKBOOK), '404': NOT_FOUND },
    },
    delete: {
      operationId: 'deleteWorkbook',
      summary: 'Delete a workbook, its workflows and its actions',
      parameters: [NAME, NAMESPACE_QUERY],
      responses: { '204': { description: 'Deleted' }, '404': NOT_FOUND },
    },
  },
};
