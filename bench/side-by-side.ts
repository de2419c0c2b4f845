/**
 * `npm run bench -- api`: the three workloads of the side-by-side bench (`../shared/bench`: a chain of 50
 * `std.noop` x5, with-items 1,000, 100 concurrent 2-task `hello`) driven through REST API v2 with the client
 * logic of `wfbench.py` (a Node port: create the executions one after the other, then poll each every 10 ms
 * until all are terminal). The server runs in a child process, as a user's would. When `MISTRAL_URL` names a
 * Mistral (e.g. `http://127.0.0.1:8989/v2`), the same client runs against it in the same run and the ratio is
 * printed. Then the figures users feel on creation: `POST /v2/executions` latency over 1,000 sequential creates,
 * and the creation rate of 16 concurrent keep-alive clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWfbenchPy, startNullServer, wfbenchPy } from './client-floor.js';
import { call, closeClient } from './http-client.js';

interface ApiWorkload {
  name: string;
  workflow: string;
  yaml: string;
  input: Record<string, unknown>;
  concurrent: number;
}

/** The same definitions as `../shared/bench/*.yaml`, under names that do not collide with anyone's. */
export function apiWorkloads(): ApiWorkload[] {
  const chain = Array.from({ length: 50 }, (_, i) =>
    i < 49
      ? `    t${i}:\n      action: std.noop\n      on-success: [t${i + 1}]`
      : `    t${i}:\n      action: std.noop`,
  ).join('\n');
  return [
    {
      name: 'chain of 50 std.noop, 5 executions',
      workflow: 'wfbench_chain',
      yaml: `version: '2.0'\nwfbench_chain:\n  tasks:\n${chain}\n`,
      input: {},
      concurrent: 5,
    },
    {
      name: 'with-items 1,000',
      workflow: 'wfbench_items',
      yaml: `version: '2.0'
wfbench_items:
  input:
    - n: 200
  tasks:
    t:
      with-items: i in <% range(0, $.n) %>
      action: std.echo output=<% $.i %>
      publish:
        total: <% len(task().result) %>
`,
      input: { n: 1000 },
      concurrent: 1,
    },
    {
      name: '100 concurrent 2-task executions',
      workflow: 'wfbench_hello',
      yaml: `version: '2.0'
wfbench_hello:
  input:
    - name: world
  output:
    greeting: <% $.greeting %>
  tasks:
    t1:
      action: std.echo output="Hello, <% $.name %>"
      publish:
        greeting: <% task().result %>
      on-success: [t2]
    t2:
      action: std.noop
`,
      input: { name: 'x' },
      concurrent: 100,
    },
  ];
}

export { call };

/** Creates the workflow, or replaces it when the server already has one of that name. */
async function upload(base: string, w: ApiWorkload): Promise<void> {
  try {
    await call('POST', `${base}/workflows`, w.yaml, true);
  } catch (err) {
    if ((err as { status?: number }).status !== 409) throw err;
    await call('PUT', `${base}/workflows`, w.yaml, true);
  }
}

/** wfbench.py's loop: n creates in a row, then polls every pending execution every 10 ms. Seconds. */
async function wfbench(base: string, w: ApiWorkload): Promise<number> {
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < w.concurrent; i++) {
    const ex = await call('POST', `${base}/executions`, {
      workflow_name: w.workflow,
      input: JSON.stringify(w.input),
    });
    ids.push(String(ex.id));
  }
  const pending = new Set(ids);
  while (pending.size) {
    for (const id of [...pending]) {
      const st = String((await call('GET', `${base}/executions/${id}`)).state);
      if (st === 'ERROR' || st === 'CANCELLED') throw new Error(`${w.name}: execution ${id} ended ${st}`);
      if (st === 'SUCCESS') pending.delete(id);
    }
    if (pending.size) await new Promise((r) => setTimeout(r, 10));
  }
  return (performance.now() - t0) / 1000;
}

export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}

/**
 * CPU seconds the process `pid` has used (user + system, from /proc), or null where there is no /proc. A shared
 * machine's load stretches latencies and rates, much less the CPU a request costs the server.
 */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

/** `clients` keep-alive clients creating `total` executions of the hello workflow: rate, latencies, and the
 * server's CPU per create (µs, when `server` is a local process; its post-commit work included). */
async function createLoad(base: string, workflow: string, total: number, clients: number, server?: number) {
  const cpu0 = cpuSeconds(server);
  const lat: number[] = [];
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < total) {
        issued++;
        const t = performance.now();
        await call('POST', `${base}/executions`, { workflow_name: workflow, input: '{"name": "x"}' });
        lat.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  // The fan-out of the last creates runs after their answers.
  await new Promise((r) => setTimeout(r, 200));
  const cpu1 = cpuSeconds(server);
  lat.sort((a, b) => a - b);
  return {
    perSecond: total / seconds,
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
    cpu:
      cpu0 === null || cpu1 === null
        ? ''
        : `, server CPU ${(((cpu1 - cpu0) / total) * 1e6).toFixed(0)} µs/create`,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** `tram serve` in a child process on a free port, its database in `dir` (`tram.db`). Run from sources (tsx),
 * the child runs the sources too. */
export async function startTramontane(
  dir: string,
  extraArgs: string[] = [],
): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const here = fileURLToPath(import.meta.url);
  const main = path.join(path.dirname(here), '..', 'cli', `main${path.extname(here)}`);
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      main,
      'serve',
      '--port',
      String(port),
      '--db',
      path.join(dir, 'tram.db'),
      '--log-level',
      'warn',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const base = `http://127.0.0.1:${port}/v2`;
  // Up to a minute: on a loaded machine, starting from sources (tsx) takes a while.
  for (let i = 0; i < 600; i++) {
    try {
      await call('GET', `${base}/workflows?limit=1`);
      return { base, child };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not answer on ${base}`);
}

export async function runApiBench(mistralUrl: string | undefined): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-side-'));
  const { base, child } = await startTramontane(dir);
  try {
    console.log(
      `\nThrough REST API v2, wfbench.py's client loop (server in its own process; Mistral: ${mistralUrl ?? 'not set, MISTRAL_URL'})\n`,
    );
    const py = process.env.TRAM_BENCH_PY === '0' ? null : wfbenchPy();
    console.log(
      `wfbench.py itself: ${py ?? 'not run (TRAM_BENCH_PY=0, or ../shared/bench/wfbench.py missing)'}. Client floor: the same client against a server that answers instantly; ceiling: Mistral's time / that floor, the highest ratio that client can show.\n`,
    );
    console.log(
      `${'workload'.padEnd(36)}${'client'.padEnd(12)}${'Mistral s'.padStart(10)}${'Tramontane s'.padStart(14)}${'ratio'.padStart(8)}${'floor s'.padStart(10)}${'ceiling'.padStart(9)}`,
    );
    const nullServer = await startNullServer();
    try {
      for (const w of apiWorkloads()) {
        await upload(base, w);
        // Warm-up, not counted: one whole run of the workload, so that the rounds measure the server's steady
        // state rather than V8 compiling its paths (the first of a fresh server's `hello` runs took 0.35 s, the
        // next 0.24 s). Mistral, in Python, has no such tiers to warm.
        await wfbench(base, w);
        const clients: (readonly [string, (url: string) => Promise<number>])[] = [
          ['Node port', (url) => wfbench(url, w)],
          ...(py
            ? [
                [
                  'wfbench.py',
                  (url: string) => runWfbenchPy(py, url, w.workflow, w.input, w.concurrent),
                ] as const,
              ]
            : []),
        ];
        if (mistralUrl) await upload(mistralUrl, w).catch(() => undefined);
        for (const [client, run] of clients) {
          // Ours is quick and the machine is shared: the median of ROUNDS runs, all printed.
          const runs: number[] = [];
          await machineQuiet();
          for (let i = 0; i < ROUNDS; i++) runs.push(await run(base));
          const ours = median(runs);
          const floors: number[] = [];
          for (let i = 0; i < ROUNDS; i++) floors.push(await run(nullServer.base));
          const floor = median(floors);
          let theirs: number | null = null;
          let failure = '';
          if (mistralUrl) {
            // A loaded machine can fail Mistral's run (its heartbeats time out): say so, and go on with ours.
            try {
              await machineQuiet();
              theirs = await run(mistralUrl);
            } catch (err) {
              failure = `   Mistral failed: ${(err as Error).message.slice(0, 120)}`;
            }
          }
          const times = (x: number | null, of: number) => (x === null ? '-' : `${(x / of).toFixed(0)}x`);
          console.log(
            `${w.name.padEnd(36)}${client.padEnd(12)}${(theirs === null ? '-' : theirs.toFixed(2)).padStart(10)}${ours.toFixed(3).padStart(14)}${times(theirs, ours).padStart(8)}${floor.toFixed(3).padStart(10)}${times(theirs, floor).padStart(9)}   (runs: ${runs.map((r) => r.toFixed(3)).join(' ')})${failure}`,
          );
        }
      }
    } finally {
      await nullServer.close();
    }
    const hello = 'wfbench_hello';
    for (let i = 0; i < ROUNDS; i++) {
      const seq = await createLoad(base, hello, 1000, 1, child.pid);
      console.log(
        `${i ? '' : '\n'}POST /v2/executions, 1,000 sequential creates: p50 ${seq.p50.toFixed(2)} ms, p99 ${seq.p99.toFixed(2)} ms (${seq.perSecond.toFixed(0)}/s${seq.cpu})`,
      );
    }
    for (let i = 0; i < ROUNDS; i++) {
      const load = await createLoad(base, hello, 4000, 16, child.pid);
      console.log(
        `16 concurrent keep-alive clients, 4,000 creates: ${load.perSecond.toFixed(0)} executions/s, p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms${load.cpu}`,
      );
    }
  } finally {
    closeClient();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Busy and total CPU time of all cores so far (ms; `os.cpus()`). */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times: t } of os.cpus()) {
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/**
 * Waits, up to 15 s, until the machine's cores were at least 85% idle over 250 ms, before each server's runs. On
 * a 2-core machine whatever else still runs (the other server finishing its bookkeeping, a build, a test) is
 * taken from the server being measured; a run that starts on a quiet machine measures the server. On a machine
 * that stays busy it gives up and measures anyway (the rounds are all printed).
 */
async function machineQuiet(): Promise<void> {
  const until = performance.now() + 15_000;
  while (performance.now() < until) {
    const a = cpuTimes();
    await new Promise((r) => setTimeout(r, 250));
    const b = cpuTimes();
    if (b.total === a.total || (b.busy - a.busy) / (b.total - a.total) <= 0.15) return;
  }
}

/** Rounds of each figure of ours (`TRAM_BENCH_ROUNDS`, 3 by default). */
const ROUNDS = Math.max(1, Number(process.env.TRAM_BENCH_ROUNDS ?? 3));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
