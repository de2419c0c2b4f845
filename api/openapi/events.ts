/** OpenAPI paths of /v2/events and /v2/event_attempts (Tramontane's extension: the outbox and its deliveries). */
import { BAD_REQUEST, NOT_FOUND, jsonResponse, pathParameter } from '../definitions/openapi-parts.js';
import { ATTEMPT, EVENT, TIME_PARAM_SCHEMA, cursorList } from '../delivery/openapi-schemas.js';
import { query } from '../runtime/openapi-schemas.js';

const cursor = query('cursor', 'The `cursor` of the previous page (opaque)');
const limit = query('limit', 'Page size (1 to 100, default 100)', {
  type: 'integer',
  minimum: 1,
  maximum: 100,
});
const after = query('after', 'Only items created after this time', TIME_PARAM_SCHEMA);
const before = query('before', 'Only items created before this time', TIME_PARAM_SCHEMA);
const list = (description: string) => ({
  type: 'string',
  description: `${description}: comma-separated, or the parameter repeated`,
});

export const paths: Record<string, unknown> = {
  '/events': {
    get: {
      operationId: 'listEvents',
      summary: 'List events with their deliveries, oldest first',
      description:
        'is_delivered filters each page after its deliveries are loaded: a page can then hold fewer than ' +
        '`limit` events (even none) while its cursor leads on.',
      parameters: [
        cursor,
        limit,
        query('execution_id', 'Only events of this execution'),
        query('root_execution_id', 'Only events of this execution tree'),
        query('event_types', 'Event types, or EXECUTION / TASK', list('Event types, EXECUTION or TASK')),
        query('entity', 'execution or task', { type: 'string', enum: ['execution', 'task'] }),
        after,
        before,
        query('is_delivered', 'Only events (not) delivered to every listener', { type: 'boolean' }),
      ],
      responses: { '200': jsonResponse('A page of events', cursorList('events', EVENT)), '400': BAD_REQUEST },
    },
  },
  '/events/{id}': {
    get: {
      operationId: 'getEvent',
      summary: 'Show an event with its deliveries',
      parameters: [pathParameter('id', 'Event id (an integer)')],
      responses: { '200': jsonResponse('The event', EVENT), '400': BAD_REQUEST, '404': NOT_FOUND },
    },
  },
  '/events/{id}/redeliver': {
    post: {
      operationId: 'redeliverEvent',
      summary: "Try the event's deliveries again now (one manual attempt per listener)",
      parameters: [
        pathParameter('id', 'Event id (an integer)'),
        query('listener_id', 'Only the delivery to this listener'),
      ],
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema: { type: 'object', properties: { listener_id: { type: 'string' } } },
          },
        },
      },
      responses: {
        '200': jsonResponse('The attempts made', {
          type: 'object',
          properties: { attempts: { type: 'array', items: ATTEMPT } },
        }),
        '400': BAD_REQUEST,
        '404': NOT_FOUND,
      },
    },
  },
  '/event_attempts': {
    get: {
      operationId: 'listEventAttempts',
      summary: 'List delivery attempts, oldest first',
      parameters: [
        cursor,
        limit,
        after,
        before,
        query('event_ids', 'Only attempts of these events', list('Event ids')),
        query('listener_ids', 'Only attempts for these listeners', list('Listener ids')),
      ],
      responses: {
        '200': jsonResponse('A page of attempts', cursorList('attempts', ATTEMPT)),
        '400': BAD_REQUEST,
      },
    },
  },
  '/event_attempts/{id}': {
    get: {
      operationId: 'getEventAttempt',
      summary: 'Show a delivery attempt',
      parameters: [pathParameter('id', 'Attempt id')],
      responses: { '200': jsonResponse('The attempt', ATTEMPT), '404': NOT_FOUND },
    },
  },
};
