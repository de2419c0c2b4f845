/** OpenAPI paths of /v2/listeners (Tramontane's extension: who receives which events, over which transport). */
import {
  BAD_REQUEST,
  NOT_FOUND,
  errorResponse,
  jsonResponse,
  pathParameter,
} from '../definitions/openapi-parts.js';
import {
  CREATED_LISTENER,
  LISTENER,
  LISTENER_BODY,
  LISTENER_PATCH,
  TIME_PARAM_SCHEMA,
} from '../delivery/openapi-schemas.js';
import { JSON_BODY, query } from '../runtime/openapi-schemas.js';

const ID = pathParameter('id', 'Listener id');
const LISTENER_SECRET = {
  type: 'object',
  required: ['id', 'name', 'secret'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, secret: { type: 'string' } },
};
const OWNED = errorResponse(
  'The listener belongs to a workbook or to an execution (change it there), or the new name is taken',
);

export const paths: Record<string, unknown> = {
  '/listeners': {
    get: {
      operationId: 'listListeners',
      summary: 'List listeners, in creation order',
      parameters: [
        query('marker', 'Id of the last listener of the previous page'),
        query('limit', 'Page size (1 to 1000, default 100)', { type: 'integer', minimum: 1, maximum: 1000 }),
      ],
      responses: {
        '200': jsonResponse('A page of listeners, with a `next` link when there are more', {
          type: 'object',
          required: ['listeners'],
          properties: {
            listeners: { type: 'array', items: LISTENER },
            next: { type: 'string', description: 'URL of the next page, when there is one' },
          },
        }),
        '400': BAD_REQUEST,
      },
    },
    post: {
      operationId: 'createListener',
      summary: 'Create a listener',
      description:
        'Deliveries are signed (Standard Webhooks) with the listener secret: it is returned in this answer only.',
      requestBody: JSON_BODY(LISTENER_BODY, 'The listener'),
      responses: {
        '201': jsonResponse('The listener, with its secret', CREATED_LISTENER),
        '400': BAD_REQUEST,
        '409': errorResponse('A listener of that name exists'),
      },
    },
  },
  '/listeners/{id}/secret': {
    get: {
      operationId: 'getListenerSecret',
      summary: "Show a listener's signing secret (by id or name): how a workbook listener's receiver gets it",
      parameters: [ID],
      responses: { '200': jsonResponse('The listener and its secret', LISTENER_SECRET), '404': NOT_FOUND },
    },
    post: {
      operationId: 'rotateListenerSecret',
      summary: "Replace a listener's signing secret with a new random one, and show it",
      parameters: [ID],
      responses: {
        '200': jsonResponse('The listener and its new secret', LISTENER_SECRET),
        '404': NOT_FOUND,
      },
    },
  },
  '/listeners/{id}': {
    get: {
      operationId: 'getListener',
      summary: 'Show a listener (without its secret)',
      parameters: [ID],
      responses: { '200': jsonResponse('The listener', LISTENER), '404': NOT_FOUND },
    },
    put: {
      operationId: 'updateListener',
      summary: 'Change a listener',
      parameters: [ID],
      requestBody: JSON_BODY(LISTENER_PATCH, 'The fields to change'),
      responses: {
        '200': jsonResponse('The listener after the change', LISTENER),
        '400': BAD_REQUEST,
        '404': NOT_FOUND,
        '409': OWNED,
      },
    },
    delete: {
      operationId: 'deleteListener',
      summary: 'Delete a listener and its pending deliveries (attempts stay, as history)',
      parameters: [ID],
      responses: { '204': { description: 'Deleted' }, '404': NOT_FOUND, '409': OWNED },
    },
  },
  '/listeners/{id}/recover': {
    post: {
      operationId: 'recoverListener',
      summary: 'Queue again the deliveries of the listener given up since a time',
      parameters: [
        ID,
        {
          name: 'since',
          in: 'query',
          required: true,
          description: 'Deliveries created at or after this time',
          schema: TIME_PARAM_SCHEMA,
        },
      ],
      responses: {
        '200': jsonResponse('How many deliveries were queued again', {
          type: 'object',
          properties: { recovered: { type: 'integer' } },
        }),
        '400': BAD_REQUEST,
        '404': NOT_FOUND,
      },
    },
  },
};
