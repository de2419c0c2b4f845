/**
 * `tram` as a product, from outside the clone:
 * - the packed project (`npm pack`, which builds it and ships the lockfile as npm-shrinkwrap.json) installs
 *   globally into a temporary prefix, and `tram --version`, `tram validate` and `tram run` work from a folder
 *   that is not the clone;
 * - `npm start` forwards SIGTERM: the server stops with npm, no orphan keeps its port;
 * - a reader that closes the pipe early (`tram event list | head -c 10`) ends the command quietly.
 *
 * The install runs without install scripts, and the test then puts the clone's compiled better-sqlite3 binding
 * in place of the one `npm install -g --allow-scripts=better-sqlite3` would compile: what is checked here is
 * our package (bin, files, runtime dependencies, assets), and compiling SQLite would take minutes per run.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { until } from './api-helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const run = promisify(execFile);

const HELLO = `version: '2.0'
hello:
  input:
    - name: World
  tasks:
    greet:
      action: std.echo output="Hello, <% $.name %>!"
      on-success: done
      publish:
        greeting: <% task().result %>
    done:
      action: std.noop
  output:
    greeting: <% $.greeting %>
`;

const BROKEN = `version: '2.0'
hello:
  tasks:
    greet:
      action: std.echo output="x"
      on-success: nowhere
`;

/** Runs a command; resolves with its exit code and output whatever the code. */
async function sh(
  file: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { ...opts, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

describe('tram as a product: global install, npm start, pipes', function () {
  this.timeout(300_000);
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-product-'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('installs globally from the packed project and validates and runs from a folder outside the clone', async () => {
    const pack = await sh('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: ROOT });
    expect(pack.code, pack.stderr).to.equal(0);
    const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed!.files.map((f) => f.path);
    expect(files).to.include.members([
      'dist/cli/main.js',
      'dist/dsl/workflow-language.schema.json',
      'npm-shrinkwrap.json',
    ]);
    expect(files.filter((f) => f.startsWith('dist/test/') || f.endsWith('.ts'))).to.deep.equal([]);
    expect(fs.existsSync(path.join(ROOT, 'npm-shrinkwrap.json')), 'postpack removes the shrinkwrap').to.equal(
      false,
    );

    const prefix = path.join(dir, 'prefix');
    const install = await sh(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        path.join(dir, packed!.filename),
      ],
      { cwd: dir },
    );
    expect(install.code, install.stderr).to.equal(0);
    const installed = path.join(prefix, 'lib', 'node_modules', 'tramontane');
    fs.cpSync(
      path.join(ROOT, 'node_modules', 'better-sqlite3', 'build'),
      path.join(installed, 'node_modules', 'better-sqlite3', 'build'),
      { recursive: true },
    );

    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    fs.writeFileSync(path.join(work, 'hello.yaml'), HELLO);
    fs.writeFileSync(path.join(work, 'broken.yaml'), BROKEN);
    const tram = path.join(prefix, 'bin', 'tram');
    const env = { ...process.env, PATH: `${path.dirname(tram)}:${process.env.PATH ?? ''}` };
    const opts = { cwd: work, env };

    const version = await sh('tram', ['--version'], opts);
    expect(version).to.deep.include({ code: 0, stdout: `${VERSION}\n` });

    const ok = await sh('tram', ['validate', 'hello.yaml'], opts);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain('hello.yaml');
    const bad = await sh('tram', ['validate', 'broken.yaml'], opts);
    expect(bad.code).to.equal(1);
    expect(bad.stdout + bad.stderr).to.match(/broken\.yaml:6:\d+: .*nowhere/);
    expect(bad.stderr).not.to.match(/\n\s+at /);

    const ran = await sh(
      'tram',
      ['run', 'hello.yaml', '--input', '{"name": "Ada"}', '--db', 'tram.db'],
      opts,
    );
    expect(ran.code, ran.stderr).to.equal(0);
    expect(ran.stdout).to.match(/WORKFLOW_SUCCEEDED\s+hello/);
    expect(ran.stdout).to.contain('"greeting": "Hello, Ada!"');
    expect(fs.existsSync(path.join(work, 'tram.db'))).to.equal(true);

    const unknown = await sh('tram', ['run', 'hello.yaml', '--workflow', 'nope', '--db', 'tram.db'], opts);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.equal("tram: no workflow 'nope' in hello.yaml; known: hello\n");
  });

  describe('with a server from npm start', () => {
    let npm: ChildProcess | null = null;
    let url = '';

    before(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      // --ignore-scripts skips `prestart` (the build, done by the test above): the start script itself runs.
      npm = spawn(
        'npm',
        ['start', '--ignore-scripts', '--', '--port', String(port), '--db', path.join(dir, 'srv.db')],
        {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'inherit'],
          env: { ...process.env, TRAM_LOG_LEVEL: 'warn' },
        },
      );
      await until('the server to answer', () => answers(`${url}/health`), 60_000);
    });

    after(() => {
      if (npm && npm.exitCode === null) npm.kill('SIGKILL');
    });

    it('ends a command quietly when its reader closes the pipe early', async () => {
      const tram = ['--import', 'tsx', path.join(ROOT, 'cli/main.ts')];
      // Enough events that the listing takes many writes: the reader is gone before the last ones.
      const post = (p: string, body: string, type: string) =>
        fetch(`${url}/v2${p}`, { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post('/workflows', HELLO, 'text/plain')).status).to.equal(201);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const body = JSON.stringify({ workflow_name: 'hello', input: { name: String(i) } });
        ids.push(((await (await post('/executions', body, 'application/json')).json()) as { id: string }).id);
      }
      for (const id of ids) {
        await until('the executions to succeed', async () => {
          const e = (await (await fetch(`${url}/v2/executions/${id}`)).json()) as { state: string };
          return e.state === 'SUCCESS';
        });
      }
      const piped = await sh(
        'bash',
        [
          '-c',
          `set -o pipefail; "${process.execPath}" ${tram.join(' ')} event list --limit 100 --json | head -c 10`,
        ],
        { cwd: ROOT, env: { ...process.env, TRAM_URL: url } },
      );
      expect(piped.stderr).to.equal('');
      expect(piped.code).to.equal(0);
      expect(piped.stdout).to.have.length(10);
    });

    it('stops the server when npm start gets SIGTERM (no orphan)', async () => {
      const exited = new Promise<number | null>((r) => npm!.on('exit', (code) => r(code)));
      npm!.kill('SIGTERM');
      await exited;
      await until('the server to stop answering', async () => !(await answers(`${url}/health`)), 10_000);
    });
  });
});
