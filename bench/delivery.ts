/**
 * Delivery figures for `npm run bench`: how fast committed events reach a local HTTP receiver and a RabbitMQ
 * queue (publisher confirms, durable queue), against a bare client loop doing the same sends at the same
 * concurrency, and the latency from commit to receipt under a paced load. Figures, not pass/fail.
 *
 * - The engine and the delivery service run in this process (as in `tram serve`), on a SQLite file. N
 *   executions run in parallel, each a chain of noops, with one listener: N ordered queues (one per root
 *   execution), so at most N sends in flight.
 * - The receiver (HTTP server + AMQP consumer) is a child process, so that it does not share the sender's event
 *   loop; it records the first receipt time of each event (`x-tram-event-id`).
 * - `live`: from the first event's commit to the last receipt, while the executions run.
 *   `backlog`: the same events, committed before the delivery service starts; from its start to the last receipt.
 *   It starts once the store's background checkpoint of those commits is done (`store/sqlite/checkpointer.ts`):
 *   that is the engine's work, as it is for the events of the bare loop, which come from an engine closed before
 *   it starts. Run into the drain, it took a thread for ~80 ms on the 2 cores the broker and the receiver share, and
 *   ~30 of the ~115 µs per event of the sender's CPU figure.
 * - `bare`: axios POSTs (keep-alive) / amqplib confirm-channel publishes of the same bodies, N at a time. The
 *   AMQP messages carry the same properties as ours (the headers of `format.ts`, message id, type, timestamp):
 *   the broker's work per message depends on its size, so a bare message with one header instead of seven
 *   made the broker, not our sender, look slower. The bodies are encoded by the same function as ours
 *   (`mistralJson`): an encoding cost in one loop and not in the other would be measured, not the transport.
 * - `bare, live`: the same bare loop fed by the engine while the executions run (each committed event handed
 *   over in memory by `engine.onEvent`, N publishes at a time), timed like `live`. `live` shares the event loop
 *   with the engine; comparing it with a loop whose events were all there beforehand charged the engine's own
 *   work (and the events not existing yet) to delivery. Both ratios are printed: the live one against this
 *   loop (the target), and against `bare` (what it was measured against before).
 * - Latency: executions started at a pace of ~1,000 events/s for 5 s; per event, receipt time minus the event's
 *   `createdAt` (looked up by id in the outbox after the run).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type ConsumeMessage } from 'amqplib';
import axios from 'axios';
import { DeliveryService } from '../delivery/index.js';
import { eventHeaders, mistralJson } from '../delivery/format.js';
import type { Listener, TransportSpec } from '../delivery/types.js';
import { Engine, type OutboxEvent } from '../engine/index.js';
import { SqliteStore } from '../store/index.js';
import { AmqpTransport, HttpTransport, routingKeyFor } from '../transports/index.js';

const AMQP_URL = process.env.TRAM_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RECEIVER_ENV = 'TRAM_BENCH_DELIVERY_RECEIVER';

/** Parallel executions = ordered queues = the bare loops' concurrency. */
const EXECUTIONS = 50;
/** Tasks per execution: 2 * TASKS + 2 events each. */
const TASKS = 20;
const PACED_RATE = 1000;
const PACED_SECONDS = 5;
/** Throughput runs per figure (the median is shown, and every run): the machine may be busy with other work. */
const ROUNDS = Number(process.env.TRAM_BENCH_ROUNDS ?? 5);
/** `TRAM_BENCH_TRANSPORTS=amqp` measures one transport only. */
const TRANSPORTS = (process.env.TRAM_BENCH_TRANSPORTS ?? 'http,amqp')
  .split(',')
  .filter((t): t is Transport => t === 'http' || t === 'amqp');
/** `TRAM_BENCH_CASES=live` runs only some of bare, barelive, live, backlog (to profile one; ratios need the bare ones). */
const CASES = new Set((process.env.TRAM_BENCH_CASES ?? 'bare,barelive,live,backlog').split(','));
/** `TRAM_BENCH_LATENCY=0` skips the paced latency runs. */
const LATENCY = process.env.TRAM_BENCH_LATENCY !== '0';

type Transport = 'http' | 'amqp';

// ---- the receiver (child process)

type ToReceiver =
  | { op: 'init'; amqpUrl: string; queue: string }
  | { op: 'reset' }
  | { op: 'wait'; n: number }
  | { op: 'receipts' }
  | { op: 'stop' };

type FromReceiver =
  | { op: 'ready'; port: number }
  | { op: 'reset' }
  | { op: 'reached'; first: number; last: number; count: number; messages: number }
  | { op: 'receipts'; entries: Array<[string, number]> }
  | { op: 'error'; message: string };

async function receiverMain(): Promise<void> {
  const send = (m: FromReceiver) => process.send?.(m);
  /** Event id -> first receipt time (epoch ms). */
  let receipts = new Map<string, number>();
  let first = 0;
  let last = 0;
  let messages = 0;
  let waiting: number | null = null;
  const check = () => {
    if (waiting !== null && receipts.size >= waiting) {
      waiting = null;
      send({ op: 'reached', first, last, count: receipts.size, messages });
    }
  };
  const record = (id: unknown) => {
    const now = Date.now();
    messages++;
    if (typeof id !== 'string' || receipts.has(id)) return;
    if (receipts.size === 0) first = now;
    receipts.set(id, now);
    last = now;
    check();
  };
  const server = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      record(req.headers['x-tram-event-id']);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  let close: () => Promise<void> = async () => undefined;
  // The bench process went away (crashed or interrupted): go too.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const m = raw as ToReceiver;
    void (async () => {
      switch (m.op) {
        case 'init': {
          const conn = await connect(m.amqpUrl);
          conn.on('error', () => undefined);
          const ch = await conn.createChannel();
          await ch.consume(
            m.queue,
            (msg: ConsumeMessage | null) => {
              if (msg) record(msg.properties.headers?.['x-tram-event-id']);
            },
            { noAck: true },
          );
          close = async () => {
            await conn.close().catch(() => undefined);
          };
          send({ op: 'ready', port: (server.address() as AddressInfo).port });
          break;
        }
        case 'reset':
          receipts = new Map();
          first = last = messages = 0;
          waiting = null;
          send({ op: 'reset' });
          break;
        case 'wait':
          waiting = m.n;
          check();
          break;
        case 'receipts':
          send({ op: 'receipts', entries: [...receipts] });
          break;
        case 'stop':
          server.closeAllConnections();
          server.close();
          await close();
          process.exit(0);
      }
    })().catch((err: unknown) =>
      send({ op: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  });
}

/** The parent's handle on the receiver child. */
class Receiver {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(queue: string): Promise<Receiver> {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, [RECEIVER_ENV]: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const r = new Receiver(child, 0);
    const ready = await r.request<'ready'>({ op: 'init', amqpUrl: AMQP_URL, queue }, 'ready', 15_000);
    return new Receiver(child, ready.port);
  }

  request<K extends FromReceiver['op']>(
    msg: ToReceiver,
    reply: K,
    timeoutMs = 60_000,
  ): Promise<Extract<FromReceiver, { op: K }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', on);
        reject(new Error(`receiver: no '${reply}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (raw: unknown) => {
        const m = raw as FromReceiver;
        if (m.op === 'error') {
          clearTimeout(timer);
          this.child.off('message', on);
          reject(new Error(`receiver: ${m.message}`));
        } else if (m.op === reply) {
          clearTimeout(timer);
          this.child.off('message', on);
          resolve(m as Extract<FromReceiver, { op: K }>);
        }
      };
      this.child.on('message', on);
      this.child.send(msg);
    });
  }

  reset(): Promise<unknown> {
    return this.request({ op: 'reset' }, 'reset');
  }

  /** Resolves once `n` distinct events arrived. */
  waitFor(n: number, timeoutMs = 60_000): Promise<Extract<FromReceiver, { op: 'reached' }>> {
    return this.request({ op: 'wait', n }, 'reached', timeoutMs);
  }

  async receipts(): Promise<Map<string, number>> {
    return new Map((await this.request({ op: 'receipts' }, 'receipts')).entries);
  }

  async stop(): Promise<void> {
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.send({ op: 'stop' });
    await gone;
  }
}

// ---- the sender side: engine + delivery service

function chainYaml(tasks: number): string {
  const lines = [`version: '2.0'`, `name: benchdel`, `workflows:`, `  chain:`, `    tasks:`];
  for (let i = 0; i < tasks; i++) {
    lines.push(`      t${i}:`, `        action: std.noop`);
    if (i + 1 < tasks) lines.push(`        on-success: t${i + 1}`);
  }
  return lines.join('\n') + '\n';
}

interface Env {
  receiver: Receiver;
  exchange: string;
  receiverUrl: string;
}

class Rig {
  private constructor(
    readonly engine: Engine,
    readonly service: DeliveryService,
    readonly listener: Listener,
    private readonly store: SqliteStore,
    private readonly close_: () => Promise<void>,
  ) {}

  static async open(env: Env, transport: Transport, tasks: number): Promise<Rig> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-delivery-'));
    const store = new SqliteStore({ path: path.join(dir, 'bench.db') });
    const engine = await Engine.start({ store });
    await engine.load(chainYaml(tasks), { file: 'benchdel.yaml' });
    const httpT = new HttpTransport({ allowPrivate: true });
    const amqpT = new AmqpTransport();
    const service = new DeliveryService(engine, httpT, amqpT, {
      allowPrivate: true,
      defaultAmqpUrl: AMQP_URL,
    });
    const spec: TransportSpec =
      transport === 'http'
        ? { type: 'http', url: env.receiverUrl, method: 'POST', headers: {}, timeoutMs: 10_000 }
        : { type: 'amqp', url: AMQP_URL, exchange: env.exchange, routingKey: null };
    const listener = await service.createListener({
      name: `bench-${transport}`,
      origin: 'api',
      owner: null,
      scope: { workbook: 'benchdel' },
      events: [],
      filter: null,
      transport: spec,
      format: 'mistral',
      payload: null,
      retry: [1, 5, 30],
      status: null,
      enabled: true,
    });
    // Warm up: the broker connection and the exchange declaration / one keep-alive socket, as the bare loops do.
    if (transport === 'amqp')
      await amqpT.publish({
        url: AMQP_URL,
        exchange: env.exchange,
        routingKey: 'warmup',
        body: '{}',
        messageId: 'warmup',
        type: 'warmup',
        contentType: 'application/json',
        headers: {},
      });
    else await httpT.send({ url: env.receiverUrl, body: '{}' });
    return new Rig(engine, service, listener, store, async () => {
      await service.stop();
      await engine.close();
      httpT.close();
      await amqpT.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }

  async startExecutions(n: number): Promise<string[]> {
    const started = await Promise.all(
      Array.from({ length: n }, () => this.engine.startExecution({ workflow: 'benchdel.chain' })),
    );
    return started.map((e) => e.id);
  }

  async finish(ids: string[]): Promise<void> {
    const done = await Promise.all(ids.map((id) => this.engine.waitFor(id)));
    const bad = done.find((d) => d.state !== 'SUCCESS');
    if (bad) throw new Error(`bench execution ${bad.id} ended ${bad.state}: ${bad.stateInfo}`);
  }

  events(): Promise<OutboxEvent[]> {
    return this.engine.readEvents({ limit: 10_000_000 });
  }

  /** Resolves once the store checkpointed what the engine wrote (see `backlog` at the top). */
  settled(): Promise<void> {
    return this.store.checkpointsSettled();
  }

  async failedDeliveries(): Promise<number> {
    return (
      await this.engine.store.delivery.listDeliveries({ listenerId: this.listener.id, state: 'failed' })
    ).length;
  }

  close(): Promise<void> {
    return this.close_();
  }
}

interface Throughput {
  events: number;
  ms: number;
  perSec: number;
  /** CPU time of this (sending) process per event, in µs, over the measured window. */
  cpuUs: number;
  /** live runs: how long the engine took to commit them all (first to last createdAt). */
  engineMs?: number;
}

/** A live run: from the first event's commit to the last receipt. */
function liveThroughput(events: OutboxEvent[], lastReceipt: number, cpuUs: number): Throughput {
  const created = events.map((e) => e.createdAt);
  const firstCommit = Math.min(...created);
  const ms = lastReceipt - firstCommit;
  return {
    events: events.length,
    ms,
    perSec: (events.length / ms) * 1000,
    cpuUs,
    engineMs: Math.max(...created) - firstCommit,
  };
}

function cpuSince(start: NodeJS.CpuUsage, events: number): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / events;
}

async function ours(env: Env, transport: Transport, mode: 'live' | 'backlog'): Promise<Throughput> {
  const rig = await Rig.open(env, transport, TASKS);
  try {
    const expected = EXECUTIONS * (2 * TASKS + 2);
    await env.receiver.reset();
    const reached = env.receiver.waitFor(expected);
    let t0: number;
    let cpu: NodeJS.CpuUsage;
    if (mode === 'live') {
      cpu = process.cpuUsage();
      await rig.service.start();
      await rig.finish(await rig.startExecutions(EXECUTIONS));
    } else {
      await rig.finish(await rig.startExecutions(EXECUTIONS));
      await rig.settled();
      cpu = process.cpuUsage();
      t0 = Date.now();
      await rig.service.start();
    }
    const r = await reached;
    const cpuUs = cpuSince(cpu, expected);
    const events = await rig.events();
    if (events.length !== expected)
      throw new Error(`expected ${expected} events, the outbox has ${events.length}`);
    if (await rig.failedDeliveries()) throw new Error('bench deliveries failed');
    if (mode === 'live') return liveThroughput(events, r.last, cpuUs);
    const ms = r.last - t0!;
    return { events: expected, ms, perSec: (expected / ms) * 1000, cpuUs };
  } finally {
    await rig.close();
  }
}

/** A representative body per event: what the `mistral` format sends. */
async function sampleEvents(): Promise<OutboxEvent[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-delivery-'));
  const engine = await Engine.start({ store: new SqliteStore({ path: path.join(dir, 'bench.db') }) });
  try {
    await engine.load(chainYaml(TASKS), { file: 'benchdel.yaml' });
    const started = await Promise.all(
      Array.from({ length: EXECUTIONS }, () => engine.startExecution({ workflow: 'benchdel.chain' })),
    );
    await Promise.all(started.map((e) => engine.waitFor(e.id)));
    return await engine.readEvents({ limit: 10_000_000 });
  } finally {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function body(ev: OutboxEvent): string {
  return mistralJson(ev, { origin: 'api' });
}

/** `work(i)` for i in 0..n-1, `concurrency` at a time. */
async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
}

/** Sends every event with `send`, EXECUTIONS at a time, and times it until the receiver has them all. */
async function bareLoop(
  env: Env,
  events: OutboxEvent[],
  send: (ev: OutboxEvent) => Promise<unknown>,
): Promise<Throughput> {
  await env.receiver.reset();
  const reached = env.receiver.waitFor(events.length);
  const cpu = process.cpuUsage();
  const t0 = Date.now();
  await pool(events.length, EXECUTIONS, (i) => send(events[i] as OutboxEvent).then(() => undefined));
  const r = await reached;
  const cpuUs = cpuSince(cpu, events.length);
  const ms = r.last - t0;
  return { events: events.length, ms, perSec: (events.length / ms) * 1000, cpuUs };
}

/** A bare client for one transport: `publish` sends one event and resolves once the receiver/broker took it. */
interface BareSender {
  publish: (ev: OutboxEvent) => Promise<void>;
  close: () => Promise<void>;
}

async function bareHttp(env: Env): Promise<BareSender> {
  const agent = new http.Agent({ keepAlive: true });
  const client = axios.create({ httpAgent: agent, proxy: false, timeout: 10_000 });
  await client.post(env.receiverUrl, '{}', { headers: { 'content-type': 'application/json' } });
  return {
    publish: async (ev) => {
      await client.post(env.receiverUrl, body(ev), {
        headers: { 'content-type': 'application/json', 'x-tram-event-id': String(ev.id) },
      });
    },
    close: async () => agent.destroy(),
  };
}

/** A bare confirm channel on the bench's exchange, sending each event as ours does (same properties). */
async function bareAmqp(env: Env): Promise<BareSender> {
  const conn = await connect(AMQP_URL);
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange(env.exchange, 'topic', { durable: true });
  const publish = (ev: OutboxEvent) =>
    new Promise<void>((resolve, reject) => {
      const messageId = `bare-${ev.id}`;
      ch.publish(
        env.exchange,
        routingKeyFor(ev.entity, ev.eventType),
        Buffer.from(body(ev)),
        {
          persistent: true,
          mandatory: true,
          messageId,
          type: ev.eventType,
          contentType: 'application/json',
          headers: eventHeaders(ev, { id: messageId, statusId: null }),
          timestamp: Math.floor(Date.now() / 1000),
        },
        (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
      );
    });
  const close = async () => {
    await ch.close().catch(() => undefined);
    await conn.close().catch(() => undefined);
  };
  return { publish, close };
}

function bareSender(env: Env, t: Transport): Promise<BareSender> {
  return t === 'http' ? bareHttp(env) : bareAmqp(env);
}

/** The bare loop over events that exist already (the `backlog` comparison). */
async function bareReady(env: Env, t: Transport, events: OutboxEvent[]): Promise<Throughput> {
  const bare = await bareSender(env, t);
  try {
    return await bareLoop(env, events, bare.publish);
  } finally {
    await bare.close();
  }
}

/**
 * The bare loop while the engine runs the executions (as `live`): every event the engine commits is handed over
 * in memory (`onEvent`, numbered in commit order for the receiver) and published, EXECUTIONS at a time.
 */
async function bareLive(env: Env, t: Transport): Promise<Throughput> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-delivery-'));
  const engine = await Engine.start({ store: new SqliteStore({ path: path.join(dir, 'bench.db') }) });
  const bare = await bareSender(env, t);
  try {
    await engine.load(chainYaml(TASKS), { file: 'benchdel.yaml' });
    const expected = EXECUTIONS * (2 * TASKS + 2);
    await env.receiver.reset();
    const reached = env.receiver.waitFor(expected);
    const waiting: OutboxEvent[] = [];
    let active = 0;
    let numbered = 0;
    let failure: unknown = null;
    const next = () => {
      while (active < EXECUTIONS) {
        const ev = waiting.shift();
        if (!ev) return;
        active++;
        void bare.publish(ev).then(
          () => {
            active--;
            next();
          },
          (err: unknown) => (failure = err),
        );
      }
    };
    const off = engine.onEvent((ev) => {
      waiting.push({ ...ev, id: ++numbered });
      next();
    });
    const cpu = process.cpuUsage();
    const started = await Promise.all(
      Array.from({ length: EXECUTIONS }, () => engine.startExecution({ workflow: 'benchdel.chain' })),
    );
    await Promise.all(started.map((e) => engine.waitFor(e.id)));
    const r = await reached;
    const cpuUs = cpuSince(cpu, expected);
    off();
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    return liveThroughput(await engine.readEvents({ limit: 10_000_000 }), r.last, cpuUs);
  } finally {
    await bare.close();
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Latency {
  events: number;
  ratePerSec: number;
  p50: number;
  p99: number;
  max: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** Executions of a 2-task chain (6 events) started at PACED_RATE events per second for PACED_SECONDS. */
async function latency(env: Env, transport: Transport): Promise<Latency> {
  const tasks = 2;
  const perExecution = 2 * tasks + 2;
  const rig = await Rig.open(env, transport, tasks);
  try {
    await rig.service.start();
    await env.receiver.reset();
    const ids: Promise<string>[] = [];
    const t0 = performance.now();
    for (;;) {
      const elapsed = performance.now() - t0;
      if (elapsed >= PACED_SECONDS * 1000) break;
      const due = Math.floor(((elapsed / 1000) * PACED_RATE) / perExecution) - ids.length;
      for (let k = 0; k < due; k++)
        ids.push(rig.engine.startExecution({ workflow: 'benchdel.chain' }).then((e) => e.id));
      await new Promise((r) => setTimeout(r, 2));
    }
    await rig.finish(await Promise.all(ids));
    const expected = ids.length * perExecution;
    await env.receiver.waitFor(expected);
    if (await rig.failedDeliveries()) throw new Error('bench deliveries failed');
    const receipts = await env.receiver.receipts();
    const events = await rig.events();
    const lat: number[] = [];
    for (const ev of events) {
      const at = receipts.get(String(ev.id));
      if (at === undefined) throw new Error(`event ${ev.id} never arrived`);
      lat.push(at - ev.createdAt);
    }
    lat.sort((a, b) => a - b);
    const created = events.map((e) => e.createdAt);
    const span = Math.max(...created) - Math.min(...created);
    return {
      events: events.length,
      ratePerSec: (events.length / span) * 1000,
      p50: quantile(lat, 0.5),
      p99: quantile(lat, 0.99),
      max: lat[lat.length - 1] ?? NaN,
    };
  } finally {
    await rig.close();
  }
}

// ---- the report

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** Median events/s (with the range) and CPU µs per event of a few runs. */
function summary(runs: Throughput[]): { perSec: number; range: string; cpuUs: number; engineMs?: number } {
  const rates = runs.map((r) => r.perSec);
  const engine = runs.flatMap((r) => (r.engineMs === undefined ? [] : [r.engineMs]));
  return {
    perSec: median(rates),
    range: `${Math.min(...rates).toFixed(0)}-${Math.max(...rates).toFixed(0)}`,
    cpuUs: median(runs.map((r) => r.cpuUs)),
    ...(engine.length ? { engineMs: median(engine) } : {}),
  };
}

export async function runDeliveryBench(log: (line: string) => void = console.log): Promise<void> {
  const tag = `${process.pid}.${Date.now()}`;
  const exchange = `tram.bench.${tag}`;
  const queue = `tram.bench.${tag}.q`;
  let admin;
  try {
    admin = await connect(AMQP_URL);
  } catch (err) {
    throw new Error(
      `delivery bench: RabbitMQ unreachable at ${AMQP_URL} (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const ch = await admin.createChannel();
  await ch.assertExchange(exchange, 'topic', { durable: true });
  await ch.assertQueue(queue, { durable: true });
  await ch.bindQueue(queue, exchange, '#');
  let receiver: Receiver | null = null;
  try {
    receiver = await Receiver.start(queue);
    const env: Env = { receiver, exchange, receiverUrl: `http://127.0.0.1:${receiver.port}/hook` };
    const events = await sampleEvents();
    log(
      `\nDelivery: ${EXECUTIONS} parallel executions (= ordered queues = bare concurrency), ${events.length} ` +
        `events per run, median of ${ROUNDS} interleaved runs; receiver (HTTP + AMQP consumer) in a child ` +
        `process; RabbitMQ: publisher confirms, durable queue, persistent messages\n`,
    );
    const widths = [28, 10, 13, 10, 8, 10];
    log(row(['run', 'events/s', 'range', 'cpu µs/ev', 'ratio', 'engine ms'], widths));
    const printed: string[] = [];
    for (const t of TRANSPORTS) {
      const runs: Record<'bare' | 'barelive' | 'live' | 'backlog', Throughput[]> = {
        bare: [],
        barelive: [],
        live: [],
        backlog: [],
      };
      for (let i = 0; i < ROUNDS; i++) {
        if (CASES.has('bare')) runs.bare.push(await bareReady(env, t, events));
        if (CASES.has('barelive')) runs.barelive.push(await bareLive(env, t));
        if (CASES.has('live')) runs.live.push(await ours(env, t, 'live'));
        if (CASES.has('backlog')) runs.backlog.push(await ours(env, t, 'backlog'));
      }
      const bare = summary(runs.bare);
      const bareLiveSum = summary(runs.barelive);
      const line = (label: string, r: ReturnType<typeof summary>, against: number | null) =>
        log(
          row(
            [
              label,
              r.perSec.toFixed(0),
              r.range,
              r.cpuUs.toFixed(0),
              against === null ? '' : (r.perSec / against).toFixed(2),
              r.engineMs === undefined ? '' : r.engineMs.toFixed(0),
            ],
            widths,
          ),
        );
      const client = t === 'http' ? 'axios' : 'amqplib confirms';
      line(`${t} bare (${client})`, bare, null);
      line(`${t} bare, live`, bareLiveSum, null);
      line(`${t} ours, live`, summary(runs.live), bareLiveSum.perSec);
      line(`${t} ours, backlog drain`, summary(runs.backlog), bare.perSec);
      const each = (rs: Throughput[]) => rs.map((r) => r.perSec.toFixed(0)).join(' ');
      const ratios = (rs: Throughput[], base: Throughput[]) =>
        rs.map((r, i) => (r.perSec / (base[i]?.perSec ?? NaN)).toFixed(2)).join(' ');
      printed.push(
        `${t} runs (events/s): bare ${each(runs.bare)} | bare live ${each(runs.barelive)} | live ` +
          `${each(runs.live)} | backlog ${each(runs.backlog)} | ratio per round: live ` +
          `${ratios(runs.live, runs.barelive)} (against bare: ${ratios(runs.live, runs.bare)}), backlog ` +
          `${ratios(runs.backlog, runs.bare)}`,
      );
    }
    for (const p of printed) log(p);
    log(
      `ratio = ours / bare, target >= 0.8: live against bare live, backlog against bare. live, bare live: ` +
        `first commit -> last receipt while the executions run (cpu includes the engine; engine ms: first to ` +
        `last commit); backlog: delivery started after the commits -> last receipt. cpu: this process (the ` +
        `sender), per event.\n`,
    );
    if (!LATENCY) return;
    log(
      `Latency, commit -> receipt, paced ~${PACED_RATE} events/s for ${PACED_SECONDS} s (target p99 < 50 ms):`,
    );
    const lw = [10, 8, 10, 8, 8, 8];
    log(row(['transport', 'events', 'events/s', 'p50 ms', 'p99 ms', 'max ms'], lw));
    for (const t of TRANSPORTS) {
      const l = await latency(env, t);
      log(
        row(
          [
            t,
            String(l.events),
            l.ratePerSec.toFixed(0),
            l.p50.toFixed(0),
            l.p99.toFixed(0),
            l.max.toFixed(0),
          ],
          lw,
        ),
      );
    }
  } finally {
    await receiver?.stop();
    await ch.deleteQueue(queue).catch(() => undefined);
    await ch.deleteExchange(exchange).catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
}

if (process.env[RECEIVER_ENV] === '1') {
  receiverMain().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
