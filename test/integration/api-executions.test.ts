/**
 * The execution resources of the REST API (/v2/executions, /v2/tasks, /v2/action_executions) against a real
 * server over a SQLite file: Mistral's wire format (JSON strings, timestamps), paging, steering, task re-run and
 * skip, the async-action protocol, sub-executions, the report, deletion and idempotent creation.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { call, startTestServer, type TestServer } from './api-helpers.js';

type Json = Record<string, unknown>;

const DEFINITIONS = `
version: '2.0'
greet:
  input: [name, {greeting: Hello}]
  output: {message: <% $.message %>}
  tasks:
    say:
      action: std.echo output="<% $.greeting %>, <% $.name %>"
      publish: {message: <% task().result %>}
waiter:
  tasks:
    hold:
      action: std.async_noop
      publish: {answer: <% task().result %>}
      on-success: after
    after:
      action: std.echo output=<% env().suffix %>
      publish: {suffix: <% task().result %>}
flaky:
  tasks:
    broken:
      action: std.fail
    hold:
      action: std.async_noop
parent:
  tasks:
    call:
      workflow: child
      input: {n: 21}
      publish: {doubled: <% task().result.doubled %>}
child:
  input: [n]
  output: {doubled: <% $.n * 2 %>}
  tasks:
    noop:
      action: std.noop
`;

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const TERMINAL = ['SUCCESS', 'ERROR', 'CANCELLED'];

describe('API: executions, tasks and action executions', function () {
  let srv: TestServer;
  const get = (p: string) => call<Json>('GET', srv.v2 + p);
  const post = (p: string, body: unknown) => call<Json>('POST', srv.v2 + p, body);
  const put = (p: string, body: unknown) => call<Json>('PUT', srv.v2 + p, body);
  const del = (p: string) => call<Json>('DELETE', srv.v2 + p);

  async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function start(body: Json): Promise<Json> {
    const res = await post('/executions', body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  async function settled(id: string, states = TERMINAL): Promise<Json> {
    return until(`execution ${id} in ${states.join('/')}`, async () => {
      const ex = (await get(`/executions/${id}`)).body;
      return states.includes(ex.state as string) && ex;
    });
  }

  async function tasksOf(id: string): Promise<Json[]> {
    return (await get(`/executions/${id}/tasks`)).body.tasks as Json[];
  }

  /** The RUNNING action execution of task `name`, once there is one. */
  async function runningAction(exId: string, name: string): Promise<Json> {
    return until(`a running action of ${name}`, async () => {
      const t = (await tasksOf(exId)).find((x) => x.name === name);
      if (!t) return null;
      const list = (await get(`/tasks/${t.id}/action_executions?include_output=true`)).body
        .action_executions as Json[];
      return list.find((a) => a.state === 'RUNNING');
    });
  }

  const parse = (v: unknown) => JSON.parse(v as string) as unknown;

  before(async () => {
    srv = await startTestServer();
    const res = await call('POST', `${srv.v2}/workflows`, DEFINITIONS);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  after(async () => {
    await srv?.close();
  });

  describe('creating and reading executions', () => {
    let first: Json;

    it('starts from input and params sent as JSON strings, as python-mistralclient sends them', async () => {
      first = await start({
        workflow_name: 'greet',
        input: '{"name": "Ada"}',
        params: '{"env": {"k": "v"}}',
        description: 'first run',
      });
      expect(first.id).to.match(/^[0-9a-f-]{36}$/);
      expect(first).to.include({
        workflow_name: 'greet',
        workflow_namespace: '',
        description: 'first run',
        task_execution_id: null,
        root_execution_id: null,
      });
      expect(first.workflow_id).to.be.a('string');
      expect(parse(first.input)).to.deep.equal({ name: 'Ada', greeting: 'Hello' });
      expect(parse(first.params)).to.deep.equal({ env: { k: 'v' } });
      expect(first.created_at).to.match(TIMESTAMP);
      const done = await settled(first.id as string);
      expect(done.state).to.equal('SUCCESS');
      expect(parse(done.output)).to.deep.equal({ message: 'Hello, Ada' });
    });

    it('accepts input and params as objects, and a workflow_id instead of a name', async () => {
      const ex = await start({
        workflow_id: first.workflow_id,
        input: { name: 'Bob', greeting: 'Hi' },
        params: { env: {} },
      });
      expect(ex.workflow_name).to.equal('greet');
      expect(parse((await settled(ex.id as string)).output)).to.deep.equal({ message: 'Hi, Bob' });
    });

    it('returns the existing execution when created again with the same client id', async () => {
      const id = randomUUID();
      const a = await start({ id, workflow_name: 'greet', input: { name: 'Cy' } });
      const b = await start({ id, workflow_name: 'greet', input: { name: 'Dee' } });
      expect(a.id).to.equal(id);
      expect(b.id).to.equal(id);
      expect(parse(b.input)).to.deep.equal({ name: 'Cy', greeting: 'Hello' });
      const list = (await get(`/executions?workflow_name=greet&limit=1000`)).body.executions as Json[];
      expect(list.filter((e) => e.id === id)).to.have.length(1);
    });

    it("starts again from a source execution's workflow and input", async () => {
      const ex = await start({ source_execution_id: first.id, description: 'again' });
      expect(ex.workflow_name).to.equal('greet');
      expect(ex.description).to.equal(`again Based on the execution '${String(first.id)}'`);
      expect(parse((await settled(ex.id as string)).output)).to.deep.equal({ message: 'Hello, Ada' });
    });

    it('shows one execution, and answers 404 naming an unknown one', async () => {
      const res = await get(`/executions/${String(first.id)}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: first.id, state: 'SUCCESS', project_id: '<default-project>' });
      const missing = await get('/executions/no-such-id');
      expect(missing.status).to.equal(404);
      expect(missing.body).to.include({ code: 'NOT_FOUND' });
      expect(missing.body.faultstring).to.contain('no-such-id');
    });

    it('lists executions a page at a time, following the next link to the end', async () => {
      const ids = new Set<string>();
      let url: string | undefined = `${srv.v2}/executions?limit=2&sort_keys=created_at&sort_dirs=asc`;
      let pages = 0;
      while (url) {
        const res = await call<Json>('GET', url);
        expect(res.status).to.equal(200);
        const items = res.body.executions as Json[];
        expect(items.length).to.be.at.most(2);
        for (const e of items) {
          expect(ids.has(e.id as string), 'no item twice').to.equal(false);
          ids.add(e.id as string);
          expect(e).to.not.have.property('output');
        }
        url = res.body.next as string | undefined;
        pages++;
      }
      const all = (await get('/executions?limit=1000&include_output=true')).body.executions as Json[];
      expect(ids.size).to.equal(all.length);
      expect(pages).to.be.greaterThan(1);
      expect(all.every((e) => 'output' in e)).to.equal(true);
    });

    it('filters by workflow name and state, and returns only the requested fields', async () => {
      const res = await get('/executions?workflow_name=greet&state=SUCCESS&fields=state,workflow_name');
      const items = res.body.executions as Json[];
      expect(items.length).to.be.greaterThan(2);
      for (const e of items) {
        expect(Object.keys(e).sort()).to.deep.equal(['id', 'state', 'workflow_name']);
        expect(e).to.include({ state: 'SUCCESS', workflow_name: 'greet' });
      }
      expect((await get('/executions?workflow_name=eq:nothing')).body.executions).to.deep.equal([]);
    });

    it("lists an execution's tasks with results and published variables as JSON strings", async () => {
      const [say] = await tasksOf(first.id as string);
      expect(say).to.include({
        name: 'say',
        type: 'ACTION',
        state: 'SUCCESS',
        workflow_name: 'greet',
        workflow_execution_id: first.id,
        processed: true,
      });
      expect(parse(say!.result)).to.equal('Hello, Ada');
      expect(parse(say!.published)).to.deep.equal({ message: 'Hello, Ada' });
      expect(say!.started_at).to.match(TIMESTAMP);
      expect(say!.finished_at).to.match(TIMESTAMP);
      expect((await get(`/tasks/${String(say!.id)}`)).body).to.deep.equal(say);
      const byFilter = await get(`/tasks?workflow_execution_id=${String(first.id)}&name=say`);
      expect((byFilter.body.tasks as Json[]).map((t) => t.id)).to.deep.equal([say!.id]);
      const actions = (await get(`/tasks/${String(say!.id)}/action_executions?include_output=true`)).body
        .action_executions as Json[];
      expect(actions).to.have.length(1);
      expect(actions[0]).to.include({ name: 'std.echo', task_name: 'say', state: 'SUCCESS', accepted: true });
      expect(parse(actions[0]!.output)).to.deep.equal({ result: 'Hello, Ada' });
    });
  });

  describe('steering executions', () => {
    it('pauses, resumes and cancels a running execution; a cancelled one cannot resume', async () => {
      const ex = await start({ workflow_name: 'waiter', params: { env: { suffix: '!' } } });
      const path = `/executions/${String(ex.id)}`;
      await runningAction(ex.id as string, 'hold');
      expect((await put(path, { state: 'PAUSED' })).body.state).to.equal('PAUSED');
      expect((await get(path)).body.state).to.equal('PAUSED');
      expect((await put(path, { state: 'RUNNING' })).body.state).to.equal('RUNNING');
      const cancelled = await put(path, { state: 'CANCELLED', state_info: 'enough' });
      expect(cancelled.status).to.equal(200);
      expect(cancelled.body).to.include({ state: 'CANCELLED', state_info: 'enough' });
      const again = await put(path, { state: 'RUNNING' });
      expect(again.status).to.equal(400);
      expect(again.body).to.include({ code: 'INVALID_STATE' });
      expect(again.body.faultstring).to.equal(
        "Can't change workflow execution state from CANCELLED to RUNNING",
      );
    });

    it('changes the description alone, and refuses it together with a state', async () => {
      const ex = await start({ workflow_name: 'greet', input: { name: 'Eve' } });
      const path = `/executions/${String(ex.id)}`;
      const res = await put(path, { description: 'renamed' });
      expect(res.status).to.equal(200);
      expect(res.body.description).to.equal('renamed');
      expect((await get(path)).body.description).to.equal('renamed');
      const both = await put(path, { description: 'x', state: 'PAUSED' });
      expect(both.status).to.equal(400);
      expect(both.body).to.include({ field: 'description' });
    });

    it("merges params.env into a paused execution's environment and resumes with it", async () => {
      const ex = await start({ workflow_name: 'waiter', params: { env: { suffix: 'old' } } });
      const path = `/executions/${String(ex.id)}`;
      const action = await runningAction(ex.id as string, 'hold');
      await put(path, { state: 'PAUSED' });
      const resumed = await put(path, { state: 'RUNNING', params: { env: { suffix: 'new' } } });
      expect(resumed.status, JSON.stringify(resumed.body)).to.equal(200);
      expect(parse(resumed.body.params)).to.deep.equal({ env: { suffix: 'new' } });
      await put(`/action_executions/${String(action.id)}`, { state: 'SUCCESS', output: {} });
      const done = await settled(ex.id as string);
      expect(parse(done.output)).to.include({ suffix: 'new' });
    });
  });

  describe('tasks and actions', () => {
    it('completes an asynchronous action with PUT /v2/action_executions/{id}', async () => {
      const ex = await start({ workflow_name: 'waiter', params: '{"env": {"suffix": "."}}' });
      const action = await runningAction(ex.id as string, 'hold');
      expect(action).to.include({ name: 'std.async_noop', task_name: 'hold', output: null });
      const res = await put(`/action_executions/${String(action.id)}`, {
        state: 'SUCCESS',
        output: '{"answer": 42}',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.state).to.equal('SUCCESS');
      expect(parse(res.body.output)).to.deep.equal({ result: { answer: 42 } });
      const done = await settled(ex.id as string);
      expect(done.state).to.equal('SUCCESS');
      expect(parse(done.output)).to.deep.equal({ answer: { answer: 42 }, suffix: '.' });
      const twice = await put(`/action_executions/${String(action.id)}`, { state: 'SUCCESS' });
      expect(twice.status).to.equal(400);
      expect(twice.body).to.include({ code: 'INVALID_STATE' });
      expect((await get(`/action_executions/${String(action.id)}`)).body.state).to.equal('SUCCESS');
    });

    it('re-runs a failed task, then skips it, and the execution goes on to succeed', async () => {
      const ex = await start({ workflow_name: 'flaky' });
      const hold = await runningAction(ex.id as string, 'hold');
      const broken = await until('broken in ERROR', async () =>
        (await tasksOf(ex.id as string)).find((t) => t.name === 'broken' && t.state === 'ERROR'),
      );
      const path = `/tasks/${String(broken.id)}`;
      const rerun = await put(path, { id: broken.id, state: 'RUNNING', reset: true });
      expect(rerun.status, JSON.stringify(rerun.body)).to.equal(200);
      expect(rerun.body.state).to.equal('RUNNING');
      await until('the re-run to fail again', async () => (await get(path)).body.state === 'ERROR');
      const runs = (await get(`${path}/action_executions`)).body.action_executions as Json[];
      expect(runs.map((a) => a.state)).to.deep.equal(['ERROR', 'ERROR']);

      const skipped = await put(path, { state: 'SKIPPED' });
      expect(skipped.status, JSON.stringify(skipped.body)).to.equal(200);
      expect(skipped.body.state).to.equal('SKIPPED');
      await put(`/action_executions/${String(hold.id)}`, { state: 'SUCCESS', output: {} });
      expect((await settled(ex.id as string)).state).to.equal('SUCCESS');
      const events = await srv.server.engine.readEvents({ executionId: ex.id as string });
      const brokenEvents = events.filter((e) => e.entityId === broken.id).map((e) => e.eventType);
      expect(brokenEvents).to.deep.equal([
        'TASK_LAUNCHED',
        'TASK_FAILED',
        'TASK_RERUN',
        'TASK_FAILED',
        'TASK_SKIPPED',
      ]);
    });

    it('re-runs a failed task of an execution that already ended in ERROR, then skips it', async () => {
      await srv.server.engine.load(
        `version: '2.0'\nended_in_error:\n  tasks:\n    boom:\n      action: std.fail\n      on-skip: after\n    after:\n      action: std.echo output="done"\n`,
      );
      const ex = await start({ workflow_name: 'ended_in_error' });
      expect((await settled(ex.id as string)).state).to.equal('ERROR');
      const boom = (await tasksOf(ex.id as string)).find((t) => t.name === 'boom') as Json;
      const rerun = await put(`/tasks/${String(boom.id)}`, { state: 'RUNNING', reset: true });
      expect(rerun.status, JSON.stringify(rerun.body)).to.equal(200);
      expect((await settled(ex.id as string)).state).to.equal('ERROR');
      const skipped = await put(`/tasks/${String(boom.id)}`, { state: 'SKIPPED' });
      expect(skipped.status, JSON.stringify(skipped.body)).to.equal(200);
      const done = await settled(ex.id as string);
      expect(done.state).to.equal('SUCCESS');
      const types = (await srv.server.engine.readEvents({ executionId: ex.id as string }))
        .filter((e) => e.entity === 'execution')
        .map((e) => e.eventType);
      expect(types).to.deep.equal([
        'WORKFLOW_LAUNCHED',
        'WORKFLOW_FAILED',
        'WORKFLOW_RERUN',
        'WORKFLOW_FAILED',
        'WORKFLOW_RERUN',
        'WORKFLOW_SUCCEEDED',
      ]);
    });

    it('runs an action on its own with POST /v2/action_executions', async () => {
      const res = await post('/action_executions', { name: 'std.echo', input: '{"output": "hi"}' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ name: 'std.echo', state: 'SUCCESS', id: null });
      expect(parse(res.body.output)).to.deep.equal({ result: 'hi' });
    });
  });

  describe('execution trees', () => {
    let parent: Json;
    let call_: Json;
    let child: Json;

    before(async () => {
      parent = await settled((await start({ workflow_name: 'parent' })).id as string);
      call_ = (await tasksOf(parent.id as string))[0]!;
      child = ((await get(`/tasks/${String(call_.id)}/workflow_executions`)).body.executions as Json[])[0]!;
    });

    it('links a sub-workflow execution to its parent task and root execution', () => {
      expect(parent.state).to.equal('SUCCESS');
      expect(parse(parent.output)).to.deep.equal({ doubled: 42 });
      expect(call_).to.include({ name: 'call', type: 'WORKFLOW', state: 'SUCCESS' });
      expect(child).to.include({
        workflow_name: 'child',
        state: 'SUCCESS',
        task_execution_id: call_.id,
        root_execution_id: parent.id,
      });
    });

    it('lists sub-executions depth first, and top-level executions only with nulls=root_execution_id', async () => {
      const tree = (await get(`/executions/${String(parent.id)}/executions?max_depth=-1&errors_only=`)).body
        .executions as Json[];
      expect(tree.map((e) => e.id)).to.deep.equal([parent.id, child.id]);
      const underTask = (await get(`/tasks/${String(call_.id)}/executions`)).body.executions as Json[];
      expect(underTask.map((e) => e.id)).to.deep.equal([child.id]);
      const byTask = (await get(`/executions?task_execution_id=${String(call_.id)}`)).body
        .executions as Json[];
      expect(byTask.map((e) => e.id)).to.deep.equal([child.id]);
      const roots = (await get('/executions?nulls=root_execution_id&limit=1000')).body.executions as Json[];
      expect(roots.map((e) => e.id))
        .to.include(parent.id)
        .and.not.include(child.id);
    });

    it('reports the tree with task statistics, as execution-get-report prints it', async () => {
      const full = (await get(`/executions/${String(parent.id)}/report`)).body;
      expect(full.statistics).to.deep.equal({
        total_tasks_count: 2,
        running_tasks_count: 0,
        success_tasks_count: 2,
        error_tasks_count: 0,
        idle_tasks_count: 0,
        paused_tasks_count: 0,
      });
      const root = full.root_workflow_execution as Json;
      expect(root).to.include({ id: parent.id, name: 'parent', state: 'SUCCESS' });
      const [callEntry] = root.task_executions as Json[];
      expect(callEntry).to.include({ name: 'call', type: 'WORKFLOW', state: 'SUCCESS' });
      const [childEntry] = callEntry!.workflow_executions as Json[];
      expect(childEntry).to.include({ id: child.id, name: 'child' });
      const [noop] = childEntry!.task_executions as Json[];
      expect(noop).to.include({ name: 'noop', state: 'SUCCESS' });
      expect((noop!.action_executions as Json[])[0]).to.include({ name: 'std.noop', state: 'SUCCESS' });

      const shallow = (await get(`/executions/${String(parent.id)}/report?max_depth=0`)).body;
      const shallowChild = ((shallow.root_workflow_execution as Json).task_executions as Json[])[0]!
        .workflow_executions as Json[];
      expect(shallowChild[0]).to.not.have.property('task_executions');
      const errors = (await get(`/executions/${String(parent.id)}/report?errors_only=True`)).body;
      expect((errors.root_workflow_execution as Json).task_executions).to.deep.equal([]);
      const stats = (await get(`/executions/${String(parent.id)}/report?statistics_only=true`)).body;
      expect(Object.keys(stats)).to.deep.equal(['statistics']);
    });

    it('deletes an execution with its tasks and sub-executions', async () => {
      expect((await del(`/executions/${String(parent.id)}`)).status).to.equal(204);
      expect((await get(`/executions/${String(parent.id)}`)).status).to.equal(404);
      expect((await get(`/executions/${String(child.id)}`)).status).to.equal(404);
      expect((await get(`/tasks/${String(call_.id)}`)).status).to.equal(404);
    });
  });

  describe('deleting', () => {
    it('refuses to delete an unfinished execution unless forced, then forgets it entirely', async () => {
      const ex = await start({ workflow_name: 'waiter', params: { env: { suffix: '' } } });
      const action = await runningAction(ex.id as string, 'hold');
      const refused = await del(`/executions/${String(ex.id)}`);
      expect(refused.status).to.equal(409);
      expect(refused.body.faultstring).to.contain('Only completed executions can be deleted');
      expect((await del(`/executions/${String(ex.id)}?force=true`)).status).to.equal(204);
      expect((await get(`/executions/${String(ex.id)}`)).status).to.equal(404);
      expect((await get(`/action_executions/${String(action.id)}`)).status).to.equal(404);
      const late = await put(`/action_executions/${String(action.id)}`, { state: 'SUCCESS' });
      expect(late.status).to.equal(404);
      await srv.server.engine.idle();
      expect((await get(`/executions/${String(ex.id)}`)).status).to.equal(404);
    });
  });
});
