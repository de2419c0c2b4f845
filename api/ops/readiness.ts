/**
 * Readiness (`GET /ready`): the server can do its work when its store answers and the AMQP broker that
 * listeners use by default accepts a connection. Each check has a deadline, and the broker's result is kept for
 * a few seconds, so that a load balancer probing every second does not open a connection every second.
 */
import { connect } from 'amqplib';
import { redactUrl } from '../../transports/index.js';

export interface CheckResult {
  ok: boolean;
  /** What was checked, or why it failed. */
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export interface ReadinessOptions {
  /** A cheap read that succeeds when the store is reachable. */
  pingStore(): Promise<unknown>;
  /** The default broker; null: no broker to check. */
  amqpUrl: string | null;
  /** @default 2000 */
  timeoutMs?: number;
  /** How long a broker result is reused. @default 5000 */
  brokerCacheMs?: number;
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class Readiness {
  private broker: { at: number; result: CheckResult } | null = null;

  constructor(private readonly opts: ReadinessOptions) {}

  private async store(timeoutMs: number): Promise<CheckResult> {
    try {
      await withDeadline(this.opts.pingStore(), timeoutMs, 'the store');
      return { ok: true, detail: 'reachable' };
    } catch (err) {
      return { ok: false, detail: message(err) };
    }
  }

  private async amqp(url: string, timeoutMs: number): Promise<CheckResult> {
    const cacheMs = this.opts.brokerCacheMs ?? 5000;
    if (this.broker && Date.now() - this.broker.at < cacheMs) return this.broker.result;
    let result: CheckResult;
    const opening = connect(url, { timeout: timeoutMs });
    try {
      const conn = await withDeadline(opening, timeoutMs, 'the broker');
      await conn.close().catch(() => undefined);
      result = { ok: true, detail: `${redactUrl(url)} reachable` };
    } catch (err) {
      // A connection that opens after the deadline is closed, never leaked.
      opening
        .then(
          (c) => c.close(),
          () => undefined,
        )
        .catch(() => undefined);
      result = { ok: false, detail: `${redactUrl(url)}: ${message(err)}` };
    }
    this.broker = { at: Date.now(), result };
    return result;
  }

  async check(): Promise<ReadinessReport> {
    const timeoutMs = this.opts.timeoutMs ?? 2000;
    const [store, broker] = await Promise.all([
      this.store(timeoutMs),
      this.opts.amqpUrl ? this.amqp(this.opts.amqpUrl, timeoutMs) : null,
    ]);
    const checks: Record<string, CheckResult> = { store };
    if (broker) checks.broker = broker;
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}
