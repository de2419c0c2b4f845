/**
 * The store contract, definitions part: documents replaced as a whole, environments, and the cron trigger
 * compare-and-swap that lets several nodes share one database and start each run once.
 */
import { expect } from 'chai';
import { ConflictError } from '../../../common/index.js';
import type { CronTriggerRow, EventTriggerRow, Store, WorkflowDefinitionRow } from '../../../store/index.js';
import { changes } from './fixtures.js';
import type { ContractContext } from './harness.js';

function workflow(name: string, workbookName: string | null, at = 1): WorkflowDefinitionRow {
  return {
    id: `id-${name}`,
    name,
    namespace: '',
    workbookName,
    definition: `${name}: {}`,
    spec: { name } as WorkflowDefinitionRow['spec'],
    tags: ['t'],
    scope: 'private',
    createdAt: at,
    updatedAt: at,
  };
}

function trigger(name: string, next: number): CronTriggerRow {
  return {
    id: `id-${name}`,
    name,
    pattern: '* * * * *',
    workflowName: 'wf',
    workflowId: 'id-wf',
    workflowInput: { b: 1, a: 2 },
    workflowParams: {},
    firstExecutionTime: null,
    nextExecutionTime: next,
    remainingExecutions: 3,
    scope: 'private',
    createdAt: 1,
    updatedAt: 1,
  };
}

export function definitionsContract(ctx: ContractContext): void {
  let store: Store;
  beforeEach(() => {
    store = ctx.store;
  });

  it('replaces every workflow of a workbook when the workbook is saved again', async () => {
    const wb = {
      name: 'wb',
      namespace: '',
      definition: 'version: 2.0',
      spec: {} as never,
      tags: [],
      scope: 'private',
      createdAt: 1,
      updatedAt: 1,
    };
    await store.saveDocument(wb, [workflow('wb.a', 'wb'), workflow('wb.b', 'wb')], []);
    await store.saveDocument({ ...wb, updatedAt: 2 }, [workflow('wb.b', 'wb', 2)], []);
    expect((await store.listWorkflowDefinitions()).map((w) => w.name)).to.deep.equal(['wb.b']);
    expect((await store.getWorkbook('wb'))?.updatedAt).to.equal(2);
    expect((await store.getWorkflowDefinition('id-wb.b'))?.tags).to.deep.equal(['t']);
    expect(await store.deleteWorkbook('wb')).to.equal(true);
    expect(await store.getWorkbook('wb')).to.equal(null);
    // Mistral deletes the workbook alone: its workflows stay.
    expect((await store.listWorkflowDefinitions()).map((w) => w.name)).to.deep.equal(['wb.b']);
  });

  it('keeps the key order of stored objects', async () => {
    await store.putEnvironment({
      id: 'env-1',
      name: 'env',
      description: '',
      variables: { zeta: 1, alpha: { y: 1, x: 2 } },
      scope: 'private',
      createdAt: 1,
      updatedAt: 1,
    });
    const env = await store.getEnvironment('env');
    expect(JSON.stringify(env?.variables)).to.equal('{"zeta":1,"alpha":{"y":1,"x":2}}');
  });

  it('refuses a second cron trigger of the same name', async () => {
    await store.createCronTrigger(trigger('tick', 60_000));
    let err: unknown;
    try {
      await store.createCronTrigger({ ...trigger('tick', 60_000), id: 'other' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConflictError);
  });

  it('lets exactly one of two stores on the same database claim each cron run', async () => {
    await store.createCronTrigger(trigger('tick', 60_000));
    const other = await ctx.open();
    try {
      const due = await store.listDueCronTriggers(60_000);
      expect(due.map((t) => t.name)).to.deep.equal(['tick']);
      const next = { nextExecutionTime: 120_000, remainingExecutions: 2 };
      const claims = await Promise.all([
        store.advanceCronTrigger('id-tick', 60_000, next),
        other.advanceCronTrigger('id-tick', 60_000, next),
        store.advanceCronTrigger('id-tick', 60_000, next),
      ]);
      expect(claims.filter(Boolean)).to.have.length(1);
      expect(await other.getCronTrigger('tick')).to.include({
        nextExecutionTime: 120_000,
        remainingExecutions: 2,
      });
      expect(await store.advanceCronTrigger('id-tick', 120_000, 'delete')).to.equal(true);
      expect(await other.listCronTriggers()).to.deep.equal([]);
    } finally {
      await other.close();
    }
  });

  it('keeps one receipt per (trigger, message), written with the commit, and drops them with the trigger', async () => {
    const t: EventTriggerRow = {
      id: 'et-1',
      name: 'on-create',
      workflowId: 'id-wf',
      workflowInput: {},
      workflowParams: {},
      exchange: 'nova',
      topic: 'notifications',
      event: 'compute.instance.create.end',
      scope: 'private',
      filter: null,
      inputMap: null,
      createdAt: 1,
      updatedAt: null,
    };
    await store.eventTriggers.create(t);
    let err: unknown;
    try {
      await store.eventTriggers.create({ ...t, id: 'et-2' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConflictError);
    const receipt = {
      triggerId: 'et-1',
      messageId: 'm-1',
      outcome: 'started' as const,
      reason: null,
      createdAt: 5,
    };
    await store.commit(changes({ receipts: [{ ...receipt, executionId: 'ex-1' }] }));
    await store.commit(changes({ receipts: [{ ...receipt, executionId: 'ex-2' }] }));
    expect(await store.eventTriggers.getReceipt('et-1', 'm-1')).to.deep.equal({
      ...receipt,
      executionId: 'ex-1',
    });
    expect(await store.eventTriggers.list({ exchange: 'nova' })).to.deep.equal([t]);
    expect(await store.eventTriggers.delete('et-1')).to.equal(true);
    expect(await store.eventTriggers.getReceipt('et-1', 'm-1')).to.equal(null);
  });
}
