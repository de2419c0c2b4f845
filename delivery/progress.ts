/**
 * Group commit of delivery outcomes. Attempts finish one by one, across many queues; writing each outcome in
 * its own transaction would make the store the bottleneck, so outcomes collect here and are written together
 * on the next turn of the event loop (or sooner when many are waiting). A failed write keeps the outcomes and
 * tries again: the attempt log loses nothing while the process lives, and a crash costs at most a re-sent
 * delivery (at-least-once), never a lost one.
 */
import type { DeliveryProgress, DeliveryStore } from '../store/index.js';
import type { Attempt, Delivery, Listener } from './types.js';

type ListenerChange = DeliveryProgress['listeners'][number];

/** How long outcomes may wait to be written together. */
export const FLUSH_WINDOW_MS = 5;

export class ProgressWriter {
  private deliveries = new Map<string, Delivery>();
  private attempts: Omit<Attempt, 'seq'>[] = [];
  /** The listeners whose health changed, as the live objects: their state is read when the batch is written. */
  private listeners = new Map<string, Listener>();
  private scheduled = false;
  private writing: Promise<void> | null = null;
  private retryDelayMs = 50;

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
    if (this.deliveries.size >= 512) void this.flush();
    else this.schedule(FLUSH_WINDOW_MS);
  }

  private get pending(): boolean {
    return this.deliveries.size > 0 || this.attempts.length > 0 || this.listeners.size > 0;
  }

  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.flush();
    };
    if (delayMs > 0) setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  /** Writes what is waiting; resolves once it is in the store (or the write failed and was re-queued). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.pending) return;
    const listeners = this.listeners;
    const batch: DeliveryProgress = {
      deliveries: [...this.deliveries.values()],
      attempts: this.attempts,
      listeners: [...listeners.values()].map(listenerChange),
    };
    this.deliveries = new Map();
    this.attempts = [];
    this.listeners = new Map();
    this.writing = this.store.applyProgress(batch).then(
      () => {
        this.retryDelayMs = 50;
      },
      (err: unknown) => {
        this.onError(err);
        // Put the batch back, newer records (already collected) winning over the failed ones.
        for (const d of batch.deliveries) if (!this.deliveries.has(d.id)) this.deliveries.set(d.id, d);
        this.attempts = [...batch.attempts, ...this.attempts];
        for (const l of listeners.values()) if (!this.listeners.has(l.id)) this.listeners.set(l.id, l);
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
