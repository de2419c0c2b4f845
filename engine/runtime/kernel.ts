/**
 * The kernel: a single work queue, drained in batches. Each batch runs queued work items (state changes,
 * in memory), commits everything they changed in ONE store transaction (group commit), and only then runs
 * the side effects they asked for (start actions, arm timers, notify subscribers).
 *
 * Why one queue: JavaScript runs one thing at a time anyway, and a single writer removes every race between
 * concurrent completions of the same execution (the source of Mistral's stuck-RUNNING joins). Why batches:
 * a commit costs the same for one row or a thousand, so throughput grows with load.
 *
 * A failed commit (a database restart, a reset connection, a full disk) is retried with backoff for a bounded
 * time, holding the queue back so that commits stay in order: a transaction that failed applied nothing, so
 * committing the same changes again is safe. Past that time the kernel is broken for good: the memory no longer
 * matches the store, so every waiting and later caller is refused (503) instead of waiting forever, and the
 * owner is told (`onCommitFatal`) so that the process can restart and recover from what is durable.
 */
import { TramError, toError } from '../../common/index.js';
import type { Store } from '../../store/index.js';
import { UnitOfWork } from './uow.js';
import type { Work } from './model.js';

/** Longest run of back-to-back batches before the kernel yields to the event loop. */
const MAX_SLICE_MS = 20;

export interface KernelOptions {
  /** Most work items per batch (and so per transaction). @default 2000 */
  batchSize?: number;
  /** Called when a work item throws: a bug, contained to that item. */
  onWorkError: (err: Error) => void;
  /** How long a failing commit is retried before the kernel gives up. @default 30000 */
  commitRetryMs?: number;
  /** Called for each failed commit attempt that will be retried after `delayMs`. */
  onCommitRetry?: (err: Error, attempt: number, delayMs: number) => void;
  /** Called once when commits kept failing past `commitRetryMs`: the in-memory state is no longer durable. */
  onCommitFatal: (err: Error) => void;
}

/** A queued work item of `run()`, which can refuse its caller when the kernel breaks before it is committed. */
type Abortable = Work & { abort?: (err: Error) => void };

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 2000;

export class Kernel {
  private queue: Work[] = [];
  private head = 0;
  private scheduled = false;
  private draining: Promise<void> | null = null;
  private current: UnitOfWork | null = null;
  private closed = false;
  /** Set once commits failed for good: every later call is refused with it. */
  private broken: TramError | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly opts: KernelOptions,
  ) {}

  /** The unit of work of the batch being run. Only valid inside a work item. */
  get uow(): UnitOfWork {
    if (!this.current) throw new Error('engine state changed outside a work item');
    return this.current;
  }

  enqueue(work: Work): void {
    if (this.closed) return;
    this.queue.push(work);
    this.schedule();
  }

  /** Runs `work` in the next batch and resolves once that batch is committed. */
  run<T>(work: () => T): Promise<T> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      const item: Abortable = () => {
        try {
          const value = work();
          this.uow.effects.push(() => resolve(value));
          this.uow.aborts.push(reject);
        } catch (err) {
          reject(toError(err));
        }
      };
      item.abort = reject;
      this.enqueue(item);
    });
  }

  /** The error every call gets once commits failed for good, or null while the kernel works. */
  get failure(): TramError | null {
    return this.broken;
  }

  /** Resolves when the queue is empty and everything is committed. */
  idle(): Promise<void> {
    if (!this.draining && this.head >= this.queue.length) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      // `scheduled` stays set until `draining` is: work enqueued by the first batch (before drain's first await)
      // must not schedule a second drain, whose commit would overlap this one's and could land first.
      this.draining = this.drain().finally(() => {
        this.draining = null;
        if (this.head < this.queue.length) this.schedule();
        else for (const w of this.idleWaiters.splice(0)) w();
      });
      this.scheduled = false;
    });
  }

  private async drain(): Promise<void> {
    const batchSize = this.opts.batchSize ?? 2000;
    const started = performance.now();
    while (this.head < this.queue.length) {
      // A workflow that loops on inline actions would otherwise keep this loop busy forever (the SQLite commit
      // resolves without yielding): give the event loop (HTTP, timers, sockets) a turn between slices.
      if (performance.now() - started > MAX_SLICE_MS) return;
      const uow = new UnitOfWork();
      this.current = uow;
      let n = 0;
      while (this.head < this.queue.length && n < batchSize) {
        const work = this.queue[this.head++] as Work;
        n++;
        try {
          work();
        } catch (err) {
          this.opts.onWorkError(toError(err));
        }
      }
      this.current = null;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      if (!uow.empty && !(await this.commit(uow))) return;
      for (const effect of uow.effects) {
        try {
          effect();
        } catch (err) {
          this.opts.onWorkError(toError(err));
        }
      }
    }
  }

  /** Commits the batch, retrying a failure with backoff; false once the kernel broke (the batch is lost). */
  private async commit(uow: UnitOfWork): Promise<boolean> {
    const changes = uow.toChangeSet();
    const deadline = performance.now() + (this.opts.commitRetryMs ?? 30_000);
    let delay = FIRST_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.commit(changes);
        return true;
      } catch (e) {
        const err = toError(e);
        const left = deadline - performance.now();
        if (left <= 0) {
          this.breakDown(err, uow);
          return false;
        }
        // The last wait is cut short so that the last attempt falls on the deadline, not before it.
        const wait = Math.min(delay, left);
        this.opts.onCommitRetry?.(err, attempt, wait);
        await new Promise((r) => setTimeout(r, wait));
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  /** Commits failed for good: refuse the lost batch's callers, every queued one and every later one. */
  private breakDown(cause: Error, uow: UnitOfWork): void {
    this.broken = new TramError(
      'STORE_UNAVAILABLE',
      `the engine cannot commit to its store (${cause.message}); restart it to recover from the store`,
      { cause },
    );
    for (const abort of uow.aborts) abort(this.broken);
    for (let i = this.head; i < this.queue.length; i++) (this.queue[i] as Abortable).abort?.(this.broken);
    this.queue = [];
    this.head = 0;
    this.closed = true;
    this.opts.onCommitFatal(cause);
  }
}
