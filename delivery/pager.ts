/**
 * Paging the delivery backlog: pending deliveries live in the store, and only a bounded part of them in memory,
 * so that a receiver down for days (a million queued events) costs disk, not RAM.
 *
 * Per listener, the pager keeps a **cursor**, a position in the listener's pending deliveries in (event id,
 * delivery id) order: everything the dispatcher ever took into memory lies at or before it, and everything after
 * it is still only in the store. While the listener holds less than its budget, new deliveries from the fan-out
 * go straight to memory (and move the cursor); once it holds its budget the listener is **spilled**: the fan-out
 * leaves new deliveries in the store, and the pager scans them in, page by page, as memory frees up.
 *
 * The dispatcher keeps each queue's entries a prefix of that queue's backlog (so order holds): a queue that
 * already holds a page is not given more by the scan, it is marked as having more in the store, and refills
 * itself from there (up to the cursor) when it runs dry. A listener whose queues all wait (a dead receiver)
 * holds at most its budget; the others are not held up by it.
 */
import type { BacklogKey, DeliveryStore, PendingEntry } from '../store/index.js';

export const START: BacklogKey = { eventId: 0, id: '' };

export interface PagerLimits {
  /** Pending deliveries of one listener held in memory. @default 2000 */
  listener?: number;
  /** Pending deliveries of all listeners held in memory. @default 20000 */
  total?: number;
  /** Deliveries one queue takes in at a time. @default 64, or `listener` when smaller */
  queue?: number;
  /** Deliveries read per scan of a listener's backlog. @default 200 */
  scan?: number;
  /** Given-up deliveries read per page by a recovery. @default 200 */
  recover?: number;
}

/** Lets pending I/O (API requests) run before the next step of a long loop over the store. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function keyOf(d: { eventId: number; id: string }): BacklogKey {
  return { eventId: d.eventId, id: d.id };
}

export function compareKeys(a: BacklogKey, b: BacklogKey): number {
  if (a.eventId !== b.eventId) return a.eventId - b.eventId;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface ListenerBacklog {
  held: number;
  cursor: BacklogKey;
  spilled: boolean;
  /** Bumped whenever the fan-out leaves a delivery in the store: a scan racing it must not end the spill. */
  left: number;
  scanning: boolean;
  again: boolean;
}

export interface PagerHost {
  store: DeliveryStore;
  /** Already in memory. */
  has(deliveryId: string): boolean;
  /** Takes the entry into memory, unless its queue holds enough already (then false: it stays in the store). */
  place(entry: PendingEntry): boolean;
  onError(err: unknown): void;
}

export class BacklogPager {
  private readonly backlogs = new Map<string, ListenerBacklog>();
  private total = 0;
  /** Resolved when a listener has room again (`room`), or on `stop`. */
  private waiters: { listenerId: string; resolve: () => void }[] = [];
  private scheduled = false;
  private stopped = false;
  readonly queuePage: number;
  private readonly listenerBudget: number;
  private readonly totalBudget: number;
  private readonly scanPage: number;

  constructor(
    private readonly host: PagerHost,
    limits: PagerLimits = {},
  ) {
    this.listenerBudget = limits.listener ?? 2000;
    this.totalBudget = limits.total ?? 20000;
    this.queuePage = limits.queue ?? Math.min(64, this.listenerBudget);
    this.scanPage = limits.scan ?? 200;
  }

  private of(listenerId: string): ListenerBacklog {
    let b = this.backlogs.get(listenerId);
    if (!b) {
      b = { held: 0, cursor: START, spilled: false, left: 0, scanning: false, again: false };
      this.backlogs.set(listenerId, b);
    }
    return b;
  }

  private full(b: ListenerBacklog): boolean {
    return b.held >= this.listenerBudget || this.total >= this.totalBudget;
  }

  /** Room enough to be worth a scan (a quarter of the budgets free), so that scans read whole pages. */
  private roomy(b: ListenerBacklog): boolean {
    return b.held <= (this.listenerBudget * 3) / 4 && this.total <= (this.totalBudget * 3) / 4;
  }

  /** The listener's backlog may be in the store from its start (a restart): scan it. */
  spill(listenerId: string): void {
    this.of(listenerId).spilled = true;
  }

  cursorOf(listenerId: string): BacklogKey {
    return this.of(listenerId).cursor;
  }

  /** Memory accounting: the dispatcher took in (+1) or let go of (-1) a delivery of the listener. */
  held(listenerId: string, delta: number): void {
    const b = this.of(listenerId);
    b.held += delta;
    this.total += delta;
    if (delta < 0 && this.waiters.length) this.wake();
    if (delta < 0 && !this.scheduled && this.total <= (this.totalBudget * 3) / 4) {
      for (const x of this.backlogs.values()) {
        if (x.spilled && !x.scanning && this.roomy(x)) {
          this.scheduled = true;
          setImmediate(() => {
            this.scheduled = false;
            void this.scanAll();
          });
          break;
        }
      }
    }
  }

  /**
   * Resolves once the listener has room (a quarter of the budgets free), at once if it has; or on `stop`. For
   * work that takes deliveries into memory outside the backlog's order (recovery), so that it waits its turn.
   */
  room(listenerId: string): Promise<void> {
    if (this.stopped || this.roomy(this.of(listenerId))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ listenerId, resolve }));
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      const b = this.backlogs.get(w.listenerId);
      if (this.stopped || !b || this.roomy(b)) w.resolve();
      else this.waiters.push(w);
    }
  }

  /** The listener is gone: its deliveries left memory with it. */
  forget(listenerId: string): void {
    const b = this.backlogs.get(listenerId);
    if (!b) return;
    this.total -= b.held;
    this.backlogs.delete(listenerId);
    this.wake();
  }

  /** The next offers (`counts`: how many per listener) all go to `place`: no listener spilled, room for all. */
  takes(counts: ReadonlyMap<string, number>): boolean {
    let all = this.total;
    for (const [id, n] of counts) {
      const b = this.backlogs.get(id);
      if (b?.spilled || (b?.held ?? 0) + n > this.listenerBudget) return false;
      all += n;
    }
    return all <= this.totalBudget;
  }

  /** A delivery the fan-out just stored: into memory unless the listener is spilled or now full. */
  offer(entry: PendingEntry): void {
    const b = this.of(entry.delivery.listenerId);
    if (!b.spilled && this.full(b)) b.spilled = true;
    if (b.spilled) {
      b.left++;
      return;
    }
    this.host.place(entry);
    b.cursor = keyOf(entry.delivery);
  }

  async scanAll(): Promise<void> {
    for (const [id, b] of this.backlogs) if (b.spilled && !this.full(b)) await this.scan(id);
  }

  /** Pages the listener's stored backlog into memory, while it has room. */
  async scan(listenerId: string): Promise<void> {
    const b = this.backlogs.get(listenerId);
    if (!b?.spilled) return;
    if (b.scanning) {
      b.again = true;
      return;
    }
    b.scanning = true;
    try {
      do {
        b.again = false;
        while (b.spilled && !this.full(b) && !this.stopped && this.backlogs.get(listenerId) === b) {
          const left = b.left;
          const page = await this.host.store.pendingPage({
            listenerId,
            after: b.cursor,
            limit: this.scanPage,
          });
          // The listener was removed while the page was read: nothing of it goes back into memory.
          if (this.backlogs.get(listenerId) !== b) break;
          let filled = false;
          for (const p of page) {
            if (this.full(b)) {
              filled = true;
              break;
            }
            if (!this.host.has(p.delivery.id)) this.host.place(p);
            b.cursor = keyOf(p.delivery);
          }
          if (!filled && page.length < this.scanPage && b.left === left) b.spilled = false;
          await yieldToLoop();
        }
      } while (b.again && !this.stopped);
    } catch (err) {
      this.host.onError(err);
      setTimeout(() => void this.scan(listenerId), 1000).unref();
    } finally {
      b.scanning = false;
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }
}
