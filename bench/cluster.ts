/**
 * `npm run bench -- cluster`: the engine bench's workloads through the REST API of 1, 2 and 3 `tram serve`
 * processes on one PostgreSQL database (executions started round-robin on the nodes), beside 1 node on SQLite,
 * then the takeover time: 60 slow executions on node 2 of 3, node 2 killed with SIGKILL, time until another node
 * commits their next event.
 *
 * PostgreSQL at `TRAM_BENCH_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`): each run creates its
 * own database and drops it. The nodes share this machine's CPUs with PostgreSQL and with each other, so on a
 * small machine more nodes add coordination, not cores: read the figures with the core count printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runWorkloadViaApi } from './api.js';
import { workloads, type Workload } from './workloads.js';

const ADMIN_URL = process.env.TRAM_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');

interface Node {
  url: string;
  child: ChildProcess;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `tram_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  try {
    return await run(u.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

function startNode(db: string): Promise<Node> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--db', db, '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:[^"]+)"/.exec(out);
      if (m?.[1]) resolve({ url: m[1], child });
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
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${String(json.faultstring)}`);
  return json;
}

async function until(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 20));
}

/** One workload on `nodes` nodes: wall time from the first start to the last SUCCESS. */
async function runOnCluster(w: Workload, nodes: number): Promise<number> {
  return withDatabase(async (db) => {
    const cluster = await Promise.all(Array.from({ length: nodes }, () => startNode(db)));
    const sql = new pg.Client({ connectionString: db });
    await sql.connect();
    try {
      const first = cluster[0] as Node;
      await post(`${first.url}/v2/workflows`, w.yaml);
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: w.executions }, (_, i) =>
          post(`${(cluster[i % nodes] as Node).url}/v2/executions`, {
            workflow_name: w.workflow,
            input: JSON.stringify(w.input),
          }),
        ),
      );
      await until(async () => {
        const { rows } = await sql.query(
          `SELECT COUNT(*) FILTER (WHERE state = 'SUCCESS') AS ok,
             COUNT(*) FILTER (WHERE state IN ('ERROR','CANCELLED')) AS bad
           FROM workflow_executions WHERE parent_task_id IS NULL`,
        );
        if (Number(rows[0]?.bad) > 0) throw new Error(`${w.name}: an execution failed`);
        return Number(rows[0]?.ok) === w.executions;
      });
      return performance.now() - t0;
    } finally {
      await sql.end();
      await stop(cluster);
    }
  });
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

/** Kills node 2 of 3 while it runs 60 slow executions: ms until another node commits one of their events. */
async function takeover(): Promise<number> {
  return withDatabase(async (db) => {
    const cluster = await Promise.all(Array.from({ length: 3 }, () => startNode(db)));
    const sql = new pg.Client({ connectionString: db });
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
      let first_event = 0;
      await until(async () => {
        const { rows } = await sql.query(
          'SELECT MIN(created_at) AS t FROM outbox WHERE execution_id = ANY($1::text[]) AND created_at > $2',
          [ids, killed],
        );
        first_event = Number(rows[0]?.t ?? 0);
        return first_event > 0;
      });
      return first_event - killed;
    } finally {
      await sql.end();
      await stop(cluster);
    }
  });
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

export async function runClusterBench(): Promise<void> {
  console.log(
    `\nTramontane cluster benchmark (PostgreSQL ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')}, ${os.cpus().length} cores, node ${process.version})`,
  );
  console.log('units/s through the REST API, executions started round-robin on the nodes\n');
  const widths = [36, 14, 12, 12, 12, 12];
  console.log(row(['workload', 'units', 'SQLite x1', 'PG x1', 'PG x2', 'PG x3'], widths));
  for (const w of workloads()) {
    const figures = [await runWorkloadViaApi(w)];
    for (const n of [1, 2, 3]) figures.push(await runOnCluster(w, n));
    console.log(
      row(
        [w.name, `${w.units} ${w.unitName}`, ...figures.map((ms) => ((w.units / ms) * 1000).toFixed(0))],
        widths,
      ),
    );
  }
  console.log(`\ntakeover after SIGKILL of 1 node of 3 (lease 5 s, poll 1 s): ${await takeover()} ms`);
}
