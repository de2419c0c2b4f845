/**
 * `npm run bench -- backlog`: a large delivery backlog to a dead receiver must cost disk, not RAM, and must not
 * slow the API; once the receiver is back every event arrives, in order per execution. Figures, not pass/fail.
 *
 * 1. `tram serve` in a child process on a SQLite file (its RSS is what is measured); idle RSS after warm-up.
 * 2. An HTTP listener for every event, its receiver down (nothing listens on its port).
 * 3. The backlog is made through the server's API, as users make it: `TRAM_BACKLOG_EVENTS` events (default
 *    1,000,000) from executions of a workflow of `FAN` parallel `std.noop` tasks (2 events per task, 2 per
 *    workflow), created by `CLIENTS` keep-alive clients that each wait for their execution to finish before the
 *    next (so the engine never holds more than `CLIENTS` executions: what grows is the delivery backlog alone).
 * 4. Throughout, and for `QUEUED_S` seconds after the last delivery is stored: the server's RSS (sampled) and
 *    `GET /v2/executions?limit=100` latency (one sequential prober).
 * 5. The receiver comes back (an HTTP server on that port, in a worker thread: its work must not delay the
 *    prober's responses): time until every event arrived, duplicates, and the order of first receipts per
 *    execution (x-tram-sequence must go 1, 2, 3 ... for each x-tram-execution-id; every execution here is a
 *    root, so this is the (listener, root execution) order).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReceiverFigures } from './backlog-receiver.js';
import { call, quantile } from './side-by-side.js';

const EVENTS = Number(process.env.TRAM_BACKLOG_EVENTS ?? process.env.TRAM_BENCH_BACKLOG_EVENTS ?? 1_000_000);
/** Parallel tasks per execution: 2 * FAN + 2 events each. */
const FAN = 48;
const PER_EXECUTION = 2 * FAN + 2;
const CLIENTS = 6;
const WARMUP_EXECUTIONS = 20;
const QUEUED_S = 10;
/** Never used up during the bench (20 × 30 s): a queue head waits at most ~36 s once the receiver is back. */
const RETRY = Array<number>(20).fill(30);

const FAN_YAML = `version: '2.0'
backlog_fan:
  tasks:
${Array.from({ length: FAN }, (_, i) => `    t${i}:\n      action: std.noop\n`).join('')}`;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Progress lines for a long run (stderr, so the figures on stdout stay clean). */
const note = (line: string) =>
  process.stderr.write(`[backlog ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/**
 * `tram serve` on the database, in a child process (the sources through tsx when run from them); resolves once
 * it logs its address, however long a busy machine makes that take.
 */
function serve(dbPath: string): Promise<{ base: string; child: ChildProcess }> {
  const here = fileURLToPath(import.meta.url);
  const main = path.join(path.dirname(here), '..', 'cli', `main${path.extname(here)}`);
  const args = [...process.execArgv, main, 'serve', '--port', '0', '--db', dbPath, '--log-level', 'info'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out = (out + d.toString()).slice(-4096);
      const url = /"url":"(http:[^"]+)"/.exec(out)?.[1];
      if (url) {
        // From now on the server's log lines (one per failed attempt) are read and dropped.
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({ base: `${url}/v2`, child });
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tram serve exited (${String(code)}): ${out}`)));
  });
}

/** The receiver's future port: nothing listens on it until the receiver comes back. */
async function deadPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', () => ok()));
  const { port } = probe.address() as { port: number };
  await new Promise((ok) => probe.close(ok));
  return port;
}

/** The receiver (`backlog-receiver.ts`) in a worker thread, and its latest figures. */
interface Receipts {
  worker: Worker;
  latest: ReceiverFigures;
  /** Stops the receiver; resolves with its last figures. */
  stop(): Promise<ReceiverFigures>;
}

async function receiver(port: number): Promise<Receipts> {
  const here = fileURLToPath(import.meta.url);
  const file = path.join(path.dirname(here), `backlog-receiver${path.extname(here)}`);
  const worker = new Worker(file, { workerData: { port } });
  let listening!: () => void;
  const ready = new Promise<void>((ok) => (listening = ok));
  const r: Receipts = {
    worker,
    latest: { delivered: 0, duplicates: 0, outOfOrder: 0, firstAt: 0, done: false },
    stop: () =>
      new Promise((resolve) => {
        worker.on('message', (f: ReceiverFigures) => f.done && resolve(f));
        worker.postMessage('stop');
      }),
  };
  worker.on('message', (f: ReceiverFigures) => {
    r.latest = f;
    listening();
  });
  worker.once('error', (err) => note(`receiver failed: ${err.message}`));
  await ready;
  return r;
}

/** The server's RSS and the list route's latency, sampled by one sequential prober until stopped. */
class Probe {
  readonly lat: number[] = [];
  peak = 0;
  /** The last sample: at the end of the backlog at rest, what the backlog holds once the load is gone. */
  last = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly base: string,
    private readonly pid: number,
  ) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const a = performance.now();
      await call('GET', `${this.base}/executions?limit=100`);
      this.lat.push(performance.now() - a);
      this.last = rssMb(this.pid);
      this.peak = Math.max(this.peak, this.last);
      await sleep(50);
    }
  }

  async stop(): Promise<{ p50: number; p99: number; max: number; n: number; peak: number; last: number }> {
    this.running = false;
    await this.done;
    const l = [...this.lat].sort((x, y) => x - y);
    const max = l[l.length - 1] ?? NaN;
    return {
      p50: quantile(l, 0.5),
      p99: quantile(l, 0.99),
      max,
      n: l.length,
      peak: this.peak,
      last: this.last,
    };
  }
}

/** `executions` runs of the fan workflow by `CLIENTS` clients, each waiting for its run to end before the next. */
async function generate(base: string, executions: number): Promise<void> {
  let issued = 0;
  let finished = 0;
  const ticker = setInterval(() => note(`${finished} of ${executions} executions done`), 30_000);
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (issued < executions) {
          issued++;
          const ex = await call('POST', `${base}/executions`, { workflow_name: 'backlog_fan' });
          for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
            await sleep(wait);
            const st = String((await call('GET', `${base}/executions/${String(ex.id)}`)).state);
            if (st === 'SUCCESS') break;
            if (st !== 'RUNNING') throw new Error(`execution ${String(ex.id)} ended ${st}`);
          }
          finished++;
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
}

export async function runBacklogBench(log: (line: string) => void = console.log): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-backlog-'));
  const dbPath = path.join(dir, 'tram.db');
  const { base, child } = await serve(dbPath);
  const pid = child.pid ?? 0;
  let rx: Receipts | null = null;
  try {
    await call('POST', `${base}/workflows`, FAN_YAML, true);
    const executions = Math.ceil(EVENTS / PER_EXECUTION);
    // Idle: after some work of every kind the queued phase does (executions, listing), none left to do.
    await generate(base, WARMUP_EXECUTIONS);
    for (let i = 0; i < 200; i++) await call('GET', `${base}/executions?limit=100`);
    await sleep(2000);
    const idle = rssMb(pid);

    const port = await deadPort();
    const l = await call('POST', `${base}/listeners`, {
      name: 'backlog',
      transport: { type: 'http', url: `http://127.0.0.1:${port}/hook`, timeout_ms: 2000 },
      retry: RETRY,
    });
    const listenerId = String(l.id);
    const expected = executions * PER_EXECUTION;

    // Generation, then the backlog at rest: RSS and API latency throughout.
    let t0 = performance.now();
    const during = new Probe(base, pid);
    await generate(base, executions);
    const generateS = (performance.now() - t0) / 1000;
    // The fan-out's progress, read from the database file (the bench's own reads: an indexed count).
    const probe = new Database(dbPath, { readonly: true });
    probe.pragma('busy_timeout = 5000');
    const count = probe.prepare('SELECT COUNT(*) AS c FROM deliveries WHERE listener_id = ?');
    for (;;) {
      const stored = (count.get(listenerId) as { c: number }).c;
      if (stored >= expected) break;
      note(`${stored} of ${expected} deliveries stored`);
      await sleep(5000);
    }
    const storedS = (performance.now() - t0) / 1000;
    const gen = await during.stop();
    const queued = new Probe(base, pid);
    await sleep(QUEUED_S * 1000);
    const rest = await queued.stop();
    probe.close();

    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const route = (p: { p50: number; p99: number; max: number; n: number }) =>
      `p50 ${ms(p.p50)}, p99 ${ms(p.p99)}, max ${ms(p.max)} (${p.n} requests; target < 50)`;
    const mb = (x: number) => `${x.toFixed(0)} MB (+${(x - idle).toFixed(0)} MB; target <= +100)`;

    // The queued phase's figures now: the drain of a million may take long.
    log(
      `\nBacklog: ${expected.toLocaleString('en')} events (${executions} executions of ${FAN} parallel tasks, ` +
        `through the API, ${CLIENTS} clients), one HTTP listener, receiver down, then back ` +
        `(server in its own process, SQLite)\n`,
    );
    log(
      `  generation                                ${generateS.toFixed(0)} s; all deliveries stored after ${storedS.toFixed(0)} s`,
    );
    log(`  server RSS idle                           ${idle.toFixed(0)} MB`);
    log(`  server RSS peak while generating/queuing  ${mb(Math.max(gen.peak, rest.peak))}`);
    log(`  server RSS at the end of the rest         ${mb(rest.last)}`);
    log(`  GET /v2/executions?limit=100 while generating: ${route(gen)}`);
    log(`  GET /v2/executions?limit=100 backlog at rest (${QUEUED_S} s): ${route(rest)}`);

    // The receiver comes back.
    note('receiver back');
    rx = await receiver(port);
    t0 = performance.now();
    const drain = new Probe(base, pid);
    let lastCount = 0;
    let lastProgress = performance.now();
    let lastNote = performance.now();
    while (rx.latest.delivered < expected) {
      await sleep(200);
      if (rx.latest.delivered > lastCount) {
        lastCount = rx.latest.delivered;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > 60_000) {
        throw new Error(`no delivery for 60 s: ${rx.latest.delivered} of ${expected} arrived`);
      }
      if (performance.now() - lastNote > 30_000) {
        lastNote = performance.now();
        note(`${rx.latest.delivered} of ${expected} delivered`);
      }
    }
    const drainS = (performance.now() - t0) / 1000;
    const drained = await drain.stop();
    const got = await rx.stop();
    rx = null;
    // The queue heads come back on their retry schedule (up to 36 s here); the rest goes as fast as it can.
    const waitS = (got.firstAt - performance.timeOrigin - t0) / 1000;
    const flowS = drainS - waitS;
    log(
      `  receiver back: all ${got.delivered} arrived in ${drainS.toFixed(1)} s: the first after ` +
        `${waitS.toFixed(1)} s (the heads' retry delay), then ${(expected / flowS).toFixed(0)}/s`,
    );
    log(`  server RSS peak while draining            ${mb(drained.peak)}`);
    log(`  GET /v2/executions?limit=100 while draining: ${route(drained)}`);
    log(
      `  order violations (first receipts per execution): ${got.outOfOrder}; duplicates: ${got.duplicates}`,
    );
  } finally {
    if (rx) await rx.worker.terminate();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
