/**
 * The retention sweeper: every `retentionIntervalS` it applies Mistral's execution expiration policy
 * (`older_than`, `max_finished_executions`, `batch_size`) and compacts the outbox past its replay window.
 * Without it the database grows by every execution and event forever.
 *
 * Lifecycle: `start()` arms an unref'd interval (it never keeps the process alive); `stop()` clears it and waits
 * for a sweep in progress. Sweeps never overlap. A failed sweep is logged and retried at the next tick. With
 * several nodes on one database each node sweeps; the deletes are idempotent, so a race costs nothing.
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
    this.timer = setInterval(() => void this.sweep(), this.config.retentionIntervalS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
        const ids = await this.store.expireExecutions({
          finishedBefore: c.expirationOlderThanMin > 0 ? now - c.expirationOlderThanMin * 60_000 : null,
          keepFinished: c.expirationMaxFinished > 0 ? c.expirationMaxFinished : null,
          limit: c.expirationBatchSize,
        });
        result.expired = ids.length;
      }
      if (c.outboxRetentionS > 0) {
        const before = now - c.outboxRetentionS * 1000;
        for (;;) {
          const n = await this.store.compactOutbox(before, COMPACT_BATCH);
          result.compacted += n;
          if (n < COMPACT_BATCH) break;
        }
      }
    } catch (err) {
      this.logger.warn({ err: toError(err) }, 'retention sweep failed; retrying at the next interval');
    }
    return result;
  }
}
