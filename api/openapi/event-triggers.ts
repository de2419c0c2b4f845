/** OpenAPI paths of /v2/event_triggers (Mistral's event triggers, with Tramontane's `filter` and `input_map`). */

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const time = { type: 'string', nullable: true, example: '2026-11-23 10:51:00', description: 'UTC' };
const jsonObject = {
  description: 'JSON object, or a string holding one',
  oneOf: [{ type: 'object' }, { type: 'string' }],
};
const filter = {
  type: 'string',
  description:
    'Tramontane: YAQL over the notification (`$.payload`, `$.context`, ...); falsy: nothing starts',
};
const inputMap = {
  ...jsonObject,
  description:
    'Tramontane: workflow input values evaluated over the notification (`<% $.payload.instance_id %>`), ' +
    'merged over workflow_input',
};

const eventTrigger = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    workflow_id: { type: 'string', format: 'uuid' },
    workflow_input: { type: 'string', description: 'JSON object, as a string' },
    workflow_params: { type: 'string', description: 'JSON object, as a string' },
    exchange: { type: 'string' },
    topic: { type: 'string' },
    event: { type: 'string', description: 'The event_type that starts the workflow' },
    scope: { type: 'string', enum: ['private', 'public'] },
    filter,
    input_map: { type: 'string', description: 'JSON object, as a string (only when set)' },
    project_id: { type: 'string' },
    created_at: time,
    updated_at: time,
  },
};

const createBody = {
  type: 'object',
  required: ['workflow_id', 'exchange', 'topic', 'event'],
  properties: {
    name: { type: 'string' },
    workflow_id: { type: 'string', description: 'The workflow id (or, Tramontane only, its name)' },
    exchange: { type: 'string', maxLength: 80 },
    topic: { type: 'string', maxLength: 80 },
    event: { type: 'string', maxLength: 80 },
    workflow_input: { ...jsonObject, description: 'Checked against the workflow input' },
    workflow_params: jsonObject,
    scope: { type: 'string', enum: ['private', 'public'] },
    filter,
    input_map: inputMap,
  },
};

const updateBody = {
  type: 'object',
  description: 'exchange, topic and event cannot change',
  properties: {
    name: { type: 'string' },
    workflow_input: jsonObject,
    workflow_params: jsonObject,
    scope: { type: 'string', enum: ['private', 'public'] },
    filter,
    input_map: inputMap,
  },
};

const page = {
  type: 'object',
  properties: { event_triggers: { type: 'array', items: eventTrigger }, next: { type: 'string' } },
};

const id = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Event trigger id',
  schema: { type: 'string' },
};
const one = { 'application/json': { schema: eventTrigger } };
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

export const paths: Record<string, unknown> = {
  '/event_triggers': {
    get: {
      summary: 'List event triggers',
      tags: ['event_triggers'],
      parameters: [
        query('marker', 'Id of the last trigger of the previous page'),
        query('limit', 'Page size; -1 for all', { type: 'integer' }),
        query(
          'sort_keys',
          'created_at (default), updated_at, name, id, workflow_id, exchange, topic or event',
        ),
        query('sort_dirs', 'asc (default) or desc'),
        query('fields', 'Comma-separated fields to return (id is always included)'),
        ...['name', 'workflow_id', 'exchange', 'topic', 'event', 'scope'].map((f) =>
          query(f, `Only triggers with this ${f}`),
        ),
      ],
      responses: {
        '200': {
          description: 'One page of event triggers, with a `next` link when the page is full',
          content: { 'application/json': { schema: page } },
        },
        '400': error('Invalid paging or sort parameters'),
      },
    },
    post: {
      summary: 'Create an event trigger',
      description:
        'Each notification of type `event` arriving on (exchange, topic) starts the workflow once, with the ' +
        'event in `params.event_params`.',
      tags: ['event_triggers'],
      requestBody: { required: true, content: { 'application/json': { schema: createBody } } },
      responses: {
        '201': { description: 'Created', content: one },
        '400': error(
          'A required field is missing, the workflow input does not fit, or an expression is invalid',
        ),
        '404': error('No such workflow'),
        '409': error('A trigger of this exchange, topic, event and workflow exists'),
      },
    },
  },
  '/event_triggers/{id}': {
    get: {
      summary: 'Get an event trigger',
      tags: ['event_triggers'],
      parameters: [id],
      responses: {
        '200': { description: 'The event trigger', content: one },
        '404': error('No such trigger'),
      },
    },
    put: {
      summary: 'Update an event trigger',
      tags: ['event_triggers'],
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: updateBody } } },
      responses: {
        '200': { description: 'The updated trigger', content: one },
        '400': error('exchange, topic or event given, or an invalid field'),
        '404': error('No such trigger'),
      },
    },
    delete: {
      summary: 'Delete an event trigger',
      tags: ['event_triggers'],
      parameters: [id],
      responses: { '204': { description: 'Deleted' }, '404': error('No such trigger') },
    },
  },
};
