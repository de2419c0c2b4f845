/**
 * Cron triggers against a real server and SQLite file: runs counted down across restarts, missed runs caught up
 * once, two nodes on one store firing each run once, and the REST resource with its refusals.
 *
 * Time: most cases drive their own `CronService` with an injected clock set in the year 2100 and call `tick()`,
 * so the real minute pattern `* * * * *` is exercised without waiting (and the server's own ticker, on the
 * real clock, never finds those triggers due). One case uses the server's own ticker on the real clock with a
 * seconds pattern (`*\/2 * * * * *`), restarting the server between its two runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startServer, type RunningServer } from '../../api/index.js';
import { CronService } from '../../api/cron/service.js';
import { nextFireTime } from '../../api/cron/schedule.js';
import { loadConfig } from '../../config/index.js';
import type { ExecutionRecord, Logger } from '../../engine/index.js';
import { SqliteStore, type CronTriggerRow } from '../../store/index.js';

const WF = `
version: '2.0'
cron_wf:
  input:
    - who
    - greeting: hello
  tasks:
    t1:
      action: std.noop
`;

const utc = (h: number, m: number, s = 0) => Date.UTC(2100, 0, 1, h, m, s);

class FakeClock {
  constructor(public t: number) {}
  now = () => this.t;
}

interface Logged {
  msg: string;
  obj: Record<string, unknown>;
}
function captureLogger(into: Logged[]): Logger {
  const push = (obj: object, msg: string) => into.push({ msg, obj: obj as Record<string, unknown> });
  return { error: push, warn: push };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('cron triggers', function () {
  this.timeout(60_000);
  let dir: string;
  let db: string;
  const servers: RunningServer[] = [];

  async function start(): Promise<RunningServer> {
    const s = await startServer(loadConfig({ port: 0, db, logLevel: 'silent' }, {}));
    servers.push(s);
    await s.engine.load(WF);
    return s;
  }
  async function stop(s: RunningServer): Promise<void> {
    await s.close();
    servers.splice(servers.indexOf(s), 1);
  }
  async function api(s: RunningServer, method: string, p: string, body?: unknown) {
    const res = await fetch(`${s.url}/v2${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const executions = (s: RunningServer) => s.engine.store.listExecutions({ workflowName: 'cron_wf' });
  const settle = (s: RunningServer, started: ExecutionRecord[]) =>
    Promise.all(started.map((e) => s.engine.waitFor(e.id)));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-cron-'));
    db = path.join(dir, 'tram.db');
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('next run times (node-cron patterns, UTC)', () => {
    const at = Date.parse('2026-03-10T12:34:56.789Z');
    const next = (p: string, from = at) => new Date(nextFireTime(p, from)!).toISOString();

    it('finds the next minute, second, last day of month, nth weekday and leap day', () => {
      expect(next('* * * * *')).to.equal('2026-03-10T12:35:00.000Z');
      expect(next('* * * * *', Date.parse('2026-03-10T12:35:00.000Z'))).to.equal('2026-03-10T12:36:00.000Z');
      expect(next('*/2 * * * * *')).to.equal('2026-03-10T12:34:58.000Z');
      expect(next('0 0 L * *')).to.equal('2026-03-31T00:00:00.000Z');
      expect(next('0 9 * * 1#2')).to.equal('2026-04-13T09:00:00.000Z');
      expect(next('30 2 29 2 *')).to.equal('2028-02-29T02:30:00.000Z');
      expect(next('@hourly')).to.equal('2026-03-10T13:00:00.000Z');
      expect(next('0 0 * * *', Date.parse('2026-12-31T23:59:59.999Z'))).to.equal('2027-01-01T00:00:00.000Z');
    });
  });

  it('starts exactly 2 executions for `* * * * *` with remaining_executions 2, across a restart', async () => {
    const clock = new FakeClock(utc(12, 0, 30));
    let server = await start();
    let cron = new CronService(server.engine, { clock });
    const t = await cron.create({
      name: 'twice',
      workflow: 'cron_wf',
      workflowInput: { who: 'cron' },
      pattern: '* * * * *',
      remainingExecutions: 2,
    });
    expect(t.nextExecutionTime).to.equal(utc(12, 1));
    expect(await cron.tick()).to.have.length(0);

    clock.t = utc(12, 1);
    const first = await cron.tick();
    expect(first).to.have.length(1);
    expect(await cron.tick(), 'a claimed run is not fired twice').to.have.length(0);
    await settle(server, first);
    await stop(server);

    server = await start();
    cron = new CronService(server.engine, { clock });
    const left = (await server.engine.store.getCronTrigger('twice'))!;
    expect([left.remainingExecutions, left.nextExecutionTime]).to.deep.equal([1, utc(12, 2)]);
    clock.t = utc(12, 1, 59);
    expect(await cron.tick()).to.have.length(0);
    clock.t = utc(12, 2);
    const second = await cron.tick();
    expect(second).to.have.length(1);
    await settle(server, second);
    expect(await server.engine.store.getCronTrigger('twice'), 'deleted after its last run').to.equal(null);
    for (const m of [3, 4, 10]) {
      clock.t = utc(12, m);
      expect(await cron.tick()).to.have.length(0);
    }

    const runs = await executions(server);
    expect(runs).to.have.length(2);
    for (const e of runs) {
      expect(e.state).to.equal('SUCCESS');
      expect(e.input).to.deep.equal({ who: 'cron', greeting: 'hello' });
      expect(JSON.parse(e.description)).to.deep.equal({
        description: `Workflow execution created by cron trigger '(${t.id})'.`,
        triggered_by: { type: 'cron_trigger', id: t.id, name: 'twice' },
      });
    }
  });

  it("runs a seconds pattern on the server's own ticker exactly twice, with a restart between runs", async () => {
    let server = await start();
    const created = await api(server, 'POST', '/cron_triggers', {
      name: 'fast',
      workflow_name: 'cron_wf',
      workflow_input: '{"who": "ticker"}',
      pattern: '*/2 * * * * *',
      remaining_executions: 2,
    });
    expect(created.status).to.equal(201);
    await until('the first run', async () => ((await executions(server)).length === 1 ? true : undefined));
    await stop(server);

    server = await start();
    const s = server;
    await until('the last run to delete the trigger', async () =>
      (await api(s, 'GET', '/cron_triggers/fast')).status === 404 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 2500)); // one more pattern time: nothing may fire
    const runs = await executions(server);
    expect(runs).to.have.length(2);
    expect(runs.map((e) => e.input.who)).to.deep.equal(['ticker', 'ticker']);
  });

  it('catches up runs missed while the server was down with exactly one run', async () => {
    const clock = new FakeClock(utc(12, 0, 30));
    let server = await start();
    let cron = new CronService(server.engine, { clock });
    await cron.create({
      name: 'minutely',
      workflow: 'cron_wf',
      workflowInput: { who: 'x' },
      pattern: '* * * * *',
    });
    clock.t = utc(12, 1);
    await settle(server, await cron.tick());
    await stop(server);

    // Down from 12:01:xx to 12:07:10: the runs of 12:02 to 12:07 were missed.
    server = await start();
    cron = new CronService(server.engine, { clock });
    clock.t = utc(12, 7, 10);
    const caughtUp = await cron.tick();
    expect(caughtUp).to.have.length(1);
    expect(await cron.tick()).to.have.length(0);
    clock.t = utc(12, 7, 59);
    expect(await cron.tick()).to.have.length(0);
    expect((await server.engine.store.getCronTrigger('minutely'))!.nextExecutionTime).to.equal(utc(12, 8));
    clock.t = utc(12, 8);
    const onTime = await cron.tick();
    expect(onTime, 'the normal cadence resumes').to.have.length(1);
    await settle(server, [...caughtUp, ...onTime]);
    expect(await executions(server)).to.have.length(3);
  });

  it('fires each due run once when two engine nodes share the store', async () => {
    const clock = new FakeClock(utc(12, 0, 30));
    const a = await start();
    const b = await start(); // a second server (engine, store connection, cron service) on the same file
    const cronA = new CronService(a.engine, { clock });
    const cronB = new CronService(b.engine, { clock });
    const triggers: CronTriggerRow[] = [];
    for (let i = 0; i < 10; i++) {
      triggers.push(
        await cronA.create({
          name: `shared-${i}`,
          workflow: 'cron_wf',
          workflowInput: { who: `n${i}` },
          pattern: '* * * * *',
          remainingExecutions: 3,
        }),
      );
    }
    let fired = 0;
    for (const m of [1, 2, 3, 4]) {
      clock.t = utc(12, m);
      const [ra, rb] = await Promise.all([cronA.tick(), cronB.tick()]);
      await settle(a, ra);
      await settle(b, rb);
      expect(ra.length + rb.length, `runs at 12:0${m}`).to.equal(m <= 3 ? 10 : 0);
      // Both nodes raced for every trigger (each listed all ten as due) and each won some of them.
      if (m <= 3) expect(ra.length * rb.length, 'both nodes started runs').to.be.greaterThan(0);
      fired += ra.length + rb.length;
    }
    expect(fired).to.equal(30);
    const byTrigger = new Map<string, number>();
    for (const e of await executions(a)) {
      const id = (JSON.parse(e.description) as { triggered_by: { id: string } }).triggered_by.id;
      byTrigger.set(id, (byTrigger.get(id) ?? 0) + 1);
    }
    expect([...byTrigger.values()]).to.deep.equal(Array(10).fill(3));
    expect(await a.engine.store.listCronTriggers()).to.deep.equal([]);
  });

  it('lets exactly one of two store connections win the compare-and-swap on a run', async () => {
    const one = new SqliteStore({ path: db });
    const two = new SqliteStore({ path: db });
    try {
      const row: CronTriggerRow = {
        id: 'ct-1',
        name: 'cas',
        pattern: '* * * * *',
        workflowName: 'cron_wf',
        workflowId: 'wf-id',
        workflowInput: {},
        workflowParams: {},
        firstExecutionTime: null,
        nextExecutionTime: utc(12, 1),
        remainingExecutions: null,
        scope: 'private',
        createdAt: 1,
        updatedAt: 1,
      };
      await one.createCronTrigger(row);
      // Both nodes saw the trigger due before either advanced it.
      const [dueOne, dueTwo] = await Promise.all([
        one.listDueCronTriggers(utc(12, 1)),
        two.listDueCronTriggers(utc(12, 1)),
      ]);
      expect([dueOne.length, dueTwo.length]).to.deep.equal([1, 1]);
      const next = { nextExecutionTime: utc(12, 2), remainingExecutions: null };
      const won = [
        await one.advanceCronTrigger('ct-1', utc(12, 1), next),
        await two.advanceCronTrigger('ct-1', utc(12, 1), next),
      ];
      expect(won).to.deep.equal([true, false]);
      expect(await two.advanceCronTrigger('ct-1', utc(12, 2), 'delete')).to.equal(true);
      expect(await one.advanceCronTrigger('ct-1', utc(12, 2), 'delete')).to.equal(false);
      expect(await one.getCronTrigger('cas')).to.equal(null);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('logs and loses a run whose execution cannot start after the claim', async () => {
    const clock = new FakeClock(utc(12, 0, 30));
    const server = await start();
    const logged: Logged[] = [];
    const cron = new CronService(server.engine, { clock, logger: captureLogger(logged) });
    await cron.create({
      name: 'orphan',
      workflow: 'cron_wf',
      workflowInput: { who: 'x' },
      pattern: '* * * * *',
    });
    await server.engine.definitions.deleteWorkflow('cron_wf');
    clock.t = utc(12, 1);
    expect(await cron.tick()).to.have.length(0);
    expect(logged).to.have.length(1);
    expect(logged[0]!.msg).to.match(/run lost/);
    expect(logged[0]!.obj.cronTrigger).to.equal('orphan');
    expect((await server.engine.store.getCronTrigger('orphan'))!.nextExecutionTime).to.equal(utc(12, 2));
  });

  it('fires due triggers from its ticker until stop(), which waits for the running tick', async () => {
    const clock = new FakeClock(utc(12, 0, 30));
    const server = await start();
    const cron = new CronService(server.engine, { clock, tickMs: 10 });
    await cron.create({
      name: 'ticked',
      workflow: 'cron_wf',
      workflowInput: { who: 'x' },
      pattern: '* * * * *',
    });
    clock.t = utc(12, 1);
    cron.start();
    cron.start(); // idempotent
    await until('the ticker to fire', async () =>
      (await executions(server)).length === 1 ? true : undefined,
    );
    await cron.stop();
    clock.t = utc(12, 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(await executions(server), 'no tick after stop()').to.have.length(1);
    await cron.stop(); // idempotent
  });

  describe('REST resource', () => {
    let server: RunningServer;
    beforeEach(async () => {
      server = await start();
    });

    it('creates, gets by name and id, lists with paging, and deletes', async () => {
      const before = Date.now();
      const created = await api(server, 'POST', '/cron_triggers', {
        name: 'nightly',
        workflow_name: 'cron_wf',
        workflow_input: { who: 'rest' },
        workflow_params: '{"env": {"k": 1}}',
        pattern: '0 2 * * *',
        remaining_executions: 5,
      });
      expect(created.status).to.equal(201);
      const t = created.body;
      expect(t).to.include({
        name: 'nightly',
        pattern: '0 2 * * *',
        workflow_name: 'cron_wf',
        workflow_input: '{"who":"rest"}',
        workflow_params: '{"env":{"k":1}}',
        scope: 'private',
        first_execution_time: null,
        remaining_executions: 5,
        project_id: '<default-project>',
      });
      expect(t.workflow_id).to.equal(server.engine.definitions.workflowRow('cron_wf')!.id);
      const next = Date.parse(`${t.next_execution_time as string}Z`);
      expect(next).to.equal(nextFireTime('0 2 * * *', before) ?? NaN);
      expect(t.next_execution_time).to.match(/^\d{4}-\d\d-\d\d 02:00:00$/);

      expect((await api(server, 'GET', '/cron_triggers/nightly')).body).to.deep.equal(t);
      expect((await api(server, 'GET', `/cron_triggers/${t.id as string}`)).body).to.deep.equal(t);

      const once = await api(server, 'POST', '/cron_triggers', {
        name: 'once',
        workflow_id: t.workflow_id,
        workflow_input: '{"who": "x"}',
        first_execution_time: new Date(Date.now() + 3_600_000).toISOString().slice(0, 16).replace('T', ' '),
      });
      expect(once.status).to.equal(201);
      expect(once.body).to.include({ pattern: null, remaining_executions: 1 });
      expect(once.body.next_execution_time).to.equal(`${once.body.first_execution_time as string}`);

      const page1 = await api(server, 'GET', '/cron_triggers?limit=1');
      expect(page1.body.cron_triggers.map((c: { name: string }) => c.name)).to.deep.equal(['nightly']);
      expect(page1.body.next).to.be.a('string');
      const page2 = await api(server, 'GET', `/cron_triggers?limit=1&marker=${t.id as string}`);
      expect(page2.body.cron_triggers.map((c: { name: string }) => c.name)).to.deep.equal(['once']);
      const fields = await api(server, 'GET', '/cron_triggers?fields=name,pattern&workflow_name=cron_wf');
      expect(fields.body.cron_triggers[0]).to.deep.equal({ id: t.id, name: 'nightly', pattern: '0 2 * * *' });

      expect((await api(server, 'DELETE', '/cron_triggers/nightly')).status).to.equal(204);
      expect((await api(server, 'GET', '/cron_triggers/nightly')).status).to.equal(404);
      expect((await api(server, 'DELETE', `/cron_triggers/${once.body.id as string}`)).status).to.equal(204);
      expect((await api(server, 'GET', '/cron_triggers')).body).to.deep.equal({ cron_triggers: [] });
    });

    const valid = {
      name: 'bad',
      workflow_name: 'cron_wf',
      workflow_input: { who: 'x' },
      pattern: '* * * * *',
    };
    const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const refusals: [string, () => Record<string, unknown>, number, string][] = [
      ['an invalid pattern', () => ({ ...valid, pattern: '61 * * * *' }), 400, 'pattern'],
      ['a pattern that is not cron', () => ({ ...valid, pattern: 'every day' }), 400, 'pattern'],
      ['neither pattern nor first time', () => ({ ...valid, pattern: undefined }), 400, 'pattern'],
      ['remaining_executions 0', () => ({ ...valid, remaining_executions: 0 }), 400, 'remaining_executions'],
      [
        'remaining_executions -1',
        () => ({ ...valid, remaining_executions: -1 }),
        400,
        'remaining_executions',
      ],
      [
        'remaining_executions 1.5',
        () => ({ ...valid, remaining_executions: 1.5 }),
        400,
        'remaining_executions',
      ],
      [
        'a count above 1 without a pattern',
        () => ({ ...valid, pattern: undefined, first_execution_time: inOneHour(), remaining_executions: 2 }),
        400,
        'pattern',
      ],
      [
        'a first time less than a minute ahead',
        () => ({ ...valid, first_execution_time: '2020-01-01 00:00' }),
        400,
        'first_execution_time',
      ],
      [
        'a malformed first time',
        () => ({ ...valid, first_execution_time: '2099-02-30 10:00' }),
        400,
        'first_execution_time',
      ],
      [
        'an unexpected workflow input',
        () => ({ ...valid, workflow_input: { nope: 1 } }),
        400,
        'workflow_input',
      ],
      ['a missing workflow input', () => ({ ...valid, workflow_input: {} }), 400, 'workflow_input'],
      [
        'workflow input that is not JSON',
        () => ({ ...valid, workflow_input: '{nope' }),
        400,
        'workflow_input',
      ],
      ['no name', () => ({ ...valid, name: undefined }), 400, 'name'],
      ['no workflow', () => ({ ...valid, workflow_name: undefined }), 400, 'workflow_name'],
    ];
    for (const [what, body, status, field] of refusals) {
      it(`refuses ${what} with ${status} naming '${field}'`, async () => {
        const res = await api(server, 'POST', '/cron_triggers', body());
        expect(res.status, JSON.stringify(res.body)).to.equal(status);
        expect(res.body.field).to.equal(field);
        expect(res.body.faultstring).to.be.a('string');
        expect((await api(server, 'GET', '/cron_triggers')).body.cron_triggers).to.deep.equal([]);
      });
    }

    it('refuses an unknown workflow with 404 naming it', async () => {
      const res = await api(server, 'POST', '/cron_triggers', { ...valid, workflow_name: 'no_such_wf' });
      expect(res.status).to.equal(404);
      expect(res.body.faultstring).to.contain('no_such_wf');
    });

    it('refuses a duplicate name with 409', async () => {
      expect((await api(server, 'POST', '/cron_triggers', valid)).status).to.equal(201);
      const res = await api(server, 'POST', '/cron_triggers', valid);
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('CONFLICT');
      expect(res.body.faultstring).to.contain('bad');
    });

    it('answers 404 for an unknown trigger, and has no PUT', async () => {
      expect((await api(server, 'GET', '/cron_triggers/nope')).status).to.equal(404);
      expect((await api(server, 'DELETE', '/cron_triggers/nope')).status).to.equal(404);
      expect((await api(server, 'PUT', '/cron_triggers/nope', valid)).status).to.equal(404);
    });
  });
});
