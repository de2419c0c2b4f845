/**
 * Building blocks of the OpenAPI descriptions of the definition resources (`api/openapi/{workbooks,workflows,
 * actions,environments}.ts`): list parameters, YAML uploads, the validate answer and error responses.
 */

type Json = Record<string, unknown>;

export function errorResponse(description: string): Json {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

export function jsonResponse(description: string, schema: Json): Json {
  return { description, content: { 'application/json': { schema } } };
}

export const BAD_REQUEST = errorResponse('Invalid request (the `field` names the culprit)');
export const INVALID_DEFINITION = errorResponse(
  'Invalid definition: `faultstring` lists every problem as `file:line:col: message`, `issues` holds them',
);
export const NOT_FOUND = errorResponse('No such resource');
export const CONFLICT = errorResponse('A resource of that name already exists');

export function pathParameter(name: string, description: string): Json {
  return { name, in: 'path', required: true, description, schema: { type: 'string' } };
}

function query(name: string, description: string, schema: Json = { type: 'string' }): Json {
  return { name, in: 'query', required: false, description, schema };
}

export const NAMESPACE_QUERY = query('namespace', "Namespace (default: '')");
export const SCOPE_QUERY = query('scope', 'Visibility (default: private)', {
  type: 'string',
  enum: ['private', 'public'],
});

/** Mistral's list parameters, plus the filters a resource accepts (`name=neq:x`, `scope=in:a,b`, ...). */
export function listParameters(filters: string[]): Json[] {
  return [
    query('marker', 'Id of the last item of the previous page'),
    query('limit', 'Page size (default: all)', { type: 'integer', minimum: -1 }),
    query('sort_keys', 'Sort key (default: created_at)'),
    query('sort_dirs', 'asc (default) or desc', { type: 'string', enum: ['asc', 'desc'] }),
    query('fields', 'Comma-separated fields to return (id is always returned)'),
    ...filters.map((f) =>
      query(f, `Filter on ${f}: a value, or op:value with op in eq, neq, in, nin, has, gt, gte, lt, lte`),
    ),
  ];
}

/** The envelope of a list: `{<name>: [...], next?}`. */
export function listSchema(name: string, item: Json): Json {
  return {
    type: 'object',
    required: [name],
    properties: {
      [name]: { type: 'array', items: item },
      next: { type: 'string', description: 'URL of the next page, when this page is full' },
    },
  };
}

export const YAML_BODY: Json = {
  required: true,
  description: 'The definition, as YAML text (python-mistralclient sends text/plain)',
  content: {
    'text/plain': { schema: { type: 'string' } },
    'application/x-yaml': { schema: { type: 'string' } },
  },
};

/** `POST /<resource>/validate`. */
export function validateOperation(operationId: string, what: string): Json {
  return {
    post: {
      operationId,
      summary: `Check ${what} without saving it`,
      requestBody: YAML_BODY,
      responses: {
        '200': jsonResponse('The verdict (a definition error is an answer, not a failure)', {
          type: 'object',
          required: ['valid'],
          properties: {
            valid: { type: 'boolean' },
            error: { type: 'string', description: 'Every problem, one `file:line:col: message` per line' },
            issues: { type: 'array', items: ISSUE },
          },
        }),
      },
    },
  };
}

const ISSUE: Json = {
  type: 'object',
  properties: {
    file: { type: 'string' },
    line: { type: 'integer' },
    col: { type: 'integer' },
    message: { type: 'string' },
    path: { type: 'string' },
  },
};

const nullableString = { type: 'string', nullable: true };

/** Fields every definition resource has. */
export const COMMON_FIELDS: Record<string, Json> = {
  id: { type: 'string' },
  name: { type: 'string' },
  scope: { type: 'string', enum: ['private', 'public'] },
  project_id: { type: 'string', example: '<default-project>' },
  created_at: { ...nullableString, example: '2026-01-01 12:00:00' },
  updated_at: { ...nullableString, description: 'null until the first update' },
};

export const TAGS_FIELD: Json = { type: 'array', items: { type: 'string' } };
