/**
 * WAL checkpoints on a thread and a connection of their own. SQLite's automatic checkpoint runs inside the commit
 * that pushes the WAL past 1,000 pages: that commit copies 4 MB back into the database file and fsyncs it, on the
 * event loop. Under steady engine load that was every third 500-step commit, each paying 10-20 ms more than the
 * others (and far more on a busy disk). Here the store asks for a PASSIVE checkpoint once enough rows went in;
 * it runs beside the writer (WAL lets one checkpoint and one writer work at once), and the writer restarts the
 * WAL from its beginning at its next commit once everything was copied.
 *
 * Durability is SQLite's own: a checkpoint only copies committed frames, and a crash at any point leaves the WAL
 * to be replayed on open. The connection's automatic checkpoint stays on as the backstop for writes this does not
 * count, or a checkpointer that falls behind: it then skips (busy) while this one runs, at no cost.
 *
 * The worker starts on the first request, so a store that writes little never starts one. It is a few lines of
 * plain JavaScript evaluated as CommonJS (it needs only better-sqlite3, resolved here), so it loads the same way
 * from the sources under tsx and from the built package.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing: the next request, or the writer's own automatic checkpoint, does it.
  }
  parentPort.postMessage('done');
});
`;

/** Rows written between two checkpoint requests: about 200 WAL pages of engine steps. */
const ROWS_PER_CHECKPOINT = 1000;

/**
 * The writer's own automatic checkpoint, in WAL pages (SQLite's default is 1,000). Rows are not pages: a small
 * execution of a few rows dirties one page of every index it touches, about 25 pages for a 2-task execution, so
 * 1,000 rows of those is some 2,500 pages, and at the default the writer checkpointed on the event loop before
 * this worker was asked (seen in profiles of sequential API creates as `sqlite3WalDefaultHook`). Raised, it stays
 * what it is meant to be: the backstop.
 *
 * It sits well above that. Under a writer that never pauses (a backlog draining), this worker's PASSIVE
 * checkpoints copy nearly all of the WAL but rarely its last frame, so the WAL does not restart until the
 * backstop checkpoints in the writer's commit, on the event loop: fsyncs of up to 27 ms, and a p99 of ~50 ms for
 * the API while a 100k backlog drained at 4,000 pages. At 20,000 it fires a fifth as often (p99 39-41 ms, the
 * drain 3,737-4,023/s against 3,183-3,458/s), and the WAL may reach 80 MB between checkpoints.
 */
const WRITER_AUTOCHECKPOINT_PAGES = 20_000;

export class Checkpointer {
  private worker: Worker | null = null;
  private exited: Promise<void> | null = null;
  private rows = 0;
  private inFlight = false;
  private stopped = false;
  private settledWaiters: (() => void)[] = [];

  constructor(private readonly path: string) {}

  /** Sets the writing connection's backstop checkpoint above what this worker is asked to keep up with. */
  adoptWriter(db: { pragma(source: string): unknown }): void {
    db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  }

  /** Counts rows just committed, and asks for a checkpoint once enough went in (never two at once). */
  written(rows: number): void {
    this.rows += rows;
    if (this.inFlight || this.stopped || this.rows < ROWS_PER_CHECKPOINT) return;
    this.rows = 0;
    this.inFlight = true;
    this.start().postMessage('checkpoint');
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER, {
      eval: true,
      workerData: { path: this.path, driverPath },
      // The loaders of the main thread (tsx) are not needed for plain JavaScript.
      execArgv: [],
    });
    w.on('message', () => {
      this.inFlight = false;
      // Rows that went in meanwhile: checkpoint again now rather than at the next commit.
      this.written(0);
      if (!this.inFlight) for (const r of this.settledWaiters.splice(0)) r();
    });
    // A worker that failed (cannot open the file) or ended leaves checkpoints to the writer's automatic ones:
    // nothing is asked of it any more, and whoever waits for its checkpoint is let go.
    const gone = () => {
      this.stopped = true;
      this.inFlight = false;
      for (const r of this.settledWaiters.splice(0)) r();
    };
    w.on('error', gone);
    w.unref();
    this.exited = new Promise((resolve) =>
      w.once('exit', () => {
        gone();
        resolve();
      }),
    );
    this.worker = w;
    return w;
  }

  /** Resolves once no checkpoint is asked for or running. */
  settled(): Promise<void> {
    if (!this.inFlight) return Promise.resolve();
    return new Promise((r) => this.settledWaiters.push(r));
  }

  /** Stops the worker after the checkpoint in flight; its connection closes before the store's last one. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const r of this.settledWaiters.splice(0)) r();
    const w = this.worker;
    if (!w) return;
    // Held until it has exited: an unreferenced worker and timer would let the process end here, in the middle
    // of its owner's close.
    w.ref();
    w.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    await w.terminate();
  }
}
