/**
 * The store contract, runtime part: atomic commits, migrations, recovery reads, paging. Run against every store
 * by `store-contract.test.ts`.
 */
import { expect } from 'chai';
import type { ExecutionRow, Store } from '../../../store/index.js';
import { changes, execRow, launched } from './fixtures.js';
import type { ContractContext } from './harness.js';

export function runtimeContract(ctx: ContractContext): void {
  let store: Store;
  beforeEach(() => {
    store = ctx.store;
  });

  it('migrates on open, and reopening migrates nothing twice and keeps the data', async () => {
    await store.commit(changes({ executions: [execRow('e1', 'RUNNING', 1)] }));
    store = await ctx.reopen();
    expect((await store.getExecution('e1'))?.record.state).to.equal('RUNNING');
  });

  it('commits a change set atomically: a failing event insert rolls the execution back', async () => {
    await store.commit(changes({ executions: [execRow('e1', 'RUNNING', 1)], events: [launched('e1', 1)] }));
    let failed = false;
    try {
      // Sequence 1 of e1 exists: the whole commit, including the new execution e2, must be rolled back.
      await store.commit(changes({ executions: [execRow('e2', 'RUNNING', 2)], events: [launched('e1', 1)] }));
    } catch (err) {
      failed = true;
      expect((err as { code?: string }).code).to.equal('STORE');
    }
    expect(failed).to.equal(true);
    expect(await store.getExecution('e2')).to.equal(null);
    expect(await store.readEvents()).to.have.length(1);
  });

  it('loads unfinished executions with their last event sequence and timers', async () => {
    await store.commit(
      changes({
        executions: [execRow('run', 'RUNNING', 1), execRow('done', 'SUCCESS', 2)],
        events: [launched('run', 1), launched('run', 2), launched('done', 1)],
        timersSet: [
          { id: 't1', executionId: 'run', taskExecutionId: null, kind: 'retry', dueAt: 5, payload: {} },
        ],
      }),
    );
    const set = await store.loadUnfinished();
    expect(set.executions.map((e) => e.record.id)).to.deep.equal(['run']);
    expect(set.sequences).to.deep.equal({ run: 2 });
    expect(set.timers.map((t) => t.id)).to.deep.equal(['t1']);
    await store.commit(changes({ timersCleared: ['t1'] }));
    expect((await store.loadUnfinished()).timers).to.have.length(0);
  });

  it('pages executions with a marker and no repeats', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => execRow(`e${i}`, 'SUCCESS', 100 + i));
    await store.commit(changes({ executions: rows }));
    const seen: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await store.listExecutions({ limit: 3, marker });
      if (!page.length) break;
      seen.push(...page.map((e) => e.id));
      marker = page[page.length - 1]?.id;
    }
    expect(seen).to.deep.equal(rows.map((r) => r.record.id));
  });

  it('refuses an unknown sort key with the field named, prototype names included', async () => {
    for (const key of ['password', 'constructor', '__proto__', 'toString']) {
      const err = await store.listExecutions({ sort: [{ key, dir: 'asc' }] }).catch((e: unknown) => e);
      expect((err as { field?: string }).field, key).to.equal('sort_keys');
    }
  });

  it('pages on several keys in mixed directions, ties broken by id, with no repeats and no gaps', async () => {
    const states = ['SUCCESS', 'ERROR', 'SUCCESS', 'ERROR', 'SUCCESS', 'SUCCESS', 'ERROR'] as const;
    const rows = states.map((st, i) => execRow(`e${i}`, st, 100 + (i % 3)));
    await store.commit(changes({ executions: rows }));
    const sort = [
      { key: 'state', dir: 'desc' as const },
      { key: 'created_at', dir: 'asc' as const },
    ];
    const all = (await store.listExecutions({ sort })).map((e) => e.id);
    // state desc (SUCCESS first), then created_at asc, then id asc.
    expect(all).to.deep.equal(['e0', 'e4', 'e2', 'e5', 'e3', 'e6', 'e1']);
    const seen: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await store.listExecutions({ sort, limit: 2, marker });
      if (!page.length) break;
      seen.push(...page.map((e) => e.id));
      marker = page[page.length - 1]?.id;
    }
    expect(seen).to.deep.equal(all);
  });

  it('gives each execution its own spec back, each spec stored once and shared, after a reopen and on a second node', async () => {
    const specA = { name: 'wf', tasks: { t1: { name: 't1' } } } as unknown as ExecutionRow['runtime']['spec'];
    const specB = { name: 'wf', tasks: { t2: { name: 't2' } } } as unknown as ExecutionRow['runtime']['spec'];
    const withSpec = (id: string, spec: ExecutionRow['runtime']['spec'], at: number) => {
      const row = execRow(id, 'RUNNING', at);
      row.runtime.spec = spec;
      return row;
    };
    await store.commit(changes({ executions: [withSpec('a1', specA, 1), withSpec('b1', specB, 2)] }));
    // A later commit of the same execution, and another execution of the same spec (a copy: the content counts).
    await store.commit(
      changes({ executions: [withSpec('a1', specA, 1), withSpec('a2', structuredClone(specA), 3)] }),
    );
    const other = await ctx.open();
    try {
      await other.commit(changes({ executions: [withSpec('a3', structuredClone(specA), 4)] }));
    } finally {
      await other.close();
    }
    store = await ctx.reopen();
    for (const [id, spec] of [
      ['a1', specA],
      ['a2', specA],
      ['a3', specA],
      ['b1', specB],
    ] as const) {
      expect((await store.getExecution(id))?.runtime.spec, id).to.deep.equal(spec);
    }
    const set = await store.loadUnfinished();
    expect(set.executions.map((e) => [e.record.id, e.runtime.spec])).to.deep.equal([
      ['a1', specA],
      ['b1', specB],
      ['a2', specA],
      ['a3', specA],
    ]);
    expect(set.executions[0]?.runtime.spec, 'parsed once, shared').to.equal(set.executions[2]?.runtime.spec);
  });

  it('reads back every record as committed: execution, sub-execution, task and action execution', async () => {
    const root = execRow('root', 'RUNNING', 1);
    const child = execRow('child', 'SUCCESS', 2);
    Object.assign(child.record, {
      taskExecutionId: 'task',
      parentExecutionId: 'root',
      rootExecutionId: 'root',
    });
    const task = {
      record: {
        id: 'task',
        name: 'go',
        workflowExecutionId: 'root',
        workflowName: 'wf',
        workflowId: 'wf-id',
        workflowNamespace: '',
        state: 'RUNNING' as const,
        stateInfo: null,
        type: 'WORKFLOW' as const,
        inContext: { a: 1 },
        published: {},
        result: null,
        runtimeContext: { index: 0 },
        processed: false,
        createdAt: 3,
        updatedAt: 4,
        startedAt: 3,
        finishedAt: null,
      },
      machine: { step: 1 },
    };
    const action = {
      id: 'act',
      name: 'std.noop',
      taskExecutionId: 'task',
      workflowExecutionId: 'root',
      workflowName: 'wf',
      workflowNamespace: '',
      taskName: 'go',
      state: 'SUCCESS' as const,
      stateInfo: null,
      input: {},
      output: { result: 1 },
      kind: 'action' as const,
      index: 0,
      accepted: true,
      attempt: 1,
      createdAt: 5,
      updatedAt: 6,
    };
    await store.commit(changes({ executions: [root, child], tasks: [task], actions: [action] }));
    store = await ctx.reopen();
    expect((await store.getExecution('root'))?.record).to.deep.equal(root.record);
    expect((await store.listExecutions({ rootExecutionId: 'root' }))[0]).to.deep.equal(child.record);
    expect(await store.getTask('task')).to.deep.equal(task);
    expect(await store.getActionExecution('act')).to.deep.equal(action);
    const set = await store.loadUnfinished();
    expect(set.tasks).to.deep.equal([task]);
    expect(set.actions).to.deep.equal([action]);
    expect(set.finishedChildren).to.deep.equal([child.record]);
  });

  it('finds action executions by their workflow execution (through their tasks, or a workflow hook with none), by state, and standalone ones', async () => {
    const exec = (id: string) => execRow(id, 'RUNNING', 1);
    const task = (id: string, wf: string) => ({
      record: {
        id,
        workflowExecutionId: wf,
        name: 't',
        state: 'RUNNING',
        createdAt: 1,
        updatedAt: 1,
      } as never,
      machine: {},
    });
    const action = (id: string, task: string | null, wf: string, state: 'SUCCESS' | 'RUNNING', at: number) =>
      ({
        id,
        name: 'std.noop',
        taskExecutionId: task,
        workflowExecutionId: wf,
        state,
        input: {},
        output: {},
        kind: 'action',
        createdAt: at,
        updatedAt: at,
      }) as never;
    await store.commit(
      changes({
        executions: [exec('e1'), exec('e2')],
        tasks: [task('t1', 'e1'), task('t2', 'e1'), task('t3', 'e2')],
        actions: [
          action('a1', 't1', 'e1', 'SUCCESS', 1),
          action('a2', 't2', 'e1', 'RUNNING', 2),
          action('a3', 't3', 'e2', 'RUNNING', 3),
          action('solo', null, '', 'RUNNING', 4),
          // A workflow's own on-exit hook: an action of the execution with no task.
          action('hook', null, 'e1', 'RUNNING', 5),
        ],
      }),
    );
    const ids = async (f: Parameters<Store['listActionExecutions']>[0]) =>
      (await store.listActionExecutions(f)).map((a) => a.id);
    expect(await ids({ workflowExecutionId: 'e1' })).to.deep.equal(['a1', 'a2', 'hook']);
    expect(await ids({ workflowExecutionId: 'e1', state: 'RUNNING' })).to.deep.equal(['a2', 'hook']);
    expect(
      await ids({ workflowExecutionId: 'e1', sort: [{ key: 'created_at', dir: 'desc' }], limit: 1 }),
    ).to.deep.equal(['hook']);
    expect(await ids({ workflowExecutionId: '', state: 'RUNNING' })).to.deep.equal(['solo']);
    expect(await ids({ state: 'RUNNING' })).to.deep.equal(['a2', 'a3', 'solo', 'hook']);
    expect((await store.loadExecutions(['e1'])).actions.map((a) => a.id)).to.deep.equal(['a1', 'a2', 'hook']);
    expect(await store.deleteExecution('e1')).to.equal(true);
    expect(await ids({})).to.deep.equal(['a3', 'solo']);
  });

  it('lists tasks by workflow name and by state, paging from a marker', async () => {
    const task = (id: string, workflowName: string, state: 'SUCCESS' | 'ERROR', at: number) => ({
      record: {
        id,
        workflowExecutionId: 'e1',
        workflowName,
        name: 't',
        state,
        createdAt: at,
        updatedAt: at,
      } as never,
      machine: {},
    });
    await store.commit(
      changes({
        tasks: [
          task('t1', 'wf', 'SUCCESS', 1),
          task('t2', 'other', 'SUCCESS', 2),
          task('t3', 'wf', 'ERROR', 3),
          task('t4', 'wf', 'SUCCESS', 4),
        ],
      }),
    );
    expect((await store.listTasks({ workflowName: 'wf' })).map((t) => t.id)).to.deep.equal([
      't1',
      't3',
      't4',
    ]);
    expect((await store.listTasks({ state: 'SUCCESS', marker: 't1' })).map((t) => t.id)).to.deep.equal([
      't2',
      't4',
    ]);
    const desc = await store.listTasks({
      workflowName: 'wf',
      sort: [{ key: 'created_at', dir: 'desc' }],
      marker: 't4',
    });
    expect(desc.map((t) => t.id)).to.deep.equal(['t3', 't1']);
  });

  it('refuses a marker that names no row, and reads a huge limit as no limit', async () => {
    await store.commit(changes({ executions: [execRow('e1', 'SUCCESS', 1)] }));
    const err = await store.listExecutions({ marker: 'nope' }).catch((e: unknown) => e);
    expect((err as { field?: string }).field).to.equal('marker');
    expect(await store.listExecutions({ limit: 1e23 })).to.have.length(1);
  });
}
