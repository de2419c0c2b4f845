/**
 * The delivery resources of the REST API against a real server over a SQLite file: listeners (CRUD, validation,
 * the secret shown once), events with their deliveries, the attempt log and its cursor, redelivery and
 * recovery, statuses over REST and GraphQL. Events really go out: an HTTP receiver runs in the test.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { call, startTestServer, type TestServer } from './api-helpers.js';

type Json = Record<string, unknown>;

const DEFINITIONS = `
version: '2.0'
hello:
  tasks:
    one:
      action: std.noop
      on-success: two
    two:
      action: std.echo output="hi"
parent:
  tasks:
    call:
      workflow: child
child:
  tasks:
    noop:
      action: std.noop
`;

/** The mutation of Sirius's documentation, verbatim. */
const SIRIUS_MUTATION = `mutation(
$statusId: ID!
$conclusion: StatusConclusion!
$output: UpdateStatusOutputInput!
) {
updateStatus(
input: {
id: $statusId
status: completed
conclusion: $conclusion
output: $output
}
) {
id
}
}`;

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

describe('API: listeners, events, attempts and statuses', function () {
  this.timeout(30_000);
  let srv: TestServer;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];

  const get = (p: string) => call<Json>('GET', srv.v2 + p);
  const post = (p: string, body?: unknown) => call<Json>('POST', srv.v2 + p, body);
  const put = (p: string, body: unknown) => call<Json>('PUT', srv.v2 + p, body);
  const del = (p: string) => call<Json>('DELETE', srv.v2 + p);
  const gql = (query: string, variables?: Json) =>
    call<Json>('POST', `${srv.url}/graphql`, { query, variables });

  async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function expectField(res: { status: number; body: Json }, field: string, status = 400): void {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.field, JSON.stringify(res.body)).to.equal(field);
    expect(res.body.faultstring).to.be.a('string');
  }

  /** A workbook `name` with one workflow and a listener per hook, each posting to the receiver's `/<hook>`. */
  function workbookWithListeners(name: string, hooks: string[]): string {
    const lines = ["version: '2.0'", `name: ${name}`, 'workflows:', '  go:', '    tasks:', '      t:'];
    lines.push('        action: std.noop', 'listeners:');
    for (const h of hooks) lines.push(`  ${h}:`, `    url: ${receiverUrl}/${h}`);
    return lines.join('\n');
  }

  async function createListener(body: Json): Promise<Json> {
    const res = await post('/listeners', body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  before(async () => {
    const app = express();
    app.use(express.text({ type: '*/*' }));
    app.all('/{*rest}', (req, res) => {
      received.push({
        path: req.path,
        headers: req.headers as Record<string, string>,
        body: typeof req.body === 'string' ? req.body : '',
      });
      res.status(req.path.startsWith('/fail') ? 500 : 200).end();
    });
    receiver = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    srv = await startTestServer({ egressAllowPrivate: true });
    const res = await call('POST', `${srv.v2}/workflows`, DEFINITIONS);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  after(async () => {
    await srv?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('puts /graphql and the delivery resources behind the API tokens', async () => {
    const locked = await startTestServer({ authTokens: ['s3cret'] });
    try {
      const query = { query: '{ status(id: "x") { id } }' };
      expect((await call('POST', `${locked.url}/graphql`, query)).status).to.equal(401);
      expect((await call('GET', `${locked.v2}/listeners`)).status).to.equal(401);
      const res = await fetch(`${locked.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' },
        body: JSON.stringify(query),
      });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { errors: Json[] };
      expect(body.errors[0]!.extensions).to.deep.include({ code: 'NOT_FOUND' });
    } finally {
      await locked.close();
    }
  });

  describe('listeners', () => {
    let created: Json;

    it('creates a listener and shows its secret once', async () => {
      created = await createListener({
        name: 'crud',
        scope: { workflow: 'nothing-runs-this' },
        events: ['TASK_FAILED', 'EXECUTION'],
        filter: "$.state = 'ERROR'",
        transport: {
          type: 'http',
          url: `${receiverUrl}/crud`,
          headers: { 'X-Team': 'ops' },
          timeout_ms: 2000,
        },
        retry: [1, 2],
        status: { enabled: true },
      });
      expect(created.id).to.match(/^[0-9a-f-]{36}$/);
      expect(created.secret).to.match(/^whsec_[A-Za-z0-9+/=]+$/);
      expect(created).to.deep.include({
        name: 'crud',
        origin: 'api',
        owner: null,
        scope: { workflow: 'nothing-runs-this' },
        events: ['TASK_FAILED', 'EXECUTION'],
        filter: "$.state = 'ERROR'",
        transport: {
          type: 'http',
          url: `${receiverUrl}/crud`,
          method: 'POST',
          // Header values are write-only: stored and sent, shown as ***.
          headers: { 'X-Team': '***' },
          timeout_ms: 2000,
        },
        format: 'mistral',
        payload: null,
        retry: [1, 2],
        status: { enabled: true, timeout_s: 3600 },
        enabled: true,
        disabled_reason: null,
      });
      expect(created.health).to.deep.equal({
        last_success_at: null,
        last_failure_at: null,
        failures_in_row: 0,
        backlog: 0,
      });
      expect(created.created_at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('keeps the secret out of every later answer', async () => {
      const one = await get(`/listeners/${String(created.id)}`);
      expect(one.status).to.equal(200);
      expect(one.body).to.not.have.property('secret');
      expect(one.body).to.deep.equal(
        Object.fromEntries(Object.entries(created).filter(([k]) => k !== 'secret')),
      );
      const list = await get('/listeners');
      expect(list.status).to.equal(200);
      const found = (list.body.listeners as Json[]).find((l) => l.id === created.id);
      expect(found).to.not.equal(undefined);
      expect(found).to.not.have.property('secret');
    });

    it('takes a given secret and the top-level url shorthand', async () => {
      const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      const l = await createListener({
        name: 'shorthand',
        url: `${receiverUrl}/short`,
        secret,
        enabled: false,
      });
      expect(l.secret).to.equal(secret);
      expect(l.enabled).to.equal(false);
      expect(l.transport).to.deep.equal({
        type: 'http',
        url: `${receiverUrl}/short`,
        method: 'POST',
        headers: {},
        timeout_ms: 10000,
      });
      expect((await del(`/listeners/${String(l.id)}`)).status).to.equal(204);
    });

    it('pages with marker and limit', async () => {
      const ids: string[] = [];
      for (const n of ['page-a', 'page-b', 'page-c']) {
        ids.push(String((await createListener({ name: n, url: `${receiverUrl}/p`, enabled: false })).id));
      }
      const all: string[] = [];
      let url: string | undefined = `${srv.v2}/listeners?limit=2`;
      for (let pages = 0; url && pages < 10; pages++) {
        const res: { status: number; body: Json } = await call<Json>('GET', url);
        expect(res.status).to.equal(200);
        const page = res.body.listeners as Json[];
        expect(page.length).to.be.at.most(2);
        all.push(...page.map((l) => String(l.id)));
        url = res.body.next as string | undefined;
        if (url) expect(page.length).to.equal(2);
      }
      expect(all).to.include.members(ids);
      expect(new Set(all).size).to.equal(all.length);
      expectField(await get('/listeners?limit=0'), 'limit');
      expectField(await get('/listeners?limit=1001'), 'limit');
      expectField(await get('/listeners?sort_keys=name'), 'sort_keys');
      for (const id of ids) expect((await del(`/listeners/${id}`)).status).to.equal(204);
    });

    it('changes only the fields given', async () => {
      const id = String(created.id);
      const res = await put(`/listeners/${id}`, { enabled: false, events: ['TASK'], filter: null });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.include({
        enabled: false,
        events: ['TASK'],
        filter: null,
        name: 'crud',
        retry: [1, 2],
      });
      expect(res.body.disabled_reason).to.be.a('string');
      expect(res.body).to.not.have.property('secret');
      const back = await put(`/listeners/${id}`, { enabled: true, transport: { type: 'amqp' } });
      expect(back.status, JSON.stringify(back.body)).to.equal(200);
      expect(back.body).to.deep.include({ enabled: true, disabled_reason: null });
      expect(back.body.transport).to.deep.equal({
        type: 'amqp',
        url: null,
        exchange: 'tram.events',
        routing_key: null,
      });
    });

    it('refuses bad bodies with a 400 naming the field', async () => {
      const url = `${receiverUrl}/x`;
      expectField(await post('/listeners', { url }), 'name');
      expectField(await post('/listeners', { name: 'b' }), 'transport');
      expectField(
        await post('/listeners', { name: 'b', transport: { type: 'http', url: 'nope' } }),
        'transport.url',
      );
      expectField(await post('/listeners', { name: 'b', url, events: ['TASK', 'TASK_BOOM'] }), 'events[1]');
      expectField(await post('/listeners', { name: 'b', url, retry: [-5] }), 'retry[0]');
      expectField(
        await post('/listeners', { name: 'b', url, status: { enabled: true, timeout_s: 0 } }),
        'status.timeout_s',
      );
      expectField(await post('/listeners', { name: 'b', url, filter: '$.a = = 1' }), 'filter');
      expectField(await post('/listeners', { name: 'b', url, secret: 'whsec_short' }), 'secret');
      expectField(await post('/listeners', { name: 'b', url, format: 'template' }), 'payload');
      expectField(await post('/listeners', { name: 'b', url, colour: 'red' }), 'colour');
      expectField(await call<Json>('POST', `${srv.v2}/listeners`, 'name: b'), 'body');
      expectField(await put(`/listeners/${String(created.id)}`, { secret: 'whsec_x' }), 'secret');
      expectField(
        await put(`/listeners/${String(created.id)}`, { transport: { type: 'http' } }),
        'transport.url',
      );
    });

    it('answers 404 for a listener that does not exist', async () => {
      expect((await get('/listeners/nope')).status).to.equal(404);
      expect((await put('/listeners/nope', { enabled: false })).status).to.equal(404);
      expect((await del('/listeners/nope')).status).to.equal(404);
      expect((await post('/listeners/nope/recover?since=0')).status).to.equal(404);
    });

    it('requires a valid since to recover', async () => {
      const id = String(created.id);
      expectField(await post(`/listeners/${id}/recover`), 'since');
      expectField(await post(`/listeners/${id}/recover?since=yesterday`), 'since');
      expectField(await post(`/listeners/${id}/recover?since=2026-02-30`), 'since');
      for (const since of ['2026-01-01T00:00:00Z', '2026-01-01 00:00:00', '1767225600000']) {
        const res = await post(`/listeners/${id}/recover?since=${encodeURIComponent(since)}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body).to.deep.equal({ recovered: 0 });
      }
    });

    it('deletes a listener', async () => {
      expect((await del(`/listeners/${String(created.id)}`)).status).to.equal(204);
      expect((await get(`/listeners/${String(created.id)}`)).status).to.equal(404);
    });

    it('saves a workbook and its listeners together: a listener that cannot be stored refuses the whole upload', async () => {
      const workbook = (hooks: string[]) => workbookWithListeners('wbl', hooks);
      const mine = async () =>
        ((await get('/listeners')).body.listeners as Json[])
          .filter((l) => l.owner === 'wbl')
          .map((l) => [l.name, l.id]);
      const api = await createListener({ name: 'wbl.taken', url: `${receiverUrl}/api` });

      const refused = await post('/workbooks', workbook(['first', 'taken']));
      expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
      expect((await get('/workbooks/wbl')).status).to.equal(404);
      expect(await mine()).to.deep.equal([]);

      expect((await post('/workbooks', workbook(['first', 'second']))).status).to.equal(201);
      const before = await mine();
      expect(before.map(([name]) => name).sort()).to.deep.equal(['wbl.first', 'wbl.second']);
      const updated = await call<Json>('PUT', `${srv.v2}/workbooks`, workbook(['first', 'third']));
      expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
      const after = await mine();
      expect(after.find(([name]) => name === 'wbl.first')).to.deep.equal(
        before.find(([name]) => name === 'wbl.first'),
      );
      expect(after.map(([name]) => name).sort()).to.deep.equal(['wbl.first', 'wbl.third']);

      expect((await del('/workbooks/wbl')).status).to.equal(204);
      expect(await mine()).to.deep.equal([]);
      expect((await del(`/listeners/${String(api.id)}`)).status).to.equal(204);
    });

    it("keeps a workbook's listeners apart from those of a workbook of the same name in another namespace", async () => {
      const workbook = (hook: string) => workbookWithListeners('wbn', [hook]);
      const mine = async () =>
        ((await get('/listeners')).body.listeners as Json[])
          .filter((l) => l.owner === 'wbn')
          .map((l) => [l.name, l.owner_namespace, l.id])
          .sort();
      for (const ns of ['a', 'b']) {
        const res = await post(`/workbooks?namespace=${ns}`, workbook('x'));
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
      const both = await mine();
      expect(both.map(([name, ns]) => [name, ns])).to.deep.equal([
        ['a:wbn.x', 'a'],
        ['b:wbn.x', 'b'],
      ]);
      const inB = both[1];

      const updated = await call<Json>('PUT', `${srv.v2}/workbooks?namespace=a`, workbook('y'));
      expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
      expect((await mine()).map(([name]) => name)).to.deep.equal(['a:wbn.y', 'b:wbn.x']);
      expect((await mine())[1]).to.deep.equal(inB);

      expect((await del('/workbooks/wbn?namespace=a')).status).to.equal(204);
      expect(await mine()).to.deep.equal([inB]);
      // The name is usable where a name is (here, reading the secret); the workbook still owns the listener.
      expect((await get('/listeners/b:wbn.x/secret')).status).to.equal(200);
      const refused = await del(`/listeners/${String(inB?.[2])}`);
      expect(refused.status).to.equal(409);
      expect(refused.body.faultstring).to.contain('workbook wbn in namespace b');

      expect((await del('/workbooks/wbn?namespace=b')).status).to.equal(204);
      expect(await mine()).to.deep.equal([]);
    });
  });

  describe('reading events and attempts: parameters', () => {
    it('bounds limit and checks the cursor', async () => {
      expectField(await get('/event_attempts?limit=101'), 'limit');
      expectField(await get('/event_attempts?limit=0'), 'limit');
      expectField(await get('/event_attempts?cursor=%21%21%21'), 'cursor');
      expectField(await get('/event_attempts?cursor=bm9wZQ'), 'cursor');
      expectField(await get('/event_attempts?after=soon'), 'after');
      expectField(await get('/event_attempts?event_ids=1,x'), 'event_ids');
      expectField(await get('/event_attempts?colour=red'), 'colour');
      expectField(await get('/events?limit=101'), 'limit');
      expectField(await get('/events?cursor=***'), 'cursor');
      expectField(await get('/events?event_types=TASK_EXPLODED'), 'event_types');
      expectField(await get('/events?entity=action'), 'entity');
      expectField(await get('/events?is_delivered=maybe'), 'is_delivered');
      expectField(await get('/events/abc'), 'id');
      expect((await get('/events/999999999')).status).to.equal(404);
      expect((await post('/events/999999999/redeliver')).status).to.equal(404);
      expect((await get('/event_attempts/nope')).status).to.equal(404);
      expect((await get('/statuses/nope')).status).to.equal(404);
      expect((await put('/statuses/nope', { status: 'in_progress' })).status).to.equal(404);
      expect((await get('/executions/nope/statuses')).status).to.equal(404);
      expect((await get('/tasks/nope/statuses')).status).to.equal(404);
    });

    it('answers empty pages with a null cursor', async () => {
      const res = await get('/event_attempts?listener_ids=none-such');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ attempts: [], cursor: null });
      const evs = await get('/events?execution_id=none-such');
      expect(evs.body).to.deep.equal({ events: [], cursor: null });
    });
  });

  describe('delivering a run', () => {
    let listener: Json;
    let failing: Json;
    let exId: string;
    let events: Json[];

    before(async () => {
      listener = await createListener({
        name: 'receiver',
        scope: { workflow: 'hello' },
        url: `${receiverUrl}/hook`,
        status: { enabled: true, timeout_s: 600 },
      });
      failing = await createListener({
        name: 'failing',
        scope: { workflow: 'hello' },
        events: ['WORKFLOW_SUCCEEDED'],
        url: `${receiverUrl}/fail`,
        retry: [],
      });
      const ex = await post('/executions', { workflow_name: 'hello' });
      expect(ex.status, JSON.stringify(ex.body)).to.equal(201);
      exId = String(ex.body.id);
      await until(
        'the execution to succeed',
        async () => (await get(`/executions/${exId}`)).body.state === 'SUCCESS',
      );
      events = await until('every event delivered to the receiver', async () => {
        const res = await get(`/events?execution_id=${exId}`);
        const list = res.body.events as Json[];
        const done =
          list.length >= 6 &&
          list.every((e) =>
            (e.deliveries as Json[]).some((d) => d.listener_id === listener.id && d.state === 'succeeded'),
          ) &&
          list.some((e) =>
            (e.deliveries as Json[]).some((d) => d.listener_id === failing.id && d.state === 'failed'),
          );
        return done && list;
      });
    });

    it('lists the events of the run in order, with their deliveries', () => {
      expect(events.map((e) => e.event_type)).to.deep.equal([
        'WORKFLOW_LAUNCHED',
        'TASK_LAUNCHED',
        'TASK_SUCCEEDED',
        'TASK_LAUNCHED',
        'TASK_SUCCEEDED',
        'WORKFLOW_SUCCEEDED',
      ]);
      expect(events.map((e) => e.sequence)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      const ids = events.map((e) => Number(e.id));
      expect([...ids].sort((a, b) => a - b)).to.deep.equal(ids);
      const first = events[0]!;
      expect(first).to.include({ execution_id: exId, root_execution_id: exId, entity: 'execution' });
      expect(first.payload).to.be.an('object');
      expect(first.created).to.match(/Z$/);
      const last = events[5]!;
      expect(last.is_delivered).to.equal(false);
      expect((last.deliveries as Json[]).map((d) => d.listener_id)).to.have.members([
        listener.id,
        failing.id,
      ]);
      for (const e of events.slice(0, 5)) expect(e.is_delivered).to.equal(true);
    });

    it('got the events at the receiver, signed with the listener secret', () => {
      const hooks = received.filter((r) => r.path === '/hook');
      expect(hooks.length).to.be.at.least(6);
      const wh = new Webhook(String(listener.secret));
      for (const r of hooks) {
        expect(() => wh.verify(r.body, r.headers)).to.not.throw();
      }
      const types = hooks.map((r) => (JSON.parse(r.body) as Json).event);
      expect(types).to.include.members(['WORKFLOW_LAUNCHED', 'WORKFLOW_SUCCEEDED']);
    });

    it('pages events by cursor and filters them', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const q: string = `/events?execution_id=${exId}&limit=4${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await get(q);
        expect(res.status).to.equal(200);
        seen.push(...(res.body.events as Json[]).map((e) => Number(e.id)));
        cursor = res.body.cursor as string | null;
        if (!cursor) break;
      }
      expect(seen).to.deep.equal(events.map((e) => Number(e.id)));
      const tasks = await get(`/events?execution_id=${exId}&entity=task&event_types=TASK_SUCCEEDED`);
      expect((tasks.body.events as Json[]).map((e) => e.event_type)).to.deep.equal([
        'TASK_SUCCEEDED',
        'TASK_SUCCEEDED',
      ]);
      const undelivered = await get(`/events?root_execution_id=${exId}&is_delivered=false`);
      expect((undelivered.body.events as Json[]).map((e) => e.event_type)).to.deep.equal([
        'WORKFLOW_SUCCEEDED',
      ]);
      const later = await get(
        `/events?execution_id=${exId}&after=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      );
      expect(later.body.events).to.deep.equal([]);
      const one = await get(`/events/${String(events[0]!.id)}`);
      expect(one.status).to.equal(200);
      expect(one.body).to.deep.equal(events[0]);
    });

    it('logs the attempts and pages them by cursor', async () => {
      const all = await get(`/event_attempts?listener_ids=${String(listener.id)},${String(failing.id)}`);
      expect(all.status).to.equal(200);
      const attempts = all.body.attempts as Json[];
      expect(attempts.length).to.be.at.least(7);
      expect(all.body.cursor).to.equal(null);
      const ok = attempts.filter((a) => a.listener_id === listener.id);
      expect(
        ok.every((a) => a.code === 'success' && a.http_status === 200 && a.trigger === 'scheduled'),
      ).to.equal(true);
      const bad = attempts.filter((a) => a.listener_id === failing.id);
      expect(bad).to.have.length(1);
      expect(bad[0]).to.include({ code: 'badHttpStatus', http_status: 500, attempt_number: 1 });
      expect(attempts[0]).to.have.keys([
        'id',
        'code',
        'message',
        'event_id',
        'listener_id',
        'delivery_id',
        'created',
        'http_status',
        'duration_ms',
        'attempt_number',
        'trigger',
      ]);
      const paged: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const q: string = `/event_attempts?listener_ids=${String(listener.id)}&listener_ids=${String(failing.id)}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await get(q);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        paged.push(...(res.body.attempts as Json[]).map((a) => String(a.id)));
        cursor = res.body.cursor as string | null;
        if (!cursor) break;
      }
      expect(paged).to.deep.equal(attempts.map((a) => a.id));
      const byEvent = await get(`/event_attempts?event_ids=${String(events[5]!.id)}`);
      expect((byEvent.body.attempts as Json[]).map((a) => a.listener_id)).to.have.members([
        listener.id,
        failing.id,
      ]);
      const single = await get(`/event_attempts/${String(bad[0]!.id)}`);
      expect(single.body).to.deep.equal(bad[0]);
    });

    it('redelivers an event on demand', async () => {
      const id = String(events[0]!.id);
      const res = await post(`/events/${id}/redeliver`, { listener_id: listener.id });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const attempts = res.body.attempts as Json[];
      expect(attempts).to.have.length(1);
      expect(attempts[0]).to.include({ listener_id: listener.id, trigger: 'manual', code: 'success' });
      expect(attempts[0]!.attempt_number).to.equal(2);
      const both = await post(`/events/${String(events[5]!.id)}/redeliver`);
      expect(both.status, JSON.stringify(both.body)).to.equal(200);
      expect((both.body.attempts as Json[]).map((a) => a.listener_id)).to.have.members([
        listener.id,
        failing.id,
      ]);
      expectField(await post(`/events/${id}/redeliver?listener_id=a`, { listener_id: 'b' }), 'listener_id');
    });

    it('recovers the deliveries a listener gave up', async () => {
      const res = await post(`/listeners/${String(failing.id)}/recover?since=0`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.recovered).to.equal(1);
    });

    it('shows listener health', async () => {
      const l = (await get(`/listeners/${String(listener.id)}`)).body;
      expect((l.health as Json).last_success_at).to.match(/Z$/);
      expect((l.health as Json).failures_in_row).to.equal(0);
    });

    describe('statuses', () => {
      let statuses: Json[];

      before(async () => {
        statuses = (await get(`/executions/${exId}/statuses`)).body.statuses as Json[];
      });

      it('gives each delivery of a listener with statuses a queued status', async () => {
        expect(statuses).to.have.length(6);
        for (const s of statuses) {
          expect(s).to.include({
            listener_id: listener.id,
            execution_id: exId,
            status: 'queued',
            conclusion: null,
          });
          expect(s.deadline).to.match(/Z$/);
        }
        const withStatus = events.map((e) =>
          (e.deliveries as Json[]).find((d) => d.listener_id === listener.id),
        );
        expect(statuses.map((s) => s.id)).to.have.members(withStatus.map((d) => d?.status_id));
        const listed = await get(`/statuses?execution_id=${exId}`);
        expect((listed.body.statuses as Json[]).map((s) => s.id)).to.have.members(statuses.map((s) => s.id));
        const taskStatus = statuses.find((s) => s.task_execution_id);
        expect(taskStatus).to.not.equal(undefined);
        const ofTask = await get(`/tasks/${String(taskStatus!.task_execution_id)}/statuses`);
        expect(ofTask.status).to.equal(200);
        expect(
          (ofTask.body.statuses as Json[]).every(
            (s) => s.task_execution_id === taskStatus!.task_execution_id,
          ),
        ).to.equal(true);
        expect(ofTask.body.statuses).to.have.length(2);
      });

      it('moves a status on over REST, and refuses to change a completed one', async () => {
        const id = String(statuses[0]!.id);
        const inProgress = await put(`/statuses/${id}`, { status: 'in_progress' });
        expect(inProgress.status, JSON.stringify(inProgress.body)).to.equal(200);
        expect(inProgress.body).to.include({ id, status: 'in_progress', conclusion: null });
        expectField(await put(`/statuses/${id}`, { status: 'completed' }), 'conclusion');
        expectField(
          await put(`/statuses/${id}`, { status: 'in_progress', conclusion: 'success' }),
          'conclusion',
        );
        expectField(await put(`/statuses/${id}`, { status: 'queued' }), 'status');
        expectField(await put(`/statuses/${id}`, { status: 'completed', conclusion: 'great' }), 'conclusion');
        expectField(
          await put(`/statuses/${id}`, { status: 'in_progress', output: { body: 'x' } }),
          'output.body',
        );
        const done = await put(`/statuses/${id}`, {
          status: 'completed',
          conclusion: 'failure',
          output: { title: 'Broken', summary: 'it broke' },
        });
        expect(done.status, JSON.stringify(done.body)).to.equal(200);
        expect(done.body).to.deep.include({
          status: 'completed',
          conclusion: 'failure',
          output: { title: 'Broken', summary: 'it broke' },
        });
        const again = await put(`/statuses/${id}`, { status: 'completed', conclusion: 'success' });
        expect(again.status).to.equal(409);
        expect(again.body.code).to.equal('CONFLICT');
        expect((await get(`/statuses/${id}`)).body).to.include({
          status: 'completed',
          conclusion: 'failure',
        });
      });

      it("accepts Sirius's GraphQL mutation", async () => {
        const id = String(statuses[1]!.id);
        const res = await gql(SIRIUS_MUTATION, {
          statusId: id,
          conclusion: 'success',
          output: { title: 'Live saved' },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body).to.deep.equal({ data: { updateStatus: { id } } });
        const read = await gql(
          `query($id: ID!) { status(id: $id) { id status conclusion output { title summary } } }`,
          {
            id,
          },
        );
        expect(read.body).to.deep.equal({
          data: {
            status: {
              id,
              status: 'completed',
              conclusion: 'success',
              output: { title: 'Live saved', summary: null },
            },
          },
        });
        expect((await get(`/statuses/${id}`)).body).to.deep.include({ output: { title: 'Live saved' } });
        const again = await gql(SIRIUS_MUTATION, { statusId: id, conclusion: 'failure', output: {} });
        expect(again.status).to.equal(200);
        expect((again.body.errors as Json[])[0]!.extensions).to.deep.include({ code: 'CONFLICT' });
      });

      it('answers GraphQL errors with codes', async () => {
        const unknown = await gql(SIRIUS_MUTATION, {
          statusId: 'nope',
          conclusion: 'success',
          output: { title: 'x' },
        });
        expect(unknown.status).to.equal(200);
        expect(unknown.body.data).to.deep.equal({ updateStatus: null });
        expect((unknown.body.errors as Json[])[0]!.extensions).to.deep.include({ code: 'NOT_FOUND' });
        const query = await gql(`{ status(id: "nope") { id } }`);
        expect((query.body.errors as Json[])[0]!.extensions).to.deep.include({ code: 'NOT_FOUND' });

        const badEnum = await gql(SIRIUS_MUTATION, {
          statusId: String(statuses[2]!.id),
          conclusion: 'great',
          output: { title: 'x' },
        });
        expect(badEnum.status).to.equal(400);
        expect(badEnum.body).to.not.have.property('data');
        expect((badEnum.body.errors as Json[])[0]!.extensions).to.deep.include({ code: 'BAD_USER_INPUT' });
        const inlineEnum = await gql(`mutation { updateStatus(input: {id: "x", status: done}) { id } }`);
        expect(inlineEnum.status).to.equal(400);
        expect((inlineEnum.body.errors as Json[])[0]!.extensions).to.deep.include({
          code: 'GRAPHQL_VALIDATION_FAILED',
        });
        const syntax = await gql(`mutation { updateStatus(`);
        expect(syntax.status).to.equal(400);
        expect((syntax.body.errors as Json[])[0]!.extensions).to.deep.include({
          code: 'GRAPHQL_PARSE_FAILED',
        });
        const noConclusion = await gql(
          `mutation($id: ID!) { updateStatus(input: {id: $id, status: completed}) { id } }`,
          { id: String(statuses[2]!.id) },
        );
        expect(noConclusion.status).to.equal(200);
        expect((noConclusion.body.errors as Json[])[0]!.extensions).to.deep.equal({
          code: 'BAD_USER_INPUT',
          field: 'conclusion',
        });
        const notJson = await call<Json>('POST', `${srv.url}/graphql`, { variables: {} });
        expect(notJson.status).to.equal(400);
        expect((notJson.body.errors as Json[])[0]!.extensions).to.deep.include({ code: 'BAD_REQUEST' });
      });

      it('lists the statuses of an execution with those of its sub-workflows', async () => {
        const tree = await createListener({
          name: 'tree',
          filter: "$.workflow_name = 'parent' or $.workflow_name = 'child'",
          events: ['WORKFLOW_SUCCEEDED'],
          url: `${receiverUrl}/tree`,
          status: { enabled: true },
        });
        const parent = String((await post('/executions', { workflow_name: 'parent' })).body.id);
        await until(
          'the parent to succeed',
          async () => (await get(`/executions/${parent}`)).body.state === 'SUCCESS',
        );
        const child = String(
          ((await get(`/executions?root_execution_id=${parent}`)).body.executions as Json[]).find(
            (e) => e.id !== parent,
          )?.id,
        );
        const both = await until('two statuses', async () => {
          const list = (await get(`/executions/${parent}/statuses`)).body.statuses as Json[];
          return list.length === 2 && list;
        });
        expect(both.map((s) => s.execution_id)).to.have.members([parent, child]);
        expect(both.every((s) => s.listener_id === tree.id)).to.equal(true);
        const own = (await get(`/executions/${child}/statuses`)).body.statuses as Json[];
        expect(own.map((s) => s.execution_id)).to.deep.equal([child]);
      });
    });
  });
});
