/**
 * The dispatcher: gets every committed event to every listener that wants it, at least once, in order.
 *
 * - The engine signals new commits (`onEvent`, after the transaction); the fan-out then reads the outbox and
 *   creates deliveries. The engine never waits for any of this.
 * - Deliveries queue per (listener, root execution): a queue sends its head, and the next delivery only after
 *   the head succeeded or was given up. Queues of different executions and listeners run in parallel. Over AMQP
 *   a queue's due deliveries go out as one window, in order on one confirm channel (`AMQP_WINDOW`).
 * - Pending deliveries wait in the store; memory holds a bounded, in-order prefix of each queue (`pager.ts`).
 * - A failed attempt is retried on the listener's schedule (see `retry.ts`). 410 Gone disables the listener; so
 *   does failing without a break for longer than `disableAfterMs`. A disabled listener's queues wait.
 * - Outcomes are group-committed (`ProgressWriter`); on start-up the pending deliveries are paged back in, so a
 *   crash loses nothing (a delivery in flight at the crash is sent again: receivers dedupe on its id). A fan-out
 *   step whose deliveries all go straight into memory is stored with their first outcomes (`deferred.ts`): a
 *   delivery row is written once instead of twice; one sent but not stored yet at a crash is sent again, under
 *   the same id (made from its event and listener).
 *
 * One dispatcher per store: with the embedded SQLite store there is one engine node.
 */
import type { OutboxEvent } from '../engine/index.js';
import type { BacklogKey, FanOut, PendingEntry, Store } from '../store/index.js';
import { FanOutStep, type FanOutResult } from './fan-out.js';
import { BacklogPager, compareKeys, START, yieldToLoop, type PagerLimits } from './pager.js';
import { ProgressWriter } from './progress.js';
import { applyOutcome, thrown, type OutcomeContext } from './outcome.js';
import type { Sender, SendOutcome } from './send.js';
import type { Attempt, Delivery, Listener } from './types.js';

export interface DispatcherOptions {
  /** The store is shared by several nodes: listeners may change elsewhere, so the registry is read again
   * before each fan-out step. @default false */
  shared?: boolean;
  /** A listener failing without a success for this long is disabled. @default 5 days */
  disableAfterMs?: number;
  /** Outbox events read per fan-out step; a step holds the event loop, so small steps keep the API answering
   * during a long catch-up. @default 200 */
  batchSize?: number;
  /** AMQP deliveries of one queue in flight together (1: one at a time). @default AMQP_WINDOW */
  amqpWindow?: number;
  /** HTTP attempts started in one turn of the event loop, over all queues. @default HTTP_STARTS_PER_TURN */
  httpStartsPerTurn?: number;
  /** How much of the backlog is held in memory (the rest waits in the store). */
  backlog?: PagerLimits;
  now?: () => number;
  random?: () => number;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Told of every attempt, with the delivery as the attempt left it (metrics). */
  onAttempt?: (
    attempt: Omit<Attempt, 'seq'>,
    delivery: Delivery,
    listener: Listener,
    event: OutboxEvent,
  ) => void;
}

interface Entry {
  delivery: Delivery;
  event: OutboxEvent;
  /** A recovered delivery: one more attempt, then given up again if it fails. */
  once?: boolean;
}

interface Queue {
  key: string;
  listenerId: string;
  orderKey: string;
  /** In memory: a prefix, in event order, of the queue's pending deliveries. */
  entries: Entry[];
  busy: boolean;
  timer: NodeJS.Timeout | null;
  /** The store holds pending deliveries of this queue, up to its listener's cursor, that are not in memory. */
  more: boolean;
  /** Deliveries left in the store because the queue held enough (they set `more`). */
  skips: number;
  /** The last delivery this queue took in (its refills start after it). */
  tail: BacklogKey | null;
}

export const FIVE_DAYS_MS = 5 * 24 * 3600 * 1000;

/** Deliveries an HTTP queue holds in memory (see `queuePage`). */
export const HTTP_QUEUE_PAGE = 16;

/** AMQP deliveries of one queue published together before their confirms are awaited. */
export const AMQP_WINDOW = 32;

/**
 * HTTP attempts started in one turn of the event loop. A backlog of a thousand executions is a thousand queues:
 * sending all their heads at once put a thousand sends, then a thousand responses and their outcomes, into
 * each turn, and an API request waited that long (p50 ~100 ms while draining). Started this many a turn, a
 * turn holds about this many sends and responses; the other queues start in the next turns (`turns`). It
 * bounds starts, not attempts in flight: against a slow receiver, attempts still pile up over turns, as many
 * as there are queues, so the drain is not held to a number of round trips.
 */
export const HTTP_STARTS_PER_TURN = 32;

/** What the dispatcher needs of a sender (`Sender`; tests give a stand-in). */
export type DeliverySender = Pick<Sender, 'send'> & Partial<Pick<Sender, 'sendMany'>>;

export class Dispatcher {
  private readonly registry = new Map<string, Listener>();
  private readonly queues = new Map<string, Queue>();
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly fanOut: FanOutStep;
  private readonly progress: ProgressWriter;
  private readonly pager: BacklogPager;
  private readonly now: () => number;
  private readonly httpStartsPerTurn: number;
  /** HTTP attempts started in this turn, and the queues waiting for the next turns (in the order they came). */
  private httpStarts = 0;
  private turnScheduled = false;
  private readonly turns = new Set<Queue>();
  private fanning = false;
  /** While a fan-out step's deliveries are placed: the queues they went to, pumped once it is done. */
  private placed: Set<Queue> | null = null;
  private fanAgain = false;
  private stopped = false;
  private cursor = 0;

  constructor(
    private readonly store: Store,
    private readonly sender: DeliverySender,
    private readonly opts: DispatcherOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.httpStartsPerTurn = opts.httpStartsPerTurn ?? HTTP_STARTS_PER_TURN;
    this.fanOut = new FanOutStep({
      store,
      listeners: () => this.registry.values(),
      now: this.now,
      onFilterError: (l, ev, err) =>
        this.opts.logger?.warn(
          { err, listener: l.id, event: ev.id },
          'listener filter failed: event skipped',
        ),
    });
    this.pager = new BacklogPager(
      {
        store: store.delivery,
        has: (id) => this.entries.has(id),
        place: (e) => this.place(e),
        onError: (err) => this.opts.logger?.error({ err }, 'loading delivery backlog failed; will retry'),
      },
      opts.backlog,
    );
    this.progress = new ProgressWriter(store.delivery, (err) =>
      this.opts.logger?.error({ err }, 'writing delivery outcomes failed; will retry'),
    );
  }

  /** Loads the registry and the backlog, then catches up with the outbox. */
  async start(): Promise<void> {
    for (const l of (await this.storedListeners()).values()) this.registry.set(l.id, l);
    this.cursor = await this.store.delivery.fanOutCursor();
    for (const id of await this.store.delivery.pendingListeners()) this.pager.spill(id);
    await this.pager.scanAll();
    this.kick();
  }

  /** Something was committed: run the fan-out (coalesced). */
  kick(): void {
    if (this.stopped) return;
    if (this.fanning) {
      this.fanAgain = true;
      return;
    }
    this.fanning = true;
    const run = this.fanOutLoop().finally(() => {
      this.fanning = false;
      this.inFlight.delete(run);
    });
    this.inFlight.add(run);
  }

  private async fanOutLoop(): Promise<void> {
    const limit = this.opts.batchSize ?? 200;
    do {
      this.fanAgain = false;
      for (;;) {
        if (this.stopped) return;
        let events: OutboxEvent[];
        let step: FanOutResult | null;
        let deferred: boolean;
        try {
          events = await this.store.readEvents({ afterId: this.cursor, limit });
          // After reading the events: a listener committed before one of them is in the registry then.
          if (events.length && this.opts.shared) await this.syncRegistry();
          step = await this.fanOut.run(events);
          if (!step) break;
          deferred = this.deferrable(step);
          if (!deferred) await this.writeFanOut(step.write);
        } catch (err) {
          this.opts.logger?.error({ err }, 'delivery fan-out failed; will retry');
          setTimeout(() => this.kick(), 1000).unref();
          return;
        }
        this.cursor = step.write.cursor;
        if (deferred) this.progress.defer(step.write.deliveries, step.write.cursor);
        // Each queue is pumped once, after the whole step is in: its first window then holds all that the step
        // gave it, not just the first delivery (the rest waiting for that one's confirm).
        const placed = new Set<Queue>();
        this.placed = placed;
        try {
          for (const c of step.created) this.pager.offer(c);
        } finally {
          this.placed = null;
        }
        for (const q of placed) this.pump(q);
        // A short page was the end of the outbox when it was read: reading again would find nothing (one read
        // transaction more per commit, on the path of every small execution). A commit since sets `fanAgain`.
        if (events.length < limit) break;
        // Let requests in between steps: an embedded store answers synchronously, so a long catch-up (a million
        // events) would otherwise hold the event loop from its first step to its last.
        await yieldToLoop();
      }
    } while (this.fanAgain);
  }

  /**
   * Whether a fan-out step can be written with the next batch of outcomes instead of at once: only when every
   * delivery it makes goes straight into memory, as nothing then reads them from the store before that write
   * (one left to the store would be missed by the refill or scan that should take it in). Not with a shared
   * store, where the next dispatcher must find all that this one sent; nor for new listeners or statuses, which
   * the API reads.
   */
  private deferrable(step: FanOutResult): boolean {
    if (this.opts.shared || step.write.listeners.length || step.write.statuses.length) return false;
    const perListener = new Map<string, number>();
    const perQueue = new Map<string, { listenerId: string; n: number }>();
    for (const { delivery: d } of step.created) {
      perListener.set(d.listenerId, (perListener.get(d.listenerId) ?? 0) + 1);
      const key = this.queueKey(d);
      const c = perQueue.get(key);
      if (c) c.n++;
      else perQueue.set(key, { listenerId: d.listenerId, n: 1 });
    }
    if (!this.pager.takes(perListener)) return false;
    for (const [key, { listenerId, n }] of perQueue) {
      // `place`'s test, for n deliveries in a row.
      const q = this.queues.get(key);
      if (q?.more || (q?.entries.length ?? 0) + n > this.queuePage(listenerId)) return false;
    }
    return true;
  }

  /** A fan-out written at once: after any deferred one, so that the stored cursor never passes unstored deliveries. */
  private async writeFanOut(f: FanOut): Promise<void> {
    if (this.progress.deferred) await this.progress.flush();
    if (this.progress.deferred) throw new Error('deferred fan-out not written yet');
    await this.store.delivery.applyFanOut(f);
  }

  // ---- the registry, as the service changes it

  /** The stored listeners the registry holds (not `params.notify` ones: the fan-out finds those itself). */
  private async storedListeners(): Promise<Map<string, Listener>> {
    const stored = new Map<string, Listener>();
    for (let afterId: string | undefined; ;) {
      const page = await this.store.delivery.listListeners({ limit: 500, ...(afterId ? { afterId } : {}) });
      for (const l of page) if (l.origin !== 'notify') stored.set(l.id, l);
      const last = page[page.length - 1];
      if (!last || page.length < 500) break;
      afterId = last.id;
    }
    return stored;
  }

  /** Makes the registry the stored one (a shared store: another node may have changed a listener). */
  private async syncRegistry(): Promise<void> {
    const stored = await this.storedListeners();
    for (const id of [...this.registry.keys()]) if (!stored.has(id)) this.removeListener(id);
    for (const l of stored.values()) {
      const known = this.registry.get(l.id);
      if (!known || l.updatedAt > known.updatedAt) this.setListener(l);
    }
  }

  setListener(l: Listener): void {
    const before = this.registry.get(l.id);
    this.registry.set(l.id, l);
    if (l.enabled && !before?.enabled) void this.reload(l.id);
  }

  removeListener(id: string): void {
    this.registry.delete(id);
    for (const q of this.queues.values()) {
      if (q.listenerId !== id) continue;
      if (q.timer) clearTimeout(q.timer);
      for (const e of q.entries) this.entries.delete(e.delivery.id);
      q.entries = [];
      this.queues.delete(q.key);
    }
    this.pager.forget(id);
    this.progress.forget(id);
  }

  listener(id: string): Listener | undefined {
    return this.registry.get(id) ?? this.fanOut.notifyListener(id);
  }

  private async listenerFor(id: string): Promise<Listener | null> {
    const known = this.listener(id);
    if (known) return known;
    const stored = await this.store.delivery.getListener(id);
    // A notify listener lives in the fan-out's cache (one object per listener, shared with the fan-out), never
    // in the registry, which the fan-out would match a second time.
    if (stored?.origin === 'notify' && stored.owner) {
      const ls = await this.fanOut.notifyFor(stored.owner);
      return ls.find((l) => l.id === id) ?? stored;
    }
    return stored;
  }

  /** A (re-enabled) listener: its queues go on, and the rest of its backlog is paged in. */
  private async reload(listenerId: string): Promise<void> {
    for (const q of this.queues.values()) if (q.listenerId === listenerId) this.pump(q);
    await this.pager.scan(listenerId);
  }

  // ---- queues

  private queueKey(d: Delivery): string {
    return `${d.listenerId}\u0000${d.orderKey}`;
  }

  /** Takes a paged delivery into memory, unless its queue holds a page already (it then refills from the store). */
  private place(e: PendingEntry): boolean {
    const key = this.queueKey(e.delivery);
    const q = this.queues.get(key);
    if (q && (q.more || q.entries.length >= this.queuePage(q.listenerId))) {
      q.more = true;
      q.skips++;
      return false;
    }
    const placed = this.placed;
    const into = this.enqueue(e, !placed, key);
    if (placed && into) placed.add(into);
    return true;
  }

  /**
   * Takes a delivery into memory, in its queue (created if need be), in event order. Resolves with its queue
   * (`key`: the queue's key, when the caller has it already).
   */
  private enqueue(e: Entry, pump = true, key = this.queueKey(e.delivery)): Queue | undefined {
    if (this.entries.has(e.delivery.id)) return this.queues.get(key);
    let q = this.queues.get(key);
    if (!q) {
      q = {
        key,
        listenerId: e.delivery.listenerId,
        orderKey: e.delivery.orderKey,
        entries: [],
        busy: false,
        timer: null,
        more: false,
        skips: 0,
        tail: null,
      };
      this.queues.set(key, q);
    }
    this.entries.set(e.delivery.id, e);
    this.pager.held(e.delivery.listenerId, 1);
    // The delivery is its own key (its event and id never change): no copy per delivery taken in.
    if (!q.tail || compareKeys(e.delivery, q.tail) > 0) q.tail = e.delivery;
    const last = q.entries[q.entries.length - 1];
    if (!last || last.delivery.eventId < e.delivery.eventId) q.entries.push(e);
    else {
      // A recovered delivery: keep the queue in event order.
      const at = q.entries.findIndex((x) => x.delivery.eventId > e.delivery.eventId);
      q.entries.splice(at < 0 ? q.entries.length : at, 0, e);
    }
    if (pump) this.pump(q);
    return q;
  }

  /**
   * Deliveries one of the listener's queues holds in memory. An HTTP queue sends one delivery at a time, so a
   * deep queue would only take the listener's budget from other queues that could send in parallel (with 64
   * each, a backlog of 2000 drained through 31 connections): it holds a few. AMQP sends a queue's deliveries
   * in windows (`amqpWindow`): its queues hold the pager's page.
   */
  private queuePage(listenerId: string): number {
    const page = this.pager.queuePage;
    return this.listener(listenerId)?.transport.type === 'http' ? Math.min(page, HTTP_QUEUE_PAGE) : page;
  }

  /** Loads the next page of a queue that has more in the store, then goes on with it. */
  private refill(q: Queue): void {
    q.busy = true;
    const skips = q.skips;
    const upTo = this.pager.cursorOf(q.listenerId);
    const limit = this.queuePage(q.listenerId);
    const run = this.store.delivery
      .pendingPage({ listenerId: q.listenerId, orderKey: q.orderKey, after: q.tail ?? START, upTo, limit })
      .then(
        (page) => {
          if (this.queues.get(q.key) !== q) return; // its listener was removed meanwhile
          for (const p of page) this.enqueue(p, false);
          // Everything up to `upTo` is in memory, and nothing was left out since: the queue is whole again.
          if (page.length < limit && q.skips === skips) q.more = false;
        },
        (err: unknown) => {
          this.opts.logger?.error({ err }, 'loading delivery backlog failed; will retry');
          return new Promise((r) => setTimeout(r, 1000).unref());
        },
      )
      .finally(() => {
        q.busy = false;
        this.inFlight.delete(run);
        this.pump(q);
      });
    this.inFlight.add(run);
  }

  private pump(q: Queue): void {
    // A queue dropped meanwhile (its listener removed) is done, whatever an attempt or a refill in flight says.
    if (q.busy || this.stopped || this.queues.get(q.key) !== q) return;
    for (;;) {
      const head = q.entries[0];
      if (!head) {
        if (q.more) return this.refill(q);
        if (q.timer) clearTimeout(q.timer);
        this.queues.delete(q.key);
        return;
      }
      if (head.delivery.state !== 'pending') {
        q.entries.shift();
        this.entries.delete(head.delivery.id);
        this.pager.held(q.listenerId, -1);
        if (q.timer) {
          clearTimeout(q.timer);
          q.timer = null;
        }
        continue;
      }
      const l = this.listener(q.listenerId);
      if (!l) {
        // A notify listener not in memory (after a restart): load it, then come back.
        q.busy = true;
        void this.listenerFor(q.listenerId).then((found) => {
          q.busy = false;
          if (found) this.pump(q);
        });
        return;
      }
      if (!l.enabled) return;
      const wait = head.delivery.nextAttemptAt - this.now();
      if (wait > 0) {
        if (!q.timer) {
          q.timer = setTimeout(() => {
            q.timer = null;
            this.pump(q);
          }, wait);
          q.timer.unref();
        }
        return;
      }
      const http = l.transport.type === 'http';
      if (http && this.httpStarts >= this.httpStartsPerTurn) {
        this.turns.add(q);
        return;
      }
      if (http) {
        this.httpStarts++;
        this.nextTurn();
      }
      q.busy = true;
      const window = this.window(q, l);
      const run = (
        window.length > 1 ? this.attemptWindow(window, l) : this.attempt(head, l, 'scheduled')
      ).finally(() => {
        q.busy = false;
        this.inFlight.delete(run);
        this.pump(q);
      });
      this.inFlight.add(run);
      return;
    }
  }

  /** On the next turn the count of starts begins again, and the queues waiting longest start first. */
  private nextTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      this.httpStarts = 0;
      for (const q of this.turns) {
        if (this.httpStarts >= this.httpStartsPerTurn) return;
        this.turns.delete(q);
        this.pump(q);
      }
    });
  }

  /**
   * The deliveries of a queue that go out together: over AMQP the head and the due deliveries right behind it
   * (at most `amqpWindow`), published in order on one channel and confirmed together; otherwise the head alone.
   */
  private window(q: Queue, l: Listener): Entry[] {
    const size =
      l.transport.type === 'amqp' && this.sender.sendMany ? (this.opts.amqpWindow ?? AMQP_WINDOW) : 1;
    const now = this.now();
    const out: Entry[] = [];
    for (const e of q.entries) {
      if (out.length >= size || e.delivery.state !== 'pending' || e.delivery.nextAttemptAt > now) break;
      out.push(e);
    }
    return out;
  }

  /**
   * One attempt of each delivery of a window, in order. The broker keeps their order; a delivery it refuses
   * (nack, returned) is retried, while the ones behind it that it took stay delivered.
   */
  private async attemptWindow(window: Entry[], l: Listener): Promise<void> {
    let outs: SendOutcome[];
    try {
      outs = (await this.sender.sendMany?.(l, window)) ?? [];
    } catch (err) {
      outs = window.map(() => thrown(err));
    }
    const ctx = this.outcomeContext();
    for (let i = 0; i < outs.length; i++) {
      const e = window[i];
      const out = outs[i];
      if (e && out) this.settle(e, l, 'scheduled', out, ctx);
    }
  }

  /** One attempt of one delivery; updates it, its listener's health, and records the attempt. */
  private async attempt(e: Entry, l: Listener, trigger: Attempt['trigger']): Promise<Omit<Attempt, 'seq'>> {
    let out: SendOutcome;
    try {
      out = await this.sender.send(l, e.event, e.delivery);
    } catch (err) {
      out = thrown(err);
    }
    return this.settle(e, l, trigger, out);
  }

  /** What outcomes settled now are applied with (one for a whole window). */
  private outcomeContext(): OutcomeContext {
    return {
      now: this.now(),
      disableAfterMs: this.opts.disableAfterMs ?? FIVE_DAYS_MS,
      ...(this.opts.random ? { random: this.opts.random } : {}),
      ...(this.opts.logger ? { logger: this.opts.logger } : {}),
    };
  }

  /** Applies an attempt's outcome (see `outcome.ts`) and queues its writing. */
  private settle(
    e: Entry,
    l: Listener,
    trigger: Attempt['trigger'],
    out: SendOutcome,
    ctx = this.outcomeContext(),
  ): Omit<Attempt, 'seq'> {
    // The listener may have been changed (disabled, edited) or deleted while the attempt was in flight: the
    // outcome goes to the current object, so that it does not write an old copy back.
    const live = this.listener(l.id);
    const r = applyOutcome(e, l, live, trigger, out, ctx);
    this.progress.record(e.delivery, r.attempt, live ?? null);
    this.opts.onAttempt?.(r.attempt, e.delivery, r.listener, e.event);
    return r.attempt;
  }

  // ---- manual operations

  /** One immediate attempt of each given delivery, outside its queue's order (a manual redelivery). */
  async redeliver(deliveries: Delivery[]): Promise<string[]> {
    const ids: string[] = [];
    for (const d of deliveries) {
      const l = await this.listenerFor(d.listenerId);
      if (!l) continue;
      const queued = this.entries.get(d.id);
      const event = queued?.event ?? (await this.store.getEvent(d.eventId));
      if (!event) continue;
      const attempt = await this.attempt(queued ?? { delivery: { ...d }, event }, l, 'manual');
      ids.push(attempt.id);
      // A queued delivery that the manual attempt delivered must not hold its queue until its retry time.
      const q = this.queues.get(this.queueKey(d));
      if (q) this.pump(q);
    }
    await this.progress.flush();
    return ids;
  }

  /** Queues given-up deliveries again, for one more attempt each. */
  async recover(deliveries: Delivery[]): Promise<number> {
    const taken: Entry[] = [];
    for (const d of deliveries) {
      if (d.state !== 'failed' || this.entries.has(d.id)) continue;
      const event = await this.store.getEvent(d.eventId);
      if (!event) continue;
      const delivery: Delivery = { ...d, state: 'pending', nextAttemptAt: this.now(), updatedAt: this.now() };
      this.progress.record(delivery, null, null);
      taken.push({ delivery, event, once: true });
    }
    // Pending in the store first, so that one left to its queue's refill (below) is found there.
    await this.progress.flush();
    for (const e of taken) {
      const q = this.queues.get(this.queueKey(e.delivery));
      // Taken in past the tail of a queue that has more in the store, it would move the tail beyond deliveries
      // the queue has not read yet, and its refills would skip them: the refill takes it in its turn instead.
      if (q?.more && q.tail && compareKeys(e.delivery, q.tail) > 0) continue;
      this.enqueue(e);
    }
    return taken.length;
  }

  /**
   * Queues the listener's deliveries given up since `since` for one more attempt each, a page at a time in event
   * order: the next page is read only once the listener has room in memory again, so recovering a million
   * costs no more memory than the backlog's budget. Resolves once the first page is queued, with how many
   * there are to recover; the rest follow in the background (a restart meanwhile leaves those not yet queued
   * given up, to be recovered again).
   */
  async recoverSince(listenerId: string, since: number): Promise<number> {
    const filter = { listenerId, state: 'failed' as const, since };
    const total = await this.store.delivery.countDeliveries(filter);
    const pages = this.recoverPages(filter, this.opts.backlog?.recover ?? 200);
    const first = await pages.next();
    if (!first.done) {
      const run = (async () => {
        while (!(await pages.next()).done);
      })()
        .catch((err: unknown) => this.opts.logger?.error({ err, listener: listenerId }, 'recovery failed'))
        .finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    }
    return total;
  }

  /** Yields after each page queued; waits for room before reading the next one. */
  private async *recoverPages(
    filter: { listenerId: string; state: 'failed'; since: number },
    limit: number,
  ): AsyncGenerator<void> {
    for (let after = 0; ;) {
      const page = await this.store.delivery.listDeliveries({ ...filter, afterEventId: after, limit });
      await this.recover(page);
      yield;
      const last = page[page.length - 1];
      if (!last || page.length < limit) return;
      after = last.eventId;
      await this.pager.room(filter.listenerId);
      if (this.stopped || !(await this.listenerFor(filter.listenerId))) return;
    }
  }

  /** Pending deliveries held in memory (for tests and metrics); the rest of the backlog waits in the store. */
  get backlog(): number {
    return this.entries.size;
  }

  /** What memory holds for the backlog: deliveries, their queues, and the queues' retry timers. */
  get held(): { deliveries: number; queues: number; timers: number } {
    let timers = 0;
    for (const q of this.queues.values()) if (q.timer) timers++;
    return { deliveries: this.entries.size, queues: this.queues.size, timers };
  }

  /** Stops sending; waits for attempts in flight (bounded by the transports' timeouts) and writes outcomes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pager.stop();
    for (const q of this.queues.values()) if (q.timer) clearTimeout(q.timer);
    await Promise.allSettled([...this.inFlight]);
    await this.progress.flush();
  }
}
