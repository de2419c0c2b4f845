/**
 * The live state stream at `/v2/ws` (docs/websocket.md), against a real server and real `ws` clients: the
 * subscribe response and the event format for each entity, 400 / 404 answers, idempotent subscriptions,
 * resuming with `after_sequence` (exactly once across a drop and across the replay/live seam), back-pressure
 * (a client that never reads overflows and does not slow the engine), authentication and shutdown.
 *
 * Besides the server's own stream (default options), a second stream with small limits is attached to the same
 * engine on its own HTTP server, so that paging and overflow happen with modest workloads.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { WebSocket, type ClientOptions } from 'ws';
import { startServer, type RunningServer } from '../../api/index.js';
import { attachStateStream, type StreamServer } from '../../api/ws/index.js';
import { SendQueue, type Sink } from '../../api/ws/send-queue.js';
import { workloads } from '../../bench/workloads.js';
import { loadConfig } from '../../config/index.js';
import type { OutboxEvent } from '../../engine/index.js';

type Msg = Record<string, unknown> & { data?: Record<string, unknown> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(fn: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A `ws` client that records every message it receives. */
class Client {
  readonly messages: Msg[] = [];
  closeCode: number | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Msg));
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        resolve();
      }),
    );
  }

  static async open(url: string, opts?: ClientOptions): Promise<Client> {
    const ws = new WebSocket(url, opts);
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    open.add(client);
    return client;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Sends a request and resolves with the response carrying its request_id (the n-th one, for repeats). */
  async request(msg: Record<string, unknown>): Promise<Msg> {
    const before = this.responses(msg.request_id).length;
    this.send(msg);
    return eventually(() => this.responses(msg.request_id)[before], `response to ${JSON.stringify(msg)}`);
  }

  responses(requestId: unknown): Msg[] {
    return this.messages.filter((m) => 'status' in m && m.request_id === requestId);
  }

  stateChanges(requestId?: unknown): Msg[] {
    return this.messages.filter(
      (m) => m.event === 'state_change' && (requestId === undefined || m.request_id === requestId),
    );
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close();
    else if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    await this.closed;
    open.delete(this);
  }
}

const open = new Set<Client>();

/** The rejection of an upgrade request: its HTTP status. */
function upgradeStatus(url: string, opts?: ClientOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', () => undefined);
  });
}

function chainYaml(name: string, tasks: string[]): string {
  const body = tasks.map((t, i) => {
    const [task, action] = t.split(':') as [string, string | undefined];
    const next = tasks[i + 1]?.split(':')[0];
    return `      ${task}:\n        action: ${action ?? 'std.noop'}${next ? `\n        on-success: ${next}` : ''}`;
  });
  return `  ${name}:\n    tasks:\n${body.join('\n')}\n`;
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

const WORKBOOK =
  `version: '2.0'\nname: wst\nworkflows:\n` +
  chainYaml('short', ['one', 'two:std.echo output=2']) +
  chainYaml('gated', [
    ...range('t', 5),
    'gate1:std.async_noop',
    ...range('u', 5),
    'gate2:std.async_noop',
    ...range('v', 5),
  ]) +
  chainYaml('long', range('s', 80));

const DATA_KEYS = [
  'entity',
  'id',
  'identifier',
  'execution_id',
  'state',
  'previous_state',
  'sequence',
  'timestamp',
];

/** The state change message data the server must send for a store event. */
function expectedData(ev: OutboxEvent, entityName: string): Record<string, unknown> {
  return {
    entity: entityName,
    id: ev.entityId,
    identifier: ev.payload.name,
    execution_id: ev.executionId,
    state: ev.state,
    previous_state: ev.previousState,
    sequence: ev.sequence,
    timestamp: new Date(ev.createdAt).toISOString(),
  };
}

describe('WebSocket state stream (/v2/ws)', function () {
  this.timeout(60_000);
  let dir: string;
  let server: RunningServer;
  let wsUrl: string;
  // A second stream on the same engine with small limits.
  let smallHttp: http.Server;
  let small: StreamServer;
  let smallUrl: string;
  let rid = 1000;
  const nextId = () => ++rid;

  async function run(workflow: string): Promise<string> {
    const ex = await server.engine.startExecution({ workflow, input: {} });
    return ex.id;
  }

  async function storeEvents(executionId: string, entity?: 'execution' | 'task'): Promise<OutboxEvent[]> {
    const all = await server.engine.readEvents({ executionId, limit: 100_000 });
    return entity ? all.filter((e) => e.entity === entity) : all;
  }

  async function completeGate(executionId: string, task: string): Promise<void> {
    for (let i = 0; ; i++) {
      const actions = await server.engine.store.listActionExecutions({ workflowExecutionId: executionId });
      const gate = actions.find((a) => a.taskName === task && a.state === 'RUNNING');
      if (gate) {
        await server.engine.completeAction(gate.id, { state: 'SUCCESS', output: null });
        return;
      }
      if (i > 2000) throw new Error(`${task} never started`);
      await sleep(5);
    }
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-ws-'));
    server = await startServer(loadConfig({ port: 0, db: path.join(dir, 'ws.db'), logLevel: 'silent' }));
    wsUrl = server.url.replace('http', 'ws') + '/v2/ws';
    await server.engine.load(WORKBOOK);
    smallHttp = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => smallHttp.listen(0, '127.0.0.1', resolve));
    small = attachStateStream(smallHttp, server.context, {
      maxBufferedBytes: 64 * 1024,
      maxQueuedMessages: 500,
      replayPageSize: 3,
      closeGraceMs: 20_000,
    });
    smallUrl = `ws://127.0.0.1:${(smallHttp.address() as { port: number }).port}/v2/ws`;
  });

  afterEach(async () => {
    for (const c of [...open]) {
      c.ws.resume();
      await c.close();
    }
  });

  after(async () => {
    await small?.close();
    await new Promise((resolve) => smallHttp?.close(resolve));
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('subscribing', () => {
    const cases = [
      { name: 'execution', entity: 'execution' as const },
      { name: 'flow', entity: 'execution' as const },
      { name: 'task', entity: 'task' as const },
      { name: 'step', entity: 'task' as const },
    ];
    for (const { name, entity } of cases) {
      it(`answers a valid "${name}" subscription with 200 in the documented format, then sends every state change of that entity`, async () => {
        const client = await Client.open(wsUrl);
        const requestId = Date.now() + nextId();
        const res = await client.request({
          action: 'subscribe_state_change',
          request_id: requestId,
          data: { entity: name, workflow_name: 'wst.short' },
        });
        expect(JSON.stringify(res)).to.equal(
          JSON.stringify({ request_id: requestId, errors: [], status: 200 }),
        );

        const id = await run('wst.short');
        await server.engine.waitFor(id);
        const expected = (await storeEvents(id, entity)).map((ev) => expectedData(ev, name));
        expect(expected.length).to.be.greaterThan(1);
        await eventually(() => client.stateChanges().length >= expected.length, 'the state changes');
        await sleep(50);
        const got = client.stateChanges();
        for (const m of got) {
          expect(Object.keys(m)).to.deep.equal(['event', 'request_id', 'data']);
          expect(m.request_id).to.equal(requestId);
          expect(Object.keys(m.data!)).to.deep.equal(DATA_KEYS);
        }
        expect(got.map((m) => m.data)).to.deep.equal(expected);
        const first = got[0]!.data!;
        expect(first.identifier).to.equal(entity === 'execution' ? 'wst.short' : 'one');
        expect(first.state).to.equal('RUNNING');
      });
    }

    it('limits events to the subscribed execution, workflow or workbook', async () => {
      const client = await Client.open(wsUrl);
      const gated = await run('wst.gated');
      const sub = (data: Record<string, unknown>) =>
        client.request({ action: 'subscribe_state_change', request_id: nextId(), data });
      const [byExecution, byWorkflow, byWorkbook, byUnknownWorkflow] = await Promise.all([
        sub({ entity: 'task', execution_id: gated }),
        sub({ entity: 'task', workflow_name: 'wst.short' }),
        sub({ entity: 'flow', workbook: 'wst' }),
        sub({ entity: 'step', workflow_name: 'no_such_workflow' }),
      ]);
      expect([byExecution.status, byWorkflow.status, byWorkbook.status]).to.deep.equal([200, 200, 200]);
      expect(byUnknownWorkflow.status).to.equal(404);
      expect((byUnknownWorkflow.errors as Msg[])[0]!.field).to.equal('data.workflow_name');
      const short = await run('wst.short');
      await server.engine.waitFor(short);
      await completeGate(gated, 'gate1');
      await completeGate(gated, 'gate2');
      await server.engine.waitFor(gated);
      await eventually(
        () => client.stateChanges(byWorkbook.request_id).length >= 3,
        'the workbook-scoped execution events',
      );
      await sleep(50);
      const ofSub = (r: Msg) => client.stateChanges(r.request_id).map((m) => m.data!);
      expect(new Set(ofSub(byExecution).map((d) => d.execution_id))).to.deep.equal(new Set([gated]));
      expect(ofSub(byExecution).map((d) => d.identifier)).to.include.members(['gate1', 'u0', 'gate2', 'v4']);
      expect(new Set(ofSub(byWorkflow).map((d) => d.execution_id))).to.deep.equal(new Set([short]));
      expect(ofSub(byWorkbook).map((d) => `${String(d.identifier)} ${String(d.state)}`)).to.deep.equal([
        'wst.short RUNNING',
        'wst.short SUCCESS',
        'wst.gated SUCCESS',
      ]);
    });

    it('answers ping with pong and unsubscribes: no event follows the unsubscribe response', async () => {
      const client = await Client.open(wsUrl);
      expect(await client.request({ action: 'ping', request_id: 'p1' })).to.deep.equal({
        action: 'pong',
        request_id: 'p1',
        errors: [],
        status: 200,
      });
      const sub = await client.request({
        action: 'subscribe_state_change',
        request_id: 's1',
        data: { entity: 'task' },
      });
      expect(sub.status).to.equal(200);
      const unsub = await client.request({ action: 'unsubscribe_state_change', request_id: 's1' });
      expect(unsub).to.deep.equal({ request_id: 's1', errors: [], status: 200 });
      const after = client.messages.length;
      await server.engine.waitFor(await run('wst.short'));
      await client.request({ action: 'ping', request_id: 'p2' });
      expect(client.messages.slice(after).filter((m) => m.event === 'state_change')).to.deep.equal([]);
      const again = await client.request({ action: 'unsubscribe_state_change', request_id: 's1' });
      expect(again.status).to.equal(404);
      expect((again.errors as Msg[])[0]!.field).to.equal('request_id');
    });
  });

  describe('errors', () => {
    it('answers an unknown execution id with 404 naming data.execution_id and keeps the connection open', async () => {
      const client = await Client.open(wsUrl);
      const res = await client.request({
        action: 'subscribe_state_change',
        request_id: 7,
        data: { entity: 'execution', execution_id: 'no-such-execution' },
      });
      expect(res.status).to.equal(404);
      expect(res.request_id).to.equal(7);
      expect(res.errors).to.have.length(1);
      expect((res.errors as Msg[])[0]).to.include({ field: 'data.execution_id' });
      expect((await client.request({ action: 'ping', request_id: 8 })).status).to.equal(200);
    });

    it('answers an unknown entity, workflow or workbook with 404 naming the field', async () => {
      const client = await Client.open(wsUrl);
      for (const [data, field] of [
        [{ entity: 'person' }, 'data.entity'],
        [{ entity: 'task', workflow_name: 'wst.nope' }, 'data.workflow_name'],
        [{ entity: 'task', workbook: 'nope' }, 'data.workbook'],
      ] as const) {
        const res = await client.request({ action: 'subscribe_state_change', request_id: 9, data });
        expect(res.status, field).to.equal(404);
        expect((res.errors as Msg[]).map((e) => e.field)).to.deep.equal([field]);
      }
    });

    const malformed: [string, unknown, string | undefined][] = [
      ['not JSON', '{"action": ', undefined],
      ['not an object', '[1, 2]', undefined],
      ['no request_id', { action: 'subscribe_state_change', data: { entity: 'task' } }, 'request_id'],
      ['no request_id on ping', { action: 'ping' }, 'request_id'],
      ['a request_id that is an object', { action: 'ping', request_id: { a: 1 } }, 'request_id'],
      ['an unknown action', { action: 'subscribe', request_id: 1 }, 'action'],
      ['no data', { action: 'subscribe_state_change', request_id: 1 }, 'data'],
      ['no entity', { action: 'subscribe_state_change', request_id: 1, data: {} }, 'data.entity'],
      [
        'an entity that is not a string',
        { action: 'subscribe_state_change', request_id: 1, data: { entity: 3 } },
        'data.entity',
      ],
      [
        'two scopes',
        {
          action: 'subscribe_state_change',
          request_id: 1,
          data: { entity: 'task', workbook: 'wst', workflow_name: 'wst.short' },
        },
        'data',
      ],
      [
        'an unknown field',
        { action: 'subscribe_state_change', request_id: 1, data: { entity: 'task', person_key: 'x' } },
        'data.person_key',
      ],
      [
        'after_sequence without execution_id',
        { action: 'subscribe_state_change', request_id: 1, data: { entity: 'task', after_sequence: 3 } },
        'data.after_sequence',
      ],
      [
        'a negative after_sequence',
        {
          action: 'subscribe_state_change',
          request_id: 1,
          data: { entity: 'task', execution_id: 'x', after_sequence: -1 },
        },
        'data.after_sequence',
      ],
    ];
    it('answers malformed messages with 400 naming the field, and keeps the connection open', async () => {
      const client = await Client.open(wsUrl);
      for (const [what, msg, field] of malformed) {
        const before = client.messages.length;
        client.send(msg);
        const res = await eventually(() => client.messages[before], what);
        expect(res.status, what).to.equal(400);
        expect(res.errors, what).to.be.an('array').that.is.not.empty;
        if (field)
          expect(
            (res.errors as Msg[]).map((e) => e.field),
            what,
          ).to.include(field);
        const keepsId =
          typeof msg === 'object' && msg !== null && typeof (msg as Msg).request_id === 'number';
        expect(res.request_id, what).to.equal(keepsId ? 1 : null);
      }
      const before = client.messages.length;
      client.ws.send(Buffer.from('{"action": "ping", "request_id": 1}'), { binary: true });
      expect((await eventually(() => client.messages[before], 'the binary answer')).status).to.equal(400);
      expect((await client.request({ action: 'ping', request_id: 'still-open' })).status).to.equal(200);
    });

    it('answers 409 when a request_id already names a subscription with other parameters', async () => {
      const client = await Client.open(wsUrl);
      const sub = { action: 'subscribe_state_change', request_id: 'dup' };
      expect((await client.request({ ...sub, data: { entity: 'task' } })).status).to.equal(200);
      const res = await client.request({ ...sub, data: { entity: 'execution' } });
      expect(res.status).to.equal(409);
      expect((res.errors as Msg[])[0]!.field).to.equal('request_id');
    });
  });

  describe('idempotence', () => {
    it('sends each event once after three identical subscriptions, under the first request_id', async () => {
      const client = await Client.open(wsUrl);
      const data = { entity: 'task', workflow_name: 'wst.short' };
      const responses = [
        await client.request({ action: 'subscribe_state_change', request_id: 41, data }),
        await client.request({ action: 'subscribe_state_change', request_id: 41, data }),
        await client.request({ action: 'subscribe_state_change', request_id: 41, data }),
      ];
      expect(new Set(responses.map((r) => JSON.stringify(r)))).to.deep.equal(
        new Set([JSON.stringify({ request_id: 41, errors: [], status: 200 })]),
      );
      // With other request_ids (and the alias `step`), it is still the same subscription.
      const aliases = [
        await client.request({ action: 'subscribe_state_change', request_id: 42, data }),
        await client.request({
          action: 'subscribe_state_change',
          request_id: 43,
          data: { ...data, entity: 'step' },
        }),
      ];
      expect(aliases).to.deep.equal([
        { request_id: 42, errors: [], status: 200 },
        { request_id: 43, errors: [], status: 200 },
      ]);
      const id = await run('wst.short');
      await server.engine.waitFor(id);
      const expected = (await storeEvents(id, 'task')).map((ev) => expectedData(ev, 'task'));
      await eventually(() => client.stateChanges().length >= expected.length, 'the task events');
      await sleep(100);
      expect(client.stateChanges().map((m) => m.request_id)).to.deep.equal(expected.map(() => 41));
      expect(client.stateChanges().map((m) => m.data)).to.deep.equal(expected);

      // Unsubscribing with any of its request_ids ends the one subscription.
      expect((await client.request({ action: 'unsubscribe_state_change', request_id: 43 })).status).to.equal(
        200,
      );
      expect((await client.request({ action: 'unsubscribe_state_change', request_id: 41 })).status).to.equal(
        404,
      );
    });
  });

  describe('resuming with after_sequence', () => {
    it('replays what a dropped client missed, then continues live: every state change exactly once', async () => {
      const id = await run('wst.gated');
      const subscribe = (c: Client, entity: string, after: number) =>
        c.request({
          action: 'subscribe_state_change',
          request_id: `${entity}-${after}`,
          data: { entity, execution_id: id, after_sequence: after },
        });
      // First connection: from the start, until the first gate is reached; then it drops.
      const first = await Client.open(wsUrl);
      expect((await subscribe(first, 'task', 0)).status).to.equal(200);
      expect((await subscribe(first, 'execution', 0)).status).to.equal(200);
      await eventually(
        () => first.stateChanges().some((m) => m.data!.identifier === 'gate1'),
        'gate1 to launch',
      );
      first.ws.terminate();
      await first.closed;
      const seenFirst = first.stateChanges().map((m) => m.data!);
      const last = Math.max(...seenFirst.map((d) => Number(d.sequence)));

      // While nobody listens, the execution moves on to the second gate.
      await completeGate(id, 'gate1');
      const second = await Client.open(wsUrl);
      // Resume, and let the execution finish while the replay is still running (the replay/live seam).
      const resumed = Promise.all([subscribe(second, 'task', last), subscribe(second, 'execution', last)]);
      await completeGate(id, 'gate2');
      expect((await resumed).map((r) => r.status)).to.deep.equal([200, 200]);
      await server.engine.waitFor(id);
      const all = await storeEvents(id);
      await eventually(
        () =>
          second.stateChanges().some((m) => m.data!.state === 'SUCCESS' && m.data!.entity === 'execution'),
        'the execution to end',
      );
      await sleep(50);
      const seenSecond = second.stateChanges().map((m) => m.data!);
      const sequences = [...seenFirst, ...seenSecond].map((d) => Number(d.sequence));
      expect(sequences.slice().sort((a, b) => a - b)).to.deep.equal(all.map((e) => e.sequence));
      // Each subscription delivers in sequence order, and only what the first connection had not seen.
      for (const entity of ['task', 'execution']) {
        const mine = seenSecond.filter((d) => d.entity === entity).map((d) => Number(d.sequence));
        expect(mine).to.deep.equal(
          all.filter((e) => e.entity === entity && e.sequence > last).map((e) => e.sequence),
        );
      }
    });

    it('pages through the store and joins the live stream without gap or duplicate while the execution runs', async () => {
      // The small stream reads 3 events per page, so each replay spans many pages while events keep coming.
      const id = await run('wst.long');
      const clients: { client: Client; after: number }[] = [];
      for (const after of [0, 1, 5, 20, 60, 120]) {
        const client = await Client.open(smallUrl);
        const res = await client.request({
          action: 'subscribe_state_change',
          request_id: 1,
          data: { entity: 'task', execution_id: id, after_sequence: after },
        });
        expect(res.status).to.equal(200);
        clients.push({ client, after });
      }
      await server.engine.waitFor(id);
      const tasks = await storeEvents(id, 'task');
      for (const { client, after } of clients) {
        const want = tasks.filter((e) => e.sequence > after).map((e) => expectedData(e, 'task'));
        await eventually(() => client.stateChanges().length >= want.length, `the events after ${after}`);
        await sleep(20);
        expect(
          client.stateChanges().map((m) => m.data),
          `after_sequence ${after}`,
        ).to.deep.equal(want);
      }
    });
  });

  describe('back-pressure', () => {
    const bench = workloads().find((w) => w.workflow === 'bench_chain')!;

    /** Runs the chain benchmark workload with `executions` executions; resolves with the wall time. */
    async function benchmark(executions: number): Promise<{ ms: number; ids: string[] }> {
      const t0 = performance.now();
      const started = await Promise.all(
        Array.from({ length: executions }, () =>
          server.engine.startExecution({ workflow: bench.workflow, input: {} }),
        ),
      );
      for (const ex of started) expect((await server.engine.waitFor(ex.id)).state).to.equal('SUCCESS');
      return { ms: performance.now() - t0, ids: started.map((e) => e.id) };
    }

    /** A client that subscribes to everything (under two scopes, two messages per event) and then never reads. */
    async function stalledClient(url: string): Promise<Client> {
      const client = await Client.open(url);
      for (const entity of ['task', 'execution']) {
        for (const scope of [{}, { workflow_name: bench.workflow }]) {
          const res = await client.request({
            action: 'subscribe_state_change',
            request_id: `${entity}-${Object.keys(scope).length}`,
            data: { entity, ...scope },
          });
          expect(res.status).to.equal(200);
        }
      }
      client.ws.pause();
      return client;
    }

    before(async () => {
      await server.engine.load(bench.yaml);
    });

    it('disconnects a client that falls too far behind with an overflow message; it resumes with after_sequence', async () => {
      const client = await stalledClient(smallUrl);
      // Fill the kernel's socket buffers (a few MB on loopback), then the 64 KiB socket limit, then the queue.
      let ids: string[] = [];
      for (let round = 0; round < 10 && small.stats().overflows === 0; round++)
        ids = (await benchmark(40)).ids;
      expect(small.stats().overflows).to.equal(1);
      client.ws.resume();
      await client.closed;
      expect(client.closeCode).to.equal(1013);
      const lastMessage = client.messages[client.messages.length - 1]!;
      expect(lastMessage.event).to.equal('overflow');
      expect(lastMessage.data!.limit).to.equal(500);

      // Resume one of the executions whose stream was cut, from the last task event received.
      const id = ids[ids.length - 1]!;
      const got = client
        .stateChanges('task-0')
        .filter((m) => m.data!.execution_id === id)
        .map((m) => m.data!);
      const last = Math.max(0, ...got.map((d) => Number(d.sequence)));
      const resumed = await Client.open(smallUrl);
      const res = await resumed.request({
        action: 'subscribe_state_change',
        request_id: 'resume',
        data: { entity: 'task', execution_id: id, after_sequence: last },
      });
      expect(res.status).to.equal(200);
      const tasks = await storeEvents(id, 'task');
      const rest = tasks.filter((e) => e.sequence > last);
      await eventually(() => resumed.stateChanges().length >= rest.length, 'the replay');
      await sleep(20);
      expect([...got, ...resumed.stateChanges().map((m) => m.data!)]).to.deep.equal(
        tasks.map((e) => expectedData(e, 'task')),
      );
    });

    it('does not slow the engine down: a client that never reads costs less than 3x the throughput', async () => {
      // A stream with the default options on its own HTTP server, so that its queue can be observed.
      const httpServer = http.createServer();
      await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      const stream = attachStateStream(httpServer, server.context);
      const url = `ws://127.0.0.1:${(httpServer.address() as { port: number }).port}/v2/ws`;
      try {
        const executions = 100;
        const tasks = executions * 50;
        const rate = (ms: number) => `${Math.round((tasks / ms) * 1000)} tasks/s (${ms.toFixed(0)} ms)`;
        await benchmark(20); // warm-up
        // Alternated, so that the store growing between runs weighs on both sides alike.
        const without: number[] = [];
        const withClient: number[] = [];
        const states: string[] = [];
        for (let i = 0; i < 2; i++) {
          without.push((await benchmark(executions)).ms);
          const client = await stalledClient(url);
          withClient.push((await benchmark(executions)).ms);
          const st = stream.stats();
          states.push(
            `${st.queued} queued, ${Math.round(st.bufferedBytes / 1024)} KiB unsent in the socket, ${st.overflows} overflow(s) so far`,
          );
          client.ws.terminate();
          await client.closed;
        }
        const base = Math.min(...without);
        const loaded = Math.min(...withClient);
        console.log(
          `      throughput, chain of 50 std.noop x${executions} (${tasks} tasks, ~${(tasks * 2 + executions * 2) * 2} messages per run):\n` +
            `        without a client:            ${without.map(rate).join(', ')}\n` +
            `        with a client never reading: ${withClient.map(rate).join(', ')}\n` +
            `        the stream after each run:   ${states.join('; ')}\n` +
            `        ratio (best with / best without): ${(loaded / base).toFixed(2)}`,
        );
        expect(loaded).to.be.below(base * 3);
      } finally {
        await stream.close();
        await new Promise((resolve) => httpServer.close(resolve));
      }
    });
  });

  describe('authentication and shutdown', () => {
    let secured: RunningServer;
    let securedUrl: string;

    before(async () => {
      secured = await startServer(
        loadConfig({ port: 0, db: path.join(dir, 'secured.db'), logLevel: 'silent', authTokens: ['s3cret'] }),
      );
      securedUrl = secured.url.replace('http', 'ws') + '/v2/ws';
    });

    after(async () => {
      await secured?.close();
    });

    it('refuses an upgrade without a valid token with HTTP 401', async () => {
      expect(await upgradeStatus(securedUrl)).to.equal(401);
      expect(await upgradeStatus(securedUrl, { headers: { 'X-Auth-Token': 'wrong' } })).to.equal(401);
      expect(await upgradeStatus(`${securedUrl}?token=wrong`)).to.equal(401);
    });

    it('accepts the token as X-Auth-Token, Authorization: Bearer or ?token=', async () => {
      for (const [url, headers] of [
        [securedUrl, { 'X-Auth-Token': 's3cret' }],
        [securedUrl, { Authorization: 'Bearer s3cret' }],
        [`${securedUrl}?token=s3cret`, {}],
      ] as const) {
        const client = await Client.open(url, { headers });
        expect((await client.request({ action: 'ping', request_id: 1 })).status).to.equal(200);
        await client.close();
      }
    });

    it('refuses other paths (404) and, without tokens, browser pages of other origins (403)', async () => {
      expect(await upgradeStatus(server.url.replace('http', 'ws') + '/v2/other')).to.equal(404);
      expect(await upgradeStatus(wsUrl, { origin: 'http://evil.example' })).to.equal(403);
      const sameOrigin = await Client.open(wsUrl, { origin: server.url });
      expect((await sameOrigin.request({ action: 'ping', request_id: 1 })).status).to.equal(200);
    });

    it('closes open connections with 1001 when the server shuts down', async () => {
      const other = await startServer(
        loadConfig({ port: 0, db: path.join(dir, 'shutdown.db'), logLevel: 'silent' }),
      );
      const client = await Client.open(other.url.replace('http', 'ws') + '/v2/ws');
      await other.close();
      await client.closed;
      expect(client.closeCode).to.equal(1001);
      open.delete(client);
    });
  });

  describe('SendQueue', () => {
    /** A socket whose buffered amount the test controls; writes complete when `flush` is called. */
    function fakeSink() {
      const sent: string[] = [];
      const callbacks: (() => void)[] = [];
      const sink: Sink & { buffered: number } = {
        buffered: 0,
        readyState: WebSocket.OPEN,
        get bufferedAmount() {
          return this.buffered;
        },
        send(data, cb) {
          sent.push(data);
          callbacks.push(() => cb());
        },
      };
      const flush = () => {
        sink.buffered = 0;
        for (const cb of callbacks.splice(0)) cb();
      };
      return { sink, sent, flush };
    }

    it('holds messages while the socket is full and sends them in order as writes complete', () => {
      const { sink, sent, flush } = fakeSink();
      const q = new SendQueue(sink, { maxBufferedBytes: 100, maxQueuedMessages: 10 }, () => {
        throw new Error('no overflow expected');
      });
      q.push('a');
      sink.buffered = 100;
      q.push('b');
      q.push('c');
      expect(sent).to.deep.equal(['a']);
      expect(q.length).to.equal(2);
      flush();
      expect(sent).to.deep.equal(['a', 'b', 'c']);
      expect(q.length).to.equal(0);
    });

    it('reports an overflow once when more than maxQueuedMessages wait, and drops the rest', () => {
      const { sink, sent } = fakeSink();
      let overflows = 0;
      const q = new SendQueue(sink, { maxBufferedBytes: 1, maxQueuedMessages: 3 }, () => (overflows += 1));
      sink.buffered = 1;
      const accepted = ['a', 'b', 'c', 'd', 'e'].map((m) => q.push(m));
      expect(accepted).to.deep.equal([true, true, true, false, false]);
      expect(overflows).to.equal(1);
      expect(sent).to.deep.equal([]);
      expect(q.length).to.equal(0);
    });
  });
});
