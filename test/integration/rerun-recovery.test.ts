/**
 * Restarts in the middle of with-items work (real SQLite file, engine closed and started again):
 * - a re-run task's earlier action executions are superseded (`accepted: false`, as Mistral marks them), so the
 *   restarted engine counts only the re-run's items: the old failure does not fail the task again, and the new
 *   items' outcomes are not ignored;
 * - items that are sub-workflows, finished or still running at the restart, are counted, never started again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Engine, type ActionExecutionRecord } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';

const WITH_CHILDREN = `
version: '2.0'
name: wi
workflows:
  child:
    input: [x]
    output:
      got: <% task(wait).result %>
    tasks:
      wait:
        action: std.async_noop
  main:
    tasks:
      each:
        with-items: x in [0, 1, 2]
        workflow: child x=<% $.x %>
        publish:
          got: <% task().result.select($.got) %>
    output:
      got: <% $.got %>
`;

const WORKBOOK = `
version: '2.0'
name: rr
workflows:
  main:
    tasks:
      each:
        with-items: x in [0, 1]
        action: std.async_noop
        publish:
          got: <% task().result %>
    output:
      got: <% $.got %>
`;

describe('restart mid-with-items', function () {
  this.timeout(20_000);
  let dir: string;
  let db: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-rerun-'));
    db = path.join(dir, 'tram.db');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const open = () => Engine.start({ store: new SqliteStore({ path: db }) });

  async function running(engine: Engine, taskId: string): Promise<ActionExecutionRecord[]> {
    for (let i = 0; i < 200; i++) {
      const runs = (await engine.listActionExecutions(taskId)).filter(
        (a) => a.kind === 'action' && a.accepted && a.state === 'RUNNING',
      );
      if (runs.length === 2) return runs.sort((a, b) => a.index - b.index);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the items did not start');
  }

  it('old runs are not accepted; after the restart only the re-run decides', async () => {
    let engine = await open();
    await engine.load(WORKBOOK, { file: 'rr.yaml' });
    const ex = await engine.startExecution({ workflow: 'rr.main' });
    const [task] = await engine.listTasks(ex.id);
    const taskId = task!.id;
    const [a0, a1] = await running(engine, taskId);
    await engine.completeAction(a0!.id, { state: 'SUCCESS', output: 'old-0' });
    await engine.completeAction(a1!.id, { state: 'ERROR', output: 'boom' });
    expect((await engine.waitFor(ex.id)).state).to.equal('ERROR');

    await engine.rerunTask(taskId);
    const [b0] = await running(engine, taskId);
    await engine.completeAction(b0!.id, { state: 'SUCCESS', output: 'new-0' });
    await engine.close();

    engine = await open();
    try {
      const old = (await engine.listActionExecutions(taskId)).filter((a) => !a.accepted);
      expect(old.map((a) => a.id).sort()).to.deep.equal([a0!.id, a1!.id].sort());
      const still = (await engine.listActionExecutions(taskId)).filter(
        (a) => a.accepted && a.state === 'RUNNING',
      );
      expect(still, 'the re-run item 1 is still waiting').to.have.length(1);
      expect((await engine.getExecution(ex.id)).state).to.equal('RUNNING');
      await engine.completeAction(still[0]!.id, { state: 'SUCCESS', output: 'new-1' });
      const done = await engine.waitFor(ex.id);
      expect(done.state, String(done.stateInfo)).to.equal('SUCCESS');
      expect(done.output).to.deep.equal({ got: ['new-0', 'new-1'] });
    } finally {
      await engine.close();
    }
  });

  it('sub-workflow items: finished ones are counted, running ones waited for, none started twice', async () => {
    let engine = await open();
    await engine.load(WITH_CHILDREN, { file: 'wi.yaml' });
    const ex = await engine.startExecution({ workflow: 'wi.main' });
    const waiting = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const runs = (await engine.findActionExecutions({ state: 'RUNNING' })).filter(
          (a) => a.name === 'std.async_noop' && a.accepted,
        );
        if (runs.length === n) return runs;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`expected ${n} waiting children`);
    };
    const first = await waiting(3);
    const byItem = async (a: ActionExecutionRecord) =>
      Number((await engine.getExecution(a.workflowExecutionId)).params.index);
    const item0 = first[0]!; // one item finishes before the restart
    await engine.completeAction(item0.id, { state: 'SUCCESS', output: `r${await byItem(item0)}` });
    await waiting(2);
    await engine.close();

    engine = await open();
    try {
      const [task] = await engine.listTasks(ex.id);
      expect(await engine.listExecutions({ parentTaskId: task!.id })).to.have.length(3);
      for (const a of await waiting(2))
        await engine.completeAction(a.id, { state: 'SUCCESS', output: `r${await byItem(a)}` });
      const done = await engine.waitFor(ex.id);
      expect(done.state, String(done.stateInfo)).to.equal('SUCCESS');
      expect(done.output).to.deep.equal({ got: ['r0', 'r1', 'r2'] });
      expect(await engine.listExecutions({ parentTaskId: task!.id })).to.have.length(3);
    } finally {
      await engine.close();
    }
  });
});
