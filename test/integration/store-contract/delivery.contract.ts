/**
 * The store contract, delivery part: idempotent fan-out, the monotonic cursor, progress batches, the pending
 * backlog, attempt paging and filters, the status compare-and-swap, listener deletion keeping history, name
 * conflicts, and the outbox reads. Run against every store by `store-contract.test.ts`.
 */
import { expect } from 'chai';
import { ConflictError } from '../../../common/index.js';
import type { Delivery, Listener, OutboxEvent, StatusRecord } from '../../../model/index.js';
import type { Store } from '../../../store/index.js';
import { attempt, changes, delivery, event, fanOut, listener, status } from './fixtures.js';
import type { ContractContext } from './harness.js';

export function deliveryContract(ctx: ContractContext): void {
  let store: Store;
  beforeEach(() => {
    store = ctx.store;
  });

  describe('fan-out', () => {
    it('creates nothing twice when the same fan-out is applied again, and keeps delivery state', async () => {
      const d = delivery(1, 'n1', { statusId: 's-1' });
      const f = fanOut({
        listeners: [listener('n1', { origin: 'notify', owner: 'ex-1' })],
        deliveries: [d, delivery(2, 'n1')],
        statuses: [status(d)],
        cursor: 2,
      });
      await store.delivery.applyFanOut(f);
      await store.delivery.applyProgress({
        deliveries: [{ ...d, state: 'succeeded', attempts: 1, lastCode: 'success', updatedAt: 3000 }],
        attempts: [attempt(1, { deliveryId: d.id, listenerId: 'n1', code: 'success', httpStatus: 200 })],
        listeners: [],
      });
      await store.delivery.updateStatus({ ...status(d), status: 'in_progress', updatedAt: 3000 });

      await store.delivery.applyFanOut(f);

      const all = await store.delivery.listDeliveries();
      expect(all.map((x) => x.id)).to.deep.equal([d.id, 'd-2-n1']);
      expect(all[0]).to.include({ state: 'succeeded', attempts: 1, lastCode: 'success', statusId: 's-1' });
      expect((await store.delivery.getStatus('s-1'))?.status).to.equal('in_progress');
      expect(await store.delivery.listListeners()).to.have.length(1);
    });

    it('keeps a delivery from an earlier fan-out and does not store the new status of its duplicate', async () => {
      const first = delivery(1, 'l1', { id: 'first', statusId: 's-first' });
      await store.delivery.applyFanOut(
        fanOut({ listeners: [listener('l1')], deliveries: [first], statuses: [status(first)], cursor: 1 }),
      );
      const again = delivery(1, 'l1', { id: 'again', statusId: 's-again' });
      await store.delivery.applyFanOut(fanOut({ deliveries: [again], statuses: [status(again)], cursor: 1 }));
      expect((await store.delivery.listDeliveries()).map((x) => x.id)).to.deep.equal(['first']);
      expect(await store.delivery.getStatus('s-again')).to.equal(null);
      expect(await store.delivery.getStatus('s-first')).to.not.equal(null);
    });

    it('keeps a listener already stored (its health moved on) when a fan-out sends it again', async () => {
      const l = listener('n1', { origin: 'notify' });
      await store.delivery.applyFanOut(fanOut({ listeners: [l], cursor: 1 }));
      const health = { lastSuccessAt: null, lastFailureAt: 50, firstFailureAt: 50, failuresInRow: 3 };
      await store.delivery.applyProgress({
        deliveries: [],
        attempts: [],
        listeners: [{ id: 'n1', health, enabled: false, disabledReason: 'gone', updatedAt: 60 }],
      });
      await store.delivery.applyFanOut(fanOut({ listeners: [l], cursor: 2 }));
      expect(await store.delivery.getListener('n1')).to.include({ enabled: false, disabledReason: 'gone' });
    });

    it('refuses, with a ConflictError and nothing applied, a new listener whose name is taken', async () => {
      await store.delivery.createListener(listener('l1', { name: 'hook' }));
      let err: unknown;
      try {
        await store.delivery.applyFanOut(
          fanOut({
            listeners: [listener('n1', { name: 'hook' })],
            deliveries: [delivery(1, 'n1')],
            cursor: 1,
          }),
        );
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(ConflictError);
      expect(await store.delivery.listDeliveries()).to.have.length(0);
      expect(await store.delivery.fanOutCursor()).to.equal(0);
      expect((await store.delivery.getListener('l1'))?.name).to.equal('hook');
    });

    it('moves the cursor forward only', async () => {
      expect(await store.delivery.fanOutCursor()).to.equal(0);
      await store.delivery.applyFanOut(fanOut({ cursor: 10 }));
      expect(await store.delivery.fanOutCursor()).to.equal(10);
      await store.delivery.applyFanOut(fanOut({ cursor: 4 }));
      expect(await store.delivery.fanOutCursor()).to.equal(10);
      await store.delivery.applyFanOut(fanOut({ cursor: 11 }));
      expect(await store.delivery.fanOutCursor()).to.equal(11);
    });
  });

  describe('progress', () => {
    it('writes a fan-out carried by a batch first: its deliveries in their state, the cursor, then the outcomes', async () => {
      await store.delivery.createListener(listener('l1'));
      const d1 = delivery(1, 'l1');
      const d2 = delivery(2, 'l1');
      const done = {
        ...d1,
        state: 'succeeded' as const,
        attempts: 1,
        lastCode: 'success' as const,
        updatedAt: 9000,
      };
      await store.delivery.applyProgress({
        deliveries: [],
        attempts: [attempt(1, { deliveryId: d1.id, code: 'success', httpStatus: 200 })],
        listeners: [],
        fanOut: fanOut({ deliveries: [done, d2], cursor: 2 }),
      });
      expect(await store.delivery.fanOutCursor()).to.equal(2);
      expect(await store.delivery.getDelivery(d1.id)).to.include({ state: 'succeeded', attempts: 1 });
      expect(await store.delivery.getDelivery(d2.id)).to.include({ state: 'pending', attempts: 0 });
      expect((await store.delivery.listAttempts()).map((a) => a.deliveryId)).to.deep.equal([d1.id]);
      const pending = await store.delivery.listDeliveries({ listenerId: 'l1', state: 'pending' });
      expect(pending.map((d) => d.id)).to.deep.equal([d2.id]);
    });

    it('applies a batch: delivery states, attempts with increasing seq, listener health', async () => {
      await store.delivery.createListener(listener('l1'));
      const d1 = delivery(1, 'l1');
      const d2 = delivery(2, 'l1');
      await store.delivery.applyFanOut(fanOut({ deliveries: [d1, d2], cursor: 2 }));
      const health = { lastSuccessAt: 9000, lastFailureAt: 9500, firstFailureAt: 9500, failuresInRow: 1 };
      await store.delivery.applyProgress({
        deliveries: [
          { ...d1, state: 'succeeded', attempts: 1, lastCode: 'success', updatedAt: 9000 },
          { ...d2, attempts: 1, nextAttemptAt: 12_000, lastCode: 'timeout', updatedAt: 9500 },
          delivery(99, 'gone'), // deleted meanwhile: ignored
        ],
        attempts: [
          attempt(1, { deliveryId: d1.id, code: 'success', httpStatus: 200 }),
          attempt(2, { deliveryId: d2.id, eventId: 2, code: 'timeout', httpStatus: null }),
        ],
        listeners: [
          { id: 'l1', health, enabled: true, disabledReason: null, updatedAt: 9500 },
          { id: 'missing', health, enabled: false, disabledReason: 'x', updatedAt: 9500 },
        ],
      });
      expect(await store.delivery.getDelivery(d1.id)).to.include({ state: 'succeeded', lastCode: 'success' });
      expect(await store.delivery.getDelivery(d2.id)).to.include({
        state: 'pending',
        attempts: 1,
        nextAttemptAt: 12_000,
        lastCode: 'timeout',
        updatedAt: 9500,
      });
      expect(await store.delivery.getDelivery(delivery(99, 'gone').id)).to.equal(null);
      const attempts = await store.delivery.listAttempts();
      expect(attempts.map((a) => a.id)).to.deep.equal(['a-1', 'a-2']);
      expect(attempts[1]!.seq).to.be.greaterThan(attempts[0]!.seq);
      expect(attempts[1]).to.include({ httpStatus: null, code: 'timeout', durationMs: 12.5 });
      expect(await store.delivery.getAttempt('a-2')).to.deep.equal(attempts[1]);
      const l1 = await store.delivery.getListener('l1');
      expect(l1?.health).to.deep.equal(health);
      expect(l1?.updatedAt).to.equal(9500);
      expect(l1?.name).to.equal('name-l1');
      expect(await store.delivery.getListener('missing')).to.equal(null);

      await store.delivery.applyProgress({
        deliveries: [],
        attempts: [attempt(3)],
        listeners: [{ id: 'l1', health, enabled: false, disabledReason: 'HTTP 410', updatedAt: 9600 }],
      });
      const [third] = await store.delivery.listAttempts({ afterSeq: attempts[1]!.seq });
      expect(third!.seq).to.be.greaterThan(attempts[1]!.seq);
      expect(await store.delivery.listListeners({ enabled: false })).to.have.length(1);
      expect(await store.delivery.getListener('l1')).to.include({
        enabled: false,
        disabledReason: 'HTTP 410',
      });
    });
  });

  describe('backlog', () => {
    it("pages one listener's pending deliveries with their events, per queue and up to a position", async () => {
      await store.commit(changes({ events: [1, 2, 3, 4, 5].map((n) => event(n)) }));
      const evs = await store.readEvents({});
      const id = (n: number) => evs[n - 1]!.id;
      await store.delivery.applyFanOut(
        fanOut({
          deliveries: [
            delivery(id(1), 'la'),
            delivery(id(1), 'lb'),
            delivery(id(2), 'la', { orderKey: 'root-2' }),
            delivery(id(3), 'la', { state: 'succeeded' }),
            delivery(id(4), 'la'),
            delivery(id(5), 'la', { orderKey: 'root-2' }),
          ],
          cursor: id(5),
        }),
      );
      expect(await store.delivery.pendingListeners()).to.deep.equal(['la', 'lb']);
      const page = async (q: Partial<Parameters<Store['delivery']['pendingPage']>[0]>) =>
        (
          await store.delivery.pendingPage({
            listenerId: 'la',
            after: { eventId: 0, id: '' },
            limit: 100,
            ...q,
          })
        ).map((p) => [p.delivery.id, p.event.sequence, p.delivery.orderKey]);
      expect(await page({})).to.deep.equal([
        [`d-${id(1)}-la`, 1, 'root-1'],
        [`d-${id(2)}-la`, 2, 'root-2'],
        [`d-${id(4)}-la`, 4, 'root-1'],
        [`d-${id(5)}-la`, 5, 'root-2'],
      ]);
      expect(await page({ limit: 2 })).to.have.length(2);
      expect(await page({ after: { eventId: id(2), id: `d-${id(2)}-la` } })).to.have.length(2);
      expect(await page({ orderKey: 'root-2' })).to.deep.equal([
        [`d-${id(2)}-la`, 2, 'root-2'],
        [`d-${id(5)}-la`, 5, 'root-2'],
      ]);
      expect(await page({ upTo: { eventId: id(4), id: `d-${id(4)}-la` } })).to.have.length(3);
      expect(await page({ orderKey: 'root-2', upTo: { eventId: id(4), id: '' } })).to.have.length(1);
      const [first] = await store.delivery.pendingPage({
        listenerId: 'lb',
        after: { eventId: 0, id: '' },
        limit: 1,
      });
      expect(first?.event).to.deep.equal(evs[0]);
      expect(first?.delivery).to.deep.equal(delivery(id(1), 'lb'));
    });

    it('lists pending deliveries in event order after a position, and counts them per listener', async () => {
      await store.delivery.applyFanOut(
        fanOut({
          deliveries: [
            delivery(3, 'lb'),
            delivery(1, 'lb'),
            delivery(2, 'la', { state: 'failed' }),
            delivery(1, 'la'),
            delivery(4, 'la'),
          ],
          cursor: 4,
        }),
      );
      const ids = (ds: Delivery[]) => ds.map((d) => d.id);
      expect(ids(await store.delivery.listPending({ eventId: 0, id: '' }, 100))).to.deep.equal([
        'd-1-la',
        'd-1-lb',
        'd-3-lb',
        'd-4-la',
      ]);
      expect(ids(await store.delivery.listPending({ eventId: 1, id: '\uffff' }, 2))).to.deep.equal([
        'd-3-lb',
        'd-4-la',
      ]);
      expect(await store.delivery.countPending(['la', 'lb', 'none'])).to.deep.equal({
        la: 2,
        lb: 2,
        none: 0,
      });
      expect(await store.delivery.countPending([])).to.deep.equal({});
      expect(ids(await store.delivery.listDeliveries({ listenerId: 'la', state: 'pending' }))).to.deep.equal([
        'd-1-la',
        'd-4-la',
      ]);
      expect(ids(await store.delivery.listDeliveries({ eventIds: [1, 2] }))).to.deep.equal([
        'd-1-la',
        'd-1-lb',
        'd-2-la',
      ]);
      expect(await store.delivery.listDeliveries({ eventIds: [] })).to.have.length(0);
      expect(await store.delivery.listDeliveries({ since: 2001 })).to.have.length(0);
      expect(await store.delivery.listDeliveries({ limit: 2 })).to.have.length(2);
      // A listener's deliveries of one state, paged by event id (recovery), and counted.
      const la = { listenerId: 'la', state: 'pending' as const };
      expect(ids(await store.delivery.listDeliveries({ ...la, afterEventId: 0, limit: 1 }))).to.deep.equal([
        'd-1-la',
      ]);
      expect(ids(await store.delivery.listDeliveries({ ...la, afterEventId: 1, limit: 1 }))).to.deep.equal([
        'd-4-la',
      ]);
      expect(await store.delivery.listDeliveries({ ...la, afterEventId: 4 })).to.have.length(0);
      expect(await store.delivery.countDeliveries(la)).to.equal(2);
      expect(
        await store.delivery.countDeliveries({ listenerId: 'la', state: 'failed', since: 2000 }),
      ).to.equal(1);
      expect(await store.delivery.countDeliveries({ since: 2001 })).to.equal(0);
    });
  });

  describe('attempts', () => {
    beforeEach(async () => {
      const attempts = Array.from({ length: 250 }, (_, i) =>
        attempt(i, { eventId: i % 5, listenerId: `l${i % 3}`, deliveryId: `d-${i % 5}-l${i % 3}` }),
      );
      await store.delivery.applyProgress({ deliveries: [], attempts, listeners: [] });
    });

    it('walks a 250-attempt log in pages of 100 by seq, without repeats or gaps', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let afterSeq: number | undefined;
      for (;;) {
        const page = await store.delivery.listAttempts({ afterSeq });
        sizes.push(page.length);
        if (!page.length) break;
        seen.push(...page.map((a) => a.id));
        afterSeq = page[page.length - 1]!.seq;
      }
      expect(sizes).to.deep.equal([100, 100, 50, 0]);
      expect(seen).to.deep.equal(Array.from({ length: 250 }, (_, i) => `a-${i}`));
    });

    it('filters by events, listeners, delivery and creation time (exclusive bounds)', async () => {
      const all = await store.delivery.listAttempts({ limit: 1000 });
      const byEvent = await store.delivery.listAttempts({ eventIds: [0, 3], limit: 1000 });
      expect(byEvent.map((a) => a.id)).to.deep.equal(
        all.filter((a) => a.eventId === 0 || a.eventId === 3).map((a) => a.id),
      );
      expect(byEvent).to.have.length(100);
      const byListener = await store.delivery.listAttempts({ listenerIds: ['l1'], limit: 1000 });
      expect(byListener.every((a) => a.listenerId === 'l1')).to.equal(true);
      expect(byListener).to.have.length(83);
      const both = await store.delivery.listAttempts({ eventIds: [0], listenerIds: ['l0'], limit: 1000 });
      expect(both.map((a) => a.id)).to.deep.equal(
        all.filter((a) => a.eventId === 0 && a.listenerId === 'l0').map((a) => a.id),
      );
      expect(await store.delivery.listAttempts({ deliveryId: 'd-2-l1', limit: 1000 })).to.have.length(
        all.filter((a) => a.deliveryId === 'd-2-l1').length,
      );
      const window = await store.delivery.listAttempts({ after: 10_010, before: 10_020 });
      expect(window.map((a) => a.id)).to.deep.equal(Array.from({ length: 9 }, (_, i) => `a-${11 + i}`));
      expect(await store.delivery.listAttempts({ listenerIds: [] })).to.have.length(0);
      const page = await store.delivery.listAttempts({ listenerIds: ['l2'], limit: 10 });
      const next = await store.delivery.listAttempts({
        listenerIds: ['l2'],
        limit: 10,
        afterSeq: page[9]!.seq,
      });
      expect(next[0]!.seq).to.be.greaterThan(page[9]!.seq);
      expect(next.every((a) => a.listenerId === 'l2')).to.equal(true);
    });
  });

  describe('statuses', () => {
    it('updates a status until it is completed, then refuses (compare-and-swap)', async () => {
      const d = delivery(1, 'l1', { statusId: 's-1' });
      await store.delivery.applyFanOut(fanOut({ deliveries: [d], statuses: [status(d)], cursor: 1 }));
      const s = (await store.delivery.getStatus('s-1'))!;
      expect(s).to.deep.equal(status(d));
      expect(await store.delivery.updateStatus({ ...s, status: 'in_progress', updatedAt: 2100 })).to.equal(
        true,
      );
      const done: StatusRecord = {
        ...s,
        status: 'completed',
        conclusion: 'success',
        output: { title: 'deployed', summary: 'ok' },
        updatedAt: 2200,
      };
      expect(await store.delivery.updateStatus(done)).to.equal(true);
      expect(await store.delivery.getStatus('s-1')).to.deep.equal(done);
      expect(
        await store.delivery.updateStatus({ ...done, conclusion: 'failure', output: null, updatedAt: 2300 }),
      ).to.equal(false);
      expect(await store.delivery.getStatus('s-1')).to.deep.equal(done);
      expect(await store.delivery.updateStatus({ ...done, id: 'nope' })).to.equal(false);
    });

    it('lists statuses by execution and finds the overdue open ones', async () => {
      const ds = [1, 2, 3].map((n) => delivery(n, 'l1', { statusId: `s-${n}` }));
      await store.delivery.applyFanOut(
        fanOut({
          deliveries: ds,
          statuses: [
            status(ds[0]!, { deadlineAt: 100, createdAt: 3 }),
            status(ds[1]!, { deadlineAt: 200, createdAt: 2, executionId: 'sub', taskExecutionId: 't1' }),
            status(ds[2]!, { deadlineAt: 50, createdAt: 1, status: 'completed', conclusion: 'success' }),
          ],
          cursor: 3,
        }),
      );
      const ids = (ss: StatusRecord[]) => ss.map((s) => s.id);
      expect(ids(await store.delivery.listStatuses({ rootExecutionId: 'root-1' }))).to.deep.equal([
        's-3',
        's-2',
        's-1',
      ]);
      expect(ids(await store.delivery.listStatuses({ executionId: 'sub' }))).to.deep.equal(['s-2']);
      expect(ids(await store.delivery.listStatuses({ taskExecutionId: 't1' }))).to.deep.equal(['s-2']);
      expect(ids(await store.delivery.listStatuses({ overdueAt: 100 }))).to.deep.equal(['s-1']);
      expect(ids(await store.delivery.listStatuses({ overdueAt: 200 }))).to.deep.equal(['s-2', 's-1']);
      expect(ids(await store.delivery.listStatuses({ overdueAt: 200, limit: 1 }))).to.deep.equal(['s-2']);
    });
  });

  describe('listeners', () => {
    it('refuses a taken name with a ConflictError, on create and on update', async () => {
      await store.delivery.createListener(listener('l1', { name: 'a' }));
      await store.delivery.createListener(listener('l2', { name: 'b' }));
      const conflict = async (p: Promise<unknown>) => {
        try {
          await p;
          expect.fail('should have thrown');
        } catch (err) {
          expect(err).to.be.instanceOf(ConflictError);
        }
      };
      await conflict(store.delivery.createListener(listener('l3', { name: 'a' })));
      await conflict(store.delivery.createListener(listener('l1', { name: 'c' })));
      await conflict(store.delivery.updateListener(listener('l2', { name: 'a' })));
      expect(await store.delivery.updateListener(listener('l2', { name: 'b2', retry: [9] }))).to.equal(true);
      expect(await store.delivery.getListenerByName('b2')).to.deep.equal(
        listener('l2', { name: 'b2', retry: [9] }),
      );
      expect(await store.delivery.getListenerByName('b')).to.equal(null);
      expect(await store.delivery.updateListener(listener('nope'))).to.equal(false);
    });

    it('lists in creation order with afterId paging and filters', async () => {
      await store.delivery.createListener(listener('z', { createdAt: 1 }));
      await store.delivery.createListener(listener('b', { createdAt: 2, origin: 'workbook', owner: 'wb' }));
      await store.delivery.createListener(listener('a', { createdAt: 2, origin: 'workbook', owner: 'wb' }));
      await store.delivery.createListener(listener('m', { createdAt: 3, enabled: false }));
      const ids = (ls: Listener[]) => ls.map((l) => l.id);
      expect(ids(await store.delivery.listListeners())).to.deep.equal(['z', 'a', 'b', 'm']);
      expect(ids(await store.delivery.listListeners({ afterId: 'a', limit: 1 }))).to.deep.equal(['b']);
      expect(ids(await store.delivery.listListeners({ afterId: 'b' }))).to.deep.equal(['m']);
      expect(ids(await store.delivery.listListeners({ origin: 'workbook' }))).to.deep.equal(['a', 'b']);
      expect(ids(await store.delivery.listListeners({ owner: 'wb', afterId: 'a' }))).to.deep.equal(['b']);
      expect(ids(await store.delivery.listListeners({ enabled: false }))).to.deep.equal(['m']);
      expect(ids(await store.delivery.listListeners({ enabled: true, limit: 2 }))).to.deep.equal(['z', 'a']);
    });

    it('deletes a listener with its pending deliveries and keeps its history', async () => {
      await store.delivery.createListener(listener('l1'));
      const done = delivery(1, 'l1', { statusId: 's-1' });
      const pending = delivery(2, 'l1');
      await store.delivery.applyFanOut(
        fanOut({ deliveries: [done, pending, delivery(2, 'other')], statuses: [status(done)], cursor: 2 }),
      );
      await store.delivery.applyProgress({
        deliveries: [{ ...done, state: 'succeeded', attempts: 1 }],
        attempts: [attempt(1, { deliveryId: done.id })],
        listeners: [],
      });
      expect(await store.delivery.deleteListener('l1')).to.equal(true);
      expect(await store.delivery.deleteListener('l1')).to.equal(false);
      expect(await store.delivery.getListener('l1')).to.equal(null);
      expect((await store.delivery.listDeliveries()).map((d) => d.id)).to.deep.equal([done.id, 'd-2-other']);
      expect(await store.delivery.listAttempts({ listenerIds: ['l1'] })).to.have.length(1);
      expect(await store.delivery.getStatus('s-1')).to.not.equal(null);
    });
  });

  describe('outbox reads', () => {
    beforeEach(async () => {
      await store.commit(
        changes({
          events: [
            event(1),
            event(2, { entity: 'task', entityId: 't1', eventType: 'TASK_LAUNCHED' }),
            event(3, { entity: 'task', entityId: 't1', eventType: 'TASK_SUCCEEDED', state: 'SUCCESS' }),
            event(4, { eventType: 'WORKFLOW_SUCCEEDED', state: 'SUCCESS' }),
          ],
        }),
      );
    });

    it('gets one event by id', async () => {
      const [, second] = await store.readEvents();
      expect(await store.getEvent(second!.id)).to.deep.equal(second);
      expect(second).to.include({ eventType: 'TASK_LAUNCHED', entity: 'task', sequence: 2 });
      expect(await store.getEvent(9999)).to.equal(null);
    });

    it('filters by id window, event types, entity and creation time', async () => {
      const all = await store.readEvents();
      const id = (n: number) => all[n - 1]!.id;
      const seqs = (evs: OutboxEvent[]) => evs.map((e) => e.sequence);
      expect(seqs(await store.readEvents({ beforeId: id(3) }))).to.deep.equal([1, 2]);
      expect(seqs(await store.readEvents({ afterId: id(1), beforeId: id(4) }))).to.deep.equal([2, 3]);
      expect(
        seqs(await store.readEvents({ eventTypes: ['TASK_SUCCEEDED', 'WORKFLOW_SUCCEEDED'] })),
      ).to.deep.equal([3, 4]);
      expect(await store.readEvents({ eventTypes: [] })).to.have.length(0);
      expect(seqs(await store.readEvents({ entity: 'task' }))).to.deep.equal([2, 3]);
      expect(seqs(await store.readEvents({ entity: 'execution' }))).to.deep.equal([1, 4]);
      expect(seqs(await store.readEvents({ createdAfter: 100, createdBefore: 400 }))).to.deep.equal([2, 3]);
      expect(seqs(await store.readEvents({ createdAfter: 200, entity: 'task' }))).to.deep.equal([3]);
    });

    it('reads after a time the rows committed ahead of an earlier-created one, in commit order', async () => {
      // 7 was created after 6 but committed first; a page from 500 (before both) and one from 550 (between).
      await store.commit(changes({ events: [event(7, { createdAt: 600 }), event(6, { createdAt: 550 })] }));
      const seqs = async (createdAfter: number) =>
        (await store.readEvents({ createdAfter })).map((e) => e.sequence);
      expect(await seqs(500)).to.deep.equal([7, 6]);
      expect(await seqs(550)).to.deep.equal([7]);
      expect(await seqs(600)).to.deep.equal([]);
    });
  });
}
