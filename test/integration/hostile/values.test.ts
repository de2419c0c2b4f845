/**
 * Hostile values against a real server: a value nested 100,000 deep (from an expression or in a request body), a
 * timer delay beyond Node's 2^31 ms, and a published `__proto__`. Each gets a clear task error or a 4xx naming
 * the field; no request hangs and no accepted execution is lost.
 */
import { expect } from 'chai';
import { call, startTestServer, type TestServer } from '../api-helpers.js';

type Json = Record<string, unknown>;

const WORKFLOWS = `
version: '2.0'
deep_input:
  tasks:
    t1:
      action: std.echo
      input:
        output: <% json_parse("[" * 100000 + "]" * 100000) %>
deep_publish:
  tasks:
    t1:
      action: std.noop
      publish:
        x: <% json_parse("[" * 100000 + "]" * 100000) %>
deep_script:
  tasks:
    t1:
      action: std.js script="var a = []; for (var i = 0; i < 5000; i++) a = [a]; return a"
big_items:
  tasks:
    t1:
      with-items: i in <% range(0, 17) %>
      action: std.echo output=<% 'a' * 8000000 %>
      publish:
        all: <% task().result %>
proto:
  tasks:
    t1:
      action: std.noop
      publish:
        __proto__: 1
        constructor: 2
      on-success: t2
    t2:
      action: std.echo output=<% $.__proto__ %>
  output:
    p: <% $.__proto__ %>
    c: <% $.constructor %>
`;

async function waitForEnd(t: TestServer, id: string): Promise<Json> {
  const until = Date.now() + 15_000;
  for (;;) {
    const ex = await call<Json>('GET', `${t.v2}/executions/${id}`);
    if (!['RUNNING', 'IDLE'].includes(String(ex.body.state))) return ex.body;
    if (Date.now() > until) throw new Error(`execution ${id} still ${String(ex.body.state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `workflow` with a deadline on the request itself: it must answer, not hang. */
async function start(t: TestServer, workflow: string): Promise<string> {
  const res = await fetch(`${t.v2}/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_name: workflow }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).to.equal(201);
  return String(body.id);
}

describe('hostile values (real server)', function () {
  this.timeout(60_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    const up = await call('POST', `${t.v2}/workflows`, WORKFLOWS);
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
  });
  after(() => t.close());

  for (const [workflow, reason] of [
    ['deep_input', 'the result nests deeper than 100 levels'],
    ['deep_publish', 'the result nests deeper than 100 levels'],
    ['deep_script', "the action's result nests deeper than 100 levels"],
  ] as const) {
    it(`fails ${workflow} with a reason instead of hanging the request or losing the execution`, async () => {
      const id = await start(t, workflow);
      const ex = await waitForEnd(t, id);
      expect(ex.state).to.equal('ERROR');
      const tasks = await call<{ tasks: Json[] }>('GET', `${t.v2}/executions/${id}/tasks`);
      expect(String(tasks.body.tasks[0]?.state_info)).to.include(reason);
      const listed = await call<{ executions: Json[] }>('GET', `${t.v2}/executions`);
      expect(listed.body.executions.map((e) => e.id)).to.include(id);
    });
  }

  it('fails a with-items task whose results add up past 128 MiB, and the server goes on', async () => {
    // Seventeen results of 8 MB, each within its own bound: together they made a task record longer than a
    // JavaScript string can be, a commit that failed forever, and a server that stopped (again after a restart).
    const id = await start(t, 'big_items');
    const ex = await waitForEnd(t, id);
    expect(ex.state).to.equal('ERROR');
    const tasks = await call<{ tasks: Json[] }>('GET', `${t.v2}/executions/${id}/tasks`);
    expect(String(tasks.body.tasks[0]?.state_info)).to.include(
      "the with-items result of task 't1' is larger than 134217728 bytes",
    );
    const again = await waitForEnd(t, await start(t, 'proto'));
    expect(again.state, String(again.state_info)).to.equal('SUCCESS');
  });

  it('answers 400 naming the body for a request body nested 100,000 deep', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const [path, body] of [
      ['/executions', `{"workflow_name": "proto", "input": {"a": ${deep}}}`],
      ['/environments', `{"name": "e", "variables": ${deep}}`],
      ['/listeners', `{"name": "l", "url": "http://127.0.0.1:1/", "payload": ${deep}}`],
    ] as const) {
      const res = await call<Json>('POST', `${t.v2}${path}`, body, 'application/json');
      expect(res.status, path).to.equal(400);
      expect(res.body.field).to.equal('body');
      expect(String(res.body.faultstring)).to.include('nests deeper than 100 levels');
    }
  });

  it('refuses a listener retry delay beyond the documented maximum with a 400 naming it', async () => {
    const res = await call<Json>('POST', `${t.v2}/listeners`, {
      name: 'slow',
      url: 'http://127.0.0.1:1/',
      retry: [3_000_000],
    });
    expect(res.status).to.equal(400);
    expect(res.body.field).to.equal('retry[0]');
    expect(String(res.body.faultstring)).to.include('from 0 to 86400');
  });

  it('keeps a published __proto__ (and constructor) as ordinary variables', async () => {
    const ex = await waitForEnd(t, await start(t, 'proto'));
    expect(ex.state, String(ex.state_info)).to.equal('SUCCESS');
    expect(JSON.parse(String(ex.output))).to.deep.equal({ p: 1, c: 2 });
  });
});
