/**
 * The retention sweeper: every `retentionIntervalS` it applies Mistral's execution expiration policy
 * (`older_than`, `max_finished_executions`, `batch_size`) and compacts the outbox past its replay window.
 * Without it the database grows by every execution and event forever.
 *
 * As Mistral's policy, a sweep expires batch after batch until nothing more is due: `batch_size` bounds one
 * transaction, not a sweep (one batch a minute could never keep up with more than 8 executions finishing a
 * second). The loop yields to the event loop between batches, so the API keeps answering through a long sweep.
 *
 * Lifecycle: `start()` arms an unref'd interval (it never keeps the process alive); `stop()` clears it and ends
 * a sweep in progress after its current batch. Sweeps never overlap. A failed sweep is logged and retried at the
 * next tick. With several nodes on one database each node sweeps; the deletes are idempotent, so a race costs
 * nothing.
 */
import { toError } from '../common/index.js';
import type { Config } from '../config/index.js';
import type { RetentionStore } from '../store/index.js';

export interface SweepResult {
  expired: number;
  compacted: number;
}

/** Outbox rows deleted per statement: keeps each write transaction short. */
const COMPACT_BATCH = 5000;

export class RetentionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;
  private stopping = false;

  constructor(
    private readonly store: RetentionStore,
    private readonly config: Pick<
      Config,
      | 'retentionIntervalS'
      | 'expirationOlderThanMin'
      | 'expirationMaxFinished'
      | 'expirationBatchSize'
      | 'outboxRetentionS'
    >,
    private readonly logger: { warn(o: object, m: string): void; info?(o: object, m: string): void },
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.config.retentionIntervalS <= 0 || this.timer) return;
    this.stopping = false;
    this.timer = setInterval(() => void this.sweep(), this.config.retentionIntervalS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  /** One sweep (also callable directly, e.g. by tests and operators' tooling). */
  sweep(): Promise<SweepResult> {
    this.running ??= this.once().finally(() => (this.running = null));
    return this.running;
  }

  private async once(): Promise<SweepResult> {
    const c = this.config;
    const now = this.now();
    const result: SweepResult = { expired: 0, compacted: 0 };
    try {
      if (c.expirationOlderThanMin > 0 || c.expirationMaxFinished > 0) {
        const policy = {
          finishedBefore: c.expirationOlderThanMin > 0 ? now - c.expirationOlderThanMin * 60_000 : null,
          keepFinished: c.expirationMaxFinished > 0 ? c.expirationMaxFinished : null,
          limit: c.expirationBatchSize,
        };
        result.expired = await this.untilDepleted(
          async () => (await this.store.expireExecutions(policy)).length,
          c.expirationBatchSize,
        );
      }
      if (c.outboxRetentionS > 0) {
        const before = now - c.outboxRetentionS * 1000;
        result.compacted = await this.untilDepleted(
          () => this.store.compactOutbox(before, COMPACT_BATCH),
          COMPACT_BATCH,
        );
      }
    } catch (err) {
      this.logger.warn({ err: toError(err) }, 'retention sweep failed; retrying at the next interval');
    }
    return result;
  }

  /** Runs `batch` until one comes back short (nothing more is due) or the sweeper stops; the total removed. */
  private async untilDepleted(batch: () => Promise<number>, size: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await batch();
      total += n;
      if (n < size || this.stopping) return total;
      // An embedded store answers synchronously: without this the whole sweep would hold the event loop.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
