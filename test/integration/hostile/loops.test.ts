/**
 * A workflow that loops, against a real server: the engine keeps only the task executions it still reads in
 * memory (`engine/runtime/history.ts`), so a long loop holds a bounded number of them, while the store keeps
 * every one and the workflow's results are those of a full history. A workflow that calls `tasks()` keeps all
 * of them, since it lists them. A loop that never ends stops at the execution's limit of task executions; a
 * workflow that calls itself stops at the depth limit, and one that starts copies of itself at its tree's limit.
 */
import { expect } from 'chai';
import { call, startTestServerWith, type TestServer } from '../api-helpers.js';

type Json = Record<string, unknown>;

/**
 * `a -> b -> a ...` n times, then the `pause` command: the execution stops PAUSED with its loop over, where the
 * engine's memory can be read; resumed, it ends with an end task (`last`) whose context is the output's.
 */
const WORKFLOWS = `
version: '2.0'
spin:
  input:
    - n
  vars:
    i: 0
  output:
    i: <% $.i %>
    last: <% $.last %>
  tasks:
    start:
      action: std.noop
      on-success: [a]
    a:
      action: std.noop
      publish:
        i: <% $.i + 1 %>
      on-success:
        - b: <% $.i < $.n %>
        - hold: <% $.i >= $.n %>
    b:
      action: std.noop
      on-success: [a]
    hold:
      action: std.noop
      on-success:
        - pause
        - last
    last:
      action: std.echo output="done after <% $.i %>"
      publish:
        last: <% task().result %>
spin_listed:
  input:
    - n
  output:
    runs: <% len(tasks()) %>
    succeeded: <% len(tasks(execution().id, false, 'SUCCESS')) %>
  tasks:
    go:
      action: std.noop
      on-success: [again]
    again:
      action: std.noop
      publish:
        j: <% ($.get(j) or 0) + 1 %>
      on-success:
        - again: <% $.j < $.n %>
`;

const ENDLESS = `
version: '2.0'
endless:
  tasks:
    start:
      action: std.noop
      on-success: [a]
    a:
      action: std.noop
      on-complete: [b]
    b:
      action: std.noop
      on-complete: [a]
recur:
  input:
    - n: 0
  tasks:
    t:
      workflow: recur
      input:
        n: <% $.n + 1 %>
fan:
  tasks:
    t:
      with-items: i in <% range(0, 10) %>
      workflow: fan
`;

async function waitFor(t: TestServer, id: string, states: string[]): Promise<Json> {
  const until = Date.now() + 30_000;
  for (;;) {
    const ex = await call<Json>('GET', `${t.v2}/executions/${id}`);
    if (states.includes(String(ex.body.state))) return ex.body;
    if (Date.now() > until) throw new Error(`execution ${id} still ${String(ex.body.state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function metric(t: TestServer, name: string): Promise<number> {
  const res = await fetch(`${t.url}/metrics`);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  expect(line, `${name} in /metrics`).to.be.a('string');
  return Number(line?.split(' ')[1]);
}

async function start(t: TestServer, workflow: string, input: Json): Promise<string> {
  const res = await call<Json>('POST', `${t.v2}/executions`, { workflow_name: workflow, input });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return String(res.body.id);
}

async function taskCount(t: TestServer, id: string): Promise<number> {
  let n = 0;
  let marker = '';
  for (;;) {
    const page = await call<{ tasks: Json[] }>(
      'GET',
      `${t.v2}/tasks?workflow_execution_id=${id}&limit=1000${marker ? `&marker=${marker}` : ''}`,
    );
    n += page.body.tasks.length;
    const last = page.body.tasks.at(-1);
    if (page.body.tasks.length < 1000 || !last) return n;
    marker = String(last.id);
  }
}

describe('hostile workflows: loops (real server)', function () {
  this.timeout(120_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServerWith(WORKFLOWS);
  });
  after(() => t.close());

  it('holds a bounded number of task executions in memory through a loop of 6,000, and loses none', async () => {
    const n = 3000;
    const id = await start(t, 'spin', { n });
    await waitFor(t, id, ['PAUSED']);
    // Without the bound, all 6,002 task executions of the loop would be held here.
    const held = await metric(t, 'tram_engine_memory_tasks');
    expect(held).to.be.greaterThan(0).and.at.most(512);
    expect(await taskCount(t, id)).to.equal(2 * n + 1);

    const resumed = await call<Json>('PUT', `${t.v2}/executions/${id}`, { state: 'RUNNING' });
    expect(resumed.status, JSON.stringify(resumed.body)).to.equal(200);
    const ex = await waitFor(t, id, ['SUCCESS', 'ERROR']);
    expect(ex.state, String(ex.state_info)).to.equal('SUCCESS');
    expect(JSON.parse(String(ex.output))).to.deep.equal({ i: n, last: `done after ${n}` });
    expect(await taskCount(t, id)).to.equal(2 * n + 2);
    expect(await metric(t, 'tram_engine_memory_tasks')).to.equal(0);
  });

  it('keeps every task execution of a workflow that calls tasks(), which lists them all', async () => {
    const n = 700;
    const ex = await waitFor(t, await start(t, 'spin_listed', { n }), ['SUCCESS', 'ERROR']);
    expect(ex.state, String(ex.state_info)).to.equal('SUCCESS');
    expect(JSON.parse(String(ex.output))).to.deep.equal({ runs: n + 1, succeeded: n + 1 });
  });
});

describe('hostile workflows: a loop that never ends (real server)', function () {
  this.timeout(60_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServerWith(ENDLESS, {
      maxTasksPerExecution: 500,
      maxWorkflowDepth: 40,
      maxExecutionsPerTree: 300,
    });
  });
  after(() => t.close());

  it('fails the execution at its limit of task executions, naming the setting', async () => {
    const id = await start(t, 'endless', {});
    const ex = await waitFor(t, id, ['SUCCESS', 'ERROR']);
    expect(ex.state).to.equal('ERROR');
    expect(String(ex.state_info)).to.include('limit of 500 task executions (TRAM_MAX_TASKS_PER_EXECUTION)');
    expect(await taskCount(t, id)).to.equal(500);
    const last = await call<{ tasks: Json[] }>(
      'GET',
      `${t.v2}/tasks?workflow_execution_id=${id}&state=ERROR`,
    );
    expect(last.body.tasks).to.have.length(1);
    expect(String(last.body.tasks[0]?.state_info)).to.include('limit of 500 task executions');
    // The server goes on: another execution starts and runs.
    const next = await start(t, 'endless', {});
    expect((await waitFor(t, next, ['ERROR'])).state).to.equal('ERROR');
  });

  async function tree(root: string): Promise<Json[]> {
    const out: Json[] = [];
    let marker = '';
    for (;;) {
      const page = await call<{ executions: Json[] }>(
        'GET',
        `${t.v2}/executions?root_execution_id=${root}&limit=1000${marker ? `&marker=${marker}` : ''}`,
      );
      out.push(...page.body.executions);
      const last = page.body.executions.at(-1);
      if (page.body.executions.length < 1000 || !last) return out;
      marker = String(last.id);
    }
  }

  it('fails a workflow that calls itself at the depth limit, every level told', async () => {
    // It used to recurse inside one step: at 501 levels the stack overflowed half-way, and the root and 522
    // sub-workflows stayed RUNNING for good.
    const id = await start(t, 'recur', {});
    const ex = await waitFor(t, id, ['SUCCESS', 'ERROR']);
    expect(ex.state).to.equal('ERROR');
    const below = await tree(id);
    expect(below).to.have.length(40);
    expect(below.filter((e) => e.state !== 'ERROR')).to.deep.equal([]);
    // The deepest one failed at the limit; each level above quotes the one below, escaped once more (as Mistral
    // quotes a sub-workflow's output), so the root's message is cut at 1 MiB.
    const deepest = below.filter((e) =>
      String(e.state_info).includes('would nest deeper than 40 levels (TRAM_MAX_WORKFLOW_DEPTH)'),
    );
    expect(deepest.length).to.be.greaterThan(0);
    expect(String(ex.state_info).length).to.be.at.most(1024 * 1024);
  });

  it("fails sub-workflows that fan out without end at the tree's limit, and answers meanwhile", async () => {
    // Ten copies of itself at each level: it held the event loop and grew the server by ~430 MB/s.
    const id = await start(t, 'fan', {});
    const answered = await call('GET', `${t.v2}/executions?limit=1`);
    expect(answered.status).to.equal(200);
    const ex = await waitFor(t, id, ['SUCCESS', 'ERROR']);
    expect(ex.state).to.equal('ERROR');
    const below = await tree(id);
    expect(below.length).to.be.at.most(300);
    const limited = below.filter((e) => String(e.state_info).includes('(TRAM_MAX_EXECUTIONS_PER_TREE)'));
    expect(limited.length).to.be.greaterThan(0);
    expect(below.filter((e) => !['ERROR', 'CANCELLED'].includes(String(e.state)))).to.deep.equal([]);
  });
});
