/**
 * A node's lease renewal, on a thread and a connection of its own. On the main thread it shared the event loop
 * with the engine and the API, so any stretch of synchronous work longer than the lease (compiling a workbook on
 * a CPU-starved machine: the cluster bench saw a node declared dead 4 s after it started, while it compiled its
 * first upload) made the other nodes take the node's executions over and fence it, although it was alive. The
 * lease now says that the process lives and reaches the database; a node whose event loop is blocked keeps its
 * executions (it is the only one that can run them anyway) until it dies or leaves.
 *
 * The worker is a few lines of plain JavaScript evaluated as CommonJS (it needs only `pg`, resolved here), so
 * it loads the same way from the sources under tsx and from the built package.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
let client = null;
let stopped = false;
async function beat() {
  try {
    if (!client) {
      const c = new pg.Client({ connectionString: workerData.url });
      c.on('error', () => { if (client === c) client = null; });
      await c.connect();
      client = c;
    }
    const r = await client.query(workerData.sql, [workerData.nodeId]);
    if (!stopped) parentPort.postMessage({ alive: r.rowCount > 0 });
  } catch {
    // The database is unreachable: the next beat tries again (on a new connection).
    if (client) client.end().catch(() => undefined);
    client = null;
  }
}
const timer = setInterval(beat, workerData.everyMs);
parentPort.on('message', () => {
  stopped = true;
  clearInterval(timer);
  Promise.resolve(client && client.end()).catch(() => undefined).finally(() => parentPort.close());
});
`;

export interface HeartbeatOptions {
  url: string;
  nodeId: string;
  everyMs: number;
  /** The renewal statement, `$1` the node id; it updates no row once the node was declared dead. */
  sql: string;
  /** Called when a renewal found the node's row gone. */
  onLost: () => void;
}

export class Heartbeat {
  private readonly worker: Worker;
  private readonly done: Promise<void>;

  constructor(opts: HeartbeatOptions) {
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { url: opts.url, nodeId: opts.nodeId, everyMs: opts.everyMs, sql: opts.sql, pgPath },
      // The loaders of the main thread (tsx) are not needed for plain JavaScript.
      execArgv: [],
    });
    this.worker.on('message', (m: { alive?: boolean }) => {
      if (m.alive === false) opts.onLost();
    });
    this.worker.on('error', () => undefined);
    this.worker.unref();
    this.done = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Stops renewing (after the beat in flight) and closes the worker's connection. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    await Promise.race([this.done, new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
  }
}
