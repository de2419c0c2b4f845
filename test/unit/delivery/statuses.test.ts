/** Statuses: the receiver's report on a delivery, and the sweeper that times out the forgotten ones. */
import { expect } from 'chai';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../common/index.js';
import { applyStatusUpdate, sweepOverdueStatuses } from '../../../delivery/statuses.js';
import type { StatusRecord, StatusUpdate } from '../../../delivery/types.js';
import { SqliteStore } from '../../../store/index.js';
import { makeDelivery, makeListener, T0 } from './helpers.js';

function status(id: string, overrides: Partial<StatusRecord> = {}): StatusRecord {
  return {
    id,
    deliveryId: `d-${id}`,
    eventId: 7,
    listenerId: 'l-1',
    executionId: 'ex-1',
    rootExecutionId: 'ex-1',
    taskExecutionId: 'task-1',
    taskName: 'fetch',
    status: 'queued',
    conclusion: null,
    output: null,
    deadlineAt: T0 + 60_000,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** Stores statuses the way the fan-out does: each with the delivery that carries it. */
async function seed(store: SqliteStore, statuses: StatusRecord[]): Promise<void> {
  await store.delivery.createListener(makeListener({ status: { enabled: true, timeoutS: 60 } }));
  await store.delivery.applyFanOut({
    listeners: [],
    deliveries: statuses.map((s, i) =>
      makeDelivery({ id: s.deliveryId, eventId: s.eventId + i, statusId: s.id }),
    ),
    statuses,
    cursor: 0,
  });
}

describe('statuses', () => {
  let store: SqliteStore;

  beforeEach(() => {
    store = new SqliteStore({ path: ':memory:' });
  });

  afterEach(async () => {
    await store.close();
  });

  describe('applyStatusUpdate', () => {
    it('goes queued -> in_progress -> completed, and stores each step', async () => {
      await seed(store, [status('s1')]);
      const started = await applyStatusUpdate(
        store.delivery,
        's1',
        { status: 'in_progress', output: { title: 'working' } },
        T0 + 1000,
      );
      expect(started).to.include({ status: 'in_progress', conclusion: null, updatedAt: T0 + 1000 });
      expect(started.output).to.deep.equal({ title: 'working' });
      expect(await store.delivery.getStatus('s1')).to.deep.equal(started);

      const done = await applyStatusUpdate(
        store.delivery,
        's1',
        { status: 'completed', conclusion: 'success', output: { title: 'done', summary: 'all good' } },
        T0 + 2000,
      );
      expect(done).to.include({ status: 'completed', conclusion: 'success', updatedAt: T0 + 2000 });
      expect(done.output).to.deep.equal({ title: 'done', summary: 'all good' });
      const stored = await store.delivery.getStatus('s1');
      expect(stored).to.deep.equal(done);
      // What stays: the status's identity and deadline.
      expect(stored).to.include({
        deliveryId: 'd-s1',
        taskName: 'fetch',
        deadlineAt: T0 + 60_000,
        createdAt: T0,
      });
    });

    it('may complete straight from queued, and keeps the earlier output when none is given', async () => {
      await seed(store, [status('s1', { output: { title: 'before' } })]);
      const done = await applyStatusUpdate(
        store.delivery,
        's1',
        { status: 'completed', conclusion: 'failure' },
        T0,
      );
      expect(done).to.include({ status: 'completed', conclusion: 'failure' });
      expect(done.output).to.deep.equal({ title: 'before' });
    });

    it('a completed status needs a conclusion', async () => {
      await seed(store, [status('s1')]);
      let err: unknown;
      try {
        await applyStatusUpdate(store.delivery, 's1', { status: 'completed' }, T0);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(InvalidInputError);
      expect((err as InvalidInputError).field).to.equal('conclusion');
      expect((await store.delivery.getStatus('s1'))?.status).to.equal('queued');
    });

    it('refuses another state than in_progress or completed', async () => {
      await seed(store, [status('s1')]);
      for (const bad of ['queued', 'done', undefined]) {
        const update = { status: bad } as unknown as StatusUpdate;
        let err: unknown;
        try {
          await applyStatusUpdate(store.delivery, 's1', update, T0);
        } catch (e) {
          err = e;
        }
        expect(err, String(bad)).to.be.instanceOf(InvalidInputError);
        expect((err as InvalidInputError).field).to.equal('status');
      }
    });

    it('a completed status never changes again (ConflictError, i.e. 409)', async () => {
      await seed(store, [status('s1')]);
      await applyStatusUpdate(store.delivery, 's1', { status: 'completed', conclusion: 'success' }, T0 + 1);
      for (const update of [
        { status: 'in_progress' },
        { status: 'completed', conclusion: 'failure' },
      ] as StatusUpdate[]) {
        let err: unknown;
        try {
          await applyStatusUpdate(store.delivery, 's1', update, T0 + 2);
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(ConflictError);
      }
      expect(await store.delivery.getStatus('s1')).to.include({ conclusion: 'success', updatedAt: T0 + 1 });
    });

    it('an unknown id is a NotFoundError', async () => {
      let err: unknown;
      try {
        await applyStatusUpdate(store.delivery, 'nope', { status: 'in_progress' }, T0);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(NotFoundError);
    });
  });

  describe('sweepOverdueStatuses', () => {
    it('completes the open statuses past their deadline as timed_out and leaves the others', async () => {
      await seed(store, [
        status('overdue-queued', { deadlineAt: T0 + 1000 }),
        status('overdue-running', {
          status: 'in_progress',
          deadlineAt: T0 + 2000,
          output: { title: 'mine' },
        }),
        status('due-now', { deadlineAt: T0 + 5000 }),
        status('not-yet', { deadlineAt: T0 + 5001 }),
        status('done', { status: 'completed', conclusion: 'success', deadlineAt: T0 }),
      ]);
      const n = await sweepOverdueStatuses(store.delivery, T0 + 5000);
      expect(n).to.equal(3);

      const get = async (id: string) => (await store.delivery.getStatus(id))!;
      expect(await get('overdue-queued')).to.include({
        status: 'completed',
        conclusion: 'timed_out',
        updatedAt: T0 + 5000,
      });
      expect((await get('overdue-queued')).output?.title).to.equal('Timed out');
      // A receiver's own output is kept.
      expect(await get('overdue-running')).to.include({ status: 'completed', conclusion: 'timed_out' });
      expect((await get('overdue-running')).output).to.deep.equal({ title: 'mine' });
      // The deadline is inclusive.
      expect(await get('due-now')).to.include({ status: 'completed', conclusion: 'timed_out' });
      expect(await get('not-yet')).to.include({ status: 'queued', conclusion: null, updatedAt: T0 });
      expect(await get('done')).to.include({ status: 'completed', conclusion: 'success', updatedAt: T0 });

      // A second sweep finds nothing more, and a timed-out status refuses updates.
      expect(await sweepOverdueStatuses(store.delivery, T0 + 5000)).to.equal(0);
      let err: unknown;
      try {
        await applyStatusUpdate(
          store.delivery,
          'due-now',
          { status: 'completed', conclusion: 'success' },
          T0 + 6000,
        );
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(ConflictError);
    });

    it('finds nothing in an empty store', async () => {
      expect(await sweepOverdueStatuses(store.delivery, T0)).to.equal(0);
    });
  });
});
