/**
 * Wire compatibility, checked by the real thing: the stock `mistral` command of python-mistralclient (Debian's
 * python3-mistralclient) drives a Tramontane server. Each command must exit 0 and print the right data; a field
 * the client cannot read fails here. The client is required: the suite fails (never skips) without it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { call, startTestServer, type TestServer } from './api-helpers.js';

const MISTRAL = '/usr/bin/mistral';

const WORKBOOK = `
version: '2.0'
name: clibook
workflows:
  hello:
    input: [name]
    output: {greeting: <% $.greeting %>}
    tasks:
      greet:
        action: std.echo output="Hello, <% $.name %> from <% env().place %>"
        publish: {greeting: <% task().result %>}
  waiter:
    output: {answer: <% $.answer %>}
    tasks:
      hold:
        action: std.async_noop
        publish: {answer: <% task().result.answer %>}
  flaky:
    tasks:
      broken:
        action: std.fail
      hold:
        action: std.async_noop
`;

type Row = Record<string, string>;

/** The rows of a cliff table (`+---+` borders, `| a | b |` rows), keyed by the header cells. */
function tableRows(out: string): Row[] {
  const lines = out.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const [head, ...rows] = lines.map(cells);
  return rows.map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, r[i] ?? ''])));
}

/** A `Field | Value` table (show commands) as an object; continuation lines are joined. */
function fields(out: string): Row {
  const obj: Row = {};
  let last = '';
  for (const r of tableRows(out)) {
    if (r.Field) last = r.Field;
    obj[last] = obj[last] === undefined ? (r.Value ?? '') : `${obj[last]}\n${r.Value ?? ''}`;
  }
  return obj;
}

describe('python-mistralclient against Tramontane', function () {
  this.timeout(60_000);
  let srv: TestServer;

  before(async () => {
    if (!fs.existsSync(MISTRAL)) {
      throw new Error(
        `${MISTRAL} is missing: install python3-mistralclient (apt-get install python3-mistralclient) to run these tests`,
      );
    }
    srv = await startTestServer();
  });

  after(async () => {
    await srv?.close();
  });

  /** Runs `mistral <args>` against the test server; rejects unless it exits 0. */
  function mistral(...args: string[]): Promise<string> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_')) env[k] = v;
    env.OS_MISTRAL_URL = srv.v2;
    env.OS_AUTH_TYPE = 'none';
    return new Promise((resolve, reject) => {
      execFile(MISTRAL, args, { env, cwd: srv.dir, timeout: 30_000 }, (err, stdout, stderr) => {
        if (err)
          reject(new Error(`mistral ${args.join(' ')} failed (${String(err.code)}): ${stderr}${stdout}`));
        else resolve(stdout);
      });
    });
  }

  async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const stateOf = async (id: string) =>
    (await call<Record<string, unknown>>('GET', `${srv.v2}/executions/${id}`)).body.state;

  async function runningActionOf(exId: string, task: string): Promise<string> {
    let id = '';
    await until(`a running action of ${task}`, async () => {
      const rows = tableRows(await mistral('task-list', exId));
      const t = rows.find((r) => r.Name === task);
      if (!t) return false;
      const actions = tableRows(await mistral('action-execution-list', t.ID as string));
      id = actions.find((a) => a.State === 'RUNNING')?.ID ?? '';
      return id !== '';
    });
    return id;
  }

  let helloId = '';

  describe('definitions', () => {
    it('workbook-create uploads a workbook file', async () => {
      const file = path.join(srv.dir, 'clibook.yaml');
      fs.writeFileSync(file, WORKBOOK);
      const wb = fields(await mistral('workbook-create', file));
      expect(wb).to.include({ Name: 'clibook', Scope: 'private' });
    });

    it('workbook-list and workflow-list show it and its workflows', async () => {
      expect(tableRows(await mistral('workbook-list')).map((r) => r.Name)).to.deep.equal(['clibook']);
      const workflows = tableRows(await mistral('workflow-list'));
      // With the system workflows every server has.
      expect(workflows.map((r) => r.Name).sort()).to.deep.equal([
        'clibook.flaky',
        'clibook.hello',
        'clibook.waiter',
        'std.create_instance',
        'std.delete_instance',
      ]);
      expect(workflows.find((r) => r.Name === 'clibook.hello')?.Input).to.equal('name');
    });

    it('environment-create stores an environment from a file', async () => {
      const file = path.join(srv.dir, 'env.json');
      fs.writeFileSync(
        file,
        JSON.stringify({ name: 'cli-env', description: 'for the CLI', variables: { place: 'Lyon' } }),
      );
      const env = fields(await mistral('environment-create', file));
      expect(env.Name).to.equal('cli-env');
      expect(JSON.parse(env.Variables as string)).to.deep.equal({ place: 'Lyon' });
    });
  });

  describe('executions', () => {
    it('execution-create starts a workflow with input and params given as JSON', async () => {
      const ex = fields(
        await mistral('execution-create', 'clibook.hello', '{"name": "Ada"}', '{"env": "cli-env"}'),
      );
      expect(ex['Workflow name']).to.equal('clibook.hello');
      expect(ex['Task Execution ID']).to.equal('<none>');
      expect(['RUNNING', 'SUCCESS']).to.include(ex.State);
      helloId = ex.ID as string;
      expect(helloId).to.match(/^[0-9a-f-]{36}$/);
      await until('hello to finish', async () => (await stateOf(helloId)) === 'SUCCESS');
    });

    it('execution-get and execution-list show the finished execution', async () => {
      const ex = fields(await mistral('execution-get', helloId));
      expect(ex).to.include({ ID: helloId, State: 'SUCCESS', 'Workflow name': 'clibook.hello' });
      expect(ex['Created at']).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const row = tableRows(await mistral('execution-list')).find((r) => r.ID === helloId);
      expect(row).to.include({ State: 'SUCCESS', 'Workflow name': 'clibook.hello' });
    });

    it('execution-get-output prints the output as JSON', async () => {
      expect(JSON.parse(await mistral('execution-get-output', helloId))).to.deep.equal({
        greeting: 'Hello, Ada from Lyon',
      });
    });

    it('execution-update pauses, resumes and cancels', async () => {
      const id = fields(await mistral('execution-create', 'clibook.waiter')).ID as string;
      await runningActionOf(id, 'hold');
      expect(fields(await mistral('execution-update', id, '-s', 'PAUSED')).State).to.equal('PAUSED');
      expect(fields(await mistral('execution-update', id, '-s', 'RUNNING')).State).to.equal('RUNNING');
      expect(fields(await mistral('execution-update', id, '-s', 'CANCELLED')).State).to.equal('CANCELLED');
      expect(fields(await mistral('execution-get', id)).State).to.equal('CANCELLED');
    });
  });

  describe('tasks and actions', () => {
    it('task-list and task-get-result show the tasks of an execution', async () => {
      const [greet] = tableRows(await mistral('task-list', helloId));
      expect(greet).to.include({ Name: 'greet', State: 'SUCCESS', 'Workflow Execution ID': helloId });
      expect(JSON.parse(await mistral('task-get-result', greet!.ID as string))).to.equal(
        'Hello, Ada from Lyon',
      );
    });

    it('action-execution-update completes an asynchronous action', async () => {
      const id = fields(await mistral('execution-create', 'clibook.waiter')).ID as string;
      const action = await runningActionOf(id, 'hold');
      const done = fields(
        await mistral('action-execution-update', action, '--state', 'SUCCESS', '--output', '{"answer": 42}'),
      );
      expect(done).to.include({ ID: action, State: 'SUCCESS', 'Task name': 'hold' });
      await until('waiter to finish', async () => (await stateOf(id)) === 'SUCCESS');
      expect(JSON.parse(await mistral('execution-get-output', id))).to.deep.equal({ answer: 42 });
    });

    it('task-rerun re-runs a failed task; execution-get-report shows the failure', async () => {
      const id = fields(await mistral('execution-create', 'clibook.flaky')).ID as string;
      const hold = await runningActionOf(id, 'hold');
      let broken: Row | undefined;
      await until('broken to fail', async () => {
        broken = tableRows(await mistral('task-list', id)).find(
          (r) => r.Name === 'broken' && r.State === 'ERROR',
        );
        return broken !== undefined;
      });
      const rerun = fields(await mistral('task-rerun', broken!.ID as string));
      expect(rerun).to.include({ ID: broken!.ID, State: 'RUNNING' });
      await until('the re-run to fail', async () => {
        const actions = tableRows(await mistral('action-execution-list', broken!.ID as string));
        return actions.length === 2 && actions.every((a) => a.State === 'ERROR');
      });
      await mistral('action-execution-update', hold, '--state', 'SUCCESS', '--output', '{}');
      await until('flaky to fail', async () => (await stateOf(id)) === 'ERROR');
      const report = await mistral('execution-get-report', id);
      expect(report).to.contain('Number of tasks in ERROR state: 1');
      expect(report).to.contain(`workflow 'clibook.flaky' [ERROR] ${id}`);
      expect(report).to.contain(`task 'broken' [ERROR] ${String(broken!.ID)}`);
    });

    it('run-action runs an action on its own and prints its output', async () => {
      const out = await mistral('run-action', 'std.echo', '{"output": "hi"}');
      expect(JSON.parse(out)).to.deep.equal({ result: 'hi' });
    });

    it('execution-delete deletes a finished execution', async () => {
      expect(await mistral('execution-delete', helloId)).to.contain(`Request to delete execution ${helloId}`);
      expect((await call('GET', `${srv.v2}/executions/${helloId}`)).status).to.equal(404);
    });
  });
});
