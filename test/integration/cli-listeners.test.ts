/**
 * `tram listener`, `tram listener-add`, `tram event` and the statuses under `tram execution get`, end to end: a
 * real API server in this process (SQLite in a temporary directory, an ephemeral port), a webhook receiver on
 * another ephemeral port, and the CLI as a child process, as a user runs it. Each test asserts what the user
 * sees (stdout, the one stderr line) and the exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startServer, type RunningServer } from '../../api/index.js';
import { loadConfig } from '../../config/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'cli/main.ts');

const WORKFLOWS = `
version: '2.0'
lst_hello:
  tasks:
    greet:
      action: std.echo output="hello"
      on-success: [bye]
    bye:
      action: std.noop
lst_status:
  tasks:
    deploy:
      action: std.echo output="deployed"
`;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tram ARGS` as a child process, without any TRAM_* variable of this environment. */
function tram(args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TRAM_')) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses the JSON a `--json` command printed, showing its stderr when it printed none. */
function json<T = Record<string, unknown>>(r: CliResult): T {
  expect(r.stderr, 'stderr').to.equal('');
  expect(r.code, 'exit code').to.equal(0);
  return JSON.parse(r.stdout) as T;
}

/** A failure as the user sees it: nothing on stdout, one `tram: ...` line on stderr, exit code 1. */
function oneLineError(r: CliResult): string {
  expect(r.code, `exit code (stdout: ${r.stdout})`).to.equal(1);
  expect(r.stdout).to.equal('');
  expect(r.stderr).to.match(/^tram: [^\n]+\n$/);
  return r.stderr;
}

/** Resolves once `check` gives a value other than undefined (polled every 50 ms, for up to 10 s). */
async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A webhook receiver that answers 200 and keeps what it got. */
async function receiver(): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const srv = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(text || '{}') as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

interface ListenerJson {
  id: string;
  name: string;
  origin: string;
  scope: Record<string, string>;
  events: string[];
  transport: Record<string, unknown>;
  retry: number[];
  status: { enabled: boolean; timeout_s: number } | null;
  enabled: boolean;
  secret?: string;
}

describe('tram listener and tram event against a live server', function () {
  this.timeout(60_000);
  let dir: string;
  let server: RunningServer;
  let hook: Awaited<ReturnType<typeof receiver>>;
  /** `tram ARGS --url <server>` */
  const remote = (...args: string[]) => tram([...args, '--url', server.url]);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-cli-listeners-'));
    server = await startServer(
      loadConfig({ port: 0, db: path.join(dir, 'tram.db'), logLevel: 'silent' }, {}),
    );
    await server.engine.load(WORKFLOWS);
    hook = await receiver();
  });

  after(async () => {
    await server.close();
    await hook.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('listeners', () => {
    let id: string;

    it('adds an http listener and shows its secret once, with a warning', async () => {
      const r = await remote(
        'listener',
        'add',
        '--name',
        'ops-hook',
        '--workflow',
        'lst_hello',
        '--events',
        'execution,TASK_FAILED',
        '--webhook',
        hook.url,
        '--header',
        'X-Team: ops',
        '--retry',
        '5,60,300',
      );
      expect(r.stderr).to.equal('');
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/^name\s+ops-hook$/m);
      expect(r.stdout).to.match(/^scope\s+workflow=lst_hello$/m);
      expect(r.stdout).to.match(/^events\s+EXECUTION, TASK_FAILED$/m);
      expect(r.stdout).to.match(new RegExp(`^transport\\s+POST ${hook.url}$`, 'm'));
      expect(r.stdout).to.match(/^retry\s+5s, 60s, 300s$/m);
      expect(r.stdout).to.match(/^secret\s+whsec_[A-Za-z0-9+/=]+$/m);
      expect(r.stdout).to.include('it will not be shown again');
      id = /^id\s+(\S+)$/m.exec(r.stdout)![1]!;
    });

    it('creates with --json: the resource with its secret, and a derived name without --name', async () => {
      const created = json<ListenerJson>(
        await remote('listener', 'add', '--workbook', 'wb', '--amqp', '--routing-key', 'k', '--json'),
      );
      expect(created.secret).to.match(/^whsec_/);
      expect(created.name).to.match(/^wb-[0-9a-f]{6}$/);
      expect(created.scope).to.deep.equal({ workbook: 'wb' });
      expect(created.transport).to.include({ type: 'amqp', exchange: 'tram.events', routing_key: 'k' });
      await remote('listener', 'delete', created.id);
    });

    it('lists it, and gets it without its secret', async () => {
      const table = await remote('listener', 'list');
      expect(table.code).to.equal(0);
      expect(table.stdout.split('\n')[0]).to.match(
        /^ID\s+NAME\s+ORIGIN\s+SCOPE\s+EVENTS\s+TRANSPORT\s+ENABLED\s+BACKLOG$/,
      );
      expect(table.stdout).to.match(new RegExp(`^${id}\\s+ops-hook\\s+api\\s+workflow=lst_hello\\s+`, 'm'));
      expect(table.stdout).not.to.include('whsec_');
      const listed = json<ListenerJson[]>(await remote('listener', 'list', '--json'));
      expect(listed.map((l) => l.id)).to.include(id);
      expect(listed.every((l) => l.secret === undefined)).to.equal(true);

      const got = json<ListenerJson>(await remote('listener', 'get', id, '--json'));
      expect(got).to.include({ id, name: 'ops-hook', origin: 'api', enabled: true });
      expect(got).not.to.have.property('secret');
      expect(got.transport).to.deep.include({ type: 'http', url: hook.url, headers: { 'X-Team': '***' } });
      const detail = await remote('listener', 'get', id);
      expect(detail.stdout).to.match(/^name\s+ops-hook$/m);
      expect(detail.stdout).not.to.match(/secret|whsec_/);
    });

    it('updates only the flags given, and disables and enables it', async () => {
      const updated = json<ListenerJson>(
        await remote('listener', 'update', id, '--events', 'EXECUTION,TASK', '--method', 'put', '--json'),
      );
      expect(updated.events).to.deep.equal(['EXECUTION', 'TASK']);
      expect(updated.transport).to.deep.include({
        method: 'PUT',
        url: hook.url,
        headers: { 'X-Team': '***' },
      });
      expect(updated.retry).to.deep.equal([5, 60, 300]);
      expect(updated.scope).to.deep.equal({ workflow: 'lst_hello' });

      const disabled = await remote('listener', 'disable', id);
      expect(disabled.stdout).to.match(/^enabled\s+no \(.+\)$/m);
      expect(json<ListenerJson>(await remote('listener', 'enable', id, '--json')).enabled).to.equal(true);
      await remote('listener', 'update', id, '--method', 'POST', '--events', 'EXECUTION,TASK');
    });

    it("listener-add execution ID URL: that execution's execution and task events", async () => {
      const ex = await server.engine.startExecution({ workflow: 'lst_hello' });
      await server.engine.waitFor(ex.id);
      const created = json<ListenerJson>(
        await remote('listener-add', 'execution', ex.id, hook.url, '--json'),
      );
      expect(created.scope).to.deep.equal({ execution_id: ex.id });
      expect(created.events).to.deep.equal(['EXECUTION', 'TASK']);
      expect(created.transport).to.include({ type: 'http', url: hook.url });
      expect(created.secret).to.match(/^whsec_/);
      expect(created.name.startsWith(ex.id.slice(0, 8))).to.equal(true);
      await remote('listener', 'delete', created.id);
    });

    it("listener-add task ID URL: that task's events, by execution and task name", async () => {
      const ex = await server.engine.startExecution({ workflow: 'lst_hello' });
      await server.engine.waitFor(ex.id);
      const task = (await server.engine.listTasks(ex.id)).find((t) => t.name === 'bye')!;
      const r = await remote('listener-add', 'task', task.id, hook.url);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^scope\\s+execution=${ex.id} task=bye$`, 'm'));
      expect(r.stdout).to.match(/^events\s+TASK$/m);
      expect(r.stdout).to.match(/^secret\s+whsec_/m);
      await remote('listener', 'delete', /^id\s+(\S+)$/m.exec(r.stdout)![1]!);
    });

    it('shows the listeners a workbook declares, owned by it', async () => {
      const up = await remote('workbook', 'create', path.join(ROOT, 'workbooks/listeners.yaml'));
      expect(up.stderr).to.equal('');
      const listed = json<(ListenerJson & { owner: string })[]>(await remote('listener', 'list', '--json'));
      const mine = listed
        .filter((l) => l.origin === 'workbook')
        .map((l) => [l.name, l.owner, l.transport.type]);
      expect(mine).to.have.deep.members([
        ['listeners.ci_hook', 'listeners', 'http'],
        ['listeners.ci_bus', 'listeners', 'amqp'],
      ]);
      expect((await remote('workbook', 'delete', 'listeners')).code).to.equal(0);
    });

    it('refuses bad flag values with one line, before calling the server', async () => {
      const cases: [string[], RegExp][] = [
        [['--events', 'EXECUTION,TASK_FAIL', '--webhook', hook.url], /--events .*'TASK_FAIL'/],
        [['--webhook', hook.url, '--retry', '5,soon'], /--retry .*'soon'/],
        [
          ['--webhook', hook.url, '--format', 'xml'],
          /--format must be one of mistral, cloudevents, template/,
        ],
        [['--webhook', 'ftp://files.example.com'], /--webhook must be an http:\/\/ or https:\/\/ URL/],
        [['--webhook', hook.url, '--header', 'no colon'], /--header takes 'Name: value'/],
        [['--webhook', hook.url, '--status-timeout', '0'], /--status-timeout must be a whole number/],
        [['--events', 'TASK'], /needs --webhook URL .* or --amqp/],
        [['--webhook', hook.url, '--amqp'], /--webhook or --amqp, not both/],
      ];
      for (const [flags, message] of cases) {
        expect(oneLineError(await remote('listener', 'add', ...flags)), flags.join(' ')).to.match(message);
      }
      expect(oneLineError(await remote('listener-add', 'workflow', 'x', hook.url))).to.match(
        /takes 'execution' or 'task'/,
      );
      expect(oneLineError(await remote('listener', 'recover', id))).to.match(/needs --since/);
      expect(oneLineError(await remote('event', 'list', '--type', 'TASKS'))).to.match(/--type .*'TASKS'/);
      expect(oneLineError(await remote('event', 'attempts', '--limit', 'many'))).to.match(/--limit/);
    });

    it('recovers the deliveries given up since a time', async () => {
      const r = await remote('listener', 'recover', id, '--since', '1h');
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.equal(`recovered 0 deliveries of listener ${id}\n`);
      expect(
        json(await remote('listener', 'recover', id, '--since', '2020-01-01 00:00', '--json')),
      ).to.deep.equal({ recovered: 0 });
    });

    describe('events', () => {
      let exId: string;
      let eventId: number;

      before(async () => {
        hook.got.length = 0;
        const ex = await server.engine.startExecution({ workflow: 'lst_hello' });
        exId = ex.id;
        await server.engine.waitFor(ex.id);
        // WORKFLOW_LAUNCHED, 2 × TASK_LAUNCHED and TASK_SUCCEEDED, WORKFLOW_SUCCEEDED
        await eventually('6 deliveries', () => (hook.got.length >= 6 ? true : undefined));
      });

      it('lists the events of an execution with their delivery', async () => {
        const events = json<
          { id: number; event_type: string; is_delivered: boolean; deliveries: unknown[] }[]
        >(await remote('event', 'list', '--execution', exId, '--json'));
        expect(events.map((e) => e.event_type)).to.deep.equal([
          'WORKFLOW_LAUNCHED',
          'TASK_LAUNCHED',
          'TASK_SUCCEEDED',
          'TASK_LAUNCHED',
          'TASK_SUCCEEDED',
          'WORKFLOW_SUCCEEDED',
        ]);
        await eventually('every event delivered', async () => {
          const now = json<{ is_delivered: boolean }[]>(
            await remote('event', 'list', '--execution', exId, '--undelivered', '--json'),
          );
          return now.length === 0 ? true : undefined;
        });
        eventId = events[0]!.id;
        const table = await remote('event', 'list', '--execution', exId, '--type', 'execution');
        expect(table.stdout.split('\n')[0]).to.match(
          /^ID\s+EXECUTION ID\s+SEQ\s+EVENT\s+OF\s+STATE\s+CREATED\s+DELIVERED$/,
        );
        expect(table.stdout).to.match(
          new RegExp(
            `^${eventId}\\s+${exId}\\s+1\\s+WORKFLOW_LAUNCHED\\s+lst_hello\\s+RUNNING\\s+\\S+\\s+yes \\(1/1\\)$`,
            'm',
          ),
        );
        expect(table.stdout.trim().split('\n')).to.have.length(3);
        const limited = json<unknown[]>(
          await remote('event', 'list', '--execution', exId, '--limit', '2', '--json'),
        );
        expect(limited).to.have.length(2);
      });

      it('gets an event with its deliveries', async () => {
        const e = json<{ id: number; deliveries: { listener_id: string; state: string }[] }>(
          await remote('event', 'get', String(eventId), '--json'),
        );
        expect(e.id).to.equal(eventId);
        expect(e.deliveries.map((d) => [d.listener_id, d.state])).to.deep.equal([[id, 'succeeded']]);
        const detail = await remote('event', 'get', String(eventId));
        expect(detail.stdout).to.match(/^event_type\s+WORKFLOW_LAUNCHED$/m);
        expect(detail.stdout).to.match(/^DELIVERY ID\s+LISTENER ID\s+STATE\s+ATTEMPTS\s+STATUS ID$/m);
        expect(detail.stdout).to.match(new RegExp(`^\\S+\\s+${id}\\s+succeeded\\s+1$`, 'm'));
      });

      it('redelivers an event and lists the attempts, following the pages with --all', async () => {
        const before = hook.got.length;
        const again = json<{ trigger: string; code: string; attempt_number: number }[]>(
          await remote('event', 'redeliver', String(eventId), '--listener', id, '--json'),
        );
        expect(again.map((a) => [a.trigger, a.code, a.attempt_number])).to.deep.equal([
          ['manual', 'success', 2],
        ]);
        expect(hook.got.length).to.equal(before + 1);

        const attempts = json<{ event_id: number; trigger: string }[]>(
          await remote('event', 'attempts', '--event', String(eventId), '--json'),
        );
        expect(attempts.map((a) => a.trigger)).to.deep.equal(['scheduled', 'manual']);
        const mine = json<unknown[]>(await remote('event', 'attempts', '--listener', id, '--all', '--json'));
        expect(mine.length).to.be.at.least(7);
        const one = json<unknown[]>(
          await remote('event', 'attempts', '--listener', id, '--limit', '1', '--json'),
        );
        expect(one).to.have.length(1);
        const table = await remote('event', 'attempts', '--event', String(eventId));
        expect(table.stdout).to.match(
          /^ID\s+CREATED\s+EVENT\s+LISTENER ID\s+TRY\s+TRIGGER\s+CODE\s+HTTP\s+MS\s+MESSAGE$/m,
        );
        expect(table.stdout).to.match(
          new RegExp(`\\s${eventId}\\s+${id}\\s+2\\s+manual\\s+success\\s+200\\s`),
        );
      });
    });

    describe('deletion', () => {
      it('deletes it: then getting it is a one-line 404', async () => {
        const r = await remote('listener', 'delete', id);
        expect(r.stdout).to.equal(`deleted listener ${id}\n`);
        expect(oneLineError(await remote('listener', 'get', id))).to.match(/^tram: 404 .*listener/);
      });
    });
  });

  describe('statuses under execution get', () => {
    it('shows no status table for an execution without statuses', async () => {
      const ex = await server.engine.startExecution({ workflow: 'lst_hello' });
      await server.engine.waitFor(ex.id);
      const r = await remote('execution', 'get', ex.id);
      expect(r.code).to.equal(0);
      expect(r.stdout).not.to.include('STATUS ID');
    });

    it('shows the status a receiver gave the delivery of a status-enabled listener', async () => {
      const listener = json<ListenerJson>(
        await remote(
          'listener',
          'add',
          '--workflow',
          'lst_status',
          '--events',
          'WORKFLOW_SUCCEEDED',
          '--webhook',
          hook.url,
          '--status-timeout',
          '600',
          '--json',
        ),
      );
      expect(listener.status).to.deep.equal({ enabled: true, timeout_s: 600 });
      hook.got.length = 0;
      const ex = await server.engine.startExecution({ workflow: 'lst_status' });
      await server.engine.waitFor(ex.id);
      const got = await eventually('the delivery', () => hook.got[0]);
      const statusId = got.headers['x-tram-status-id'];
      expect(statusId).to.be.a('string');

      const queued = await remote('execution', 'get', ex.id);
      expect(queued.stdout).to.match(/^state\s+SUCCESS$/m);
      expect(queued.stdout).to.match(
        /^STATUS ID\s+TASK\s+LISTENER ID\s+STATUS\s+CONCLUSION\s+TITLE\s+UPDATED AT$/m,
      );
      expect(queued.stdout).to.match(
        new RegExp(`^${String(statusId)}\\s+\\(execution\\)\\s+${listener.id}\\s+queued\\s`, 'm'),
      );

      // The receiver reports back: PUT /v2/statuses/{id}.
      const res = await fetch(`${server.url}/v2/statuses/${String(statusId)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'completed', conclusion: 'success', output: { title: 'deployed' } }),
      });
      expect(res.status).to.equal(200);
      const done = await remote('execution', 'get', ex.id);
      expect(done.stdout).to.match(
        new RegExp(
          `^${String(statusId)}\\s+\\(execution\\)\\s+${listener.id}\\s+completed\\s+success\\s+deployed\\s`,
          'm',
        ),
      );
      // --json stays the execution resource.
      expect(json(await remote('execution', 'get', ex.id, '--json'))).not.to.have.property('statuses');
      await remote('listener', 'delete', listener.id);
    });

    it('ignores a server without statuses (404)', async () => {
      const fake = http.createServer((req, res) => {
        if (req.url?.endsWith('/statuses')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ faultstring: 'not found' }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x1', workflow_name: 'wf', state: 'SUCCESS', state_info: null }));
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = fake.address() as net.AddressInfo;
        const r = await tram(['execution', 'get', 'x1', '--url', `http://127.0.0.1:${port}`]);
        expect(r.stderr).to.equal('');
        expect(r.code).to.equal(0);
        expect(r.stdout).to.match(/^state\s+SUCCESS$/m);
      } finally {
        fake.closeAllConnections();
        await new Promise<void>((resolve) => fake.close(() => resolve()));
      }
    });
  });
});
