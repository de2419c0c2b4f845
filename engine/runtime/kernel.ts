/**
 * The kernel: a single work queue, drained in batches. Each batch runs queued work items (state changes,
 * in memory), commits everything they changed in ONE store transaction (group commit), and only then runs
 * the side effects they asked for (start actions, arm timers, notify subscribers).
 *
 * Why one queue: JavaScript runs one thing at a time anyway, and a single writer removes every race between
 * concurrent completions of the same execution (the source of Mistral's stuck-RUNNING joins). Why batches:
 * a commit costs the same for one row or a thousand, so throughput grows with load.
 */
import { toError } from '../../common/index.js';
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
  /** Called when a commit fails: the in-memory state is no longer durable. */
  onCommitError: (err: Error) => void;
}

export class Kernel {
  private queue: Work[] = [];
  private head = 0;
  private scheduled = false;
  private draining: Promise<void> | null = null;
  private current: UnitOfWork | null = null;
  private closed = false;
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
    return new Promise<T>((resolve, reject) => {
      this.enqueue(() => {
        try {
          const value = work();
          this.uow.effects.push(() => resolve(value));
        } catch (err) {
          reject(toError(err));
        }
      });
    });
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
      if (!uow.empty) {
        try {
          await this.store.commit(uow.toChangeSet());
        } catch (err) {
          this.opts.onCommitError(toError(err));
          continue;
        }
      }
      for (const effect of uow.effects) {
        try {
          effect();
        } catch (err) {
          this.opts.onWorkError(toError(err));
        }
      }
    }
  }
}
