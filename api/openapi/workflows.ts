/** OpenAPI paths of /v2/workflows. */
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

const WORKFLOW = {
  type: 'object',
  properties: {
    ...COMMON_FIELDS,
    namespace: { type: 'string' },
    input: { type: 'string', description: 'The input parameters, e.g. `name, greeting="Hello"`' },
    interface: {
      type: 'object',
      description: 'The input as written (`["name", {"greeting": "Hello"}]`) and the keys of the output',
      properties: { input: { type: 'array' }, output: { type: 'array', items: { type: 'string' } } },
    },
    definition: {
      type: 'string',
      description: "The workflow's YAML (its own part of a multi-workflow upload)",
    },
    tags: TAGS_FIELD,
  },
};

const WORKFLOWS = listSchema('workflows', WORKFLOW);
const IDENTIFIER = pathParameter('identifier', 'Workflow id or name');

export const paths: Record<string, unknown> = {
  '/workflows': {
    get: {
      operationId: 'listWorkflows',
      summary: 'List workflows (standalone and from workbooks)',
      parameters: listParameters([
        'id',
        'name',
        'namespace',
        'scope',
        'tags',
        'input',
        'created_at',
        'updated_at',
      ]),
      responses: { '200': jsonResponse('A page of workflows', WORKFLOWS), '400': BAD_REQUEST },
    },
    post: {
      operationId: 'createWorkflows',
      summary: 'Create the workflows a YAML document defines',
      parameters: [NAMESPACE_QUERY, SCOPE_QUERY],
      requestBody: YAML_BODY,
      responses: {
        '201': jsonResponse('The workflows created', WORKFLOWS),
        '400': INVALID_DEFINITION,
        '409': CONFLICT,
      },
    },
    put: {
      operationId: 'updateWorkflows',
      summary: 'Replace the workflows a YAML document defines',
      parameters: [NAMESPACE_QUERY, SCOPE_QUERY],
      requestBody: YAML_BODY,
      responses: {
        '200': jsonResponse('The workflows updated', WORKFLOWS),
        '400': INVALID_DEFINITION,
        '404': NOT_FOUND,
      },
    },
  },
  '/workflows/validate': validateOperation('validateWorkflows', 'a workflows definition'),
  '/workflows/{identifier}': {
    get: {
      operationId: 'getWorkflow',
      summary: 'Show a workflow',
      parameters: [IDENTIFIER, NAMESPACE_QUERY],
      responses: { '200': jsonResponse('The workflow', WORKFLOW), '404': NOT_FOUND },
    },
    put: {
      operationId: 'updateWorkflow',
      summary: 'Replace one workflow; the document must define exactly that workflow',
      parameters: [IDENTIFIER, NAMESPACE_QUERY, SCOPE_QUERY],
      requestBody: YAML_BODY,
      responses: {
        '200': jsonResponse('The workflow', WORKFLOW),
        '400': INVALID_DEFINITION,
        '404': NOT_FOUND,
      },
    },
    delete: {
      operationId: 'deleteWorkflow',
      summary: 'Delete a standalone workflow (a workbook workflow goes with its workbook: 400)',
      parameters: [IDENTIFIER, NAMESPACE_QUERY],
      responses: { '204': { description: 'Deleted' }, '400': BAD_REQUEST, '404': NOT_FOUND },
    },
  },
};
