/**
 * Bad requests to the execution resources get a 4xx with Mistral's `faultstring`, our `code` and the `field` at
 * fault, never a 500, and the server keeps serving afterwards. Authentication: with tokens configured, requests
 * need `X-Auth-Token` or `Authorization: Bearer`.
 */
import { expect } from 'chai';
import { call, startTestServer, type TestServer } from './api-helpers.js';

type Json = Record<string, unknown>;

const DEFINITIONS = `
version: '2.0'
greet:
  input: [name]
  tasks:
    say:
      action: std.echo output=<% $.name %>
waiter:
  tasks:
    hold:
      action: std.async_noop
`;

/** One wrong value per field of `POST /v2/executions`, and the field the answer must name. */
const CREATE_CASES: [string, Json, string][] = [
  ['workflow_name as a number', { workflow_name: 42 }, 'workflow_name'],
  ['workflow_id as an object', { workflow_id: {} }, 'workflow_id'],
  ['workflow_namespace as a list', { workflow_name: 'greet', workflow_namespace: [] }, 'workflow_namespace'],
  ['no workflow at all', { input: {} }, 'workflow_name'],
  ['input as broken JSON text', { workflow_name: 'greet', input: '{"name": ' }, 'input'],
  ['input as a JSON list', { workflow_name: 'greet', input: '[1, 2]' }, 'input'],
  ['input as a number', { workflow_name: 'greet', input: 5 }, 'input'],
  ['params as plain text', { workflow_name: 'greet', params: 'nope' }, 'params'],
  ['params as a list', { workflow_name: 'greet', params: [1] }, 'params'],
  ['params.env as a number', { workflow_name: 'greet', params: { env: 5 } }, 'params.env'],
  ['params.task_name as a number', { workflow_name: 'greet', params: { task_name: 1 } }, 'params.task_name'],
  ['params.notify as text', { workflow_name: 'greet', params: { notify: 'x' } }, 'params.notify'],
  [
    'a notifier without a type',
    { workflow_name: 'greet', params: { notify: [{ url: 'http://127.0.0.1:1/' }] } },
    'params.notify[0].type',
  ],
  [
    'a webhook notifier without an http URL',
    { workflow_name: 'greet', params: '{"notify": [{"type": "webhook", "url": "ftp://x"}]}' },
    'params.notify[0].url',
  ],
  [
    'a notifier with numeric headers',
    {
      workflow_name: 'greet',
      params: { notify: [{ type: 'webhook', url: 'http://h/', headers: { a: 1 } }] },
    },
    'params.notify[0].headers',
  ],
  [
    'a notifier with an unknown event type',
    {
      workflow_name: 'greet',
      params: { notify: [{ type: 'webhook', url: 'http://h/', event_types: ['NOPE'] }] },
    },
    'params.notify[0].event_types',
  ],
  ['description as a number', { workflow_name: 'greet', description: 7 }, 'description'],
  ['id as a number', { workflow_name: 'greet', id: 123 }, 'id'],
  ['id with a space', { workflow_name: 'greet', id: 'has space' }, 'id'],
  ['id longer than 36 characters', { workflow_name: 'greet', id: 'x'.repeat(37) }, 'id'],
  ['source_execution_id as a boolean', { source_execution_id: true }, 'source_execution_id'],
  ['an unknown source execution', { source_execution_id: 'nope' }, 'source_execution_id'],
  ['a misspelt field', { worflow_name: 'greet' }, 'worflow_name'],
];

describe('API: bad input to the execution resources', function () {
  let srv: TestServer;
  const url = (p: string) => srv.v2 + p;

  function expectFault(res: { status: number; body: unknown }, status: number, field?: string): Json {
    const body = res.body as Json;
    expect(res.status, JSON.stringify(body)).to.equal(status);
    expect(body.faultstring).to.be.a('string').and.not.equal('');
    expect(body.code).to.be.a('string');
    if (field !== undefined) expect(body.field, JSON.stringify(body)).to.equal(field);
    return body;
  }

  before(async () => {
    srv = await startTestServer();
    await srv.server.engine.load(DEFINITIONS);
  });

  after(async () => {
    await srv?.close();
  });

  describe('POST /v2/executions', () => {
    it('refuses malformed JSON', async () => {
      const res = await call('POST', url('/executions'), '{"workflow_name": ', 'application/json');
      expect(expectFault(res, 400).faultstring).to.contain('invalid JSON');
    });

    it('refuses a body that is not a JSON object', async () => {
      expectFault(await call('POST', url('/executions'), [1, 2]), 400, 'body');
      expectFault(await call('POST', url('/executions'), 'workflow_name: greet'), 400, 'body');
      expectFault(await call('POST', url('/executions')), 400, 'body');
    });

    for (const [what, body, field] of CREATE_CASES) {
      it(`refuses ${what}, naming '${field}'`, async () => {
        expectFault(await call('POST', url('/executions'), body), 400, field);
      });
    }

    it('answers 404 naming an unknown workflow', async () => {
      const body = expectFault(await call('POST', url('/executions'), { workflow_name: 'nowhere' }), 404);
      expect(body.code).to.equal('NOT_FOUND');
      expect(body.faultstring).to.contain('nowhere');
    });

    it('refuses input that does not match the workflow, naming the parameter', async () => {
      const res = await call('POST', url('/executions'), { workflow_name: 'greet', input: { nam: 'x' } });
      const body = expectFault(res, 400, 'name');
      expect(body.faultstring).to.equal(
        "Invalid input [name=greet, class=DirectWorkflowSpec, missing=['name'], unexpected=['nam']]",
      );
    });

    it('refuses a body over the size limit with 413', async () => {
      const huge = { workflow_name: 'greet', input: { name: 'x'.repeat(1_200_000) } };
      expectFault(await call('POST', url('/executions'), huge), 413);
    });
  });

  describe('changing state', () => {
    let done: string;
    let running: string;

    before(async () => {
      const a = await srv.server.engine.startExecution({ workflow: 'greet', input: { name: 'x' } });
      done = (await srv.server.engine.waitFor(a.id)).id;
      running = (await srv.server.engine.startExecution({ workflow: 'waiter' })).id;
    });

    it('refuses an invalid execution state change with the reason', async () => {
      const res = await call('PUT', url(`/executions/${done}`), { state: 'PAUSED' });
      const body = expectFault(res, 400);
      expect(body.code).to.equal('INVALID_STATE');
      expect(body.faultstring).to.equal("Can't change workflow execution state from SUCCESS to PAUSED");
    });

    it('refuses a state the API cannot set, an empty update, and a description with a state', async () => {
      expectFault(await call('PUT', url(`/executions/${running}`), { state: 'IDLE' }), 400, 'state');
      expectFault(await call('PUT', url(`/executions/${running}`), { state: 5 }), 400, 'state');
      expectFault(await call('PUT', url(`/executions/${running}`), {}), 400, 'state');
      expectFault(
        await call('PUT', url(`/executions/${running}`), { state: 'PAUSED', description: 'x' }),
        400,
        'description',
      );
      expectFault(
        await call('PUT', url(`/executions/${running}`), { params: '{"env": 3}' }),
        400,
        'params.env',
      );
    });

    it('refuses a new env while the execution runs', async () => {
      const res = await call('PUT', url(`/executions/${running}`), { params: { env: { a: 1 } } });
      expect(expectFault(res, 400).code).to.equal('INVALID_STATE');
    });

    it('answers 404 for an unknown execution, and 409 for deleting a running one', async () => {
      expectFault(await call('PUT', url('/executions/nope'), { state: 'PAUSED' }), 404);
      expectFault(await call('DELETE', url('/executions/nope')), 404);
      expect(expectFault(await call('DELETE', url(`/executions/${running}`)), 409).code).to.equal('CONFLICT');
    });

    it('refuses task updates other than re-run or skip of a failed task', async () => {
      const [task] = await srv.server.engine.listTasks(done);
      const path = url(`/tasks/${task!.id}`);
      expectFault(await call('PUT', path, { state: 'SUCCESS' }), 400, 'state');
      expectFault(await call('PUT', path, { state: 'RUNNING' }), 400, 'reset');
      expectFault(await call('PUT', path, { state: 'RUNNING', reset: 'yes' }), 400, 'reset');
      expectFault(await call('PUT', path, { state: 'RUNNING', reset: true, env: '[' }), 400, 'env');
      expectFault(await call('PUT', path, { state: 'RUNNING', reset: true, name: 'other' }), 400, 'name');
      const notFailed = expectFault(await call('PUT', path, { state: 'RUNNING', reset: true }), 400);
      expect(notFailed.code).to.equal('INVALID_STATE');
      expect(notFailed.faultstring).to.contain('SUCCESS');
      expectFault(await call('PUT', url('/tasks/nope'), { state: 'SKIPPED' }), 404);
    });

    it('refuses bad completions of an action execution', async () => {
      const [hold] = await srv.server.engine.listTasks(running);
      const [action] = await srv.server.engine.listActionExecutions(hold!.id);
      const path = url(`/action_executions/${action!.id}`);
      expectFault(await call('PUT', path, { state: 'PAUSED' }), 400, 'state');
      expectFault(await call('PUT', path, { output: {} }), 400, 'state');
      expectFault(await call('PUT', path, { state: 'SUCCESS', output: '[1]' }), 400, 'output');
      expectFault(await call('PUT', path, { state: 'SUCCESS', output: 'not json' }), 400, 'output');
      expectFault(await call('PUT', url('/action_executions/nope'), { state: 'SUCCESS' }), 404);
      const [say] = await srv.server.engine.listTasks(done);
      const [finished] = await srv.server.engine.listActionExecutions(say!.id);
      const late = await call('PUT', url(`/action_executions/${finished!.id}`), { state: 'SUCCESS' });
      expect(expectFault(late, 400).code).to.equal('INVALID_STATE');
    });

    it('refuses standalone runs of unknown actions and bad action input', async () => {
      expectFault(await call('POST', url('/action_executions'), {}), 400, 'name');
      expect(
        expectFault(await call('POST', url('/action_executions'), { name: 'std.nothing' }), 400).code,
      ).to.equal('ACTION_NOT_FOUND');
      expectFault(
        await call('POST', url('/action_executions'), { name: 'std.echo', input: { x: 1 } }),
        400,
        'x',
      );
      expectFault(
        await call('POST', url('/action_executions'), { name: 'std.async_noop', params: { run_sync: true } }),
        400,
        'params.run_sync',
      );
    });
  });

  describe('list queries', () => {
    const cases: [string, string][] = [
      ['/executions?limit=abc', 'limit'],
      ['/executions?state=BOGUS', 'state'],
      ['/executions?sort_keys=colour', 'sort_keys'],
      ['/executions?sort_dirs=up', 'sort_dirs'],
      ['/executions?colour=red', 'colour'],
      ['/executions?state=neq:RUNNING', 'state'],
      ['/executions?nulls=description', 'nulls'],
      ['/executions?include_output=maybe', 'include_output'],
      ['/tasks?state=DONE', 'state'],
      ['/action_executions?name=std.echo', 'name'],
    ];
    for (const [path, field] of cases) {
      it(`refuses ${path}, naming '${field}'`, async () => {
        expectFault(await call('GET', url(path)), 400, field);
      });
    }
  });

  // Last (mocha runs a suite's own tests before its sub-suites).
  describe('afterwards', () => {
    it('keeps serving after all of the above', async () => {
      const res = await call<Json>('GET', url('/executions'));
      expect(res.status).to.equal(200);
      expect(res.body.executions).to.be.an('array').that.is.not.empty;
    });
  });
});

describe('API: authentication', function () {
  let srv: TestServer;

  before(async () => {
    srv = await startTestServer({ authTokens: ['s3cret'] });
  });

  after(async () => {
    await srv?.close();
  });

  async function status(headers: Record<string, string>): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${srv.v2}/executions`, { headers });
    return { status: res.status, body: (await res.json()) as Json };
  }

  it('refuses a request without a token', async () => {
    const res = await status({});
    expect(res.status).to.equal(401);
    expect(res.body).to.include({ code: 'UNAUTHORIZED' });
    expect(res.body.faultstring).to.be.a('string');
  });

  it('refuses a wrong token, in either header', async () => {
    expect((await status({ 'X-Auth-Token': 'guess' })).status).to.equal(401);
    expect((await status({ Authorization: 'Bearer guess' })).status).to.equal(401);
  });

  it('accepts the token as X-Auth-Token (mistral --os-auth-token) or as a Bearer token', async () => {
    expect((await status({ 'X-Auth-Token': 's3cret' })).status).to.equal(200);
    expect((await status({ Authorization: 'Bearer s3cret' })).status).to.equal(200);
  });
});
