/**
 * The dispatcher's backlog paging over the real (in-memory SQLite) store, with tiny memory budgets so that
 * every path runs: a listener holds at most its budget, queues refill from the store in order, a dead
 * listener does not hold up another, and a restart pages a stored backlog back in.
 */
import { expect } from 'chai';
import { Dispatcher, HTTP_QUEUE_PAGE, type DispatcherOptions } from '../../../delivery/dispatcher.js';
import type { SendOutcome } from '../../../delivery/send.js';
import type { Delivery, Listener } from '../../../delivery/types.js';
import type { OutboxEvent } from '../../../engine/index.js';
import { SqliteStore } from '../../../store/index.js';
import { commitEvents, makeListener, sleep, waitFor } from './helpers.js';

const OK: SendOutcome = { ok: true, code: 'success', message: 'HTTP 200', httpStatus: 200, durationMs: 1 };
const DOWN: SendOutcome = {
  ok: false,
  code: 'badConnection',
  message: 'connect ECONNREFUSED',
  httpStatus: null,
  durationMs: 1,
};

const LIMITS = { listener: 10, total: 100, queue: 4, scan: 5 };

interface Call {
  listenerId: string;
  root: string;
  eventId: number;
  held: number;
  deliveries: number;
  queues: number;
  timers: number;
}

describe('Dispatcher backlog paging', function () {
  this.timeout(20_000);

  let store: SqliteStore;
  let dispatchers: Dispatcher[];

  beforeEach(() => {
    store = new SqliteStore({ path: ':memory:' });
    dispatchers = [];
  });

  afterEach(async () => {
    for (const d of dispatchers) await d.stop();
    await store.close();
  });

  /** A sender answering `answer(listener)` that logs each call with the backlog held at that moment. */
  function start(answer: (l: Listener) => SendOutcome, opts: DispatcherOptions = {}) {
    const calls: Call[] = [];
    let d: Dispatcher | null = null;
    const sender = {
      async send(l: Listener, ev: OutboxEvent, _d: Delivery): Promise<SendOutcome> {
        const held = d?.held ?? { deliveries: 0, queues: 0, timers: 0 };
        calls.push({
          listenerId: l.id,
          root: ev.rootExecutionId,
          eventId: ev.id,
          ...held,
          held: held.deliveries,
        });
        await sleep(0);
        return answer(l);
      },
    };
    d = new Dispatcher(store, sender, { random: () => 0.5, backlog: LIMITS, ...opts });
    dispatchers.push(d);
    return { d, calls };
  }

  /** `perRoot` events for each of `roots` top-level executions, interleaved as executions running together. */
  async function events(roots: string[], perRoot: number): Promise<OutboxEvent[]> {
    const specs = [];
    for (let i = 0; i < perRoot; i++) for (const r of roots) specs.push({ executionId: r });
    return commitEvents(store, specs);
  }

  function byRoot(calls: Call[], listenerId: string): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const c of calls.filter((x) => x.listenerId === listenerId)) {
      out.set(c.root, [...(out.get(c.root) ?? []), c.eventId]);
    }
    return out;
  }

  function expectInOrder(calls: Call[], listenerId: string, evs: OutboxEvent[]): void {
    const want = new Map<string, number[]>();
    for (const e of evs) want.set(e.rootExecutionId, [...(want.get(e.rootExecutionId) ?? []), e.id]);
    expect(byRoot(calls, listenerId)).to.deep.equal(want);
  }

  it('holds at most its budget in memory and sends the whole backlog, each queue in event order', async () => {
    await store.delivery.createListener(makeListener());
    const evs = await events(['ex-A', 'ex-B', 'ex-C'], 20);
    const { d, calls } = start(() => OK);
    await d.start();
    await waitFor(() => calls.length === evs.length, 'every event sent', 10_000);
    // The budget, plus at most one queue page loaded by a refill.
    expect(Math.max(...calls.map((c) => c.held))).to.be.at.most(LIMITS.listener + LIMITS.queue);
    expectInOrder(calls, 'l-1', evs);
    await waitFor(() => d.backlog === 0, 'an empty backlog');
  });

  it('takes events committed while the listener is spilled, after the ones already waiting, in order', async () => {
    await store.delivery.createListener(makeListener({ retry: Array<number>(100).fill(0.02) }));
    let up = false;
    const { d, calls } = start(() => (up ? OK : DOWN));
    const first = await events(['ex-A', 'ex-B'], 12);
    await d.start();
    await waitFor(() => calls.length >= 2, 'the heads tried');
    const second = await events(['ex-A', 'ex-B', 'ex-C'], 6);
    d.kick();
    await sleep(50);
    expect(d.backlog).to.be.at.most(LIMITS.listener + LIMITS.queue);
    up = true;
    await waitFor(
      () => new Set(calls.map((c) => c.eventId)).size === first.length + second.length,
      'every event sent once the receiver is back',
      15_000,
    );
    // Each event's first send is in event order per root (failed attempts of a head repeat it, nothing else).
    const firstSends = calls.filter((c, i) => calls.findIndex((x) => x.eventId === c.eventId) === i);
    expectInOrder(firstSends, 'l-1', [...first, ...second]);
  });

  it("a dead listener's backlog does not hold up another listener", async () => {
    await store.delivery.createListener(makeListener({ id: 'l-dead', name: 'dead', retry: [3600] }));
    await store.delivery.createListener(makeListener({ id: 'l-ok', name: 'ok' }));
    const evs = await events(['ex-A', 'ex-B', 'ex-C', 'ex-D'], 10);
    const { d, calls } = start((l) => (l.id === 'l-dead' ? DOWN : OK), { backlog: { ...LIMITS, total: 20 } });
    await d.start();
    await waitFor(() => calls.filter((c) => c.listenerId === 'l-ok').length === evs.length, 'l-ok served');
    expectInOrder(calls, 'l-ok', evs);
    // The dead listener tried each of its queue heads once and waits: nothing else of it was sent.
    expect(calls.filter((c) => c.listenerId === 'l-dead').map((c) => c.eventId)).to.have.members(
      evs.slice(0, 4).map((e) => e.id),
    );
  });

  it('after a restart, pages the stored backlog back in and sends it in order', async () => {
    await store.delivery.createListener(makeListener({ retry: [3600] }));
    const evs = await events(['ex-A', 'ex-B', 'ex-C'], 15);
    const down = start(() => DOWN);
    await down.d.start();
    await waitFor(() => down.calls.length === 3, 'the three heads tried');
    await down.d.stop();
    // The heads wait an hour: a new dispatcher starting later (now + 2 h) sends everything.
    const later = Date.now() + 2 * 3600_000;
    const { d, calls } = start(() => OK, { now: () => later });
    await d.start();
    await waitFor(() => calls.length === evs.length, 'every event sent after the restart', 10_000);
    expectInOrder(calls, 'l-1', evs);
  });

  /** Ten times the listener's budget: 25 top-level executions of 4 events each (100), sent to a dead receiver. */
  const ROOTS = Array.from({ length: 25 }, (_, i) => `ex-${String(i).padStart(2, '0')}`);

  it('a dead receiver with ten times the budget pending: deliveries, queues and retry timers in memory stay within the budget', async () => {
    await store.delivery.createListener(makeListener({ retry: Array<number>(100).fill(0.01) }));
    const evs = await events(ROOTS, 4);
    let up = false;
    const { d, calls } = start(() => (up ? OK : DOWN));
    await d.start();
    const samples: { deliveries: number; queues: number; timers: number }[] = [];
    const sampler = setInterval(() => samples.push(d.held), 2);
    try {
      // Heads retried many times over (every 10 ms): the dispatcher is busy, and still holds its budget only.
      await waitFor(() => calls.length >= 60, 'the heads retried', 10_000);
      expect((await store.delivery.countPending(['l-1']))['l-1']).to.equal(evs.length);
      const bound = LIMITS.listener + LIMITS.queue;
      for (const s of [...samples, ...calls]) {
        expect(s.deliveries).to.be.at.most(bound);
        // A queue holds at least one delivery, or is refilling; a timer belongs to a queue.
        expect(s.queues).to.be.at.most(bound);
        expect(s.timers).to.be.at.most(s.queues);
      }
      // Only the queues in memory were tried: the rest of the backlog waited in the store.
      expect(new Set(calls.map((c) => c.root)).size).to.be.at.most(bound);
      up = true;
      await waitFor(
        () => new Set(calls.map((c) => c.eventId)).size === evs.length,
        'every event sent once the receiver is back',
        15_000,
      );
    } finally {
      clearInterval(sampler);
    }
    const firstSends = calls.filter((c, i) => calls.findIndex((x) => x.eventId === c.eventId) === i);
    expectInOrder(firstSends, 'l-1', evs);
    expect(Math.max(...calls.map((c) => c.held))).to.be.at.most(LIMITS.listener + LIMITS.queue);
  });

  it('recovering ten times the budget of given-up deliveries holds at most the budget and one page in memory', async () => {
    // No retries: each delivery is given up after its first attempt.
    await store.delivery.createListener(makeListener({ retry: [] }));
    const evs = await events(ROOTS, 4);
    const page = 5;
    const { d, calls } = start(() => DOWN, { backlog: { ...LIMITS, recover: page } });
    await d.start();
    await waitFor(() => calls.length === evs.length, 'every delivery tried once', 10_000);
    const failed = { listenerId: 'l-1', state: 'failed' as const };
    // Outcomes are written in batches: wait for the store to have them all.
    const givenUp = async () => {
      for (let i = 0; i < 500 && (await store.delivery.countDeliveries(failed)) < evs.length; i++)
        await sleep(10);
      return store.delivery.countDeliveries(failed);
    };
    expect(await givenUp()).to.equal(evs.length);

    // The receiver is still down: every recovered delivery gets its one attempt and is given up again, a page
    // at a time, each taken in only once the listener has room.
    expect(await d.recoverSince('l-1', 0)).to.equal(evs.length);
    await waitFor(() => calls.length === 2 * evs.length, 'one more attempt each', 10_000);
    const recovered = calls.slice(evs.length);
    expect(Math.max(...recovered.map((c) => c.held))).to.be.at.most(LIMITS.listener + page);
    expect(new Set(recovered.map((c) => c.eventId)).size).to.equal(evs.length);
    expectInOrder(recovered, 'l-1', evs);
    expect(await givenUp()).to.equal(evs.length);
  });

  it('an HTTP queue holds a few deliveries, so that the budget is spread over more queues sending in parallel', async () => {
    await store.delivery.createListener(makeListener({ retry: [3600] }));
    // One execution after the other (not interleaved): a queue could take its whole execution.
    const roots = ['ex-A', 'ex-B', 'ex-C', 'ex-D', 'ex-E', 'ex-F'];
    await commitEvents(
      store,
      roots.flatMap((r) => Array.from({ length: 40 }, () => ({ executionId: r }))),
    );
    const budget = 4 * HTTP_QUEUE_PAGE;
    const { d, calls } = start(() => DOWN, { backlog: { listener: budget, total: 10 * budget, queue: 64 } });
    await d.start();
    // With queues of 64, the first execution's 40 and 24 of the second would fill the budget: two heads tried.
    await waitFor(() => calls.length === 4, 'four queue heads tried');
    await sleep(50);
    expect(calls.map((c) => c.root)).to.have.members(roots.slice(0, 4));
    expect(d.held).to.deep.equal({ deliveries: budget, queues: 4, timers: 4 });
  });
});
