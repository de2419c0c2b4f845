/**
 * The `tram` resource commands end to end: a real API server in this process (SQLite in a temporary directory,
 * an ephemeral port), and the CLI as a child process (`node --import tsx cli/main.ts ... --url <server>`), as a
 * user runs it. Each test asserts what the user sees (stdout, the one stderr line) and the exit code.
 *
 * The child's stdout is a pipe, so `execution watch` runs its non-TTY view here (plain lines, no cursor codes).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Command } from 'commander';
import { startServer, type RunningServer } from '../../api/index.js';
import { buildProgram } from '../../cli/main.js';
import { loadConfig } from '../../config/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'cli/main.ts');

const WORKFLOWS = `
version: '2.0'
cli_hello:
  input:
    - name
  tasks:
    greet:
      action: std.echo output="Hello, <% $.name %>!"
      publish:
        greeting: <% task().result %>
  output:
    greeting: <% $.greeting %>
cli_gate:
  tasks:
    first:
      action: std.echo output=1
      on-success: [gate, side]
    gate:
      action: std.async_noop
    side:
      action: std.noop
  output:
    done: true
cli_boom:
  tasks:
    t1:
      action: std.noop
      on-success: [t2]
    t2:
      action: std.fail
cli_wait:
  tasks:
    ask:
      action: std.async_noop
      publish:
        answer: <% task().result %>
  output:
    answer: <% $.answer %>
`;

const WORKBOOK = `
version: '2.0'
name: cli_wb
workflows:
  greet:
    input:
      - who: you
    tasks:
      say:
        action: std.echo output="hi <% $.who %>"
        publish:
          said: <% task().result %>
    output:
      said: <% $.said %>
`;

const STANDALONE = `
version: '2.0'
cli_standalone:
  tasks:
    one:
      action: std.noop
`;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tram ARGS` as a child process, without any TRAM_* variable of this environment. */
function tram(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of Object.keys(childEnv)) if (k.startsWith('TRAM_') && !(k in env)) delete childEnv[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `tram ARGS` and lets the test act while it runs: `waitFor(text)` resolves once its stdout contains
 * `text`; `done` resolves with the whole result when it exits.
 */
function tramLive(args: string[]): { waitFor(text: string): Promise<void>; done: Promise<CliResult> } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(childEnv)) if (k.startsWith('TRAM_')) delete childEnv[k];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: childEnv });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters.filter((x) => stdout.includes(x.text))) w.resolve();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    done,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void done.then((r) =>
          reject(new Error(`exited (${r.code}) before printing ${text}:\n${r.stdout}${r.stderr}`)),
        );
      }),
  };
}

/** Parses the JSON a `--json` command printed, showing its stderr when it printed none. */
function json<T = Record<string, unknown>>(r: CliResult): T {
  expect(r.stderr, 'stderr').to.equal('');
  expect(r.code, 'exit code').to.equal(0);
  return JSON.parse(r.stdout) as T;
}

/** A port nothing listens on: bound and released again. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

interface RecordingProxy {
  url: string;
  /** `METHOD PATH` of every request that went through, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of `target` that records the request line of every HTTP request passing through
 * (`GET /v2/ws`, `GET /v2/executions/ID/tasks`), so that a test can tell how the CLI talked to the server. With
 * `refuseWebSocket`, it answers a WebSocket upgrade itself with 404, like a server that has no `/v2/ws`.
 */
async function recordingProxy(
  target: string,
  opts: { refuseWebSocket?: boolean } = {},
): Promise<RecordingProxy> {
  const { hostname, port } = new URL(target);
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    track(client);
    track(upstream);
    let partial = '';
    client.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\r\n');
      partial = (lines.pop() ?? '').slice(-1000);
      const seen = lines.flatMap(
        (l) => /^(GET|POST|PUT|DELETE) (\S+) HTTP\/1\.1$/.exec(l)?.slice(1, 3).join(' ') ?? [],
      );
      requests.push(...seen);
      if (opts.refuseWebSocket && seen.includes('GET /v2/ws')) {
        const body = JSON.stringify({ faultstring: 'Not Found' });
        client.end(
          `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyPort = (proxy.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}

/** The event lines of a watch's plain output (`TASK_SUCCEEDED greet`), without status lines and result. */
function eventLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^(WORKFLOW|TASK)_[A-Z]+ /.test(l));
}

describe('tram CLI against a live server', function () {
  // Each step starts a CLI process that compiles its TypeScript with tsx (1-4 s on a loaded 2-core machine), and
  // the longest tests run about fifteen of them: the limit catches a hang, not a slow machine.
  this.timeout(180_000);
  let dir: string;
  let server: RunningServer;
  let url: string;
  /** `tram ARGS --url <server>` */
  const remote = (...args: string[]) => tram([...args, '--url', url]);
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-cli-'));
    server = await startServer(
      loadConfig({ port: 0, db: path.join(dir, 'tram.db'), logLevel: 'silent' }, {}),
    );
    url = server.url;
    await server.engine.load(WORKFLOWS);
  });

  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('executions and tasks', () => {
    let helloId: string;

    it('creates an execution and prints it as JSON with its input decoded', async () => {
      const created = json(
        await remote('execution', 'create', 'cli_hello', '--input', '{"name": "Ada"}', '--json'),
      );
      expect(created.workflow_name).to.equal('cli_hello');
      expect(created.input).to.deep.equal({ name: 'Ada' });
      expect(created.id).to.be.a('string');
      helloId = created.id as string;
      await server.engine.waitFor(helloId);
    });

    it('gets an execution, as JSON and as a field/value table', async () => {
      const got = json(await remote('execution', 'get', helloId, '--json'));
      expect(got).to.include({ id: helloId, state: 'SUCCESS', workflow_name: 'cli_hello' });
      expect(got.output).to.deep.equal({ greeting: 'Hello, Ada!' });
      const table = await remote('execution', 'get', helloId);
      expect(table.code).to.equal(0);
      expect(table.stdout).to.match(/^state\s+SUCCESS$/m);
      expect(table.stdout).to.match(/^input\s+\{"name":"Ada"\}$/m);
    });

    it('lists executions, filtered by workflow and state', async () => {
      const all = json<{ id: string }[]>(await remote('execution', 'list', '--json'));
      expect(all.map((e) => e.id)).to.include(helloId);
      const filtered = json<{ id: string }[]>(
        await remote(
          'execution',
          'list',
          '--workflow',
          'cli_hello',
          '--state',
          'success',
          '--limit',
          '5',
          '--json',
        ),
      );
      expect(filtered.map((e) => e.id)).to.deep.equal([helloId]);
      expect(
        json<unknown[]>(await remote('execution', 'list', '--workflow', 'cli_boom', '--json')),
      ).to.deep.equal([]);
      const table = await remote('execution', 'list');
      expect(table.stdout.split('\n')[0]).to.match(
        /^ID\s+WORKFLOW\s+DESCRIPTION\s+STATE\s+CREATED AT\s+UPDATED AT$/,
      );
      expect(table.stdout).to.match(new RegExp(`^${helloId}\\s+cli_hello\\s+SUCCESS`, 'm'));
    });

    it("prints an execution's output", async () => {
      expect(json(await remote('execution', 'output', helloId, '--json'))).to.deep.equal({
        greeting: 'Hello, Ada!',
      });
      const pretty = await remote('execution', 'output', helloId);
      expect(pretty.stdout).to.equal('{\n  "greeting": "Hello, Ada!"\n}\n');
    });

    it("lists an execution's tasks, gets one and prints its result", async () => {
      const tasks = json<{ id: string; name: string; state: string; published: unknown }[]>(
        await remote('task', 'list', '--execution', helloId, '--json'),
      );
      expect(tasks.map((t) => [t.name, t.state])).to.deep.equal([['greet', 'SUCCESS']]);
      expect(tasks[0]!.published).to.deep.equal({ greeting: 'Hello, Ada!' });
      const table = await remote('task', 'list', '--execution', helloId);
      expect(table.stdout).to.match(
        new RegExp(`^${tasks[0]!.id}\\s+greet\\s+cli_hello\\s+${helloId}\\s+SUCCESS$`, 'm'),
      );
      expect(json(await remote('task', 'get', tasks[0]!.id, '--json'))).to.include({ name: 'greet' });
      expect(json(await remote('task', 'result', tasks[0]!.id, '--json'))).to.equal('Hello, Ada!');
    });

    it('watches an execution to SUCCESS: events, progress, running tasks, output; exit 0', async () => {
      const ex = await server.engine.startExecution({ workflow: 'cli_gate' });
      const watch = tramLive(['execution', 'watch', ex.id, '--url', url]);
      // `gate` waits for its asynchronous action: the watch shows it running until the test completes it.
      await watch.waitFor('running: gate');
      const gate = (await server.engine.listTasks(ex.id)).find((t) => t.name === 'gate')!;
      const [action] = await server.engine.listActionExecutions(gate.id);
      await server.engine.completeAction(action!.id, { state: 'SUCCESS', output: 'open' });
      const r = await watch.done;
      expect(r.stderr).to.equal('');
      expect(r.code).to.equal(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).to.equal('WORKFLOW_LAUNCHED cli_gate');
      for (const t of ['first', 'gate', 'side']) {
        expect(lines).to.include(`TASK_LAUNCHED ${t}`);
        expect(lines).to.include(`TASK_SUCCEEDED ${t}`);
      }
      expect(lines.indexOf('TASK_SUCCEEDED first')).to.be.below(lines.indexOf('TASK_LAUNCHED gate'));
      expect(lines.indexOf('TASK_SUCCEEDED gate')).to.be.below(lines.indexOf('WORKFLOW_SUCCEEDED cli_gate'));
      expect(lines).to.include('RUNNING   [#############-------] 2/3 tasks  running: gate');
      expect(lines).to.include('SUCCESS   [####################] 3/3 tasks');
      expect(r.stdout).to.include(`execution ${ex.id}: SUCCESS\n{\n  "done": true\n}\n`);
      expect(r.stdout, 'no cursor codes off a terminal').not.to.include('\x1b');
    });

    it('follows the /v2/ws stream: one upgrade, no polling of the tasks', async () => {
      const proxy = await recordingProxy(url);
      try {
        const ex = await server.engine.startExecution({ workflow: 'cli_hello', input: { name: 'Ws' } });
        const r = await tram(['execution', 'watch', ex.id, '--url', proxy.url]);
        expect(r.stderr).to.equal('');
        expect(r.code).to.equal(0);
        expect(eventLines(r.stdout)).to.deep.equal([
          'WORKFLOW_LAUNCHED cli_hello',
          'TASK_LAUNCHED greet',
          'TASK_SUCCEEDED greet',
          'WORKFLOW_SUCCEEDED cli_hello',
        ]);
        // The stream, then the finished execution for its output: nothing polled.
        expect(proxy.requests).to.deep.equal(['GET /v2/ws', `GET /v2/executions/${ex.id}`]);
      } finally {
        await proxy.close();
      }
    });

    it('falls back to polling a server whose /v2/ws answers 404', async () => {
      const proxy = await recordingProxy(url, { refuseWebSocket: true });
      try {
        const ex = await server.engine.startExecution({ workflow: 'cli_hello', input: { name: 'Old' } });
        const r = await tram(['execution', 'watch', ex.id, '--url', proxy.url]);
        expect(r.stderr).to.equal('');
        expect(r.code).to.equal(0);
        expect(eventLines(r.stdout)).to.deep.equal([
          'WORKFLOW_LAUNCHED cli_hello',
          'TASK_LAUNCHED greet',
          'TASK_SUCCEEDED greet',
          'WORKFLOW_SUCCEEDED cli_hello',
        ]);
        expect(proxy.requests[0]).to.equal('GET /v2/ws');
        expect(proxy.requests).to.include(`GET /v2/executions/${ex.id}/tasks`);
      } finally {
        await proxy.close();
      }
    });

    it('watches a failing execution to ERROR and exits 1', async () => {
      const ex = await server.engine.startExecution({ workflow: 'cli_boom' });
      const r = await remote('execution', 'watch', ex.id);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.match(/^TASK_SUCCEEDED t1$/m);
      expect(r.stdout).to.match(/^TASK_FAILED t2: .+$/m);
      expect(r.stdout).to.match(/^WORKFLOW_FAILED cli_boom: .*t2/m);
      expect(r.stdout).to.match(new RegExp(`^execution ${ex.id}: ERROR \\(.+\\)$`, 'm'));
    });

    it('creates and watches with --json: one event per line, then the result', async () => {
      const r = await remote('execution', 'create', 'cli_hello', '-i', '{"name": "Bo"}', '--watch', '--json');
      expect(r.code).to.equal(0);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.slice(0, -1).map((l) => `${String(l.event)} ${String(l.name)}`)).to.deep.equal([
        'WORKFLOW_LAUNCHED cli_hello',
        'TASK_LAUNCHED greet',
        'TASK_SUCCEEDED greet',
        'WORKFLOW_SUCCEEDED cli_hello',
      ]);
      expect(lines.at(-1)).to.include({ state: 'SUCCESS' });
      expect(lines.at(-1)!.output).to.deep.equal({ greeting: 'Hello, Bo!' });
    });

    it('pauses, resumes and completes an asynchronous action, then deletes the execution', async () => {
      const ex = json(await remote('execution', 'create', 'cli_wait', '--description', 'waits', '--json'));
      const id = ex.id as string;
      expect(ex.description).to.equal('waits');
      expect(json(await remote('execution', 'pause', id, '--json')).state).to.equal('PAUSED');
      expect(json(await remote('execution', 'resume', id, '--json')).state).to.equal('RUNNING');
      const [task] = json<{ id: string }[]>(await remote('task', 'list', '-e', id, '--json'));
      const [action] = json<{ id: string; state: string }[]>(
        await remote('action-execution', 'list', '--task', task!.id, '--json'),
      );
      expect(action!.state).to.equal('RUNNING');
      const done = json(
        await remote(
          'action-execution',
          'complete',
          action!.id,
          '--state',
          'SUCCESS',
          '--output',
          '{"ok": 1}',
          '--json',
        ),
      );
      expect(done.state).to.equal('SUCCESS');
      expect(json(await remote('action-execution', 'get', action!.id, '--json')).state).to.equal('SUCCESS');
      const watched = await remote('execution', 'watch', id);
      expect(watched.code).to.equal(0);
      expect(json(await remote('execution', 'output', id, '--json'))).to.deep.equal({ answer: { ok: 1 } });
      expect((await remote('execution', 'delete', id)).stdout).to.equal(`deleted execution ${id}\n`);
      expect((await remote('execution', 'get', id)).code).to.equal(1);
    });

    it('cancels a running execution; watch then exits 1', async () => {
      const ex = await server.engine.startExecution({ workflow: 'cli_wait' });
      expect(json(await remote('execution', 'cancel', ex.id, '--json')).state).to.equal('CANCELLED');
      const r = await remote('execution', 'watch', ex.id);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.match(/^WORKFLOW_CANCELLED cli_wait/m);
    });

    it('re-runs a failed task, then skips it: its workflow carries on', async () => {
      const ex = await server.engine.startExecution({ workflow: 'cli_boom' });
      await server.engine.waitFor(ex.id);
      const tasks = json<{ id: string; name: string }[]>(await remote('task', 'list', '-e', ex.id, '--json'));
      const failed = tasks.find((t) => t.name === 't2')!;
      const rerun = json(await remote('task', 'rerun', failed.id, '--json'));
      expect(rerun).to.include({ id: failed.id, name: 't2' });
      // std.fail fails again: the execution ends in ERROR a second time.
      const watched = await remote('execution', 'watch', ex.id);
      expect(watched.code).to.equal(1);
      const skipped = await remote('task', 'skip', failed.id, '--json');
      expect(skipped.stderr).to.equal('');
      expect(json(skipped).state).to.equal('SKIPPED');
      expect((await server.engine.waitFor(ex.id)).state).to.equal('SUCCESS');
    });
  });

  describe('errors', () => {
    it('prints one line and exits 1 for an unknown execution id', async () => {
      const r = await remote('execution', 'get', 'no-such-id');
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(/^tram: 404 .*no-such-id\n$/);
    });

    it('says the server cannot be reached, and how to start one, for an unreachable URL', async () => {
      const port = await closedPort();
      const r = await tram(['execution', 'list', '--url', `http://127.0.0.1:${port}`]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.equal(
        `tram: cannot reach Tramontane at http://127.0.0.1:${port} (is \`tram serve\` running?)\n`,
      );
    });

    it('reads the URL from TRAM_URL', async () => {
      const r = await tram(['execution', 'list', '--json'], { TRAM_URL: url });
      expect(r.code).to.equal(0);
      expect(JSON.parse(r.stdout)).to.be.an('array');
    });

    it('names a bad JSON option before calling the server', async () => {
      const r = await remote('execution', 'create', 'cli_hello', '--input', '{name}');
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/^tram: --input is not valid JSON: .+\n$/);
    });

    it('sends --token (or TRAM_TOKEN) as X-Auth-Token', async () => {
      const secured = await startServer(
        loadConfig(
          { port: 0, db: path.join(dir, 'secured.db'), logLevel: 'silent', authTokens: ['s3cret'] },
          {},
        ),
      );
      try {
        const denied = await tram(['execution', 'list', '--url', secured.url]);
        expect(denied.code).to.equal(1);
        expect(denied.stderr).to.match(/^tram: 401 authentication required.*\n$/);
        expect((await tram(['execution', 'list', '--url', secured.url, '--token', 's3cret'])).code).to.equal(
          0,
        );
        expect(
          (await tram(['execution', 'list', '--url', secured.url], { TRAM_TOKEN: 's3cret' })).code,
        ).to.equal(0);
      } finally {
        await secured.close();
      }
    });
  });

  describe('definitions', () => {
    it('validates, creates, lists, gets, updates and deletes a workbook', async () => {
      const wb = file('wb.yaml', WORKBOOK);
      expect((await remote('workbook', 'validate', wb)).stdout).to.equal(`${wb}: ok\n`);
      const created = json(await remote('workbook', 'create', wb, '--json'));
      expect(created.name).to.equal('cli_wb');
      const conflict = await remote('workbook', 'create', wb);
      expect(conflict.code).to.equal(1);
      expect(conflict.stderr).to.match(/^tram: 409 .+\n$/);
      expect(json(await remote('workbook', 'update', wb, '--json')).name).to.equal('cli_wb');
      const names = json<{ name: string }[]>(await remote('workbook', 'list', '--json')).map((w) => w.name);
      expect(names).to.include('cli_wb');
      expect((await remote('workbook', 'get', 'cli_wb', '--definition')).stdout).to.equal(WORKBOOK);
      expect((await remote('workbook', 'get', 'cli_wb')).stdout).to.match(/^name\s+cli_wb$/m);
      expect((await remote('workbook', 'delete', 'cli_wb')).stdout).to.equal('deleted workbook cli_wb\n');
      expect((await remote('workbook', 'get', 'cli_wb')).stderr).to.match(/^tram: no workbook 'cli_wb'; /);
    });

    it('reports an invalid workbook as file:line:col lines and exits 1', async () => {
      const bad = file(
        'bad.yaml',
        "version: '2.0'\nname: bad\nworkflows:\n  wf:\n    tasks:\n      t1:\n        on-success: [nowhere]\n",
      );
      const r = await remote('workbook', 'validate', bad);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(new RegExp(`^${bad}:\\d+:\\d+: .+`, 'm'));
    });

    it('creates, lists, gets and deletes standalone workflows', async () => {
      const wf = file('wf.yaml', STANDALONE);
      const created = json<{ name: string }[]>(await remote('workflow', 'create', wf, '--json'));
      expect(created.map((w) => w.name)).to.deep.equal(['cli_standalone']);
      expect(json<unknown[]>(await remote('workflow', 'update', wf, '--json'))).to.have.length(1);
      const listed = await remote('workflow', 'list');
      expect(listed.stdout).to.match(/^\S+\s+cli_standalone\b/m);
      expect(json(await remote('workflow', 'get', 'cli_standalone', '--json')).name).to.equal(
        'cli_standalone',
      );
      expect((await remote('workflow', 'validate', wf)).stdout).to.equal(`${wf}: ok\n`);
      expect((await remote('workflow', 'delete', 'cli_standalone')).code).to.equal(0);
      expect((await remote('workflow', 'get', 'cli_standalone')).code).to.equal(1);
    });

    it('lists actions and shows one', async () => {
      const names = json<{ name: string }[]>(await remote('action', 'list', '--json')).map((a) => a.name);
      expect(names).to.include.members(['std.echo', 'std.noop']);
      expect((await remote('action', 'get', 'std.echo')).stdout).to.match(/^name\s+std\.echo$/m);
    });

    it('creates, lists, gets, updates and deletes an environment from a YAML file', async () => {
      const env = file(
        'env.yaml',
        'name: cli_env\ndescription: for the CLI test\nvariables:\n  region: eu\n',
      );
      expect(json(await remote('env', 'create', env, '--json')).variables).to.deep.equal({ region: 'eu' });
      fs.writeFileSync(env, 'name: cli_env\nvariables:\n  region: us\n');
      expect(json(await remote('env', 'update', env, '--json')).variables).to.deep.equal({ region: 'us' });
      expect((await remote('env', 'list')).stdout).to.match(/^cli_env\b/m);
      expect(json(await remote('env', 'get', 'cli_env', '--json')).variables).to.deep.equal({ region: 'us' });
      expect((await remote('env', 'delete', 'cli_env')).stdout).to.equal('deleted environment cli_env\n');
    });

    it('creates, lists, gets and deletes a cron trigger', async () => {
      const created = json(
        await remote(
          'cron-trigger',
          'create',
          'cli_cron',
          'cli_hello',
          '--pattern',
          '0 3 * * *',
          '--input',
          '{"name": "cron"}',
          '--count',
          '2',
          '--json',
        ),
      );
      expect(created).to.include({ name: 'cli_cron', workflow_name: 'cli_hello', pattern: '0 3 * * *' });
      expect(created.workflow_input).to.deep.equal({ name: 'cron' });
      expect(created.remaining_executions).to.equal(2);
      expect((await remote('cron-trigger', 'list')).stdout).to.match(
        /^cli_cron\s+cli_hello\s+0 3 \* \* \*\s+2\b/m,
      );
      expect(json(await remote('cron-trigger', 'get', 'cli_cron', '--json')).name).to.equal('cli_cron');
      expect((await remote('cron-trigger', 'delete', 'cli_cron')).code).to.equal(0);
      expect((await remote('cron-trigger', 'get', 'cli_cron')).code).to.equal(1);
    });
  });

  describe('tram run --url', () => {
    it('uploads a workbook, runs it on the server and watches it; again updates the upload', async () => {
      const wb = file('run-wb.yaml', WORKBOOK);
      for (let round = 0; round < 2; round++) {
        const r = await tram(['run', wb, '--url', url, '--input', '{"who": "Ada"}']);
        expect(r.stderr).to.equal('');
        expect(r.code).to.equal(0);
        expect(r.stdout).to.match(/^execution \S+ of cli_wb\.greet on http:/m);
        expect(r.stdout).to.match(/^TASK_SUCCEEDED say$/m);
        expect(r.stdout).to.include('"said": "hi Ada"');
      }
    });

    it('exits 1 when the remote execution fails', async () => {
      const wf = file('run-boom.yaml', WORKFLOWS);
      const r = await tram(['run', wf, '--workflow', 'cli_boom', '--url', url, '--json']);
      expect(r.code).to.equal(1);
      const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(last.state).to.equal('ERROR');
    });
  });
});

describe('tram --help', () => {
  /** Every command, depth first. */
  function commands(cmd: Command): Command[] {
    return cmd.commands.flatMap((c) => [c, ...commands(c)]);
  }

  /** The full help of a command, with the text added after it (examples). */
  function helpOf(cmd: Command): string {
    let text = '';
    cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
    cmd.outputHelp();
    return text;
  }

  it('lists every command group', () => {
    const help = helpOf(buildProgram());
    for (const name of [
      'serve',
      'run',
      'validate',
      'workbook',
      'workflow',
      'action',
      'execution',
      'task',
      'action-execution',
      'cron-trigger',
      'env',
    ]) {
      expect(help).to.match(new RegExp(`^  ${name}\\b`, 'm'));
    }
  });

  it('gives every command a description and examples', () => {
    const all = commands(buildProgram()).filter((c) => c.name() !== 'help');
    expect(all.length).to.be.greaterThan(40);
    for (const cmd of all) {
      expect(cmd.description(), cmd.name()).not.to.equal('');
      expect(helpOf(cmd), `tram ... ${cmd.name()} --help`).to.include('Examples:\n  $ ');
    }
  });
});
