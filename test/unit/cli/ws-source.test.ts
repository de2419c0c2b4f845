/**
 * The WebSocket event source of `tram execution watch` (cli/client/ws-source.ts, ws-changes.ts,
 * source-factory.ts): the pure mapping of a `state_change` message to a `StateChange` and the sequence ordering,
 * then the source against a real server in this process: a replayed execution matches the engine's own events
 * (with the failures' reasons read from the REST API), a dropped connection is resumed with every change exactly
 * once, errors come back as `ClientError`s, the token is sent, and a server without `/v2/ws` is polled instead.
 *
 * The stream under test is attached to its own HTTP server (the REST app plus `attachStateStream` on the same
 * engine), so that the test can see and cut its sockets.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { createApp, startServer, type RunningServer } from '../../../api/index.js';
import { attachStateStream, type StreamServer } from '../../../api/ws/index.js';
import { ClientError, HttpClient, TramApi, type StateChange } from '../../../cli/client/index.js';
import { openEventSource } from '../../../cli/client/source-factory.js';
import {
  parseStateChange,
  SequenceOrder,
  toStateChange,
  type WireStateChange,
} from '../../../cli/client/ws-changes.js';
import { NoStreamError, WebSocketEventSource } from '../../../cli/client/ws-source.js';
import { loadConfig } from '../../../config/index.js';

const WORKFLOWS = `
version: '2.0'
ws_src_boom:
  tasks:
    t1:
      action: std.noop
      on-success: [t2]
    t2:
      action: std.fail
ws_src_gated:
  tasks:
    a:
      action: std.noop
      on-success: [gate]
    gate:
      action: std.async_noop
      on-success: [b]
    b:
      action: std.noop
      on-success: [c]
    c:
      action: std.echo output="c"
ws_src_long:
  tasks:
${Array.from({ length: 12 }, (_, i) => `    s${i}:\n      action: std.sleep seconds=0.03${i < 11 ? `\n      on-success: [s${i + 1}]` : ''}`).join('\n')}
`;

function wire(over: Partial<WireStateChange>): WireStateChange {
  return {
    entity: 'task',
    id: 'task-1',
    identifier: 't1',
    execution_id: 'ex-1',
    state: 'RUNNING',
    previous_state: null,
    sequence: 1,
    timestamp: '2026-11-23T12:31:02.114Z',
    ...over,
  };
}

/** `EVENT name` of each change. */
const lines = (changes: StateChange[]) => changes.map((c) => `${c.event} ${c.name}`);

describe('cli: WebSocket event source, pure parts', () => {
  it('maps a state_change to a StateChange: name from identifier, Mistral event from the transition', () => {
    expect(toStateChange(wire({}))).to.deep.equal({
      entity: 'task',
      id: 'task-1',
      name: 't1',
      state: 'RUNNING',
      previousState: null,
      stateInfo: null,
      event: 'TASK_LAUNCHED',
    });
    const cases: [Partial<WireStateChange>, string | null][] = [
      [{ state: 'SUCCESS', previous_state: 'RUNNING' }, 'TASK_SUCCEEDED'],
      [{ state: 'ERROR', previous_state: 'RUNNING' }, 'TASK_FAILED'],
      [{ state: 'RUNNING', previous_state: 'ERROR' }, 'TASK_RERUN'],
      [{ state: 'RUNNING', previous_state: 'WAITING' }, 'TASK_RESUMED'],
      [{ state: 'SKIPPED', previous_state: 'ERROR' }, 'TASK_SKIPPED'],
      [{ state: 'DELAYED', previous_state: 'RUNNING' }, null],
      [{ entity: 'execution', state: 'RUNNING', previous_state: 'IDLE' }, 'WORKFLOW_LAUNCHED'],
      [{ entity: 'execution', state: 'RUNNING', previous_state: 'PAUSED' }, 'WORKFLOW_RESUMED'],
      [{ entity: 'execution', state: 'RUNNING', previous_state: 'ERROR' }, 'WORKFLOW_RERUN'],
      [{ entity: 'execution', state: 'CANCELLED', previous_state: 'RUNNING' }, 'WORKFLOW_CANCELLED'],
      [{ entity: 'execution', state: 'ERROR', previous_state: 'RUNNING' }, 'WORKFLOW_FAILED'],
    ];
    for (const [over, event] of cases)
      expect(toStateChange(wire(over)).event, JSON.stringify(over)).to.equal(event);
    const failed = toStateChange(
      wire({ entity: 'execution', id: 'ex-1', identifier: 'wb.wf', state: 'ERROR' }),
      'boom',
    );
    expect(failed).to.include({ entity: 'execution', name: 'wb.wf', stateInfo: 'boom' });
  });

  it('reads the message data, with the entity aliases, and refuses what is not a state change', () => {
    const data = { ...wire({ sequence: 3 }), entity: 'step' };
    expect(parseStateChange(data)).to.deep.equal(wire({ sequence: 3 }));
    expect(parseStateChange({ ...data, entity: 'flow' })?.entity).to.equal('execution');
    expect(parseStateChange({ ...data, identifier: null })?.identifier).to.equal(null);
    expect(toStateChange(parseStateChange({ ...data, identifier: null })!).name).to.equal('task-1');
    for (const bad of [
      null,
      'x',
      { ...data, entity: 'action' },
      { ...data, sequence: '3' },
      { ...data, id: 1 },
    ]) {
      expect(parseStateChange(bad), JSON.stringify(bad)).to.equal(null);
    }
  });

  it('releases events in sequence order, each once, holding those that arrive early', () => {
    const order = new SequenceOrder<{ sequence: number }>();
    const seq = (n: number) => ({ sequence: n });
    expect(order.add(seq(2))).to.equal(true);
    expect(order.release()).to.deep.equal([]);
    expect(order.add(seq(2)), 'held already').to.equal(false);
    order.add(seq(1));
    order.add(seq(4));
    expect(order.release()).to.deep.equal([seq(1), seq(2)]);
    expect(order.released).to.equal(2);
    expect(order.waiting).to.equal(1);
    expect(order.add(seq(1)), 'released already').to.equal(false);
    order.add(seq(3));
    expect(order.release()).to.deep.equal([seq(3), seq(4)]);
    expect(order.released).to.equal(4);
  });
});

describe('cli: WebSocket event source against a server', function () {
  this.timeout(30_000);
  let dir: string;
  let server: RunningServer;
  let httpServer: http.Server;
  let stream: StreamServer;
  let api: TramApi;
  /** The server side of every stream connection, in order: cutting them drops the client. */
  const sockets: Duplex[] = [];

  // Quick reconnections; pings often enough that some are sent and answered during a test.
  const fast = { reconnectDelaysMs: [10, 20, 40, 80, 160, 320], pingIntervalMs: 20, pongTimeoutMs: 2000 };

  async function listen(s: http.Server): Promise<string> {
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  }

  /** The changes a source yields for an execution; `onBatch` sees each batch as it comes. */
  async function collect(
    source: WebSocketEventSource | ReturnType<typeof openEventSource>,
    id: string,
    onBatch: (batch: StateChange[], all: StateChange[]) => void | Promise<void> = () => undefined,
  ): Promise<StateChange[]> {
    const all: StateChange[] = [];
    for await (const batch of source.changes(id)) {
      all.push(...batch);
      await onBatch(batch, all);
    }
    return all;
  }

  /** The engine's own events for an execution, as `EVENT name` lines and entity ids. */
  async function stored(id: string): Promise<{ lines: string[]; ids: string[] }> {
    const events = await server.engine.readEvents({ executionId: id, limit: 10_000 });
    return {
      lines: events.map((e) => `${e.eventType} ${String(e.payload.name)}`),
      ids: events.map((e) => e.entityId),
    };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-ws-source-'));
    server = await startServer(
      loadConfig({ port: 0, db: path.join(dir, 'tram.db'), logLevel: 'silent' }, {}),
    );
    await server.engine.load(WORKFLOWS);
    httpServer = http.createServer(createApp(server.context, pino({ level: 'silent' })));
    stream = attachStateStream(httpServer, server.context);
    httpServer.on('upgrade', (_req, socket: Duplex) => sockets.push(socket));
    api = new TramApi(new HttpClient({ url: await listen(httpServer) }));
  });

  after(async () => {
    await stream?.close();
    if (httpServer) await new Promise((resolve) => httpServer.close(resolve));
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replays a finished execution like the engine recorded it, with the reasons of the failures', async () => {
    const ex = await server.engine.startExecution({ workflow: 'ws_src_boom' });
    await server.engine.waitFor(ex.id);
    const before = sockets.length;
    const changes = await collect(new WebSocketEventSource(api), ex.id);
    expect(sockets.length - before, 'one connection').to.equal(1);
    const want = await stored(ex.id);
    expect(lines(changes)).to.deep.equal(want.lines);
    expect(lines(changes)).to.deep.equal([
      'WORKFLOW_LAUNCHED ws_src_boom',
      'TASK_LAUNCHED t1',
      'TASK_SUCCEEDED t1',
      'TASK_LAUNCHED t2',
      'TASK_FAILED t2',
      'WORKFLOW_FAILED ws_src_boom',
    ]);
    expect(changes.map((c) => c.id)).to.deep.equal(want.ids);
    const t2 = (await server.engine.listTasks(ex.id)).find((t) => t.name === 't2')!;
    expect(changes[4]).to.include({ entity: 'task', id: t2.id, state: 'ERROR', previousState: 'RUNNING' });
    expect(changes[4]!.stateInfo).to.be.a('string').and.not.equal('');
    expect(changes[5]!.stateInfo).to.be.a('string').and.match(/t2/);
    expect(changes.slice(0, 4).map((c) => c.stateInfo)).to.deep.equal([null, null, null, null]);
  });

  it('resumes after a drop mid-stream: each change exactly once, also those made while disconnected', async () => {
    const ex = await server.engine.startExecution({ workflow: 'ws_src_gated' });
    const before = sockets.length;
    let dropped = false;
    const changes = await collect(new WebSocketEventSource(api, fast), ex.id, async (batch) => {
      if (dropped || !batch.some((c) => c.name === 'gate' && c.event === 'TASK_LAUNCHED')) return;
      dropped = true;
      for (const s of sockets.slice(before)) s.destroy();
      // The rest of the execution happens while the client is disconnected.
      const gate = (await server.engine.listTasks(ex.id)).find((t) => t.name === 'gate')!;
      const [action] = await server.engine.listActionExecutions(gate.id);
      await server.engine.completeAction(action!.id, { state: 'SUCCESS', output: null });
      await server.engine.waitFor(ex.id);
    });
    expect(dropped).to.equal(true);
    expect(sockets.length - before, 'reconnected once').to.equal(2);
    const want = await stored(ex.id);
    expect(lines(changes)).to.deep.equal(want.lines);
    expect(changes.map((c) => c.id)).to.deep.equal(want.ids);
    expect(lines(changes).at(-1)).to.equal('WORKFLOW_SUCCEEDED ws_src_gated');
  });

  it('survives a drop after every batch, during the replay and live', async () => {
    const ex = await server.engine.startExecution({ workflow: 'ws_src_long' });
    const before = sockets.length;
    let drops = 0;
    const changes = await collect(new WebSocketEventSource(api, fast), ex.id, () => {
      const last = sockets.at(-1);
      if (sockets.length > before && last && !last.destroyed) {
        last.destroy();
        drops += 1;
      }
    });
    expect(drops).to.be.greaterThan(2);
    const want = await stored(ex.id);
    expect(want.lines).to.have.length(26);
    expect(lines(changes)).to.deep.equal(want.lines);
    expect(changes.map((c) => c.id)).to.deep.equal(want.ids);
  });

  it('treats a connection that stops answering its pings as lost, and resumes on a new one', async () => {
    const ex = await server.engine.startExecution({ workflow: 'ws_src_gated' });
    const before = sockets.length;
    let stalled: Duplex | undefined;
    let gateDone: Promise<void> = Promise.resolve();
    const source = new WebSocketEventSource(api, { ...fast, pingIntervalMs: 20, pongTimeoutMs: 100 });
    const changes = await collect(source, ex.id, (batch) => {
      if (stalled || !batch.some((c) => c.name === 'gate' && c.event === 'TASK_LAUNCHED')) return;
      // The server stops reading: the client's pings go unanswered, though the socket stays open. The gate
      // opens once the client has given up on that connection and opened another.
      stalled = sockets[before]!;
      stalled.pause();
      gateDone = (async () => {
        for (let i = 0; sockets.length - before < 2; i++) {
          if (i > 300) throw new Error('the client never gave up on the stalled connection');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const gate = (await server.engine.listTasks(ex.id)).find((t) => t.name === 'gate')!;
        const [action] = await server.engine.listActionExecutions(gate.id);
        await server.engine.completeAction(action!.id, { state: 'SUCCESS', output: null });
      })();
    });
    await gateDone;
    stalled?.destroy();
    expect(sockets.length - before, 'reconnected once').to.equal(2);
    const want = await stored(ex.id);
    expect(lines(changes)).to.deep.equal(want.lines);
    expect(changes.map((c) => c.id)).to.deep.equal(want.ids);
  });

  it('ends when the signal aborts, closing its connection', async () => {
    const ex = await server.engine.startExecution({ workflow: 'ws_src_gated' });
    const ac = new AbortController();
    const before = sockets.length;
    const all: StateChange[] = [];
    for await (const batch of new WebSocketEventSource(api).changes(ex.id, ac.signal)) {
      all.push(...batch);
      if (all.some((c) => c.name === 'gate')) ac.abort();
    }
    expect(lines(all)).to.include('TASK_LAUNCHED gate');
    const socket = sockets[before]!;
    if (!socket.destroyed) await new Promise((resolve) => socket.once('close', resolve));
  });

  it('throws the client error of the server’s answer for an unknown execution', async () => {
    const err = await collect(new WebSocketEventSource(api), 'no-such-id').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ClientError);
    expect(err).to.include({ code: 'HTTP_STATUS', status: 404 });
    expect((err as Error).message).to.match(/^404 .*no-such-id/);
  });

  it('sends the REST client’s token; a missing one is a 401', async () => {
    const secured = await startServer(
      loadConfig(
        { port: 0, db: path.join(dir, 'secured.db'), logLevel: 'silent', authTokens: ['s3cret'] },
        {},
      ),
    );
    try {
      await secured.engine.load(WORKFLOWS);
      const ex = await secured.engine.startExecution({ workflow: 'ws_src_boom' });
      const withToken = new TramApi(new HttpClient({ url: secured.url, token: 's3cret' }));
      expect(lines(await collect(new WebSocketEventSource(withToken), ex.id)).at(-1)).to.equal(
        'WORKFLOW_FAILED ws_src_boom',
      );
      const anonymous = new TramApi(new HttpClient({ url: secured.url }));
      const err = await collect(new WebSocketEventSource(anonymous), ex.id).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ClientError);
      expect(err).to.include({ status: 401 });
      expect((err as Error).message).to.match(/^401 authentication required/);
    } finally {
      await secured.close();
    }
  });

  it('falls back to polling a server whose /v2/ws answers 404', async () => {
    const old = http.createServer(createApp(server.context, pino({ level: 'silent' })));
    const oldApi = new TramApi(new HttpClient({ url: await listen(old) }));
    try {
      const ex = await server.engine.startExecution({ workflow: 'ws_src_boom' });
      const err = await collect(new WebSocketEventSource(oldApi), ex.id).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(NoStreamError);
      const changes = await collect(openEventSource(oldApi), ex.id);
      expect(lines(changes).at(-1)).to.equal('WORKFLOW_FAILED ws_src_boom');
      expect(lines(changes)).to.include('TASK_FAILED t2');
    } finally {
      await new Promise((resolve) => old.close(resolve));
    }
  });
});
