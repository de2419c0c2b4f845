/** OpenAPI paths of /v2/cron_triggers (Mistral's cron triggers: create, list, get, delete; no update). */

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const nullableString = { type: 'string', nullable: true };
const time = { type: 'string', nullable: true, example: '2026-11-23 10:51:00', description: 'UTC' };

const cronTrigger = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    pattern: {
      ...nullableString,
      description:
        'node-cron pattern evaluated in UTC: 5 fields, or 6 with seconds first (`*/10 * * * * *`). ' +
        'Null for a one-off trigger.',
    },
    workflow_name: { type: 'string' },
    workflow_id: { type: 'string' },
    workflow_input: { type: 'string', description: 'JSON object, as a string' },
    workflow_params: { type: 'string', description: 'JSON object, as a string' },
    scope: { type: 'string', enum: ['private', 'public'] },
    first_execution_time: time,
    next_execution_time: time,
    remaining_executions: {
      type: 'integer',
      nullable: true,
      minimum: 1,
      description: 'Runs left; null: unlimited. The trigger is deleted after its last run.',
    },
    project_id: { type: 'string' },
    created_at: time,
    updated_at: time,
  },
};

const createBody = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 255 },
    workflow_name: { type: 'string', description: 'Required unless workflow_id is given' },
    workflow_id: { type: 'string', description: 'Takes precedence over workflow_name' },
    workflow_input: {
      description: 'JSON object, or a string holding one; checked against the workflow input',
      oneOf: [{ type: 'object' }, { type: 'string' }],
    },
    workflow_params: {
      description: 'Execution params (env, notify, ...): JSON object, or a string holding one',
      oneOf: [{ type: 'object' }, { type: 'string' }],
    },
    pattern: { type: 'string', description: 'Required unless first_execution_time is given' },
    first_execution_time: {
      type: 'string',
      example: '2026-11-23 10:51',
      description: '`YYYY-MM-DD HH:MM` in UTC, at least one minute ahead',
    },
    remaining_executions: {
      type: 'integer',
      minimum: 1,
      nullable: true,
      description: 'Number of runs; default unlimited with a pattern, 1 without. Above 1 needs a pattern.',
    },
  },
};

const identifier = {
  name: 'identifier',
  in: 'path',
  required: true,
  description: 'Cron trigger name or id',
  schema: { type: 'string' },
};

const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

export const paths: Record<string, unknown> = {
  '/cron_triggers': {
    get: {
      summary: 'List cron triggers',
      tags: ['cron_triggers'],
      parameters: [
        query('marker', 'Id of the last trigger of the previous page'),
        query('limit', 'Page size; -1 for all', { type: 'integer' }),
        query(
          'sort_keys',
          'created_at (default), updated_at, name, id, workflow_name or next_execution_time',
        ),
        query('sort_dirs', 'asc (default) or desc'),
        query('fields', 'Comma-separated fields to return (id is always included)'),
        query('name', 'Only the trigger of this name'),
        query('workflow_name', 'Only triggers of this workflow'),
        query('workflow_id', 'Only triggers of this workflow id'),
        query('pattern', 'Only triggers with this pattern'),
        query('scope', 'Only triggers with this scope'),
      ],
      responses: {
        '200': {
          description: 'One page of cron triggers, with a `next` link when the page is full',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  cron_triggers: { type: 'array', items: cronTrigger },
                  next: { type: 'string' },
                },
              },
            },
          },
        },
        '400': error('Invalid paging or sort parameters'),
      },
    },
    post: {
      summary: 'Create a cron trigger',
      description:
        'Starts the workflow at first_execution_time if given, else at each time of the pattern, ' +
        'remaining_executions times. Runs missed while no server was up collapse into one catch-up run.',
      tags: ['cron_triggers'],
      requestBody: { required: true, content: { 'application/json': { schema: createBody } } },
      responses: {
        '201': { description: 'Created', content: { 'application/json': { schema: cronTrigger } } },
        '400': error('Invalid pattern, time, count or workflow input (the field is named)'),
        '404': error('No such workflow'),
        '409': error('A cron trigger of this name exists'),
      },
    },
  },
  '/cron_triggers/{identifier}': {
    get: {
      summary: 'Get a cron trigger',
      tags: ['cron_triggers'],
      parameters: [identifier],
      responses: {
        '200': { description: 'The cron trigger', content: { 'application/json': { schema: cronTrigger } } },
        '404': error('No such cron trigger'),
      },
    },
    delete: {
      summary: 'Delete a cron trigger',
      tags: ['cron_triggers'],
      parameters: [identifier],
      responses: { '204': { description: 'Deleted' }, '404': error('No such cron trigger') },
    },
  },
};
