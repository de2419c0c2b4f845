/**
 * The store contract, retention part: execution expiration (Mistral's `older_than` and
 * `max_finished_executions`, `batch_size`) and outbox compaction, and the guards that keep them from losing an
 * event. Run against every store by `store-contract.test.ts`.
 */
import { expect } from 'chai';
import type { ExecutionRow, Store } from '../../../store/index.js';
import { changes, delivery, event, execRow, fanOut, listener } from './fixtures.js';
import type { ContractContext } from './harness.js';

/** A finished top-level execution at time `at`, with a sub-execution, a task and two events. */
function finishedTree(id: string, at: number): Parameters<Store['commit']>[0] {
  const root: ExecutionRow = execRow(id, 'SUCCESS', at);
  const child = execRow(`${id}-child`, 'SUCCESS', at);
  child.record.taskExecutionId = `${id}-task`;
  child.record.rootExecutionId = id;
  return changes({
    executions: [root, child],
    tasks: [
      {
        record: {
          id: `${id}-task`,
          workflowExecutionId: id,
          name: 't',
          state: 'SUCCESS',
          createdAt: at,
          updatedAt: at,
        } as never,
        machine: {},
      },
    ],
    events: [
      event(1, { executionId: id, rootExecutionId: id, entityId: id, createdAt: at }),
      event(2, { executionId: id, rootExecutionId: id, entityId: id, createdAt: at }),
      event(1, { executionId: `${id}-child`, rootExecutionId: id, entityId: `${id}-child`, createdAt: at }),
    ],
  });
}

export function retentionContract(ctx: ContractContext): void {
  let store: Store;
  beforeEach(() => {
    store = ctx.store;
  });

  async function fanOutAll(): Promise<void> {
    const last = (await store.readEvents({ limit: 10_000 })).at(-1)?.id ?? 0;
    await store.delivery.applyFanOut(fanOut({ cursor: last }));
  }

  it('reads the events of a tree by its root (the root and its sub-executions, in id order), none by a sub-execution', async () => {
    await store.commit(finishedTree('a', 1000));
    await store.commit(finishedTree('b', 1000));
    const tree = await store.readEvents({ rootExecutionId: 'a' });
    expect(tree.map((e) => [e.executionId, e.sequence])).to.deep.equal([
      ['a', 1],
      ['a', 2],
      ['a-child', 1],
    ]);
    const after = await store.readEvents({ rootExecutionId: 'a', afterId: tree[0]?.id ?? 0 });
    expect(after.map((e) => e.executionId)).to.deep.equal(['a', 'a-child']);
    // As in Mistral, a sub-execution is the root of no tree.
    expect(await store.readEvents({ rootExecutionId: 'a-child' })).to.deep.equal([]);
  });

  it('expires finished top-level executions older than the limit, with their whole tree', async () => {
    await store.commit(finishedTree('old', 1000));
    await store.commit(finishedTree('new', 9000));
    await store.commit(changes({ executions: [execRow('running', 'RUNNING', 500)] }));
    await fanOutAll();
    const ids = await store.retention.expireExecutions({
      finishedBefore: 5000,
      keepFinished: null,
      limit: 100,
    });
    expect(ids).to.deep.equal(['old']);
    expect(await store.getExecution('old')).to.equal(null);
    expect(await store.getExecution('old-child')).to.equal(null);
    expect(await store.getTask('old-task')).to.equal(null);
    expect((await store.readEvents({ limit: 100 })).map((e) => e.rootExecutionId)).to.not.include('old');
    expect(await store.getExecution('new')).to.not.equal(null);
    expect(await store.getExecution('running')).to.not.equal(null);
  });

  it('keeps only the newest N finished executions, at most batch size per call', async () => {
    for (let i = 0; i < 5; i++) await store.commit(finishedTree(`e${i}`, 1000 + i));
    await fanOutAll();
    const first = await store.retention.expireExecutions({ finishedBefore: null, keepFinished: 2, limit: 2 });
    expect(first).to.deep.equal(['e0', 'e1']);
    const second = await store.retention.expireExecutions({
      finishedBefore: null,
      keepFinished: 2,
      limit: 2,
    });
    expect(second).to.deep.equal(['e2']);
    const left = await store.listExecutions({ topLevel: true });
    expect(left.map((e) => e.id).sort()).to.deep.equal(['e3', 'e4']);
  });

  it('never expires an execution whose events are not fanned out or still being delivered', async () => {
    await store.commit(finishedTree('unsent', 1000));
    const policy = { finishedBefore: 5000, keepFinished: null, limit: 100 };
    expect(await store.retention.expireExecutions(policy)).to.deep.equal([]);
    const [first] = await store.readEvents({ limit: 1 });
    await store.delivery.applyFanOut(
      fanOut({ listeners: [listener('l1')], deliveries: [delivery(first?.id ?? 0, 'l1')], cursor: 3 }),
    );
    expect(await store.retention.expireExecutions(policy)).to.deep.equal([]);
    expect(await store.getExecution('unsent')).to.not.equal(null);
  });

  it('compacts old delivered events, the newest of each stored execution included, and keeps pending ones', async () => {
    await store.commit(finishedTree('a', 1000));
    await store.commit(
      changes({
        events: [event(1, { createdAt: 1000 }), event(2, { createdAt: 1000 }), event(3, { createdAt: 1000 })],
      }),
    );
    const all = await store.readEvents({ limit: 100 });
    const pendingFor = all.find((e) => e.executionId === 'ex-1' && e.sequence === 1);
    await store.delivery.applyFanOut(
      fanOut({
        listeners: [listener('l1')],
        deliveries: [delivery(pendingFor?.id ?? 0, 'l1')],
        cursor: all.at(-1)?.id ?? 0,
      }),
    );
    // Nothing is older than the window yet.
    expect(await store.retention.compactOutbox(500, 100)).to.equal(0);
    const n = await store.retention.compactOutbox(5000, 100);
    // a and a-child: every event goes (their rows keep the sequences); ex-1 has no execution row, so its newest
    // (3) stays, and 1 is pending.
    expect(n).to.equal(4);
    const left = (await store.readEvents({ limit: 100 })).map((e) => `${e.executionId}:${e.sequence}`);
    expect(left.sort()).to.deep.equal(['ex-1:1', 'ex-1:3']);
    // Recovery still numbers after the newest event, from the rows.
    expect((await store.loadExecutions(['a', 'a-child'])).sequences).to.deep.equal({ a: 2, 'a-child': 1 });
    // A later event (a re-run) is numbered on from there, and is what recovery reads next.
    await store.commit(
      changes({ events: [event(3, { executionId: 'a', rootExecutionId: 'a', createdAt: 6000 })] }),
    );
    expect((await store.loadExecutions(['a'])).sequences.a).to.equal(3);
  });
}
