/**
 * A small pool of worker threads that run `std.javascript` scripts off the server's event loop (the code they
 * run is `script-worker.ts`). A runaway script costs its own task and nothing else: its thread has a capped
 * heap (`resourceLimits`), and the host terminates it when the script outlives its deadline (the vm timeout
 * inside the thread normally ends it first, and the thread is then reused), when the task is cancelled, or
 * when it runs out of memory; a fresh thread takes its place on the next run.
 *
 * Lifecycle: threads start on first use, one per concurrent script up to `maxWorkers` (more scripts queue);
 * finished ones stay warm (unref'd, so they never keep the process alive) up to `warmWorkers`; `close()`
 * terminates them all.
 */

import { Worker } from 'node:worker_threads';
import { SCRIPT_WORKER_SOURCE } from './script-worker.js';

export interface ScriptPoolOptions {
  /** Heap cap of each script thread, in MiB. @default 64 */
  memoryMb: number;
  /** Threads running scripts at once; further scripts wait their turn. @default 4 */
  maxWorkers: number;
  /** Idle threads kept started so the next script does not pay the start-up. @default 2 */
  warmWorkers: number;
}

export const DEFAULT_SCRIPT_POOL_OPTIONS: Readonly<ScriptPoolOptions> = Object.freeze({
  memoryMb: 64,
  maxWorkers: 4,
  warmWorkers: 2,
});

export type ScriptReply =
  | { kind: 'ok'; json: string }
  | { kind: 'failed'; error: string }
  | { kind: 'timedOut' }
  | { kind: 'outOfMemory' }
  | { kind: 'cancelled' };

/** Time the host gives the thread's own vm timeout before terminating the thread itself. */
const HARD_KILL_GRACE_MS = 500;

export class ScriptPool {
  readonly options: Readonly<ScriptPoolOptions>;
  private readonly all = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private running = 0;
  private nextId = 1;
  private closed = false;

  constructor(options: Partial<ScriptPoolOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_SCRIPT_POOL_OPTIONS, ...options });
  }

  /** Runs one script; never throws. `context` is the JSON text `$` is parsed from inside the sandbox. */
  async run(script: string, context: string, timeoutMs: number, signal: AbortSignal): Promise<ScriptReply> {
    if (signal.aborted) return { kind: 'cancelled' };
    const worker = await this.acquire();
    worker.ref();
    const id = this.nextId++;
    let healthy = true;
    const reply = await new Promise<ScriptReply>((resolve) => {
      const finish = (r: ScriptReply, keep: boolean) => {
        healthy = keep;
        clearTimeout(deadline);
        signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(r);
      };
      const onMessage = (m: {
        id: number;
        ok?: boolean;
        json?: string;
        error?: string;
        timedOut?: boolean;
      }) => {
        if (m.id !== id) return;
        if (m.timedOut) finish({ kind: 'timedOut' }, true);
        else if (m.ok === true) finish({ kind: 'ok', json: m.json ?? 'null' }, true);
        else finish({ kind: 'failed', error: m.error ?? 'the script failed' }, true);
      };
      const onError = (err: Error & { code?: string }) => {
        finish(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? { kind: 'outOfMemory' }
            : { kind: 'failed', error: 'the script thread failed' },
          false,
        );
      };
      const onExit = () => finish({ kind: 'failed', error: 'the script thread stopped' }, false);
      const onAbort = () => finish({ kind: 'cancelled' }, false);
      const deadline = setTimeout(() => finish({ kind: 'timedOut' }, false), timeoutMs + HARD_KILL_GRACE_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, script, context, timeoutMs });
    });
    this.release(worker, healthy);
    return reply;
  }

  /** Terminates every thread (a script still running ends as failed). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.splice(0);
    await Promise.allSettled([...this.all].map((w) => w.terminate()));
  }

  private acquire(): Promise<Worker> {
    const worker = this.idle.pop();
    if (worker) {
      this.running++;
      return Promise.resolve(worker);
    }
    if (this.running < this.options.maxWorkers) {
      this.running++;
      return Promise.resolve(this.spawn());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker, healthy: boolean): void {
    if (!healthy) void worker.terminate();
    const next = this.waiting.shift();
    if (next) {
      // The slot passes straight to the next script; `running` is unchanged.
      next(healthy && !this.closed ? worker : this.spawn());
      return;
    }
    this.running--;
    if (healthy && !this.closed && this.idle.length < this.options.warmWorkers) {
      worker.unref();
      this.idle.push(worker);
    } else if (healthy) {
      void worker.terminate();
    }
  }

  private spawn(): Worker {
    const worker = new Worker(SCRIPT_WORKER_SOURCE, {
      eval: true,
      // A script thread needs none of the server's flags (tsx's loader, inspector ports).
      execArgv: [],
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: this.options.memoryMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.ceil(this.options.memoryMb / 8)),
        stackSizeMb: 4,
      },
    });
    // An idle thread that dies (it should not) is simply dropped from the pool.
    worker.on('error', () => undefined);
    this.all.add(worker);
    worker.on('exit', () => {
      this.all.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return worker;
  }
}
