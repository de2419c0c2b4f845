/**
 * `npm run bench -- scale`: history at scale through the REST API. 16 keep-alive clients create the 2-task
 * `hello` (`../shared/bench/wf1.yaml`) on one server (its own process, embedded SQLite, default retention) for a
 * bounded time or up to a target count; at growing history sizes (1k, 2k, 5k, 10k, ...) creation pauses, the
 * executions finish, and the bench prints the creation rate, the database bytes per execution (with the tables
 * that hold them) and the median latency of every filtered list route. At the end it measures what stays past
 * the outbox's replay window (a copy of the database with its outbox compacted as the default retention does),
 * and extrapolates to 1,000,000 executions from the measured slope, saying so.
 *
 * A listener on WORKFLOW_SUCCEEDED delivers to a local receiver, so that the attempts log grows too; its bytes
 * (deliveries, attempts) are shown apart from the engine's, since the default set-up has no listener.
 *
 * Settings (env): `TRAM_SCALE_SECONDS` (creation time budget, default 60; 600 for the issue's ten minutes),
 * `TRAM_SCALE_N` (stop at this many executions, default 1,000,000), `TRAM_SCALE_CLIENTS` (default 16).
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { closeClient } from './http-client.js';
import { apiWorkloads, quantile, startTramontane } from './side-by-side.js';
import {
  listRoutes,
  compactedDb,
  measureDb,
  request as call,
  timeRoute,
  type DbSize,
  type Samples,
  type Timing,
} from './scale-probes.js';

export interface ScaleOptions {
  seconds: number;
  target: number;
  clients: number;
}

/** The 2-task hello of `../shared/bench/wf1.yaml`, as the API bench uploads it. */
function hello(): { workflow: string; yaml: string } {
  const w = apiWorkloads().find((x) => x.concurrent === 100);
  if (!w) throw new Error('the API bench lost its hello workload');
  return w;
}

/** Tables that hold delivery bookkeeping: there only because the bench adds a listener. */
const DELIVERY_TABLES = new Set(['deliveries', 'event_attempts', 'statuses']);

const STAGES = [1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];

interface Stage {
  n: number;
  rate: number;
  p50: number;
  p99: number;
  db: DbSize;
  lists: Map<string, Timing | string>;
}

/** A receiver that answers 204 to everything: deliveries succeed at once. */
async function receiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Creates executions with `clients` loops until `total` exist or `deadline` passes; latencies in `lat`. */
async function create(
  base: string,
  workflow: string,
  from: number,
  total: number,
  clients: number,
  deadline: number,
) {
  const lat: number[] = [];
  const ids: string[] = [];
  let issued = from;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < total && Date.now() < deadline) {
        issued++;
        const t = performance.now();
        const ex = await call('POST', `${base}/executions`, {
          workflow_name: workflow,
          input: '{"name": "x"}',
        });
        lat.push(performance.now() - t);
        if (ids.length < 1000) ids.push(String(ex.id));
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { created: issued - from, rate: (issued - from) / seconds, lat, ids };
}

/** Waits until no execution is left running (the list of RUNNING ones is empty). */
async function settle(base: string): Promise<void> {
  for (;;) {
    const body = await call('GET', `${base}/executions?state=RUNNING&limit=1&fields=id`);
    if ((body.executions as unknown[]).length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

function byTable(db: DbSize, n: number): string {
  return `by table (bytes/execution, of which indexes): ${db.tables
    .filter(([, b]) => b / n >= 1)
    .map(([t, b]) => `${t} ${(b / n).toFixed(0)} (${((db.indexes.get(t) ?? 0) / n).toFixed(0)})`)
    .join(', ')}`;
}

/** Where the index bytes are: the largest indexes (`sqlite_autoindex_*` are text primary keys and UNIQUEs). */
function byIndex(db: DbSize, n: number): string {
  return `largest indexes (bytes/execution): ${db.byIndex
    .slice(0, 12)
    .map(([name, b]) => `${name} ${(b / n).toFixed(0)}`)
    .join(', ')}`;
}

function printStage(s: Stage): void {
  const engine = s.db.tables.filter(([t]) => !DELIVERY_TABLES.has(t)).reduce((a, [, b]) => a + b, 0);
  const delivery = s.db.tables.filter(([t]) => DELIVERY_TABLES.has(t)).reduce((a, [, b]) => a + b, 0);
  console.log(
    `\n${s.n.toLocaleString('en')} executions: created at ${s.rate.toFixed(0)}/s (p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms)`,
  );
  console.log(
    `  database: ${kb(s.db.used / s.n)} per execution in use = ${kb(engine / s.n)} engine + ${kb(delivery / s.n)} the bench listener's deliveries; files ${(s.db.file / 1e6).toFixed(1)} MB + WAL ${(s.db.wal / 1e6).toFixed(1)} MB`,
  );
  console.log(`  ${byTable(s.db, s.n)}`);
  for (const [name, v] of s.lists) {
    const text = typeof v === 'string' ? v : `${v.p50.toFixed(2)} ms (fastest ${v.min.toFixed(2)})`;
    console.log(`  ${name.padEnd(38)} ${text}`);
  }
}

/**
 * A route's p50 at `n` executions, from how its cost grew over the stages: the exponent k of cost ~ n^k, fitted
 * by least squares on logarithms of the fastest call of each stage (0: flat, 1: linear in history; the fastest
 * call is the work itself, the median adds the load of a shared machine), applied to the last stage's median.
 * A k below 0.2 reads as flat: timings this small are noisy.
 */
function extrapolate(stages: Stage[], route: string, n: number): string {
  const pts = stages
    .map((s) => [s.n, s.lists.get(route)] as const)
    .filter((p): p is readonly [number, Timing] => typeof p[1] === 'object' && p[1].min > 0)
    .map(([x, t]) => [Math.log(x), Math.log(t.min), t.p50] as const);
  const last = pts[pts.length - 1];
  const first = pts[0];
  if (!last || !first || last[0] - first[0] < Math.log(4)) return '- (too few stages: run longer)';
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const k =
    pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  const flat = k < 0.2;
  const at = flat ? last[2] : last[2] * (n / Math.exp(last[0])) ** k;
  return `${at.toFixed(2)} ms (cost ~ n^${k.toFixed(2)}: ${flat ? 'flat' : k >= 0.8 ? 'linear in history' : 'growing'})`;
}

export async function runScaleBench(o: ScaleOptions): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-scale-'));
  const rx = await receiver();
  const { base, child } = await startTramontane(dir, ['--egress-allow-private']);
  const stages: Stage[] = [];
  try {
    console.log(
      `\nScale: ${o.clients} keep-alive clients creating the 2-task hello through the API for up to ${o.seconds} s or ${o.target.toLocaleString('en')} executions (SQLite, default retention, ${os.cpus().length} cores shared with whatever else runs: figures under load)`,
    );
    const { workflow, yaml } = hello();
    await call('POST', `${base}/workflows`, yaml, true);
    const listener = await call('POST', `${base}/listeners`, {
      name: 'scale-bench',
      scope: { workflow },
      events: ['WORKFLOW_SUCCEEDED'],
      url: rx.url,
    });
    const deadline = Date.now() + o.seconds * 1000;
    const sizes = [...STAGES.filter((n) => n < o.target), o.target];
    let n = 0;
    for (const size of sizes) {
      // The marker and the time bound point at this stage's start: 40-50% into the history (stages grow
      // about 2x), so the pages they ask for are not the trivial first or last ones.
      const middleTime = new Date().toISOString();
      const c = await create(base, workflow, n, size, o.clients, deadline);
      if (c.created === 0) break;
      n += c.created;
      await settle(base);
      const samples: Samples = {
        executionId: c.ids[0] ?? '',
        workflowName: workflow,
        listenerId: String(listener.id),
        middle: middleTime,
      };
      const lists = new Map<string, Timing | string>();
      for (const r of listRoutes(samples)) lists.set(r.name, await timeRoute(base, r));
      const stage: Stage = {
        n,
        rate: c.rate,
        p50: quantile(c.lat, 0.5),
        p99: quantile(c.lat, 0.99),
        db: measureDb(path.join(dir, 'tram.db')),
        lists,
      };
      stages.push(stage);
      printStage(stage);
      if (Date.now() >= deadline) break;
    }
    const last = stages[stages.length - 1];
    if (last) {
      // Past the outbox's replay window (24 h by default) the sweeper compacts the outbox; executions are kept
      // (no expiration policy by default), so this is what every execution costs for good.
      const kept = await compactedDb(path.join(dir, 'tram.db'));
      const deliveryKept = kept.tables.filter(([t]) => DELIVERY_TABLES.has(t)).reduce((a, [, b]) => a + b, 0);
      console.log(
        `\nKept past the replay window (a copy with its outbox compacted as the default retention does after 24 h; executions are kept by default): ${kb((kept.used - deliveryKept) / last.n)} per execution + ${kb(deliveryKept / last.n)} the bench listener's deliveries`,
      );
      console.log(`  ${byTable(kept, last.n)}`);
      console.log(`  ${byIndex(kept, last.n)}`);
      const million = 1_000_000;
      console.log(
        `\nExtrapolated to ${million.toLocaleString('en')} executions from ${last.n.toLocaleString('en')} measured (bytes: the last stage's per execution; p50: the growth fitted over the stages, from the last figure):`,
      );
      console.log(
        `  database ${(((last.db.used / last.n) * million) / 1e9).toFixed(2)} GB at ${kb(last.db.used / last.n)} per execution; creation at ${last.rate.toFixed(0)}/s takes ${(million / last.rate / 60).toFixed(1)} min (the last stage's rate)`,
      );
      for (const name of last.lists.keys()) {
        console.log(`  ${name.padEnd(38)} ${extrapolate(stages, name, million)}`);
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rx.close();
    closeClient();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
