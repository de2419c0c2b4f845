/**
 * Mistral's `params.notify` (the webhook notifier): each entry `{type: webhook, url, headers, event_types}` of an
 * execution's params (inherited by its sub-workflows) receives Mistral's JSON payload for every EXECUTION and
 * TASK event (all events when `event_types` is empty).
 *
 * Delivery happens after commit and keeps the order of events per root execution: the events of one execution
 * tree go through one queue, so a receiver sees them in sequence. Unlike Mistral (which sends once and forgets),
 * a failed POST is retried a few times with backoff. Durable, logged, at-least-once delivery with listeners is
 * the job of the listener registry; this dispatcher serves Mistral compatibility.
 */
import type { Engine, OutboxEvent } from '../engine/index.js';
import type { HttpTransport } from '../transports/index.js';

interface NotifyEntry {
  type?: unknown;
  url?: unknown;
  headers?: unknown;
  event_types?: unknown;
}

export interface NotifyOptions {
  /** Attempts per webhook call. @default 4 */
  attempts?: number;
  /** First retry delay, doubled each time. @default 200 */
  backoffMs?: number;
  onError?: (msg: string, err?: unknown) => void;
}

type Event = Omit<OutboxEvent, 'id'>;

export class NotifyDispatcher {
  private readonly queues = new Map<string, Event[]>();
  private readonly params = new Map<string, unknown[]>();
  private unsubscribe: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly http: HttpTransport,
    private readonly opts: NotifyOptions = {},
  ) {}

  start(): void {
    this.unsubscribe = this.engine.onEvent((ev) => this.accept(ev));
  }

  private accept(ev: Event): void {
    if (this.stopped) return;
    const root = ev.rootExecutionId;
    const q = this.queues.get(root);
    if (q) {
      q.push(ev);
      return;
    }
    this.queues.set(root, [ev]);
    const run = this.drain(root).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async drain(root: string): Promise<void> {
    const q = this.queues.get(root) ?? [];
    while (q.length && !this.stopped) {
      const ev = q.shift() as Event;
      try {
        await this.deliver(ev);
      } catch (err) {
        this.opts.onError?.(`notify failed for event ${ev.eventType} of ${ev.executionId}`, err);
      }
    }
    this.queues.delete(root);
  }

  private async notifyOf(executionId: string): Promise<unknown[]> {
    const cached = this.params.get(executionId);
    if (cached) return cached;
    const ex = await this.engine.getExecution(executionId);
    const list = Array.isArray(ex.params.notify) ? ex.params.notify : [];
    if (this.params.size > 10000) this.params.clear();
    this.params.set(executionId, list);
    return list;
  }

  private async deliver(ev: Event): Promise<void> {
    for (const raw of await this.notifyOf(ev.executionId)) {
      const n = raw as NotifyEntry;
      if (!n || typeof n !== 'object' || n.type !== 'webhook' || typeof n.url !== 'string') continue;
      const types = Array.isArray(n.event_types) ? n.event_types : [];
      if (types.length && !types.includes(ev.eventType)) continue;
      const headers = (n.headers && typeof n.headers === 'object' ? n.headers : {}) as Record<string, string>;
      await this.post(n.url, ev.payload, headers);
    }
  }

  private async post(url: string, payload: unknown, headers: Record<string, string>): Promise<void> {
    const attempts = this.opts.attempts ?? 4;
    let delay = this.opts.backoffMs ?? 200;
    for (let i = 1; i <= attempts && !this.stopped; i++) {
      const out = await this.http.post(url, payload, headers);
      if (out.ok) return;
      if (i === attempts)
        this.opts.onError?.(`notify webhook ${url} failed after ${attempts} attempts: ${out.message}`);
      else await new Promise((r) => setTimeout(r, out.ok ? 0 : (out.retryAfterMs ?? delay)));
      delay *= 2;
    }
  }

  /** Stops accepting events and waits for the queues in flight (bounded by the transport's timeout). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.inFlight]);
    this.stopped = true;
  }
}
