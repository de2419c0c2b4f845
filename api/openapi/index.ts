/**
 * The OpenAPI 3 document of the whole API, served at /v2/openapi.json. Each resource describes its own paths
 * in its module; this file assembles them (and tests check that the routes match it).
 */
import { paths as actionExecutions } from './action-executions.js';
import { paths as actions } from './actions.js';
import { paths as cronTriggers } from './cron-triggers.js';
import { paths as environments } from './environments.js';
import { paths as events } from './events.js';
import { paths as eventTriggers } from './event-triggers.js';
import { paths as executions } from './executions.js';
import { paths as listeners } from './listeners.js';
import { paths as statuses } from './statuses.js';
import { paths as tasks } from './tasks.js';
import { paths as workbooks } from './workbooks.js';
import { paths as workflows } from './workflows.js';

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Tramontane API',
      version: '2.0',
      description: "OpenStack Mistral's REST API v2, and Tramontane's extensions beside it.",
    },
    servers: [{ url: '/v2' }],
    components: {
      securitySchemes: {
        token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['faultstring', 'code'],
          properties: {
            faultstring: { type: 'string' },
            code: { type: 'string' },
            field: { type: 'string' },
          },
        },
      },
    },
    security: [{ token: [] }, { bearer: [] }, {}],
    paths: {
      ...workbooks,
      ...workflows,
      ...actions,
      ...environments,
      ...executions,
      ...tasks,
      ...actionExecutions,
      ...cronTriggers,
      ...eventTriggers,
      ...listeners,
      ...events,
      ...statuses,
    },
  };
}
