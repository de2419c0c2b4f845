/**
 * Behaviours of Mistral 15's API that its own test suite (mistral-tempest-plugin) relies on, one per point of
 * issue 11: actions run on their own and stored (`save_result`), a workbook deleted alone, cron trigger counts
 * sent as text, and an unknown execution found missing before its update is read.
 */
import { expect } from 'chai';
import { call, startTestServer, until, type TestServer } from './api-helpers.js';

type Json = Record<string, unknown>;

const WORKBOOK = `
version: '2.0'
name: keeper
workflows:
  main:
    tasks:
      t:
        action: std.noop
`;

describe('API: parity with Mistral 15 where its test suite looks', function () {
  let srv: TestServer;
  const url = (path: string) => `${srv.v2}${path}`;

  before(async () => {
    srv = await startTestServer();
  });

  after(() => srv.close());

  describe('actions run on their own (POST /v2/action_executions)', () => {
    it('with save_result: answered RUNNING, stored, then SUCCESS with its output, and listed', async () => {
      const res = await call<Json>('POST', url('/action_executions'), {
        name: 'std.echo',
        input: '{"output": "Hello, Mistral!"}',
        params: '{"save_result": true}',
        description: 'saved',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ state: 'RUNNING', name: 'std.echo', workflow_name: null });
      const id = res.body.id as string;
      const done = await until('the action to end', async () => {
        const one = await call<Json>('GET', url(`/action_executions/${id}`));
        return one.body.state === 'SUCCESS' ? one.body : null;
      });
      expect(JSON.parse(done.output as string)).to.deep.equal({ result: 'Hello, Mistral!' });
      expect(done).to.include({ description: 'saved', task_execution_id: null });
      const list = (await call<Json>('GET', url('/action_executions'))).body.action_executions as Json[];
      expect(list.map((a) => a.id)).to.include(id);
    });

    it('without save_result: answered with the result, no id, not stored', async () => {
      const res = await call<Json>('POST', url('/action_executions'), {
        name: 'std.echo',
        input: { output: 'now' },
      });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ id: null, state: 'SUCCESS' });
      expect(JSON.parse(res.body.output as string)).to.deep.equal({ result: 'now' });
    });

    it('an asynchronous action is stored RUNNING and completed by PUT', async () => {
      const res = await call<Json>('POST', url('/action_executions'), { name: 'std.async_noop' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.state).to.equal('RUNNING');
      const id = res.body.id as string;
      const put = await call<Json>('PUT', url(`/action_executions/${id}`), {
        state: 'SUCCESS',
        output: '{"x": 1}',
      });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      expect(put.body.state).to.equal('SUCCESS');
      const again = await call<Json>('PUT', url(`/action_executions/${id}`), { state: 'SUCCESS' });
      expect(again.status).to.equal(400);
      expect(
        JSON.parse((await call<Json>('GET', url(`/action_executions/${id}`))).body.output as string),
      ).to.deep.equal({
        result: { x: 1 },
      });
    });
  });

  describe('workbooks and their workflows', () => {
    it('deleting a workbook leaves its workflows; each may then be deleted on its own', async () => {
      expect((await call('POST', url('/workbooks'), WORKBOOK)).status).to.equal(201);
      expect((await call('DELETE', url('/workbooks/keeper'))).status).to.equal(204);
      expect((await call('GET', url('/workbooks/keeper'))).status).to.equal(404);
      expect((await call('GET', url('/workflows/keeper.main'))).status).to.equal(200);
      // Created again, the workbook takes its workflows back.
      expect((await call('POST', url('/workbooks'), WORKBOOK)).status).to.equal(201);
      expect((await call('DELETE', url('/workflows/keeper.main'))).status).to.equal(204);
      expect((await call('GET', url('/workflows/keeper.main'))).status).to.equal(404);
    });
  });

  describe('cron triggers', () => {
    it('reads remaining_executions sent as the text of a number, as Mistral', async () => {
      await call(
        'POST',
        url('/workflows'),
        "version: '2.0'\ncounted:\n  tasks:\n    t:\n      action: std.noop\n",
      );
      const res = await call<Json>('POST', url('/cron_triggers'), {
        name: 'counted',
        workflow_name: 'counted',
        pattern: '5 * * * *',
        remaining_executions: '42',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.remaining_executions).to.equal(42);
      const bad = await call<Json>('POST', url('/cron_triggers'), {
        name: 'counted2',
        workflow_name: 'counted',
        pattern: '5 * * * *',
        remaining_executions: 'many',
      });
      expect(bad.status).to.equal(400);
      expect(bad.body.field).to.equal('remaining_executions');
    });

    it('refuses a second trigger of the same workflow, pattern, input, params, first time and count (409)', async () => {
      const twin = {
        workflow_name: 'counted',
        pattern: '5 * * * *',
        first_execution_time: '4242-12-25 13:37',
        remaining_executions: 42,
      };
      expect((await call('POST', url('/cron_triggers'), { ...twin, name: 'first' })).status).to.equal(201);
      expect((await call('POST', url('/cron_triggers'), { ...twin, name: 'second' })).status).to.equal(409);
      const other = { ...twin, name: 'third', pattern: '6 * * * *' };
      expect((await call('POST', url('/cron_triggers'), other)).status).to.equal(201);
    });
  });

  describe('executions', () => {
    it('PUT on an unknown execution is a 404, whatever its body', async () => {
      const res = await call<Json>('PUT', url('/executions/no-such-execution'), { state: 'NOT_A_STATE' });
      expect(res.status).to.equal(404);
    });
  });
});
