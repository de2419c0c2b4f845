/**
 * Action packs (`tram serve --actions FILE`): the shipped TripleO-style forwarder pack serves a workbook run
 * through the stock `mistral` client and shows in `mistral action-list`; a pack that does not load stops
 * start-up naming the file (in-process and through `tram serve`); a pack action that throws, rejects or returns
 * garbage fails its task while the server goes on.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ActionPackError, createActionRegistry } from '../../actions/index.js';
import { call, startTestServer, type TestServer } from './api-helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FORWARDER = path.join(ROOT, 'examples/action-packs/tripleo-forwarder.js');
const MISTRAL = '/usr/bin/mistral';
const run = promisify(execFile);

const WORKBOOK = `
version: '2.0'
name: overcloud
workflows:
  update_parameters:
    input: [parameters]
    output:
      plans: <% $.plans %>
      updated: <% $.updated %>
    tasks:
      list_plans:
        action: tripleo.plan.list
        publish: {plans: <% task().result %>}
        on-success: update
      update:
        action: tripleo.parameters.update parameters=<% $.parameters %>
        publish: {updated: <% task().result %>}
  delete_plan:
    tasks:
      delete:
        action: tripleo.plan.delete container="overcloud"
`;

/** A stand-in for the service that runs TripleO's Python actions: answers the forwarder's protocol. */
async function startTripleoService(): Promise<{ url: string; calls: unknown[]; close(): Promise<void> }> {
  const calls: unknown[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { action: string; input: Record<string, unknown> };
      calls.push({ url: req.url, ...body });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (body.action === 'tripleo.plan.list') reply(200, { result: ['overcloud'] });
      else if (body.action === 'tripleo.parameters.update')
        reply(200, { result: { container: body.input.container, parameters: body.input.parameters } });
      else reply(409, { error: `plan ${String(body.input.container)} is deployed: undeploy it first` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('action packs', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-packs-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function pack(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  describe('the TripleO-style forwarder through the stock mistral client', () => {
    let service: Awaited<ReturnType<typeof startTripleoService>>;
    let srv: TestServer;

    before(async () => {
      if (!fs.existsSync(MISTRAL))
        throw new Error(`${MISTRAL} is missing: install python3-mistralclient (the stock Mistral client)`);
      service = await startTripleoService();
      // The pack reads its service's URL when it loads (once per process).
      process.env.TRIPLEO_ACTIONS_URL = service.url;
      srv = await startTestServer({ actionPacks: [FORWARDER] });
    });
    after(async () => {
      delete process.env.TRIPLEO_ACTIONS_URL;
      await srv?.close();
      await service?.close();
    });

    async function mistral(...args: string[]): Promise<string> {
      const { stdout } = await run(MISTRAL, args, {
        env: { ...process.env, OS_MISTRAL_URL: srv.v2, OS_AUTH_TYPE: 'none' },
        timeout: 30_000,
      });
      return stdout;
    }
    const json = async <T>(...args: string[]) => JSON.parse(await mistral(...args, '-f', 'json')) as T;

    it('action-list and action-get show the pack actions with their parameters', async () => {
      const list = await json<Array<{ Name: string; 'Is system': boolean }>>('action-list');
      const names = list.map((a) => a.Name);
      expect(names).to.include.members(['tripleo.plan.list', 'tripleo.parameters.update', 'std.ssh']);
      expect(list.find((a) => a.Name === 'tripleo.plan.list')?.['Is system']).to.equal(true);
      const update = await json<{ Input: string }>('action-get', 'tripleo.parameters.update');
      expect(update.Input).to.equal(
        'parameters, container="overcloud", key="parameter_defaults", validate=true',
      );
    });

    it('runs a workbook of pack actions to SUCCESS, forwarding each call to the service', async () => {
      const file = path.join(srv.dir, 'overcloud.yaml');
      fs.writeFileSync(file, WORKBOOK);
      await mistral('workbook-create', file);
      const ex = await json<{ ID: string }>(
        'execution-create',
        'overcloud.update_parameters',
        '{"parameters": {"ControllerCount": 3}}',
      );
      let state = '';
      for (let i = 0; i < 200 && !['SUCCESS', 'ERROR'].includes(state); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 50));
        state = (await call<{ state: string }>('GET', `${srv.v2}/executions/${ex.ID}`)).body.state;
      }
      expect(state).to.equal('SUCCESS');
      expect(JSON.parse(await mistral('execution-get-output', ex.ID))).to.deep.equal({
        plans: ['overcloud'],
        updated: { container: 'overcloud', parameters: { ControllerCount: 3 } },
      });
      expect(service.calls[1]).to.deep.include({
        url: '/actions/tripleo.parameters.update',
        action: 'tripleo.parameters.update',
        input: {
          parameters: { ControllerCount: 3 },
          container: 'overcloud',
          key: 'parameter_defaults',
          validate: true,
        },
      });
    });

    it("fails the task with the service's error", async () => {
      const out = await json<{ result: string }>(
        'run-action',
        'tripleo.plan.delete',
        '{"container": "overcloud"}',
      );
      expect(JSON.stringify(out)).to.contain('plan overcloud is deployed: undeploy it first');
    });
  });

  it('a pack action that throws, rejects or returns garbage fails its task; the server goes on', async () => {
    const file = pack(
      'faulty.mjs',
      `export default ({ defineAction }) => [
  defineAction({ name: 'faulty.throws', input: [], run() { throw new Error('kaput'); } }),
  defineAction({ name: 'faulty.rejects', input: [], run: async () => { throw new TypeError('late kaput'); } }),
  defineAction({ name: 'faulty.garbage', input: [], run: () => 42 }),
  defineAction({ name: 'faulty.bigint', input: [], run: () => ({ ok: true, data: { n: 10n } }) }),
];
`,
    );
    const srv = await startTestServer({ actionPacks: [file] });
    try {
      await srv.server.engine.load(`
version: '2.0'
faulty:
  tasks:
    a: {action: faulty.throws}
    b: {action: faulty.rejects}
    c: {action: faulty.garbage}
    d: {action: faulty.bigint}
`);
      const ex = await srv.server.engine.startExecution({ workflow: 'faulty' });
      const done = await srv.server.engine.waitFor(ex.id);
      expect(done.state).to.equal('ERROR');
      const tasks = await srv.server.engine.listTasks(ex.id);
      const info = Object.fromEntries(tasks.map((t) => [t.name, `${t.state}: ${String(t.stateInfo)}`]));
      expect(info.a).to.match(/^ERROR: .*kaput/);
      expect(info.b).to.match(/^ERROR: .*late kaput/);
      expect(info.c).to.match(/^ERROR: .*faulty\.garbage returned 42 instead of an outcome/);
      expect(info.d).to.match(/^ERROR: .*faulty\.bigint returned a value that is not JSON data: .*BigInt/);
      expect((await call('GET', `${srv.v2}/actions`)).status).to.equal(200);
    } finally {
      await srv.close();
    }
  });

  it('refuses, naming the file, a pack that is missing, broken, empty, malformed or takes a name', async () => {
    const cases: Array<[string, string | null, RegExp]> = [
      ['missing.mjs', null, /Cannot find module|ERR_MODULE_NOT_FOUND/],
      ['broken.mjs', 'export default [;', /SyntaxError|Unexpected token/],
      ['empty.mjs', 'export const version = "1.0";', /exports no action/],
      [
        'shapeless.mjs',
        'export default [{ name: "acme.x" }];',
        /export #1 is not an action: acme\.x has no run/,
      ],
      [
        'taken.mjs',
        'export default ({ defineAction }) => defineAction({ name: "std.echo", input: [], run: () => ({ ok: true, data: 1 }) });',
        /action std\.echo is already registered/,
      ],
      [
        'factory.mjs',
        'export default () => { throw new Error("no config"); };',
        /default export threw: no config/,
      ],
    ];
    for (const [name, text, reason] of cases) {
      const file = text === null ? path.join(dir, name) : pack(name, text);
      const err = await createActionRegistry({}, [file]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).to.be.instanceOf(ActionPackError);
      expect((err as Error).message, name)
        .to.contain(`cannot load action pack ${file}: `)
        .and.match(reason);
    }
  });

  it('tram run --actions runs a workflow of pack actions on the embedded store', async () => {
    const file = pack(
      'greet.mjs',
      `export const greet = {
  name: 'acme.greet',
  input: [{ name: 'who', hasDefault: false }],
  run: ({ who }) => ({ ok: true, data: \`hello \${who}\` }),
};
`,
    );
    const wb = pack(
      'greet.yaml',
      `version: '2.0'
greet:
  tasks:
    hi:
      action: acme.greet who="pack"
      publish: {said: <% task().result %>}
  output: {said: <% $.said %>}
`,
    );
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'cli/main.ts',
        'run',
        wb,
        '--db',
        path.join(dir, 'run.db'),
        '--actions',
        file,
        '--json',
      ],
      { cwd: ROOT, timeout: 30_000 },
    );
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { state: string; output: unknown };
    expect(last).to.deep.include({ state: 'SUCCESS', output: { said: 'hello pack' } });
  });

  it('tram serve --actions with a broken pack exits 1 with one line naming the file', async () => {
    const file = pack('bad-serve.mjs', 'export default 42;');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'serve', '--port', '0', '--db', ':memory:', '--actions', file],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).to.equal(1);
    expect(stderr).to.contain(`cannot load action pack ${file}: it exports no action`);
  });
});
