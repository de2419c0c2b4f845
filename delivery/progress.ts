/**
 * Group commit of delivery outcomes. Attempts finish one by one, across many queues; writing each outcome in
 * its own transaction would make the store the bottleneck, so outcomes collect here and are written together
 * on the next turn of the event loop (or sooner when many are waiting). A failed write keeps the outcomes and
 * tries again: the attempt log loses nothing while the process lives, and a crash costs at most a re-sent
 * delivery (at-least-once), never a lost one. Deferred fan-outs (`deferred.ts`) go in with the outcomes.
 */
import type { DeliveryProgress, DeliveryStore } from '../store/index.js';
import { DeferredFanOuts } from './deferred.js';
import type { Attempt, Delivery, Listener } from './types.js';

type ListenerChange = DeliveryProgress['listeners'][number];

/** How long outcomes may wait to be written together. */
export const FLUSH_WINDOW_MS = 5;

/** How long a deferred delivery waits for its first outcome before it is stored without one. */
export const DEFER_HOLD_MS = 500;

export class ProgressWriter {
  private deliveries = new Map<string, Delivery>();
  private readonly created = new DeferredFanOuts(DEFER_HOLD_MS);
  private attempts: Omit<Attempt, 'seq'>[] = [];
  /** The listeners whose health changed, as the live objects: their state is read when the batch is written. */
  private listeners = new Map<string, Listener>();
  private scheduled: { at: number; timer: NodeJS.Timeout } | null = null;
  private writing: Promise<void> | null = null;
  private retryDelayMs = 50;
  private notBefore = 0;

  constructor(
    private readonly store: DeliveryStore,
    private readonly onError: (err: unknown) => void,
  ) {}

  record(d: Delivery, attempt: Omit<Attempt, 'seq'> | null, l: Listener | null): void {
    this.deliveries.set(d.id, { ...d });
    if (attempt) this.attempts.push(attempt);
    // One entry per listener, not a copy per outcome: a window of outcomes changes one listener many times.
    if (l) this.listeners.set(l.id, l);
    // A short window gathers the outcomes of many queues into one transaction (one turn of the event loop
    // holds only a few); a crash can cost the re-sending of what the window held, which at-least-once allows.
    if (this.deliveries.size >= 512) void this.flush(false);
    else this.schedule(FLUSH_WINDOW_MS);
  }

  /** A fan-out step whose deliveries all went into memory: stored later (see `deferred.ts`). */
  defer(deliveries: readonly Delivery[], cursor: number): void {
    this.created.add(deliveries, cursor, Date.now());
    this.schedule(FLUSH_WINDOW_MS);
  }

  /** Deferred fan-out steps not wholly written (a failed write keeps them). */
  get deferred(): boolean {
    return this.created.pending;
  }

  /** The listener was deleted: its deferred deliveries are not to be stored. */
  forget(listenerId: string): void {
    this.created.forget(listenerId);
  }

  private get pending(): boolean {
    return (
      this.deliveries.size > 0 || this.attempts.length > 0 || this.listeners.size > 0 || this.created.pending
    );
  }

  /** Deferred deliveries still waiting for an outcome are written once their hold is over, at the latest. */
  private scheduleDue(): void {
    const due = this.created.dueIn(Date.now());
    if (due !== null) this.schedule(Math.max(due, FLUSH_WINDOW_MS));
  }

  /** A write in `delayMs`, unless one is due sooner (a sooner one replaces a later one: the hold's). */
  private schedule(delayMs: number): void {
    const now = Date.now();
    // After a failed write, not before its retry delay, however many outcomes arrive meanwhile.
    const at = Math.max(now + delayMs, this.notBefore);
    if (this.scheduled) {
      if (this.scheduled.at <= at) return;
      clearTimeout(this.scheduled.timer);
    }
    const timer = setTimeout(() => {
      this.scheduled = null;
      void this.flush(false);
    }, at - now);
    timer.unref();
    this.scheduled = { at, timer };
  }

  /**
   * Writes what is waiting; resolves once it is in the store (or the write failed and was re-queued). `all`:
   * deferred deliveries without an outcome too, however recent.
   */
  async flush(all = true): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.pending) return;
    const listeners = this.listeners;
    const created = this.created.take(this.deliveries, Date.now(), all);
    if (!created && !this.deliveries.size && !this.attempts.length && !listeners.size) {
      // Only deferred deliveries, all recent: they wait for their outcomes.
      this.scheduleDue();
      return;
    }
    const batch: DeliveryProgress = {
      deliveries: [...this.deliveries.values()],
      attempts: this.attempts,
      listeners: [...listeners.values()].map(listenerChange),
      ...(created
        ? {
            fanOut: { listeners: [], deliveries: created.deliveries, statuses: [], cursor: created.cursor },
          }
        : {}),
    };
    this.deliveries = new Map();
    this.attempts = [];
    this.listeners = new Map();
    this.writing = this.store.applyProgress(batch).then(
      () => {
        this.retryDelayMs = 50;
        this.notBefore = 0;
        this.scheduleDue();
      },
      (err: unknown) => {
        this.onError(err);
        // Put the batch back, newer records (already collected) winning over the failed ones.
        for (const d of batch.deliveries) if (!this.deliveries.has(d.id)) this.deliveries.set(d.id, d);
        if (created) this.created.putBack(created);
        this.attempts = [...batch.attempts, ...this.attempts];
        for (const l of listeners.values()) if (!this.listeners.has(l.id)) this.listeners.set(l.id, l);
        this.notBefore = Date.now() + this.retryDelayMs;
        this.schedule(this.retryDelayMs);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
      },
    );
    try {
      await this.writing;
    } finally {
      this.writing = null;
    }
  }
}

/** A listener's health as it is now (the live object changes on after the batch is made). */
function listenerChange(l: Listener): ListenerChange {
  return {
    id: l.id,
    health: { ...l.health },
    enabled: l.enabled,
    disabledReason: l.disabledReason,
    updatedAt: l.updatedAt,
  };
}
