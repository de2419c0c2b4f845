/**
 * The dispatcher's queueing logic over the real (in-memory SQLite) store, with a fake sender: fan-out,
 * per (listener, root execution) ordering, retries, disabling, persistence, restart, redelivery and recovery.
 *
 * The sender is scripted: each call is logged and answered with a SendOutcome, possibly held open (a gate) to
 * look at what the dispatcher does while an attempt is in flight.
 */
import { expect } from 'chai';
import { Dispatcher, type DispatcherOptions } from '../../../delivery/dispatcher.js';
import type { Sender, SendOutcome } from '../../../delivery/send.js';
import type { Delivery, Listener } from '../../../delivery/types.js';
import type { OutboxEvent } from '../../../engine/index.js';
import { SqliteStore } from '../../../store/index.js';
import { commitEvents, commitExecution, makeListener, sleep, T0, waitFor } from './helpers.js';

const OK: SendOutcome = {
  ok: true,
  code: 'success',
  message: 'HTTP 200',
  httpStatus: 200,
  durationMs: 1.234,
};
const FAIL: SendOutcome = {
  ok: false,
  code: 'badHttpStatus',
  message: 'HTTP 500: oops',
  httpStatus: 500,
  durationMs: 2,
};
const GONE: SendOutcome = {
  ok: false,
  code: 'badHttpStatus',
  message: 'HTTP 410',
  httpStatus: 410,
  durationMs: 1,
  gone: true,
};

interface Call {
  listenerId: string;
  eventId: number;
  rootExecutionId: string;
  deliveryId: string;
  statusId: string | null;
  at: number;
}

interface Gate {
  promise: Promise<SendOutcome>;
  open(outcome?: SendOutcome): void;
}

type Script = (call: Call, index: number) => SendOutcome | Promise<SendOutcome>;

/** A Sender stand-in: logs every call and answers with the script. */
class FakeSender {
  readonly calls: Call[] = [];
  private readonly gates: Gate[] = [];

  constructor(public script: Script = () => OK) {}

  async send(l: Listener, ev: OutboxEvent, d: Delivery): Promise<SendOutcome> {
    const call: Call = {
      listenerId: l.id,
      eventId: ev.id,
      rootExecutionId: ev.rootExecutionId,
      deliveryId: d.id,
      statusId: d.statusId,
      at: Date.now(),
    };
    this.calls.push(call);
    return this.script(call, this.calls.length - 1);
  }

  /** An outcome held back until `open` (opened with success at the end of the test at the latest). */
  gate(): Gate {
    let resolve!: (o: SendOutcome) => void;
    const promise = new Promise<SendOutcome>((r) => (resolve = r));
    const g: Gate = { promise, open: (o = OK) => resolve(o) };
    this.gates.push(g);
    return g;
  }

  openAll(): void {
    for (const g of this.gates) g.open(OK);
  }

  sent(listenerId?: string): number[] {
    return this.calls
      .filter((c) => listenerId === undefined || c.listenerId === listenerId)
      .map((c) => c.eventId);
  }

  asSender(): Sender {
    return this as unknown as Sender;
  }
}

describe('Dispatcher', function () {
  this.timeout(10_000);

  let store: SqliteStore;
  let senders: FakeSender[];
  let dispatchers: Dispatcher[];

  beforeEach(() => {
    store = new SqliteStore({ path: ':memory:' });
    senders = [];
    dispatchers = [];
  });

  afterEach(async () => {
    for (const s of senders) s.openAll();
    for (const d of dispatchers) await d.stop();
    await store.close();
  });

  function sender(script?: Script): FakeSender {
    const s = new FakeSender(script);
    senders.push(s);
    return s;
  }

  function dispatcher(s: FakeSender, opts: DispatcherOptions = {}): Dispatcher {
    const d = new Dispatcher(store, s.asSender(), { random: () => 0.5, ...opts });
    dispatchers.push(d);
    return d;
  }

  async function listeners(...ls: Listener[]): Promise<void> {
    for (const l of ls) await store.delivery.createListener(l);
  }

  /** The stored delivery of one event for one listener. */
  async function deliveryOf(eventId: number, listenerId = 'l-1'): Promise<Delivery> {
    const ds = await store.delivery.listDeliveries({ eventIds: [eventId], listenerId });
    expect(ds, `deliveries of event ${eventId} for ${listenerId}`).to.have.length(1);
    return ds[0]!;
  }

  const ids = (evs: OutboxEvent[]) => evs.map((e) => e.id);

  /** Waits until the stored fan-out cursor is `id`. */
  async function cursorAt(id: number): Promise<void> {
    const until = Date.now() + 3000;
    while ((await store.delivery.fanOutCursor()) !== id) {
      if (Date.now() > until) throw new Error(`timed out waiting for the stored cursor to reach ${id}`);
      await sleep(5);
    }
  }

  describe('fan-out', () => {
    it('creates one delivery per event and wanting listener, ordered by root execution, and moves the cursor', async () => {
      await listeners(
        makeListener({ id: 'l-all', name: 'all' }),
        makeListener({ id: 'l-failed', name: 'failed', events: ['TASK_FAILED'] }),
        makeListener({ id: 'l-off', name: 'off', enabled: false }),
        makeListener({ id: 'l-b', name: 'b', scope: { executionId: 'ex-B' } }),
      );
      const evs = await commitEvents(store, [
        { executionId: 'ex-A' },
        { executionId: 'ex-A', eventType: 'TASK_FAILED' },
        { executionId: 'sub-B', rootExecutionId: 'ex-B' },
      ]);
      const s = sender();
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 5, 'five sends');
      await d.stop();

      const all = await store.delivery.listDeliveries();
      const pairs = all.map((x) => [x.eventId, x.listenerId, x.orderKey, x.state]);
      const [e1, e2, e3] = ids(evs);
      expect(pairs).to.have.deep.members([
        [e1, 'l-all', 'ex-A', 'succeeded'],
        [e2, 'l-all', 'ex-A', 'succeeded'],
        [e2, 'l-failed', 'ex-A', 'succeeded'],
        [e3, 'l-all', 'ex-B', 'succeeded'],
        [e3, 'l-b', 'ex-B', 'succeeded'],
      ]);
      expect(await store.delivery.fanOutCursor()).to.equal(e3);
      expect(s.sent('l-off')).to.deep.equal([]);
    });

    it('skips an event for a listener whose filter throws, reports it, and still serves the others', async () => {
      await listeners(
        makeListener({ id: 'l-bad', name: 'bad', filter: 'int($.event) > 0' }),
        makeListener({ id: 'l-good', name: 'good', filter: "$.state = 'SUCCESS'" }),
      );
      const evs = await commitEvents(store, [{ executionId: 'ex-A' }]);
      const warnings: Array<{ obj: object; msg: string }> = [];
      const s = sender();
      const d = dispatcher(s, {
        logger: { warn: (obj, msg) => warnings.push({ obj, msg }), error: () => undefined },
      });
      await d.start();
      await waitFor(() => s.calls.length === 1, 'one send');
      await d.stop();
      expect(s.sent('l-good')).to.deep.equal(ids(evs));
      expect(await store.delivery.listDeliveries({ listenerId: 'l-bad' })).to.deep.equal([]);
      expect(warnings).to.have.length(1);
      expect(warnings[0]!.msg).to.equal('listener filter failed: event skipped');
      expect(warnings[0]!.obj).to.include({ listener: 'l-bad', event: evs[0]!.id });
    });

    it('gives each delivery of a listener with statuses a queued status with its deadline', async () => {
      await listeners(makeListener({ status: { enabled: true, timeoutS: 30 } }));
      const [ev] = await commitEvents(store, [{ executionId: 'ex-A', eventType: 'TASK_FAILED' }]);
      const s = sender();
      const d = dispatcher(s, { now: () => T0 });
      await d.start();
      await waitFor(() => s.calls.length === 1, 'one send');
      await d.stop();
      const delivery = await deliveryOf(ev!.id);
      expect(delivery.statusId).to.be.a('string');
      expect(s.calls[0]!.statusId).to.equal(delivery.statusId);
      const st = await store.delivery.getStatus(delivery.statusId!);
      expect(st).to.include({
        deliveryId: delivery.id,
        eventId: ev!.id,
        listenerId: 'l-1',
        executionId: 'ex-A',
        rootExecutionId: 'ex-A',
        taskExecutionId: ev!.entityId,
        taskName: 'fetch',
        status: 'queued',
        conclusion: null,
        deadlineAt: T0 + 30_000,
      });
    });

    it("serves the root execution's params.notify as a stored listener for the whole tree", async () => {
      await commitExecution(store, 'ex-A', [
        { type: 'webhook', url: 'https://notify.example.com/a', event_types: ['TASK_SUCCEEDED'] },
      ]);
      const evs = await commitEvents(store, [
        { executionId: 'ex-A' },
        { executionId: 'sub-A', rootExecutionId: 'ex-A' },
        { executionId: 'ex-A', eventType: 'TASK_FAILED' },
        // No execution row: no notify listeners, nothing to deliver.
        { executionId: 'ex-B' },
      ]);
      const s = sender();
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 2, 'two sends');
      await sleep(30);
      await d.stop();
      expect(s.calls.map((c) => [c.listenerId, c.eventId])).to.deep.equal([
        ['notify-ex-A-0', evs[0]!.id],
        ['notify-ex-A-0', evs[1]!.id],
      ]);
      const stored = await store.delivery.getListener('notify-ex-A-0');
      expect(stored).to.include({ origin: 'notify', owner: 'ex-A', enabled: true });
      expect(stored!.health.lastSuccessAt).to.be.a('number');
      expect((await store.delivery.listDeliveries()).map((x) => x.state)).to.deep.equal([
        'succeeded',
        'succeeded',
      ]);
    });
  });

  describe('ordering', () => {
    it('sends event n+1 of a (listener, root execution) only after n, while other roots and listeners go on', async () => {
      await listeners(makeListener({ id: 'l-1', name: 'one' }), makeListener({ id: 'l-2', name: 'two' }));
      const [a1, b1, a2, b2] = await commitEvents(store, [
        { executionId: 'ex-A' },
        { executionId: 'ex-B' },
        // A sub-workflow of A: same root, same queue.
        { executionId: 'sub-A', rootExecutionId: 'ex-A' },
        { executionId: 'ex-B' },
      ]);
      const s = sender();
      const held = s.gate();
      s.script = (c) => (c.listenerId === 'l-1' && c.eventId === a1!.id ? held.promise : OK);
      const d = dispatcher(s);
      await d.start();

      await waitFor(
        () =>
          s.sent('l-1').includes(b2!.id) && s.sent('l-2').includes(a2!.id) && s.sent('l-2').includes(b2!.id),
        'the other queues to drain',
      );
      await sleep(30);
      // l-1's queue of root A is stuck behind its head; B (another root) and l-2 (another listener) were not.
      expect(s.sent('l-1')).to.deep.equal([a1!.id, b1!.id, b2!.id]);
      expect(s.sent('l-2')).to.have.members([a1!.id, b1!.id, a2!.id, b2!.id]);
      expect(d.backlog).to.equal(2); // a1 and a2 for l-1

      held.open(OK);
      await waitFor(() => s.sent('l-1').includes(a2!.id), 'a2 after a1');
      const l1 = s.calls.filter((c) => c.listenerId === 'l-1');
      expect(l1.filter((c) => c.rootExecutionId === 'ex-A').map((c) => c.eventId)).to.deep.equal([
        a1!.id,
        a2!.id,
      ]);
      expect(l1.filter((c) => c.rootExecutionId === 'ex-B').map((c) => c.eventId)).to.deep.equal([
        b1!.id,
        b2!.id,
      ]);
      const l2 = s.calls.filter((c) => c.listenerId === 'l-2');
      expect(l2.filter((c) => c.rootExecutionId === 'ex-A').map((c) => c.eventId)).to.deep.equal([
        a1!.id,
        a2!.id,
      ]);
      expect(l2.filter((c) => c.rootExecutionId === 'ex-B').map((c) => c.eventId)).to.deep.equal([
        b1!.id,
        b2!.id,
      ]);
    });

    it('keeps a queue in event order across many events', async () => {
      await listeners(makeListener());
      const evs = await commitEvents(
        store,
        Array.from({ length: 30 }, (_, i) => ({
          executionId: i % 3 === 0 ? 'ex-A' : 'sub-A',
          rootExecutionId: 'ex-A',
        })),
      );
      // Each answer takes a random short time: order must not depend on it.
      const s = sender(() => sleep(Math.floor(Math.random() * 3)).then(() => OK));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 30, 'thirty sends');
      expect(s.sent()).to.deep.equal(ids(evs));
    });
    it('starts at most httpStartsPerTurn HTTP attempts a turn, the rest in the next turns, each queue in order', async () => {
      await listeners(makeListener());
      const roots = ['ex-0', 'ex-1', 'ex-2', 'ex-3', 'ex-4', 'ex-5'];
      const evs = await commitEvents(
        store,
        Array.from({ length: 18 }, (_, i) => ({ executionId: roots[i % roots.length]! })),
      );
      // Turns of the event loop, counted by an immediate that renews itself.
      let turn = 0;
      let spinning = true;
      const spin = () => {
        turn++;
        if (spinning) setImmediate(spin);
      };
      spin();
      const turns: number[] = [];
      const s = sender(() => {
        turns.push(turn);
        return s.gate().promise;
      });
      const d = dispatcher(s, { httpStartsPerTurn: 2 });
      await d.start();
      // No attempt has ended, and yet every queue's head goes out: starts are bounded, not attempts in flight.
      await waitFor(() => s.calls.length === roots.length, 'every head sent');
      s.openAll();
      s.script = () => OK;
      await waitFor(() => s.calls.length === evs.length, 'every delivery sent');
      spinning = false;
      const perTurn = new Map<number, number>();
      for (const t of turns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
      expect(Math.max(...perTurn.values())).to.equal(2);
      for (const root of roots) {
        const sent = s.calls.filter((c) => c.rootExecutionId === root).map((c) => c.eventId);
        expect(sent).to.deep.equal(ids(evs.filter((e) => e.rootExecutionId === root)));
      }
    });
  });

  describe('retries', () => {
    it('retries a failing head on the schedule, gives up after it, then goes on with the queue', async () => {
      await listeners(makeListener({ retry: [0.01, 0.01] }));
      const [e1, e2] = await commitEvents(store, [{ executionId: 'ex-A' }, { executionId: 'ex-A' }]);
      const s = sender((c) => (c.eventId === e1!.id ? FAIL : OK));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.sent().includes(e2!.id), 'e2');
      await d.stop();

      // The first attempt and the schedule's two retries, then the next event.
      expect(s.sent()).to.deep.equal([e1!.id, e1!.id, e1!.id, e2!.id]);
      const [t1, t2, t3] = s.calls.map((c) => c.at);
      expect(t2! - t1!, 'first retry delay').to.be.at.least(8);
      expect(t3! - t2!, 'second retry delay').to.be.at.least(8);

      const d1 = await deliveryOf(e1!.id);
      expect(d1).to.include({ state: 'failed', attempts: 3, lastCode: 'badHttpStatus' });
      const d2 = await deliveryOf(e2!.id);
      expect(d2).to.include({ state: 'succeeded', attempts: 1, lastCode: 'success' });

      const attempts = await store.delivery.listAttempts();
      expect(
        attempts.map((a) => [a.deliveryId, a.attemptNumber, a.code, a.httpStatus, a.trigger]),
      ).to.deep.equal([
        [d1.id, 1, 'badHttpStatus', 500, 'scheduled'],
        [d1.id, 2, 'badHttpStatus', 500, 'scheduled'],
        [d1.id, 3, 'badHttpStatus', 500, 'scheduled'],
        [d2.id, 1, 'success', 200, 'scheduled'],
      ]);
      expect(attempts[0]).to.include({
        eventId: e1!.id,
        listenerId: 'l-1',
        message: 'HTTP 500: oops',
        durationMs: 2,
      });
      expect(attempts[3]!.durationMs).to.equal(1.23);
      expect(attempts.map((a) => a.seq)).to.deep.equal([1, 2, 3, 4]);
    });

    it('a head that succeeds on a retry is delivered once and the queue continues', async () => {
      await listeners(makeListener({ retry: [0.01, 0.01, 0.01] }));
      const [e1, e2] = await commitEvents(store, [{ executionId: 'ex-A' }, { executionId: 'ex-A' }]);
      const s = sender((_c, i) => (i < 2 ? FAIL : OK));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.sent().includes(e2!.id), 'e2');
      await d.stop();
      expect(s.sent()).to.deep.equal([e1!.id, e1!.id, e1!.id, e2!.id]);
      expect(await deliveryOf(e1!.id)).to.include({ state: 'succeeded', attempts: 3, lastCode: 'success' });
    });

    it("waits at least the receiver's Retry-After", async () => {
      await listeners(makeListener({ retry: [0.01] }));
      const [e1] = await commitEvents(store, [{ executionId: 'ex-A' }]);
      const s = sender((_c, i) =>
        i === 0 ? { ...FAIL, code: 'badHttpStatus', httpStatus: 429, retryAfterMs: 150 } : OK,
      );
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 2, 'the retry');
      expect(s.calls[1]!.at - s.calls[0]!.at).to.be.at.least(140);
      await d.stop();
      expect(await deliveryOf(e1!.id)).to.include({ state: 'succeeded', attempts: 2 });
    });

    it('counts a sender that throws as a badConnection attempt', async () => {
      await listeners(makeListener({ retry: [] }));
      const [e1] = await commitEvents(store, [{ executionId: 'ex-A' }]);
      const s = sender(() => Promise.reject(new Error('socket hang up')));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 1, 'one send');
      await d.stop();
      expect(await deliveryOf(e1!.id)).to.include({
        state: 'failed',
        attempts: 1,
        lastCode: 'badConnection',
      });
      const [a] = await store.delivery.listAttempts();
      expect(a).to.include({ code: 'badConnection', message: 'socket hang up', httpStatus: null });
    });
  });

  describe('disabling', () => {
    it('a 410 Gone fails the delivery, disables the listener and stops its queue', async () => {
      await listeners(makeListener({ retry: [0.01, 0.01] }));
      const [e1, e2, e3] = await commitEvents(store, [
        { executionId: 'ex-A' },
        { executionId: 'ex-A' },
        { executionId: 'ex-A' },
      ]);
      const s = sender((c) => (c.eventId === e1!.id ? GONE : OK));
      const warnings: string[] = [];
      const d = dispatcher(s, { logger: { warn: (_o, msg) => warnings.push(msg), error: () => undefined } });
      await d.start();
      await waitFor(() => s.calls.length === 1, 'one send');
      await sleep(50);
      // A later event of another execution gets no delivery at all: the listener is disabled.
      const [e4] = await commitEvents(store, [{ executionId: 'ex-B' }]);
      d.kick();
      await sleep(30);
      await d.stop();

      expect(s.sent()).to.deep.equal([e1!.id]);
      expect(warnings).to.include('listener disabled');
      const l = await store.delivery.getListener('l-1');
      expect(l).to.include({ enabled: false });
      expect(l!.disabledReason).to.match(/410/);
      expect(l!.health.failuresInRow).to.equal(1);
      expect(await deliveryOf(e1!.id)).to.include({ state: 'failed', attempts: 1 });
      expect(await deliveryOf(e2!.id)).to.include({ state: 'pending', attempts: 0 });
      expect(await deliveryOf(e3!.id)).to.include({ state: 'pending', attempts: 0 });
      expect(await store.delivery.listDeliveries({ eventIds: [e4!.id] })).to.deep.equal([]);
    });

    it('a listener enabled again goes on with its waiting queue', async () => {
      await listeners(makeListener({ retry: [] }));
      const [e1, e2, e3] = await commitEvents(store, [
        { executionId: 'ex-A' },
        { executionId: 'ex-A' },
        { executionId: 'ex-A' },
      ]);
      const s = sender((c) => (c.eventId === e1!.id ? GONE : OK));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 1, 'one send');
      await sleep(30);
      expect(s.sent()).to.deep.equal([e1!.id]);

      const l = (await store.delivery.getListener('l-1'))!;
      d.setListener({ ...l, enabled: true, disabledReason: null });
      await waitFor(() => s.calls.length === 3, 'the rest of the queue');
      expect(s.sent()).to.deep.equal([e1!.id, e2!.id, e3!.id]);
    });

    it('disables a listener failing without a success for disableAfterMs', async () => {
      await listeners(makeListener({ retry: [0, 0, 0, 0, 0] }));
      const [e1] = await commitEvents(store, [{ executionId: 'ex-A' }]);
      let clock = T0;
      const s = sender(() => {
        clock += 600;
        return FAIL;
      });
      const d = dispatcher(s, { now: () => clock, disableAfterMs: 1000 });
      await d.start();
      await waitFor(() => s.calls.length >= 3, 'three sends');
      await sleep(50);
      await d.stop();

      // Failures at +600 (the run starts), +1200 (600 ms in), +1800 (1200 ms in: disabled).
      expect(s.calls).to.have.length(3);
      const l = await store.delivery.getListener('l-1');
      expect(l).to.include({ enabled: false });
      expect(l!.disabledReason).to.equal(
        `failing without a success since ${new Date(T0 + 600).toISOString()}`,
      );
      expect(l!.health).to.deep.equal({
        lastSuccessAt: null,
        lastFailureAt: T0 + 1800,
        firstFailureAt: T0 + 600,
        failuresInRow: 3,
      });
      // The schedule is not used up: the delivery waits for the listener to come back.
      expect(await deliveryOf(e1!.id)).to.include({ state: 'pending', attempts: 3 });
    });

    it('a success breaks the run of failures', async () => {
      await listeners(makeListener({ retry: [0, 0, 0] }));
      const [e1, e2] = await commitEvents(store, [{ executionId: 'ex-A' }, { executionId: 'ex-A' }]);
      let clock = T0;
      const script = [FAIL, OK, FAIL, FAIL, OK];
      const s = sender((_c, i) => {
        clock += 600;
        return script[i] ?? OK;
      });
      const d = dispatcher(s, { now: () => clock, disableAfterMs: 1000 });
      await d.start();
      await waitFor(() => s.calls.length === 5, 'five sends');
      await d.stop();
      expect(s.sent()).to.deep.equal([e1!.id, e1!.id, e2!.id, e2!.id, e2!.id]);
      const l = await store.delivery.getListener('l-1');
      expect(l).to.include({ enabled: true, disabledReason: null });
      expect(l!.health).to.deep.equal({
        lastSuccessAt: T0 + 3000,
        lastFailureAt: T0 + 2400,
        firstFailureAt: null,
        failuresInRow: 0,
      });
    });
  });

  describe('persistence and restart', () => {
    it('stores a fan-out with the first outcomes: a delivery that succeeded at once is written once, and the cursor with it', async () => {
      await listeners(makeListener({ retry: [3600] }));
      const [e1, e2, e3] = await commitEvents(store, [
        { executionId: 'ex-A' },
        { executionId: 'ex-A' },
        { executionId: 'ex-B' },
      ]);
      const s = sender((c) => (c.eventId === e2!.id ? FAIL : OK));
      const fanOuts: unknown[] = [];
      const apply = store.delivery.applyFanOut.bind(store.delivery);
      store.delivery.applyFanOut = (f) => (fanOuts.push(f), apply(f));
      const updated: string[] = [];
      const progress = store.delivery.applyProgress.bind(store.delivery);
      store.delivery.applyProgress = (p) => (updated.push(...p.deliveries.map((d) => d.id)), progress(p));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 3, 'e1, e2, e3');
      await cursorAt(e3!.id);
      await d.stop();
      expect(fanOuts, 'no fan-out written on its own').to.deep.equal([]);
      expect(updated, 'no delivery updated after its insert').to.deep.equal([]);
      expect(await deliveryOf(e1!.id)).to.include({ state: 'succeeded', attempts: 1 });
      expect(await deliveryOf(e2!.id)).to.include({
        state: 'pending',
        attempts: 1,
        lastCode: 'badHttpStatus',
      });
      expect(await deliveryOf(e3!.id)).to.include({ state: 'succeeded', attempts: 1 });
      expect(await store.delivery.listAttempts()).to.have.length(3);
    });

    it('sends a delivery lost to a crash before it was stored again under the same id, for receivers to dedupe', async () => {
      await listeners(makeListener({ retry: [3600] }));
      const [e1] = await commitEvents(store, [{ executionId: 'ex-A' }]);
      // The crash: nothing the dispatchers write reaches the store, so the next one fans the event out again.
      const applyProgress = store.delivery.applyProgress.bind(store.delivery);
      const applyFanOut = store.delivery.applyFanOut.bind(store.delivery);
      const crashed = () => Promise.reject(new Error('crashed'));
      store.delivery.applyProgress = crashed;
      store.delivery.applyFanOut = crashed;
      try {
        const first = sender();
        await dispatcher(first).start();
        await waitFor(() => first.calls.length === 1, 'e1 sent before it was stored');
        const second = sender();
        await dispatcher(second).start();
        await waitFor(() => second.calls.length === 1, 'e1 sent again');
        expect(second.calls[0]).to.include({ eventId: e1!.id, deliveryId: first.calls[0]!.deliveryId });
      } finally {
        store.delivery.applyProgress = applyProgress;
        store.delivery.applyFanOut = applyFanOut;
      }
    });

    it('stores a deferred delivery that is not attempted soon (its queue waits) as pending, with the cursor', async () => {
      await listeners(makeListener({ retry: [3600] }));
      const [e1, e2] = await commitEvents(store, [{ executionId: 'ex-A' }, { executionId: 'ex-A' }]);
      const s = sender();
      const held = s.gate();
      s.script = () => held.promise;
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 1, 'e1 in flight');
      // e1 holds the queue: e2 waits for it, and is stored once its hold is over, without an outcome.
      await cursorAt(e2!.id);
      expect(await deliveryOf(e1!.id)).to.include({ state: 'pending', attempts: 0 });
      expect(await deliveryOf(e2!.id)).to.include({ state: 'pending', attempts: 0 });
      held.open(OK);
      await waitFor(() => s.calls.length === 2, 'e2 after e1');
      await d.stop();
      expect(await deliveryOf(e1!.id)).to.include({ state: 'succeeded', attempts: 1 });
      expect(await deliveryOf(e2!.id)).to.include({ state: 'succeeded', attempts: 1 });
    });

    it('start() loads the pending deliveries a previous dispatcher left, without fanning out the same events again', async () => {
      await listeners(makeListener({ retry: [3600] }));
      const [e1, e2, e3, e4] = await commitEvents(store, [
        { executionId: 'ex-A' },
        { executionId: 'ex-A' },
        { executionId: 'ex-A' },
        { executionId: 'ex-B' },
      ]);
      const first = sender((c) => (c.eventId === e2!.id ? FAIL : OK));
      const d1 = dispatcher(first);
      await d1.start();
      await waitFor(() => first.calls.length === 3, 'e1, e2, e4');
      await sleep(20);
      await d1.stop();
      expect(first.sent()).to.have.members([e1!.id, e2!.id, e4!.id]);
      expect(await deliveryOf(e2!.id)).to.include({
        state: 'pending',
        attempts: 1,
        lastCode: 'badHttpStatus',
      });
      expect(await deliveryOf(e3!.id)).to.include({ state: 'pending', attempts: 0 });
      expect(await store.delivery.fanOutCursor()).to.equal(e4!.id);

      // A new process, two hours later: e2's retry is due.
      const second = sender();
      const d2 = dispatcher(second, { now: () => Date.now() + 2 * 3600 * 1000 });
      await d2.start();
      await waitFor(() => second.calls.length === 2, 'e2 and e3');
      await sleep(30);
      expect(second.sent()).to.deep.equal([e2!.id, e3!.id]);

      // New events are fanned out from the stored cursor on.
      const [e5] = await commitEvents(store, [{ executionId: 'ex-A' }]);
      d2.kick();
      await waitFor(() => second.calls.length === 3, 'e5');
      await d2.stop();
      expect(second.sent()).to.deep.equal([e2!.id, e3!.id, e5!.id]);

      const all = await store.delivery.listDeliveries();
      expect(all.map((x) => x.eventId)).to.deep.equal([e1!.id, e2!.id, e3!.id, e4!.id, e5!.id]);
      expect(all.every((x) => x.state === 'succeeded')).to.equal(true);
      const d2Attempts = await store.delivery.listAttempts({ deliveryId: (await deliveryOf(e2!.id)).id });
      expect(d2Attempts.map((a) => [a.attemptNumber, a.code])).to.deep.equal([
        [1, 'badHttpStatus'],
        [2, 'success'],
      ]);
      expect(await store.delivery.fanOutCursor()).to.equal(e5!.id);
    });

    it('persists the listener health with the outcomes', async () => {
      await listeners(makeListener({ retry: [0.01] }));
      await commitEvents(store, [{ executionId: 'ex-A' }]);
      const s = sender((_c, i) => (i === 0 ? FAIL : OK));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 2, 'two sends');
      await d.stop();
      const l = await store.delivery.getListener('l-1');
      expect(l!.health.lastFailureAt).to.be.a('number');
      expect(l!.health.lastSuccessAt).to.be.a('number');
      expect(l!.health.lastSuccessAt!).to.be.at.least(l!.health.lastFailureAt!);
      expect(l!.health).to.include({ firstFailureAt: null, failuresInRow: 0 });
      expect(await store.delivery.countPending(['l-1'])).to.deep.equal({ 'l-1': 0 });
    });

    // BUG (delivery/dispatcher.ts, start(), the listPending loop: `after = last.eventId`): the backlog is paged by
    // event id, but one event has one delivery per listener. When a page of 1000 ends in the middle of an event's
    // deliveries, the next page starts after that event and its remaining deliveries are never queued: they stay
    // pending in the store, undelivered, until a restart happens to page differently.
    it('start() loads every pending delivery, even when a page boundary splits the deliveries of an event', async () => {
      await listeners(
        makeListener({ id: 'l-1', name: 'one', retry: [3600] }),
        makeListener({ id: 'l-2', name: 'two', retry: [3600] }),
        makeListener({ id: 'l-3', name: 'three', retry: [3600] }),
      );
      // 334 events x 3 listeners = 1002 deliveries: the first page of 1000 ends after the first delivery of
      // the last event.
      await commitEvents(
        store,
        Array.from({ length: 334 }, (_, i) => ({ executionId: `ex-${i}` })),
      );
      const first = sender(() => FAIL);
      const d1 = dispatcher(first);
      await d1.start();
      await waitFor(() => first.calls.length === 1002, 'every first attempt', 8000);
      await d1.stop();
      expect(await store.delivery.listDeliveries({ state: 'pending' })).to.have.length(1002);

      const second = sender();
      const d2 = dispatcher(second, { now: () => Date.now() + 2 * 3600 * 1000 });
      await d2.start();
      await waitFor(() => second.calls.length >= 1000, 'the backlog', 8000);
      await sleep(100);
      await d2.stop();
      const left = await store.delivery.listDeliveries({ state: 'pending' });
      expect(
        left.map((x) => `event ${x.eventId} for ${x.listenerId}`),
        'deliveries never loaded by start()',
      ).to.deep.equal([]);
      expect(second.calls).to.have.length(1002);
    });

    // BUG (delivery/dispatcher.ts, listenerFor(): `if (stored && stored.origin === 'notify') this.registry.set(id,
    // stored)`): after a restart a pending notify delivery makes the dispatcher load its listener INTO the
    // registry. The next fan-out then sees that listener twice for the execution's events (once from the
    // registry, once from FanOutStep.notifyOf), creates two deliveries for one (event, listener): the store keeps
    // one (INSERT OR IGNORE), both are queued, the event is sent twice and one attempt is logged against a
    // delivery id that does not exist in the store.
    it('after a restart, a notify listener gets each new event once', async () => {
      await commitExecution(store, 'ex-A', [{ type: 'webhook', url: 'https://notify.example.com/a' }]);
      const [e1] = await commitEvents(store, [{ executionId: 'ex-A' }]);
      const first = sender(() => FAIL);
      const d1 = dispatcher(first);
      await d1.start();
      await waitFor(() => first.calls.length === 1, 'e1 once');
      await d1.stop();

      // The notify schedule starts at 1 s: an hour later it is due.
      const second = sender();
      const d2 = dispatcher(second, { now: () => Date.now() + 3600 * 1000 });
      await d2.start();
      await waitFor(() => second.calls.length === 1, 'e1 again');
      const [e2] = await commitEvents(store, [{ executionId: 'ex-A' }]);
      d2.kick();
      await waitFor(() => second.sent().includes(e2!.id), 'e2');
      await sleep(50);
      await d2.stop();

      expect(second.sent(), 'events sent to notify-ex-A-0').to.deep.equal([e1!.id, e2!.id]);
      const stored = new Set((await store.delivery.listDeliveries()).map((x) => x.id));
      const attempts = await store.delivery.listAttempts();
      expect(
        attempts.filter((a) => !stored.has(a.deliveryId)).map((a) => `event ${a.eventId}`),
        'attempts of deliveries that are not in the store',
      ).to.deep.equal([]);
    });
  });

  describe('manual operations', () => {
    it('redeliver makes exactly one manual attempt, whatever its outcome', async () => {
      await listeners(makeListener({ retry: [0.01] }));
      const [e1, e2] = await commitEvents(store, [{ executionId: 'ex-A' }, { executionId: 'ex-B' }]);
      const s = sender((c) => (c.eventId === e2!.id ? FAIL : OK));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 3, 'e1 once, e2 twice');
      await sleep(30);

      // A delivered event, delivered again.
      const ok = await d.redeliver([await deliveryOf(e1!.id)]);
      expect(ok).to.have.length(1);
      const a1 = await store.delivery.getAttempt(ok[0]!);
      expect(a1).to.include({ trigger: 'manual', attemptNumber: 2, code: 'success', eventId: e1!.id });
      expect(await deliveryOf(e1!.id)).to.include({ state: 'succeeded', attempts: 2 });

      // A given-up event whose manual attempt fails again: no retry is scheduled.
      expect(await deliveryOf(e2!.id)).to.include({ state: 'failed', attempts: 2 });
      const failed = await d.redeliver([await deliveryOf(e2!.id)]);
      await sleep(50);
      expect(s.sent()).to.deep.equal([e1!.id, e2!.id, e2!.id, e1!.id, e2!.id]);
      expect(await store.delivery.getAttempt(failed[0]!)).to.include({
        trigger: 'manual',
        attemptNumber: 3,
        code: 'badHttpStatus',
      });
      expect(await deliveryOf(e2!.id)).to.include({ state: 'failed', attempts: 3 });

      // And one that succeeds turns the delivery into a success.
      s.script = () => OK;
      await d.redeliver([await deliveryOf(e2!.id)]);
      expect(await deliveryOf(e2!.id)).to.include({ state: 'succeeded', attempts: 4, lastCode: 'success' });
      expect(s.calls).to.have.length(6);
    });

    // BUG (delivery/dispatcher.ts, redeliver()): a manual attempt that succeeds for the head of a queue that is
    // waiting for its retry timer marks it succeeded but does not pump the queue: the events behind it wait
    // for the head's retry timer (here an hour; up to 10 h with the default schedule) although nothing blocks
    // them any more.
    it('a successful manual redelivery of a waiting head lets the rest of its queue go', async () => {
      await listeners(makeListener({ retry: [3600] }));
      const [e1, e2] = await commitEvents(store, [{ executionId: 'ex-A' }, { executionId: 'ex-A' }]);
      const s = sender((_c, i) => (i === 0 ? FAIL : OK));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 1, 'e1 failed once');
      await sleep(30);
      await d.redeliver([await deliveryOf(e1!.id)]);
      expect(await deliveryOf(e1!.id)).to.include({ state: 'succeeded' });
      await sleep(300);
      expect(s.sent(), 'e2 should follow the redelivered e1 at once').to.deep.equal([e1!.id, e1!.id, e2!.id]);
    });

    it('recover re-queues given-up deliveries for one more attempt each', async () => {
      await listeners(makeListener({ retry: [0.01, 0.01] }));
      const [e1, e2] = await commitEvents(store, [{ executionId: 'ex-A' }, { executionId: 'ex-A' }]);
      const s = sender((c) => (c.eventId === e1!.id ? FAIL : OK));
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 4, 'e1 three times, then e2');
      await sleep(30);
      expect(await deliveryOf(e1!.id)).to.include({ state: 'failed', attempts: 3 });

      // Only failed deliveries are recovered.
      const n = await d.recover([await deliveryOf(e1!.id), await deliveryOf(e2!.id)]);
      expect(n).to.equal(1);
      await waitFor(() => s.calls.length === 5, 'the recovered attempt');
      await sleep(60); // the schedule would have retried after 10 ms: it must not
      expect(s.calls).to.have.length(5);
      expect(await deliveryOf(e1!.id)).to.include({ state: 'failed', attempts: 4 });
      const last = (await store.delivery.listAttempts()).at(-1);
      expect(last).to.include({ eventId: e1!.id, attemptNumber: 4, trigger: 'scheduled' });

      // Recovered again, this time the receiver is back.
      s.script = () => OK;
      expect(await d.recover([await deliveryOf(e1!.id)])).to.equal(1);
      await waitFor(() => s.calls.length === 6, 'the second recovered attempt');
      await d.stop();
      expect(await deliveryOf(e1!.id)).to.include({ state: 'succeeded', attempts: 5 });
      expect(await deliveryOf(e2!.id)).to.include({ state: 'succeeded', attempts: 1 });
    });
  });

  describe('listener changes', () => {
    // BUG (delivery/dispatcher.ts attempt() + progress.ts record(): the outcome carries the in-flight attempt's
    // listener object, `enabled` included): a user disables a listener (the service stores it, then calls
    // setListener with the new record) while an attempt is in flight; when the attempt ends, the progress write
    // stores the stale object's `enabled: true, disabledReason: null` over the user's change. The registry in
    // memory says disabled, the store says enabled: after a restart the listener is enabled again.
    it('an attempt in flight does not undo a user disabling the listener', async () => {
      await listeners(makeListener());
      await commitEvents(store, [{ executionId: 'ex-A' }]);
      const s = sender();
      const held = s.gate();
      s.script = () => held.promise;
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 1, 'the attempt in flight');

      // What DeliveryService.updateListener does for `enabled: false`.
      const current = (await store.delivery.getListener('l-1'))!;
      const next: Listener = {
        ...current,
        enabled: false,
        disabledReason: 'disabled by a user',
        updatedAt: Date.now(),
      };
      await store.delivery.updateListener(next);
      d.setListener(next);

      held.open(OK);
      await sleep(30);
      await d.stop();
      expect(d.listener('l-1')).to.include({ enabled: false });
      expect(await store.delivery.getListener('l-1'), 'the stored listener').to.include({
        enabled: false,
        disabledReason: 'disabled by a user',
      });
    });

    it('removeListener drops its queues', async () => {
      await listeners(makeListener({ retry: [3600] }));
      await commitEvents(store, [{ executionId: 'ex-A' }, { executionId: 'ex-A' }]);
      const s = sender(() => FAIL);
      const d = dispatcher(s);
      await d.start();
      await waitFor(() => s.calls.length === 1, 'one send');
      expect(d.backlog).to.equal(2);
      d.removeListener('l-1');
      expect(d.backlog).to.equal(0);
      expect(d.listener('l-1')).to.equal(undefined);
    });
  });
});
