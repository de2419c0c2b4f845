/**
 * `npm run bench -- backlog`: a large delivery backlog to a dead receiver must cost disk, not RAM, and must not
 * slow the API; once the receiver is back every event arrives, in order per execution. Figures, not pass/fail.
 *
 * 1. `tram serve` in a child process on a SQLite file (its RSS is what is measured); idle RSS after warm-up.
 * 2. An HTTP listener for every event, its receiver down (nothing listens on its port); a few real executions.
 * 3. Setup shortcut (documented): `TRAM_BENCH_BACKLOG_EVENTS` outbox events (default 1,000,000; 10 per top-level
 *    execution, task events with a Mistral-size payload) are bulk-inserted into the server's database from this
 *    process in one transaction, as the engine would have committed them; one more real execution then wakes the
 *    server's fan-out, which creates the deliveries through its ordinary code path.
 * 4. While the backlog is queued: the server's RSS (sampled) and `GET /v2/executions?limit=100` latency
 *    (sequential requests), until every delivery is stored and for a few seconds after.
 * 5. The receiver comes back (an HTTP server on that port, here): time until every event arrived, and the order
 *    of first receipts per execution (x-tram-sequence must go 1, 2, 3 ... for each x-tram-execution-id).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../store/index.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { call, quantile } from './side-by-side.js';

const EVENTS = Number(process.env.TRAM_BENCH_BACKLOG_EVENTS ?? 1_000_000);
const PER_ROOT = 10;
const REAL_EXECUTIONS = 50;
/** Never used up during the bench (20 × 30 s): a queue head waits at most ~36 s once the receiver is back. */
const RETRY = Array<number>(20).fill(30);

const HELLO = `version: '2.0'
backlog_hello:
  tasks:
    greet:
      action: std.echo output=hello
      on-success: done
    done:
      action: std.noop
`;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bulk insert of `n` task events (10 per root execution) straight into the outbox table. */
function insertEvents(dbPath: string, n: number): void {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  const ins = db.prepare(
    `INSERT INTO outbox (execution_id, root_execution_id, sequence, entity, entity_id, event_type, state,
       previous_state, payload, duplicate, created_at) VALUES (?, ?, ?, 'task', ?, ?, ?, ?, ?, 0, ?)`,
  );
  const now = Date.now();
  const stamp = new Date(now).toISOString().slice(0, 19).replace('T', ' ');
  const tx = db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const root = `bk-${String(Math.floor(i / PER_ROOT)).padStart(8, '0')}`;
      const seq = (i % PER_ROOT) + 1;
      const launched = seq % 2 === 1;
      const task = `${root}-t${Math.ceil(seq / 2)}`;
      const type = launched ? 'TASK_LAUNCHED' : 'TASK_SUCCEEDED';
      const state = launched ? 'RUNNING' : 'SUCCESS';
      const payload = {
        id: task,
        name: `t${Math.ceil(seq / 2)}`,
        workflow_execution_id: root,
        workflow_name: 'backlog.wf',
        workflow_namespace: '',
        workflow_id: 'backlog-wf-id',
        state,
        state_info: null,
        type: 'ACTION',
        project_id: '<default-project>',
        created_at: stamp,
        updated_at: stamp,
        started_at: stamp,
        finished_at: launched ? null : stamp,
        event: type,
      };
      ins.run(root, root, seq, task, type, state, launched ? null : 'RUNNING', JSON.stringify(payload), now);
    }
  });
  tx();
  db.close();
}

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

interface Receipts {
  server: http.Server;
  deliveries: Set<string>;
  outOfOrder: number;
  /** When the first delivery arrived (performance.now()). */
  firstAt: number;
}

/** The receiver: records each delivery once, and checks each execution's first receipts come in sequence. */
async function receiver(port: number): Promise<Receipts> {
  const r: Receipts = { server: http.createServer(), deliveries: new Set(), outOfOrder: 0, firstAt: 0 };
  const last = new Map<string, number>();
  r.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-tram-delivery']);
      if (!r.deliveries.has(id)) {
        if (r.deliveries.size === 0) r.firstAt = performance.now();
        r.deliveries.add(id);
        const ex = String(req.headers['x-tram-execution-id']);
        const seq = Number(req.headers['x-tram-sequence']);
        if (seq !== (last.get(ex) ?? 0) + 1) r.outOfOrder++;
        last.set(ex, seq);
      }
      res.writeHead(204).end();
    });
  });
  r.server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => r.server.listen(port, '127.0.0.1', () => ok()));
  return r;
}

export async function runBacklogBench(log: (line: string) => void = console.log): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-backlog-'));
  const dbPath = path.join(dir, 'tram.db');
  // Migrations first, so the bulk insert finds the tables the server will use.
  await new SqliteStore({ path: dbPath }).close();
  const { base, child } = await serve(dbPath);
  const pid = child.pid ?? 0;
  let rx: Receipts | null = null;
  try {
    await call('POST', `${base}/workflows`, HELLO, true);
    const start = () => call('POST', `${base}/executions`, { workflow_name: 'backlog_hello' });
    // Idle: after some work of every kind the queued phase does (executions, listing), none left to do.
    for (let i = 0; i < REAL_EXECUTIONS; i++) await start();
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

    let t0 = performance.now();
    insertEvents(dbPath, EVENTS);
    const insertS = (performance.now() - t0) / 1000;
    await start(); // wakes the fan-out
    const expected = EVENTS + 6; // the executions before the listener are not its events

    // Queued phase: RSS and API latency until the backlog is stored, and 5 s more.
    t0 = performance.now();
    const lat: number[] = [];
    let peak = idle;
    let storedAt = 0;
    // The fan-out's progress, read from the database file (cheap: two indexed lookups, no count).
    const probe = new Database(dbPath, { readonly: true });
    probe.pragma('busy_timeout = 5000');
    const fannedOut = () =>
      (probe.prepare('SELECT last_event_id AS c FROM fan_out_cursor').get() as { c: number } | undefined)
        ?.c === (probe.prepare('SELECT MAX(id) AS m FROM outbox').get() as { m: number }).m;
    for (;;) {
      const a = performance.now();
      await call('GET', `${base}/executions?limit=100`);
      lat.push(performance.now() - a);
      peak = Math.max(peak, rssMb(pid));
      if (!storedAt && fannedOut()) storedAt = performance.now();
      if (storedAt && performance.now() - storedAt > 5000) break;
      await sleep(50);
    }
    const fanOutS = (storedAt - t0) / 1000;
    const h = (await call('GET', `${base}/listeners/${listenerId}`)) as { health?: { backlog?: number } };
    const stored = h.health?.backlog ?? 0;
    probe.close();
    lat.sort((x, y) => x - y);

    // The receiver comes back.
    rx = await receiver(port);
    t0 = performance.now();
    let drainPeak = 0;
    let lastCount = 0;
    let lastProgress = performance.now();
    while (rx.deliveries.size < expected) {
      await sleep(500);
      drainPeak = Math.max(drainPeak, rssMb(pid));
      if (rx.deliveries.size > lastCount) {
        lastCount = rx.deliveries.size;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > 60_000) {
        throw new Error(`no delivery for 60 s: ${rx.deliveries.size} of ${expected} arrived`);
      }
    }
    const drainS = (performance.now() - t0) / 1000;
    // The queue heads come back on their retry schedule (up to 36 s here); the rest goes as fast as it can.
    const waitS = (rx.firstAt - t0) / 1000;
    const flowS = drainS - waitS;

    log(
      `\nBacklog: ${EVENTS.toLocaleString('en')} events bulk-inserted into the outbox (+ 6 ` +
        `from a real execution), one HTTP listener, receiver down, then back (server in its own process, SQLite)\n`,
    );
    log(`  bulk insert (setup, this process)       ${insertS.toFixed(1)} s`);
    log(
      `  fan-out to ${expected} deliveries        ${fanOutS.toFixed(1)} s (${(expected / fanOutS).toFixed(0)}/s); ` +
        `${stored} pending when the receiver came back`,
    );
    log(`  server RSS idle                          ${idle.toFixed(0)} MB`);
    log(
      `  server RSS peak while queued             ${peak.toFixed(0)} MB (+${(peak - idle).toFixed(0)} MB; target <= +100)`,
    );
    log(
      `  GET /v2/executions?limit=100 while queued (${lat.length} requests): p50 ${quantile(lat, 0.5).toFixed(1)} ms, ` +
        `p99 ${quantile(lat, 0.99).toFixed(1)} ms, max ${(lat[lat.length - 1] ?? NaN).toFixed(1)} ms (target < 50)`,
    );
    log(
      `  receiver back: all ${rx.deliveries.size} arrived in ${drainS.toFixed(1)} s: the first after ` +
        `${waitS.toFixed(1)} s (the heads' retry delay), then ${(expected / flowS).toFixed(0)}/s; ` +
        `RSS peak ${drainPeak.toFixed(0)} MB (+${(drainPeak - idle).toFixed(0)} MB)`,
    );
    log(`  out of order (first receipts per execution): ${rx.outOfOrder}`);
    if (EVENTS < 1_000_000) {
      const f = 1_000_000 / EVENTS;
      log(
        `  extrapolated to 1,000,000 (linear, same machine load): insert ${(insertS * f).toFixed(0)} s, fan-out ` +
          `${(fanOutS * f).toFixed(0)} s, drain ${(waitS + flowS * f).toFixed(0)} s; memory held is bounded by ` +
          `TRAM_DELIVERY_MEMORY, not by the backlog`,
      );
    }
  } finally {
    if (rx) {
      rx.server.closeAllConnections();
      rx.server.close();
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
