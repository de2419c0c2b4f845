/**
 * The Express application: metrics and probes (`ops/`), body parsing (size-limited; YAML uploads as text),
 * request ids and structured logs, authentication, the /v2 resources, GraphQL (statuses) at /graphql, and one error handler. Routes live in
 * `routes/`, one module per resource.
 */
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { authMiddleware } from './auth.js';
import { boundedBody } from './body-bounds.js';
import type { ApiContext } from './context.js';
import { consoleRoutes } from './console.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { opsRoutes, type OpsOptions } from './ops/index.js';
import { graphqlHandler } from './graphql/handler.js';
import { requestLogging } from './logging.js';
import { openApiDocument } from './openapi/index.js';
import { actionExecutionsRoutes } from './routes/action-executions.js';
import { actionsRoutes } from './routes/actions.js';
import { cronTriggersRoutes } from './routes/cron-triggers.js';
import { environmentsRoutes } from './routes/environments.js';
import { eventAttemptsRoutes } from './routes/event-attempts.js';
import { eventTriggersRoutes } from './routes/event-triggers.js';
import { eventsRoutes } from './routes/events.js';
import { executionsRoutes } from './routes/executions.js';
import { listenersRoutes } from './routes/listeners.js';
import { statusesRoutes } from './routes/statuses.js';
import { tasksRoutes } from './routes/tasks.js';
import { workbooksRoutes } from './routes/workbooks.js';
import { workflowsRoutes } from './routes/workflows.js';

export function createApp(ctx: ApiContext, logger: Logger, ops: OpsOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  if (ops.metrics) app.use(ops.metrics.httpMiddleware());
  // Probes and scrapers carry no token, and are not worth a log line each.
  app.use(opsRoutes(ops));
  app.use(requestLogging(logger, ctx.config.logHeaders));
  app.get('/', (_req, res) => {
    res.json({ versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ href: '/v2', rel: 'self' }] }] });
  });
  // The console's pages are public (they ask for the token); its graph route checks it.
  app.use(consoleRoutes(ctx));
  app.use(authMiddleware(ctx.config.authTokens));
  app.use(express.json({ limit: ctx.config.maxBody, strict: false }));
  // Definitions are uploaded as YAML text; Mistral clients send text/plain (or nothing).
  app.use(
    express.text({ limit: ctx.config.maxBody, type: ['text/*', 'application/x-yaml', 'application/yaml'] }),
  );
  app.use(boundedBody);

  const v2 = express.Router();
  v2.get('/', (_req, res) => {
    res.json({ uri: '/v2' });
  });
  v2.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  v2.use('/workbooks', workbooksRoutes(ctx));
  v2.use('/workflows', workflowsRoutes(ctx));
  v2.use('/actions', actionsRoutes(ctx));
  v2.use('/environments', environmentsRoutes(ctx));
  v2.use('/executions', executionsRoutes(ctx));
  v2.use('/tasks', tasksRoutes(ctx));
  v2.use('/action_executions', actionExecutionsRoutes(ctx));
  v2.use('/cron_triggers', cronTriggersRoutes(ctx));
  v2.use('/event_triggers', eventTriggersRoutes(ctx));
  v2.use('/listeners', listenersRoutes(ctx));
  v2.use('/events', eventsRoutes(ctx));
  v2.use('/event_attempts', eventAttemptsRoutes(ctx));
  v2.use('/statuses', statusesRoutes(ctx));
  // Statuses over GraphQL (Sirius's receivers): at the root, and under /v2 beside the rest of the API.
  const graphql = graphqlHandler(ctx);
  app.post('/graphql', graphql);
  v2.post('/graphql', graphql);
  app.use('/v2', v2);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
