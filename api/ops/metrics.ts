/**
 * The server's Prometheus metrics (`GET /metrics`), gathered in one place so that neither the engine nor the
 * delivery code knows about them: executions and tasks are counted from the engine's committed events
 * (`engine.onEvent`), deliveries and attempts from the dispatcher's attempt hook (`onAttempt`), HTTP requests
 * by an Express middleware, and the gauges (outbox lag, queue depth) are read when Prometheus scrapes.
 *
 * Each server has its own registry (tests start several servers in one process).
 */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Attempt, Delivery, Listener } from '../../delivery/index.js';
import type { OutboxEvent } from '../../engine/index.js';

/** Where the scrape-time gauges come from. */
export interface MetricsSources {
  /** The fan-out's persisted position in the outbox. */
  fanOutCursor(): Promise<number>;
  /** Up to `limit` events after `id` (not yet fanned out), oldest first. */
  eventsAfter(id: number, limit: number): Promise<OutboxEvent[]>;
  /** Pending deliveries held by the dispatcher. */
  queueDepth(): number;
  /** What the engine holds in memory (`Engine.inMemory`). */
  engineInMemory(): { executions: number; tasks: number };
}

/** A scrape reads at most this many waiting events: past it, the lag in seconds tells more than a count. */
const LAG_COUNT_CAP = 1000;
const FINISHED_EXECUTION = new Set(['WORKFLOW_SUCCEEDED', 'WORKFLOW_FAILED', 'WORKFLOW_CANCELLED']);
const FINISHED_TASK = new Set(['TASK_SUCCEEDED', 'TASK_FAILED', 'TASK_CANCELLED', 'TASK_SKIPPED']);

export class ServerMetrics {
  readonly registry = new Registry();
  private sources: MetricsSources | null = null;

  private readonly executionsStarted = new Counter({
    name: 'tram_executions_started_total',
    help: 'Workflow executions started (sub-workflows included).',
    registers: [this.registry],
  });
  private readonly executionsFinished = new Counter({
    name: 'tram_executions_finished_total',
    help: 'Workflow executions that reached a final state, by state.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly tasksStarted = new Counter({
    name: 'tram_tasks_started_total',
    help: 'Task executions started.',
    registers: [this.registry],
  });
  private readonly tasksFinished = new Counter({
    name: 'tram_tasks_finished_total',
    help: 'Task executions that reached a final state, by state.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly events = new Counter({
    name: 'tram_events_total',
    help: 'EXECUTION and TASK events committed to the outbox, by type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly attempts = new Counter({
    name: 'tram_delivery_attempts_total',
    help: 'Delivery attempts, by outcome code, transport and trigger (scheduled or manual).',
    labelNames: ['code', 'transport', 'trigger'] as const,
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'tram_deliveries_finished_total',
    help: 'Deliveries that succeeded or were given up, by state and transport.',
    labelNames: ['state', 'transport'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'tram_delivery_commit_to_receipt_seconds',
    help: "From an event's commit to the receiver's acceptance of its delivery.",
    labelNames: ['transport'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'tram_http_request_duration_seconds',
    help: 'HTTP requests served, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /**
   * The labelled children in use, by their label values: prom-client hashes the label object on every
   * `inc({...})`, and a small POST counts six events and one request.
   */
  private readonly eventsBy = new Map<string, Counter.Internal>();
  private readonly executionsFinishedBy = new Map<string, Counter.Internal>();
  private readonly tasksFinishedBy = new Map<string, Counter.Internal>();
  private readonly httpBy = new Map<string, Histogram.Internal<'method' | 'route' | 'code'>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tram_' });
    // prom-client calls `collect` with the gauge as `this`; these closures reach the sources.
    const lag = () => this.outboxLag();
    const depth = () => this.sources?.queueDepth() ?? 0;
    const held = () => this.sources?.engineInMemory() ?? { executions: 0, tasks: 0 };
    new Gauge({
      name: 'tram_outbox_lag_events',
      help: `Committed events the delivery fan-out has not read yet (counted up to ${LAG_COUNT_CAP}).`,
      registers: [this.registry],
      async collect() {
        this.set((await lag()).events);
      },
    });
    new Gauge({
      name: 'tram_outbox_lag_seconds',
      help: 'Age of the oldest committed event the delivery fan-out has not read yet (0: none).',
      registers: [this.registry],
      async collect() {
        this.set((await lag()).seconds);
      },
    });
    new Gauge({
      name: 'tram_delivery_queue_depth',
      help: 'Pending deliveries waiting in the dispatcher queues (in flight or waiting for a retry).',
      registers: [this.registry],
      collect() {
        this.set(depth());
      },
    });
    for (const [what, help] of [
      [
        'executions',
        'Workflow executions the engine holds in memory (running, paused, or with work in flight).',
      ],
      [
        'tasks',
        'Task executions the engine holds in memory (those its executions still read; the store has all).',
      ],
    ] as const) {
      new Gauge({
        name: `tram_engine_memory_${what}`,
        help,
        registers: [this.registry],
        collect() {
          this.set(held()[what]);
        },
      });
    }
  }

  /** Connects the scrape-time gauges to the running services. */
  watch(sources: MetricsSources): void {
    this.sources = sources;
  }

  private async outboxLag(): Promise<{ events: number; seconds: number }> {
    if (!this.sources) return { events: 0, seconds: 0 };
    const cursor = await this.sources.fanOutCursor();
    const waiting = await this.sources.eventsAfter(cursor, LAG_COUNT_CAP);
    const oldest = waiting[0];
    if (!oldest) return { events: 0, seconds: 0 };
    return { events: waiting.length, seconds: Math.max(0, (Date.now() - oldest.createdAt) / 1000) };
  }

  /** A committed engine event (subscribe with `engine.onEvent`). */
  observeEvent(ev: Omit<OutboxEvent, 'id'>): void {
    labelled(this.eventsBy, this.events, ev.eventType, { type: ev.eventType }).inc();
    if (ev.eventType === 'WORKFLOW_LAUNCHED') this.executionsStarted.inc();
    else if (FINISHED_EXECUTION.has(ev.eventType))
      labelled(this.executionsFinishedBy, this.executionsFinished, ev.state, { state: ev.state }).inc();
    else if (ev.eventType === 'TASK_LAUNCHED') this.tasksStarted.inc();
    else if (FINISHED_TASK.has(ev.eventType))
      labelled(this.tasksFinishedBy, this.tasksFinished, ev.state, { state: ev.state }).inc();
  }

  /** One delivery attempt and the delivery as it stands after it (the dispatcher's `onAttempt` hook). */
  observeAttempt(attempt: Omit<Attempt, 'seq'>, d: Delivery, l: Listener, ev: OutboxEvent): void {
    const transport = l.transport.type;
    this.attempts.inc({ code: attempt.code, transport, trigger: attempt.trigger });
    if (attempt.code === 'success') {
      this.latency.observe({ transport }, Math.max(0, (attempt.createdAt - ev.createdAt) / 1000));
    }
    // A manual redelivery of a finished delivery does not finish it a second time.
    if (attempt.trigger === 'scheduled' && (d.state === 'succeeded' || d.state === 'failed'))
      this.deliveries.inc({ state: d.state, transport });
  }

  /** Times every request; the route is the matched pattern (`/v2/executions/:id`), never the raw path. */
  httpMiddleware(): RequestHandler {
    return (req, res, next) => {
      const started = performance.now();
      res.once('finish', () => {
        const route = req.route as { path?: unknown } | undefined;
        const pattern =
          typeof route?.path === 'string'
            ? `${req.baseUrl}${route.path}`.replace(/(.)\/$/, '$1')
            : unmatched(req.path);
        this.observeRequest(req.method, pattern, res.statusCode, started);
      });
      next();
    };
  }

  /** One request served, on `route` (a pattern), started at `started` (`performance.now()`). */
  observeRequest(method: string, route: string, status: number, started: number): void {
    const code = String(status);
    labelled(this.httpBy, this.httpDuration, `${method} ${route} ${code}`, { method, route, code }).observe(
      (performance.now() - started) / 1000,
    );
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * The child of `metric` for `labels`, kept in `cache` under `key`. The label sets are bounded (event types,
 * states, route patterns), so the caches are too.
 */
function labelled<C, L extends Record<string, string>>(
  cache: Map<string, C>,
  metric: { labels(labels: L): C },
  key: string,
  labels: L,
): C {
  let child = cache.get(key);
  if (!child) {
    child = metric.labels(labels);
    cache.set(key, child);
  }
  return child;
}

/** Requests no route matched are grouped, so that random paths cannot grow the label set without bound. */
function unmatched(path: string): string {
  if (path.startsWith('/console')) return '/console/*';
  return 'unmatched';
}
