/**
 * The server's lifecycle: open the store, start the engine (recovering unfinished work), the cron service and
 * the event-trigger consumers,
 * listen; on SIGTERM / SIGINT stop accepting connections, let in-flight requests and engine transactions
 * finish, stop cron, close the engine and the store.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { createConfiguredRegistry } from '../actions/index.js';
import type { Config } from '../config/index.js';
import { DeliveryService } from '../delivery/index.js';
import { Engine } from '../engine/index.js';
import { AmqpTransport, HttpTransport } from '../transports/index.js';
import { openStore } from '../store/index.js';
import { DefinitionUploads } from '../uploads/index.js';
import { createApp } from './app.js';
import { withHotRoutes } from './hot-routes.js';
import { createLogger } from './logging.js';
import { CronService } from './cron/service.js';
import { RetentionSweeper } from './retention.js';
import { Readiness, ServerMetrics } from './ops/index.js';
import { EventTriggerService } from './event-triggers/service.js';
import type { ApiContext } from './context.js';
import { attachStateStream } from './ws/index.js';

export interface RunningServer {
  url: string;
  engine: Engine;
  context: ApiContext;
  /** The retention sweeper, whose `sweep()` operators' tooling (and tests) may run out of its interval. */
  retention: RetentionSweeper;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  // Packs first: one that does not load stops start-up before anything is opened.
  const actions = await createConfiguredRegistry(config);
  const store = openStore(config.db);
  const callbackBaseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const engine = await Engine.start({
    store,
    actions,
    callbackBaseUrl,
    commitRetryMs: config.commitRetryS * 1000,
    maxTasksPerExecution: config.maxTasksPerExecution,
    maxWorkflowDepth: config.maxWorkflowDepth,
    maxExecutionsPerTree: config.maxExecutionsPerTree,
    logger: { error: (o, m) => logger.error(o, m), warn: (o, m) => logger.warn(o, m) },
  });
  engine.onFatal((err) =>
    logger.fatal({ err }, 'store commits kept failing: this server refuses every call until it is restarted'),
  );
  const http = new HttpTransport({ allowPrivate: config.egressAllowPrivate });
  const amqp = new AmqpTransport({
    egress: { allowPrivate: config.egressAllowPrivate, trusted: [config.amqpUrl] },
  });
  const metrics = new ServerMetrics();
  const stopCounting = engine.onEvent((ev) => metrics.observeEvent(ev));
  const delivery = new DeliveryService(engine, http, amqp, {
    onAttempt: (a, d, l, ev) => metrics.observeAttempt(a, d, l, ev),
    allowPrivate: config.egressAllowPrivate,
    defaultAmqpUrl: config.amqpUrl,
    disableAfterMs: config.listenerDisableAfterS * 1000,
    backlog: { listener: config.deliveryMemory, total: config.deliveryMemory * 10 },
    logger: { error: (o, m) => logger.error(o, m), warn: (o, m) => logger.warn(o, m) },
  });
  await delivery.start();
  const cron = new CronService(engine, {
    logger: { error: (o, m) => logger.error(o, m), warn: (o, m) => logger.warn(o, m) },
  });
  const eventTriggers = new EventTriggerService(engine, {
    amqpUrl: config.amqpUrl,
    queuePrefix: config.eventTriggerQueuePrefix,
    prefetch: config.eventTriggerPrefetch,
    logger: { error: (o, m) => logger.error(o, m), warn: (o, m) => logger.warn(o, m) },
  });
  await eventTriggers.start();
  const uploads = new DefinitionUploads(engine, delivery);
  const context: ApiContext = { engine, config, cron, delivery, eventTriggers, uploads };
  metrics.watch({
    fanOutCursor: () => store.delivery.fanOutCursor(),
    eventsAfter: (id, limit) => store.readEvents({ afterId: id, limit }),
    queueDepth: () => delivery.dispatcher.backlog,
    engineInMemory: () => engine.inMemory(),
  });
  const readiness = new Readiness({
    pingStore: () => store.delivery.fanOutCursor(),
    amqpUrl: config.amqpUrl,
  });
  const app = createApp(context, logger, { metrics, readiness });
  const server: Server = await new Promise((resolve, reject) => {
    const s = createServer(withHotRoutes(app, context, logger, metrics));
    s.once('error', reject);
    s.listen(config.port, config.host, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const stream = attachStateStream(server, context, { logger: { warn: (o, m) => logger.warn(o, m) } });
  cron.start();
  const retention = new RetentionSweeper(store.retention, config, {
    warn: (o, m) => logger.warn(o, m),
  });
  retention.start();
  store.cluster?.onFenced((err) =>
    logger.fatal(
      { err },
      'this node stalled past its lease and its executions were taken over: it can no longer write',
    ),
  );
  logger.info({ url, store: store.description }, 'tramontane listening');
  let closing: Promise<void> | null = null;
  return {
    url,
    engine,
    context,
    retention,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await stream.close();
        await closed;
        await cron.stop();
        await retention.stop();
        // Before the engine: the messages in hand finish their commits, then are acked.
        await eventTriggers.stop();
        // Delivery first: its last outcomes need the store, which the engine closes.
        await delivery.stop();
        stopCounting();
        await engine.close();
        await actions.close();
        http.close();
        await amqp.close();
        logger.info('tramontane stopped');
      })();
      return closing;
    },
  };
}
