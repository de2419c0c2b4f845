/**
 * The store contract, workbook part: a workbook and the listeners it declares are saved in one transaction
 * (`saveWorkbook`). Its listeners are replaced as a set (kept ones updated in place, dropped ones deleted with
 * their pending deliveries), a listener that cannot be stored leaves nothing of the save behind, and deleting
 * the workbook (`removeWorkbook`) takes its listeners with it. A workbook is its name and namespace: `wb` in
 * another namespace keeps its own listeners through all of that.
 */
import { expect } from 'chai';
import { ConflictError } from '../../../common/index.js';
import type { Listener } from '../../../model/index.js';
import type { Store, WorkbookRow, WorkflowDefinitionRow } from '../../../store/index.js';
import { delivery, fanOut, listener } from './fixtures.js';
import type { ContractContext } from './harness.js';

function workbook(at: number, namespace = ''): WorkbookRow {
  return {
    name: 'wb',
    namespace,
    definition: `version: '2.0' # ${at}`,
    spec: {} as never,
    tags: [],
    scope: 'private',
    createdAt: 1,
    updatedAt: at,
  };
}

function workflow(name: string, at: number): WorkflowDefinitionRow {
  return {
    id: `id-${name}`,
    name,
    namespace: '',
    workbookName: 'wb',
    definition: `${name}: {}`,
    spec: { name } as WorkflowDefinitionRow['spec'],
    tags: [],
    scope: 'private',
    createdAt: 1,
    updatedAt: at,
  };
}

function owned(id: string, name: string, over: Partial<Listener> = {}): Listener {
  return listener(id, { name: `wb.${name}`, origin: 'workbook', owner: 'wb', ...over });
}

export function workbookSaveContract(ctx: ContractContext): void {
  let store: Store;
  beforeEach(() => {
    store = ctx.store;
  });

  const names = async () => (await store.delivery.listListeners()).map((l) => l.name).sort();

  it("replaces the workbook's listeners as a set: kept ones updated in place, dropped ones deleted", async () => {
    await store.saveWorkbook(workbook(1), [workflow('wb.a', 1)], [], [owned('l1', 'a'), owned('l2', 'b')]);
    await store.delivery.createListener(listener('api-1'));
    await store.delivery.applyFanOut(
      fanOut({ deliveries: [delivery(1, 'l2'), delivery(1, 'l1')], cursor: 1 }),
    );

    const changed = owned('l1', 'a', { retry: [9], updatedAt: 2000 });
    await store.saveWorkbook(workbook(2), [workflow('wb.a', 2)], [], [changed, owned('l3', 'c')]);

    expect(await names()).to.deep.equal(['name-api-1', 'wb.a', 'wb.c']);
    expect(await store.delivery.getListener('l1')).to.deep.equal(changed);
    // The dropped listener's pending delivery went with it; the kept one's stays.
    expect((await store.delivery.listDeliveries()).map((d) => d.listenerId)).to.deep.equal(['l1']);
    expect((await store.getWorkbook('wb'))?.updatedAt).to.equal(2);

    await store.saveWorkbook(workbook(3), [workflow('wb.a', 3)], [], []);
    expect(await names()).to.deep.equal(['name-api-1']);
  });

  it('saves nothing when a listener cannot be stored (its name is taken): no new workbook, no listeners', async () => {
    await store.delivery.createListener(listener('api-1', { name: 'wb.taken' }));
    let err: unknown;
    try {
      await store.saveWorkbook(
        workbook(1),
        [workflow('wb.a', 1)],
        [],
        [owned('l1', 'a'), owned('l2', 'taken')],
      );
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConflictError);
    expect(await store.getWorkbook('wb')).to.equal(null);
    expect(await store.listWorkflowDefinitions()).to.deep.equal([]);
    expect(await names()).to.deep.equal(['wb.taken']);
  });

  it('keeps the previous workbook and its listeners when an update fails', async () => {
    await store.saveWorkbook(workbook(1), [workflow('wb.a', 1)], [], [owned('l1', 'a')]);
    await store.delivery.createListener(listener('api-1', { name: 'wb.taken' }));
    let err: unknown;
    try {
      await store.saveWorkbook(workbook(2), [workflow('wb.b', 2)], [], [owned('l2', 'taken')]);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConflictError);
    expect((await store.getWorkbook('wb'))?.updatedAt).to.equal(1);
    expect((await store.listWorkflowDefinitions()).map((w) => w.name)).to.deep.equal(['wb.a']);
    expect(await names()).to.deep.equal(['wb.a', 'wb.taken']);
  });

  it('deletes a workbook with its listeners and their pending deliveries; its workflows stay', async () => {
    await store.saveWorkbook(workbook(1), [workflow('wb.a', 1)], [], [owned('l1', 'a')]);
    await store.delivery.createListener(listener('api-1'));
    await store.delivery.applyFanOut(
      fanOut({ deliveries: [delivery(1, 'l1'), delivery(1, 'api-1')], cursor: 1 }),
    );

    expect(await store.removeWorkbook('wb', 'elsewhere')).to.equal(false);
    expect(await names()).to.deep.equal(['name-api-1', 'wb.a']);

    expect(await store.removeWorkbook('wb', '')).to.equal(true);
    expect(await store.getWorkbook('wb')).to.equal(null);
    expect((await store.listWorkflowDefinitions()).map((w) => w.name)).to.deep.equal(['wb.a']);
    expect(await names()).to.deep.equal(['name-api-1']);
    expect((await store.delivery.listDeliveries()).map((d) => d.listenerId)).to.deep.equal(['api-1']);
  });

  it('touches only the listeners of the workbook of that name *and* namespace', async () => {
    const inNs = (ns: string, id: string) => owned(id, 'x', { name: `${ns}:wb.x`, ownerNamespace: ns });
    // A record from before namespaces were told apart (no ownerNamespace) is the default namespace's.
    await store.saveWorkbook(workbook(1), [], [], [owned('l0', 'x')]);
    await store.saveWorkbook(workbook(1, 'a'), [], [], [inNs('a', 'la')]);
    await store.saveWorkbook(workbook(1, 'b'), [], [], [inNs('b', 'lb')]);
    await store.delivery.applyFanOut(
      fanOut({ deliveries: [delivery(1, 'l0'), delivery(1, 'la'), delivery(1, 'lb')], cursor: 1 }),
    );
    expect(await names()).to.deep.equal(['a:wb.x', 'b:wb.x', 'wb.x']);

    await store.saveWorkbook(workbook(2, 'a'), [], [], []);
    expect(await names()).to.deep.equal(['b:wb.x', 'wb.x']);
    expect((await store.delivery.listDeliveries()).map((d) => d.listenerId).sort()).to.deep.equal([
      'l0',
      'lb',
    ]);

    expect(await store.removeWorkbook('wb', 'b')).to.equal(true);
    expect(await names()).to.deep.equal(['wb.x']);
    expect(await store.getWorkbook('wb', '')).to.not.equal(null);

    await store.saveWorkbook(workbook(3, 'a'), [], [], [inNs('a', 'la2')]);
    expect(await store.removeWorkbook('wb', '')).to.equal(true);
    expect(await names()).to.deep.equal(['a:wb.x']);
  });
}
