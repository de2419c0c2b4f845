/**
 * Durable delivery under faults, against real services (a local HTTP receiver, RabbitMQ): nothing committed is
 * ever lost.
 *
 * - kill -9 of the server (a child process) while more than 200 events wait for an HTTP listener and for an AMQP
 *   listener (the receivers refuse them at first: HTTP 503, and an exchange with no queue bound), then restart on
 *   the same SQLite file; a second kill -9 while the backlog drains, with sends and confirms in flight; a third
 *   start finishes the job. Every event arrives at least once on both transports, a delivery id always carries
 *   the same event, and each execution's `sequence` numbers arrive complete.
 * - `rabbitmqctl stop_app` / `start_app` while an AMQP listener is being fed continuously: every event reaches the
 *   (durable) queue once the broker is back.
 *
 * RabbitMQ must be reachable at TRAM_TEST_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672) and `rabbitmqctl`
 * on the PATH: without them these tests fail, they never skip.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { expect } from 'chai';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../api/index.js';
import { loadConfig } from '../../config/index.js';
import type { OutboxEvent } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, '../fixtures/delivery-child.ts');
const AMQP_URL = process.env.TRAM_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const run = promisify(execFile);

// ---- helpers

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function chainWorkbook(name: string, tasks: number): string {
  const lines = [`version: '2.0'`, `name: ${name}`, `workflows:`, `  chain:`, `    tasks:`];
  for (let i = 0; i < tasks; i++) {
    lines.push(`      t${i}:`, `        action: std.noop`);
    if (i + 1 < tasks) lines.push(`        on-success: t${i + 1}`);
  }
  return lines.join('\n') + '\n';
}

async function connectBroker(): Promise<ChannelModel> {
  let conn: ChannelModel;
  try {
    conn = await connect(AMQP_URL, { timeout: 5000 });
  } catch (err) {
    throw new Error(
      `RabbitMQ is unreachable at ${AMQP_URL} (${err instanceof Error ? err.message || err.name : String(err)}): ` +
        'the delivery fault tests need a running broker',
    );
  }
  // A broker going away (stop_app) must not crash the test process.
  conn.on('error', () => undefined);
  return conn;
}

async function rabbitmqctl(...args: string[]): Promise<void> {
  try {
    await run('rabbitmqctl', args, { timeout: 60_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

interface Child {
  url: string;
  process: ChildProcess;
  /** kill -9, resolved once the process is gone. */
  kill(): Promise<void>;
}

/** Starts the fixture server on `db`; resolves once it listens. */
function startChild(db: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, '0', AMQP_URL], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^LISTENING (\S+)$/m.exec(stdout);
      if (!m?.[1]) return;
      resolve({
        url: m[1],
        process: child,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`the server child exited early (${code ?? signal}): ${stderr || stdout}`)),
    );
  });
}

async function api<T = Record<string, unknown>>(
  base: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const text = typeof body === 'string';
  const res = await fetch(`${base}/v2${route}`, {
    method,
    headers: { 'content-type': text ? 'text/plain' : 'application/json' },
    ...(body === undefined ? {} : { body: text ? body : JSON.stringify(body) }),
  });
  const out = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${JSON.stringify(out)}`);
  return out;
}

/** One message as a receiver saw it: the delivery id (webhook-id / AMQP messageId) and the event it names. */
interface Receipt {
  deliveryId: string;
  eventId: number;
  sequence: number;
  executionId: string;
  eventType: string;
}

function receiptOf(deliveryId: unknown, executionId: unknown, body: string): Receipt | { invalid: string } {
  try {
    const b = JSON.parse(body) as Record<string, unknown>;
    if (
      typeof deliveryId !== 'string' ||
      typeof executionId !== 'string' ||
      typeof b.event_id !== 'number' ||
      typeof b.sequence !== 'number' ||
      typeof b.event !== 'string'
    )
      return { invalid: `incomplete message: ids ${String(deliveryId)} ${String(executionId)}, ${body}` };
    return { deliveryId, eventId: b.event_id, sequence: b.sequence, executionId, eventType: b.event };
  } catch {
    return { invalid: `unparsable body: ${body.slice(0, 200)}` };
  }
}

/** A webhook receiver that refuses (503), answers slowly, or accepts. */
class HttpReceiver {
  mode: { kind: 'fail' } | { kind: 'ok'; delayMs: number } = { kind: 'fail' };
  /** Accepted (2xx) messages. */
  readonly accepted: Receipt[] = [];
  /** Every request seen, refused ones included (for the id ↔ event check). */
  readonly seen: Receipt[] = [];
  readonly invalid: string[] = [];
  refused = 0;
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = receiptOf(
          req.headers['webhook-id'],
          req.headers['x-tram-execution-id'],
          Buffer.concat(chunks).toString('utf8'),
        );
        if ('invalid' in r) {
          this.invalid.push(r.invalid);
          res.writeHead(400).end();
          return;
        }
        this.seen.push(r);
        const mode = this.mode;
        if (mode.kind === 'fail') {
          this.refused++;
          res.writeHead(503).end('not yet');
          return;
        }
        setTimeout(() => {
          this.accepted.push(r);
          res.writeHead(204).end();
        }, mode.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** Collects the messages of a queue (acking each once recorded). */
class QueueCollector {
  readonly received: Receipt[] = [];
  readonly invalid: string[] = [];
  private ch: Channel | null = null;

  constructor(
    private readonly conn: ChannelModel,
    readonly queue: string,
  ) {}

  async start(): Promise<void> {
    const ch = await this.conn.createChannel();
    ch.on('error', () => undefined);
    await ch.prefetch(500);
    await ch.consume(this.queue, (m: ConsumeMessage | null) => {
      if (!m) return;
      const headers = (m.properties.headers ?? {}) as Record<string, unknown>;
      const r = receiptOf(m.properties.messageId, headers['x-tram-execution-id'], m.content.toString('utf8'));
      if ('invalid' in r) this.invalid.push(r.invalid);
      else this.received.push(r);
      ch.ack(m);
    });
    this.ch = ch;
  }

  async stop(): Promise<void> {
    await this.ch?.close().catch(() => undefined);
    this.ch = null;
  }
}

interface Verdict {
  complete: boolean;
  problems: string[];
  duplicates: number;
}

/**
 * Checks what a receiver got against the outbox: every event at least once; a delivery id always names the same
 * event, and an event has one delivery id (what receivers dedupe on); each execution's sequence numbers are
 * exactly 1..n; each message's sequence and execution are the event's own.
 */
function verdict(label: string, events: OutboxEvent[], got: Receipt[], seen: Receipt[] = got): Verdict {
  const problems: string[] = [];
  const byId = new Map(events.map((e) => [e.id, e]));
  const eventOfDelivery = new Map<string, number>();
  const deliveryOfEvent = new Map<number, string>();
  for (const r of seen) {
    const first = eventOfDelivery.get(r.deliveryId);
    if (first === undefined) eventOfDelivery.set(r.deliveryId, r.eventId);
    else if (first !== r.eventId)
      problems.push(`${label}: delivery ${r.deliveryId} carried event ${first} and then event ${r.eventId}`);
    const d = deliveryOfEvent.get(r.eventId);
    if (d === undefined) deliveryOfEvent.set(r.eventId, r.deliveryId);
    else if (d !== r.deliveryId)
      problems.push(`${label}: event ${r.eventId} came with two delivery ids, ${d} and ${r.deliveryId}`);
    const ev = byId.get(r.eventId);
    if (!ev) problems.push(`${label}: event ${r.eventId} is not in the outbox`);
    else if (ev.sequence !== r.sequence || ev.executionId !== r.executionId || ev.eventType !== r.eventType)
      problems.push(
        `${label}: event ${r.eventId} arrived as ${r.executionId}#${r.sequence} ${r.eventType}, ` +
          `the outbox has ${ev.executionId}#${ev.sequence} ${ev.eventType}`,
      );
  }
  const seqs = new Map<string, Set<number>>();
  for (const r of got) {
    let s = seqs.get(r.executionId);
    if (!s) seqs.set(r.executionId, (s = new Set()));
    s.add(r.sequence);
  }
  const expected = new Map<string, number>();
  for (const e of events) expected.set(e.executionId, (expected.get(e.executionId) ?? 0) + 1);
  let complete = true;
  for (const [exec, n] of expected) {
    const s = seqs.get(exec) ?? new Set<number>();
    const missing = Array.from({ length: n }, (_, i) => i + 1).filter((q) => !s.has(q));
    const extra = [...s].filter((q) => q < 1 || q > n);
    if (missing.length) {
      complete = false;
      problems.push(
        `${label}: execution ${exec} is missing sequence numbers ${missing.join(', ')} of 1..${n}`,
      );
    }
    if (extra.length)
      problems.push(`${label}: execution ${exec} got sequence numbers ${extra.join(', ')} > ${n}`);
  }
  for (const exec of seqs.keys())
    if (!expected.has(exec)) problems.push(`${label}: messages for unknown execution ${exec}`);
  const gotIds = new Set(got.map((r) => r.eventId));
  const lost = events.filter((e) => !gotIds.has(e.id)).length;
  if (lost) complete = false;
  return { complete, problems, duplicates: got.length - gotIds.size };
}

async function waitFor(
  what: string,
  timeoutMs: number,
  done: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Summarises a verdict for an assertion message (the first problems, and how many). */
function report(v: Verdict): string {
  return v.problems.length <= 15
    ? v.problems.join('\n')
    : `${v.problems.slice(0, 15).join('\n')}\n... and ${v.problems.length - 15} more`;
}

// ---- the tests

describe('delivery under faults (real RabbitMQ)', function () {
  this.timeout(180_000);
  let dir: string;
  let conn: ChannelModel;
  const tag = randomUUID().slice(0, 8);
  const exchanges: string[] = [];
  const queues: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-delivery-faults-'));
    conn = await connectBroker();
  });

  after(async () => {
    // A fresh connection: the RabbitMQ restart closed the first one.
    const c = await connectBroker().catch(() => null);
    if (c) {
      const ch = await c.createChannel();
      ch.on('error', () => undefined);
      for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
      for (const x of exchanges) await ch.deleteExchange(x).catch(() => undefined);
      await c.close().catch(() => undefined);
    }
    await conn?.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('kill -9 of the server with 200+ events queued per listener', () => {
    const EXECUTIONS = 15;
    const TASKS = 10; // 2 * TASKS + 2 = 22 events per execution, 330 in all
    const receiver = new HttpReceiver();
    const children: Child[] = [];

    after(async () => {
      for (const c of children) await c.kill();
      await receiver.stop();
    });

    it('delivers every event at least once over HTTP and AMQP after restarts', async () => {
      const db = path.join(dir, 'kill.db');
      const exchange = `tram.test.faults.${tag}`;
      const queue = `${exchange}.q`;
      exchanges.push(exchange);
      queues.push(queue);
      await receiver.start();
      const ch = await conn.createChannel();
      await ch.assertExchange(exchange, 'topic', { durable: true });
      await ch.assertQueue(queue, { durable: true });
      await ch.purgeQueue(queue);
      // Not bound yet: the broker returns every publish (unroutable), so the AMQP backlog is real.

      // 1. A server whose receivers both refuse: the backlog builds up.
      const first = await startChild(db);
      children.push(first);
      await api(first.url, 'POST', '/workbooks', chainWorkbook('faults', TASKS));
      // Long enough to outlive the refusals and two restarts; short first steps so attempts happen early.
      const retry = [0.2, 0.3, 0.5, 1, 1, 2, 2, 2, 3, 3, 3, 5, 5, 5, 5, 10, 10, 10, 10, 10];
      const hook = await api<{ id: string }>(first.url, 'POST', '/listeners', {
        name: 'faults-http',
        scope: { workbook: 'faults' },
        transport: { type: 'http', url: receiver.url },
        retry,
      });
      const mq = await api<{ id: string }>(first.url, 'POST', '/listeners', {
        name: 'faults-amqp',
        scope: { workbook: 'faults' },
        transport: { type: 'amqp', exchange },
        retry,
      });
      const ids = await Promise.all(
        Array.from({ length: EXECUTIONS }, async () => {
          const ex = await api<{ id: string }>(first.url, 'POST', '/executions', {
            workflow_name: 'faults.chain',
          });
          return ex.id;
        }),
      );
      await waitFor('the executions to finish', 30_000, async () => {
        const states = await Promise.all(
          ids.map(async (id) => (await api<{ state: string }>(first.url, 'GET', `/executions/${id}`)).state),
        );
        return states.every((s) => s === 'SUCCESS');
      });
      // Both listeners have tried and failed (every HTTP queue head was refused at least once).
      await waitFor('refused attempts on both listeners', 20_000, async () => {
        const [h, a] = await Promise.all([
          api<{ health: { last_failure_at: string | null } }>(first.url, 'GET', `/listeners/${hook.id}`),
          api<{ health: { last_failure_at: string | null } }>(first.url, 'GET', `/listeners/${mq.id}`),
        ]);
        return (
          receiver.refused >= EXECUTIONS &&
          h.health.last_failure_at !== null &&
          a.health.last_failure_at !== null
        );
      });
      await first.kill();

      // 2. What the crash left: every event committed, 200+ queued for each listener.
      const store = new SqliteStore({ path: db });
      let events: OutboxEvent[];
      try {
        events = await store.readEvents({ limit: 1_000_000 });
        expect(events).to.have.length(EXECUTIONS * (2 * TASKS + 2));
        const pending = await store.delivery.countPending([hook.id, mq.id]);
        const cursor = await store.delivery.fanOutCursor();
        const unfanned = events.filter((e) => e.id > cursor).length;
        const queuedHttp = (pending[hook.id] ?? 0) + unfanned;
        const queuedAmqp = (pending[mq.id] ?? 0) + unfanned;
        expect(queuedHttp, 'events queued for the HTTP listener at the kill').to.be.at.least(200);
        expect(queuedAmqp, 'events queued for the AMQP listener at the kill').to.be.at.least(200);
        const amqpAttempts = await store.delivery.listAttempts({ listenerIds: [mq.id], limit: 100_000 });
        expect(amqpAttempts.map((a) => a.code)).to.include('unroutable');
        expect(receiver.accepted).to.have.length(0);
      } finally {
        await store.close();
      }

      // 3. The receivers recover (HTTP slowly, so the next kill finds sends in flight); restart, kill again
      // while the backlog drains.
      receiver.mode = { kind: 'ok', delayMs: 15 };
      await ch.bindQueue(queue, exchange, '#');
      const collector = new QueueCollector(conn, queue);
      await collector.start();
      const second = await startChild(db);
      children.push(second);
      await waitFor(
        'the HTTP backlog to start draining',
        30_000,
        () => receiver.accepted.length >= events.length / 3,
      );
      await second.kill();
      const midHttp = new Set(receiver.accepted.map((r) => r.eventId)).size;
      expect(midHttp, 'the second kill must interrupt the HTTP drain').to.be.below(events.length);

      // 4. The last start delivers the rest.
      const third = await startChild(db);
      children.push(third);
      try {
        await waitFor('every event at the HTTP receiver and in the queue', 60_000, () => {
          return (
            verdict('http', events, receiver.accepted).complete &&
            verdict('amqp', events, collector.received).complete
          );
        });
      } catch (err) {
        const h = verdict('http', events, receiver.accepted, receiver.seen);
        const a = verdict('amqp', events, collector.received);
        throw new Error(`${(err as Error).message}\n${report(h)}\n${report(a)}`);
      }
      await sleep(300); // late duplicates, if any, must also be consistent
      await collector.stop();
      await ch.close();
      await third.kill();

      expect(receiver.invalid, 'malformed webhooks').to.deep.equal([]);
      expect(collector.invalid, 'malformed AMQP messages').to.deep.equal([]);
      const h = verdict('http', events, receiver.accepted, receiver.seen);
      const a = verdict('amqp', events, collector.received);
      expect(h.problems, report(h)).to.deep.equal([]);
      expect(a.problems, report(a)).to.deep.equal([]);
      expect(h.complete && a.complete).to.equal(true);
    });
  });

  describe('RabbitMQ restart while publishing', () => {
    let server: RunningServer | null = null;

    after(async () => {
      // Whatever happened, give the broker back.
      await rabbitmqctl('start_app').catch(() => undefined);
      await rabbitmqctl('await_startup').catch(() => undefined);
      await server?.close();
    });

    it('gets every event into the durable queue once the broker is back', async () => {
      const exchange = `tram.test.restart.${tag}`;
      const queue = `${exchange}.q`;
      exchanges.push(exchange);
      queues.push(queue);
      const setup = await conn.createChannel();
      await setup.assertExchange(exchange, 'topic', { durable: true });
      await setup.assertQueue(queue, { durable: true });
      await setup.purgeQueue(queue);
      await setup.bindQueue(queue, exchange, '#');
      await setup.close();

      server = await startServer(
        loadConfig({
          db: path.join(dir, 'restart.db'),
          host: '127.0.0.1',
          port: 0,
          amqpUrl: AMQP_URL,
          egressAllowPrivate: true,
        }),
        pino({ level: 'silent' }),
      );
      const s = server;
      await api(s.url, 'POST', '/workbooks', chainWorkbook('restart', 5));
      const listener = await api<{ id: string }>(s.url, 'POST', '/listeners', {
        name: 'restart-amqp',
        scope: { workbook: 'restart' },
        transport: { type: 'amqp', exchange },
        retry: [0.2, 0.5, 1, 2, 5, 10],
      });

      // A steady stream: one 12-event execution every 40 ms while the broker goes away and comes back.
      const started: string[] = [];
      let feeding = true;
      const feed = (async () => {
        while (feeding) {
          const ex = await s.engine.startExecution({ workflow: 'restart.chain' });
          started.push(ex.id);
          await sleep(40);
        }
      })();
      await sleep(1500);
      const t0 = Date.now();
      await rabbitmqctl('stop_app');
      const stoppedAfter = Date.now() - t0;
      await sleep(3000);
      await rabbitmqctl('start_app');
      await rabbitmqctl('await_startup');
      const downMs = Date.now() - t0;
      await sleep(1500);
      feeding = false;
      await feed;
      await Promise.all(started.map((id) => s.engine.waitFor(id)));

      const store = s.engine.store;
      await waitFor('the AMQP backlog to drain', 60_000, async () => {
        const pending = await store.delivery.countPending([listener.id]);
        return (pending[listener.id] ?? 0) === 0;
      });
      const failed = await store.delivery.listDeliveries({ listenerId: listener.id, state: 'failed' });
      const attempts = await store.delivery.listAttempts({ listenerIds: [listener.id], limit: 1_000_000 });
      const refused = attempts.filter((a) => a.code !== 'success');
      expect(
        refused.length,
        `the broker restart (stop_app took ${stoppedAfter} ms, down ${downMs} ms) must hit publishes`,
      ).to.be.greaterThan(0);
      expect(
        failed.map((d) => d.eventId),
        `deliveries given up: ${JSON.stringify(refused.slice(-5).map((a) => `${a.code}: ${a.message}`))}`,
      ).to.deep.equal([]);

      const events = (await store.readEvents({ limit: 1_000_000 })).filter((e) =>
        started.includes(e.rootExecutionId),
      );
      expect(events.length).to.equal(started.length * 12);
      const c = await connectBroker();
      try {
        const collector = new QueueCollector(c, queue);
        await collector.start();
        try {
          await waitFor(
            'every event in the queue',
            30_000,
            () => verdict('amqp', events, collector.received).complete,
          );
        } catch (err) {
          throw new Error(
            `${(err as Error).message}\n${report(verdict('amqp', events, collector.received))}`,
          );
        }
        await sleep(200);
        await collector.stop();
        expect(collector.invalid).to.deep.equal([]);
        const v = verdict('amqp', events, collector.received);
        expect(v.problems, report(v)).to.deep.equal([]);
      } finally {
        await c.close().catch(() => undefined);
      }
    });
  });
});
