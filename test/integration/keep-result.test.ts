/**
 * `keep-result: false` on the engine and a real SQLite store: the task's publish and transitions use its result,
 * then the result is dropped (Mistral's `destroy_task_result`): action and child workflow outputs become `{}`,
 * the task's result is null (a list of nulls for with-items), and later tasks see it so. Hooks keep theirs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Engine, type ExecutionRecord, type TaskRecord } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';

const WORKBOOK = `
version: '2.0'
name: kr
workflows:
  child:
    output:
      big: <% range(3) %>
    tasks:
      noop:
        action: std.noop
  main:
    input:
      - keep: false
    tasks:
      single:
        action: std.echo output="secret"
        keep-result: <% $.keep %>
        publish:
          got: <% task().result %>
        on-success:
          - items: <% task().result = 'secret' %>
      items:
        with-items: x in [1, 2]
        action: std.echo output=<% $.x * 10 %>
        keep-result: false
        publish:
          sum: <% task().result.sum() %>
        on-exit: std.echo output="hook"
        on-success: sub
      sub:
        workflow: child
        keep-result: false
        publish:
          child_big: <% task().result.big %>
        on-success: after
      after:
        action: std.noop
        publish:
          later: <% task(single).result %>
          later_items: <% task(items).result %>
    output:
      got: <% $.got %>
      sum: <% $.sum %>
      child_big: <% $.child_big %>
      later: <% $.later %>
      later_items: <% $.later_items %>
`;

describe('keep-result: false', function () {
  this.timeout(20_000);
  let dir: string;
  let engine: Engine;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-keep-result-'));
    engine = await Engine.start({ store: new SqliteStore({ path: path.join(dir, 'tram.db') }) });
    await engine.load(WORKBOOK, { file: 'kr.yaml' });
  });

  after(async () => {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function run(keep: boolean): Promise<{ ex: ExecutionRecord; task: (n: string) => TaskRecord }> {
    const started = await engine.startExecution({ workflow: 'kr.main', input: { keep } });
    const ex = await engine.waitFor(started.id);
    const tasks = await engine.listTasks(ex.id);
    const task = (n: string) => {
      const t = tasks.find((x) => x.name === n);
      if (!t) throw new Error(`no task ${n}`);
      return t;
    };
    return { ex, task };
  }

  it('publish and transitions see the result; afterwards it is gone, in the store too', async () => {
    const { ex, task } = await run(false);
    expect(ex.state, String(ex.stateInfo)).to.equal('SUCCESS');
    expect(ex.output).to.deep.equal({
      got: 'secret',
      sum: 30,
      child_big: [0, 1, 2],
      later: null,
      later_items: [null, null],
    });
    expect((await engine.getTask(task('single').id)).result).to.equal(null);
    expect((await engine.getTask(task('items').id)).result).to.deep.equal([null, null]);
    expect((await engine.getTask(task('sub').id)).result).to.equal(null);

    const runs = await engine.listActionExecutions(task('items').id);
    expect(runs.filter((a) => a.kind === 'action').map((a) => a.output)).to.deep.equal([{}, {}]);
    // The on-exit hook's run is not the task's result: it keeps its output.
    expect(runs.filter((a) => a.kind === 'hook').map((a) => a.output)).to.deep.equal([{ result: 'hook' }]);
    const [child] = await engine.listExecutions({ parentTaskId: task('sub').id });
    expect(child?.output).to.deep.equal({});
  });

  it('an expression that yields true keeps the result', async () => {
    const { ex, task } = await run(true);
    expect(ex.output).to.include({ got: 'secret', later: 'secret' });
    const [a] = await engine.listActionExecutions(task('single').id);
    expect(a?.output).to.deep.equal({ result: 'secret' });
  });
});
