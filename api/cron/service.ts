/** PLACEHOLDER (replaced by the cron-trigger work): persisted cron triggers that start executions. */
import type { Engine } from '../../engine/index.js';

export class CronService {
  constructor(readonly engine: Engine) {}
  start(): void {}
  async stop(): Promise<void> {}
}
