/**
 * The fan-out: committed outbox events in, deliveries out. It reads the outbox after the position it reached,
 * matches each event against the listeners (the registry's, and those of the root execution's `params.notify`),
 * and makes the new deliveries, their statuses and the new position, which the dispatcher writes in one store
 * transaction (at once, or deferred into the next batch of outcomes: see `progress.ts`). It runs after
 * the engine's commit, never inside it: the engine only tells it that there is something new.
 *
 * A repeated fan-out (after a crash between reading and writing) creates nothing twice: the store keeps one
 * delivery per event and listener.
 */
import { newTimeId, stableTimeId } from '../common/index.js';
import type { OutboxEvent } from '../engine/index.js';
import type { FanOut, Store } from '../store/index.js';
import { newSecret } from '../transports/index.js';
import { listenerWants } from './match.js';
import { notifyListeners } from './notify-listeners.js';
import type { Delivery, Listener, StatusRecord } from './types.js';

export interface FanOutResult {
  created: Array<{ delivery: Delivery; event: OutboxEvent }>;
  /**
   * What the step stores, the caller writing it at once or deferred with the outcomes. Its `listeners` are those
   * first seen in this step (from `params.notify`).
   */
  write: FanOut;
}

export interface FanOutDeps {
  store: Store;
  /** The registry's listeners, current. */
  listeners: () => Iterable<Listener>;
  now: () => number;
  onFilterError: (l: Listener, ev: OutboxEvent, err: unknown) => void;
}

/** How many top-level executions' notify listeners stay cached. */
const NOTIFY_CACHE = 5000;

export class FanOutStep {
  private readonly notifyCache = new Map<string, Listener[]>();

  constructor(private readonly deps: FanOutDeps) {}

  /** A notify listener known to this step (for the dispatcher, which holds only the registry's). */
  notifyListener(id: string): Listener | undefined {
    for (const ls of this.notifyCache.values()) {
      const l = ls.find((x) => x.id === id);
      if (l) return l;
    }
    return undefined;
  }

  /** The notify listeners of a top-level execution, as stored (after a restart, before any new event). */
  notifyFor(rootId: string): Promise<Listener[]> {
    return this.notifyOf(rootId, []);
  }

  private async notifyOf(rootId: string, fresh: Listener[]): Promise<Listener[]> {
    const cached = this.notifyCache.get(rootId);
    if (cached) return cached;
    const row = await this.deps.store.getExecution(rootId);
    const built = row ? notifyListeners(rootId, row.record.params.notify, newSecret, this.deps.now()) : [];
    const out: Listener[] = [];
    for (const l of built) {
      // Known from before a restart: keep its secret and health.
      const stored = await this.deps.store.delivery.getListener(l.id);
      if (stored) out.push(stored);
      else {
        out.push(l);
        fresh.push(l);
      }
    }
    if (this.notifyCache.size >= NOTIFY_CACHE) {
      const oldest = this.notifyCache.keys().next().value;
      if (oldest !== undefined) this.notifyCache.delete(oldest);
    }
    this.notifyCache.set(rootId, out);
    return out;
  }

  private wants(l: Listener, ev: OutboxEvent): boolean {
    try {
      return listenerWants(l, ev);
    } catch (err) {
      this.deps.onFilterError(l, ev, err);
      return false;
    }
  }

  /** Examines `events` (in outbox order): what they produce, to be stored by the caller. */
  async run(events: OutboxEvent[]): Promise<FanOutResult | null> {
    const last = events[events.length - 1];
    if (!last) return null;
    const now = this.deps.now();
    const fresh: Listener[] = [];
    const created: FanOutResult['created'] = [];
    const statuses: StatusRecord[] = [];
    const registry = [...this.deps.listeners()];
    for (const ev of events) {
      // The cache first, without an await: most events' executions are known, and a step is hundreds of events.
      const notify =
        this.notifyCache.get(ev.rootExecutionId) ?? (await this.notifyOf(ev.rootExecutionId, fresh));
      for (const l of notify.length ? [...registry, ...notify] : registry) {
        if (!this.wants(l, ev)) continue;
        const delivery: Delivery = {
          // The same id if this event is fanned out again after a crash: a deferred delivery (`deferred.ts`) may
          // have been sent before it was stored, and receivers dedupe on the id.
          id: stableTimeId(ev.createdAt, 'delivery', `${ev.id}:${l.id}`),
          eventId: ev.id,
          listenerId: l.id,
          orderKey: ev.rootExecutionId,
          state: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          lastCode: null,
          statusId: l.status?.enabled ? newTimeId(now) : null,
          createdAt: now,
          updatedAt: now,
        };
        if (delivery.statusId && l.status) {
          statuses.push({
            id: delivery.statusId,
            deliveryId: delivery.id,
            eventId: ev.id,
            listenerId: l.id,
            executionId: ev.executionId,
            rootExecutionId: ev.rootExecutionId,
            taskExecutionId: ev.entity === 'task' ? ev.entityId : null,
            taskName: ev.entity === 'task' && typeof ev.payload.name === 'string' ? ev.payload.name : null,
            status: 'queued',
            conclusion: null,
            output: null,
            deadlineAt: now + l.status.timeoutS * 1000,
            createdAt: now,
            updatedAt: now,
          });
        }
        created.push({ delivery, event: ev });
      }
    }
    const write: FanOut = {
      listeners: fresh,
      deliveries: created.map((c) => c.delivery),
      statuses,
      cursor: last.id,
    };
    return { created, write };
  }
}
