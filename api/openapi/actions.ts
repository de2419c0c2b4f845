/** OpenAPI paths of /v2/actions. */
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

const ACTION = {
  type: 'object',
  properties: {
    ...COMMON_FIELDS,
    namespace: { type: 'string' },
    is_system: { type: 'boolean', description: 'true for registered actions (std.* and plug-ins)' },
    input: { type: 'string', description: 'The input parameters, e.g. `url, method="GET"`' },
    description: { type: 'string', nullable: true },
    tags: TAGS_FIELD,
    definition: {
      type: 'string',
      nullable: true,
      description: 'The YAML it came from (null for system actions)',
    },
  },
};

const ACTIONS = listSchema('actions', ACTION);
const IDENTIFIER = pathParameter('identifier', 'Action name or id');
const NAMESPACE_PATH = pathParameter('namespace', "The action's namespace (python-mistralclient's form)");

const get = (operationId: string, parameters: unknown[]) => ({
  operationId,
  summary: 'Show an action',
  parameters,
  responses: { '200': jsonResponse('The action', ACTION), '404': NOT_FOUND },
});

const del = (operationId: string, parameters: unknown[]) => ({
  operationId,
  summary: 'Delete an ad-hoc action (system actions and workbook actions cannot be deleted: 400)',
  parameters,
  responses: { '204': { description: 'Deleted' }, '400': BAD_REQUEST, '404': NOT_FOUND },
});

const UPDATED = {
  '200': jsonResponse('The actions updated', ACTIONS),
  '400': INVALID_DEFINITION,
  '404': NOT_FOUND,
};

export const paths: Record<string, unknown> = {
  '/actions': {
    get: {
      operationId: 'listActions',
      summary: 'List the system and ad-hoc actions',
      parameters: listParameters([
        'id',
        'name',
        'namespace',
        'scope',
        'tags',
        'is_system',
        'input',
        'description',
        'created_at',
        'updated_at',
      ]),
      responses: { '200': jsonResponse('A page of actions', ACTIONS), '400': BAD_REQUEST },
    },
    post: {
      operationId: 'createActions',
      summary: "Create the ad-hoc actions of a YAML document (`version: '2.0'` and actions keyed by name)",
      parameters: [NAMESPACE_QUERY, SCOPE_QUERY],
      requestBody: YAML_BODY,
      responses: {
        '201': jsonResponse('The actions created', ACTIONS),
        '400': INVALID_DEFINITION,
        '409': CONFLICT,
      },
    },
    put: {
      operationId: 'updateActions',
      summary: 'Replace the ad-hoc actions a YAML document defines',
      parameters: [NAMESPACE_QUERY, SCOPE_QUERY],
      requestBody: YAML_BODY,
      responses: UPDATED,
    },
  },
  '/actions/validate': validateOperation('validateActions', 'an actions definition'),
  '/actions/{identifier}': {
    get: get('getAction', [IDENTIFIER, NAMESPACE_QUERY]),
    put: {
      operationId: 'updateAction',
      summary: 'Replace one ad-hoc action; the document must define exactly that action',
      parameters: [IDENTIFIER, NAMESPACE_QUERY, SCOPE_QUERY],
      requestBody: YAML_BODY,
      responses: UPDATED,
    },
    delete: del('deleteAction', [IDENTIFIER, NAMESPACE_QUERY]),
  },
  '/actions/{identifier}/{namespace}': {
    get: get('getActionInNamespace', [IDENTIFIER, NAMESPACE_PATH]),
    delete: del('deleteActionInNamespace', [IDENTIFIER, NAMESPACE_PATH]),
  },
};
