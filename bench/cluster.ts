/**
 * `npm run bench -- cluster`: the engine bench's workloads through the REST API of `tram serve` processes: 1 node
 * on SQLite, then 1, 2 and 3 nodes on one PostgreSQL database (executions started round-robin on the nodes),
 * every configuration measured the same way (wall time from the first start request to the last SUCCESS, seen by
 * counting rows in the store). Then where the PostgreSQL sessions waited on locks meanwhile (`pg-waits.ts`), and
 * the takeover time: 60 slow executions on node 2 of 3, node 2 killed with SIGKILL, time until another node
 * commits their next event, and until they have all succeeded.
 *
 * PostgreSQL at `TRAM_BENCH_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`): each run creates its
 * own database and drops it. The nodes share this machine's CPUs with PostgreSQL and with each other, so on a
 * small machine more nodes add coordination, not cores: read the figures with the core count printed. A workload
 * that does not finish within `TRAM_BENCH_CLUSTER_TIMEOUT_S` (default 120) fails the run with the nodes' errors,
 * instead of waiting forever. `TRAM_BENCH_CLUSTER_ONLY=text` runs only the workloads whose name contains it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { addWaits, describeWaits, WaitSampler, type WaitFigures } from './pg-waits.js';
import { workloads, type Workload } from './workloads.js';

const ADMIN_URL = process.env.TRAM_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
const TIMEOUT_MS = Number(process.env.TRAM_BENCH_CLUSTER_TIMEOUT_S ?? 120) * 1000;

interface Node {
  url: string;
  child: ChildProcess;
  output(): string;
}

/** Where the nodes of one run keep their state, and how the bench counts finished executions there. */
interface Location {
  db: string;
  /** Root executions that succeeded, and those that failed. */
  count(): Promise<{ ok: number; bad: number }>;
  close(): Promise<void>;
}

const COUNT = `SELECT COUNT(*) FILTER (WHERE state = 'SUCCESS') AS ok,
  COUNT(*) FILTER (WHERE state IN ('ERROR','CANCELLED')) AS bad
  FROM workflow_executions WHERE parent_task_id IS NULL`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function postgresLocation(): Promise<Location> {
  const name = `tram_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const sql = new pg.Client({ connectionString: u.toString() });
  await sql.connect();
  return {
    db: u.toString(),
    async count() {
      const { rows } = await sql.query(COUNT);
      return { ok: Number(rows[0]?.ok), bad: Number(rows[0]?.bad) };
    },
    async close() {
      await sql.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function sqliteLocation(): Location {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-cluster-'));
  const file = path.join(dir, 'tram.db');
  let sql: Database.Database | null = null;
  return {
    db: file,
    count() {
      // Opened on first use: the node creates and migrates the file.
      sql ??= new Database(file, { readonly: true, fileMustExist: true });
      const row = sql.prepare(COUNT).get() as { ok: number; bad: number };
      return Promise.resolve({ ok: Number(row.ok), bad: Number(row.bad) });
    },
    close() {
      sql?.close();
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function startNode(db: string): Promise<Node> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--db', db, '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stderr?.on('data', keep);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      keep(d);
      const m = /"url":"(http:[^"]+)"/.exec(out);
      if (m?.[1]) resolve({ url: m[1], child, output: () => out });
    });
    child.on('exit', () => reject(new Error(`node exited: ${out}`)));
  });
}

async function stop(nodes: Node[]): Promise<void> {
  await Promise.all(
    nodes.map(
      (n) =>
        new Promise<void>((r) => {
          if (n.child.exitCode !== null || n.child.signalCode !== null) return r();
          n.child.on('exit', () => r());
          n.child.kill('SIGTERM');
        }),
    ),
  );
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${String(json.faultstring)}`);
  return json;
}

/** The end of what each node printed, and how it exited. */
function logsOf(nodes: Node[]): string {
  return nodes
    .map((n, i) => {
      const exit = n.child.exitCode ?? n.child.signalCode ?? 'running';
      const lines = n
        .output()
        .split('\n')
        .filter((l) => !/"msg":"request completed"/.test(l));
      return `--- node ${i + 1} (${exit}):\n${lines.slice(-20).join('\n')}`;
    })
    .join('\n');
}

/** Polls `probe` until true; past the bench timeout, fails naming `what` and what the nodes logged. */
async function until(what: string, nodes: Node[], probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${TIMEOUT_MS} ms\n${logsOf(nodes)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Run {
  ms: number;
  waits: WaitFigures | null;
}

/** One workload on `n` nodes at `where`: wall time from the first start request to the last SUCCESS. */
async function runOn(w: Workload, n: number, where: Location): Promise<Run> {
  const cluster = await Promise.all(Array.from({ length: n }, () => startNode(where.db)));
  const sampler = where.db.startsWith('postgres') ? new WaitSampler(where.db) : null;
  let ms = 0;
  let waits: WaitFigures | null = null;
  try {
    const first = cluster[0] as Node;
    await post(`${first.url}/v2/workflows`, w.yaml);
    await sampler?.start();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: w.executions }, (_, i) =>
        post(`${(cluster[i % n] as Node).url}/v2/executions`, {
          workflow_name: w.workflow,
          input: JSON.stringify(w.input),
        }),
      ),
    );
    await until(w.name, cluster, async () => {
      const { ok, bad } = await where.count();
      if (bad > 0) throw new Error(`${w.name}: an execution failed`);
      return ok === w.executions;
    });
    ms = performance.now() - t0;
  } catch (err) {
    throw new Error(
      `${w.name} on ${n} node(s) at ${where.db}: ${(err as Error).message}\n${logsOf(cluster)}`,
      {
        cause: err,
      },
    );
  } finally {
    waits = (await sampler?.stop()) ?? null;
    await stop(cluster);
    await where.close();
  }
  return { ms, waits };
}

const SLOW = `version: '2.0'
bench_slow:
  tasks:
    wait:
      action: std.sleep seconds=3
      on-success: done
    done:
      action: std.noop
`;

/**
 * Kills node 2 of 3 while it runs 60 slow executions: ms until another node commits one of their events, and
 * until all of them succeeded.
 */
async function takeover(): Promise<{ firstEvent: number; allDone: number }> {
  const where = await postgresLocation();
  const cluster = await Promise.all(Array.from({ length: 3 }, () => startNode(where.db)));
  const sql = new pg.Client({ connectionString: where.db });
  await sql.connect();
  try {
    const [first, victim] = cluster as [Node, Node, Node];
    await post(`${first.url}/v2/workflows`, SLOW);
    const ids = await Promise.all(
      Array.from({ length: 60 }, async () =>
        String((await post(`${victim.url}/v2/executions`, { workflow_name: 'bench_slow' })).id),
      ),
    );
    victim.child.kill('SIGKILL');
    await new Promise((r) => victim.child.once('exit', r));
    const killed = Date.now();
    let firstEvent = 0;
    await until('takeover', cluster, async () => {
      const { rows } = await sql.query(
        'SELECT MIN(created_at) AS t FROM outbox WHERE execution_id = ANY($1::text[]) AND created_at > $2',
        [ids, killed],
      );
      firstEvent = Number(rows[0]?.t ?? 0);
      return firstEvent > 0;
    });
    await until('taken-over executions', cluster, async () => {
      const { rows } = await sql.query(
        `SELECT COUNT(*) AS n FROM workflow_executions WHERE id = ANY($1::text[]) AND state = 'SUCCESS'`,
        [ids],
      );
      return Number(rows[0]?.n) === ids.length;
    });
    return { firstEvent: firstEvent - killed, allDone: Date.now() - killed };
  } finally {
    await sql.end();
    await stop(cluster);
    await where.close();
  }
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

export async function runClusterBench(): Promise<void> {
  console.log(
    `\nTramontane cluster benchmark (PostgreSQL ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')}, ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg()[0]?.toFixed(1)})`,
  );
  console.log(
    'units/s through the REST API of tram serve processes, executions started round-robin on the nodes\n',
  );
  const widths = [36, 14, 12, 12, 12, 12];
  console.log(row(['workload', 'units', 'SQLite x1', 'PG x1', 'PG x2', 'PG x3'], widths));
  const waits = [1, 2, 3].map((): WaitFigures => ({ samples: 0, waits: new Map() }));
  const t0 = Date.now();
  const only = process.env.TRAM_BENCH_CLUSTER_ONLY;
  for (const w of workloads().filter((x) => !only || x.name.includes(only))) {
    const runs = [await runOn(w, 1, sqliteLocation())];
    for (const n of [1, 2, 3]) runs.push(await runOn(w, n, await postgresLocation()));
    runs.slice(1).forEach((r, i) => {
      const into = waits[i];
      if (r.waits && into) addWaits(into, r.waits);
    });
    const perSecond = runs.map((r) => ((w.units / r.ms) * 1000).toFixed(0));
    console.log(row([w.name, `${w.units} ${w.unitName}`, ...perSecond], widths));
  }
  console.log(
    '\nPostgreSQL lock waits while the workloads ran (pg_locks sampled every 25 ms, all workloads):',
  );
  waits.forEach((f, i) => describeWaits(`PG x${i + 1}`, f).forEach((l) => console.log(`  ${l}`)));
  const t = await takeover();
  console.log(
    `\ntakeover after SIGKILL of 1 node of 3 running 60 executions (lease 5 s, poll 1 s): first event on a survivor after ${t.firstEvent} ms, all 60 SUCCESS after ${t.allDone} ms`,
  );
  console.log(
    `(bench wall time ${((Date.now() - t0) / 1000).toFixed(0)} s, load average now ${os.loadavg()[0]?.toFixed(1)})`,
  );
}
