/**
 * Event triggers: the REST resource's use cases (create, read, update, delete) and what a message arriving for
 * them does. Owner of the exactly-once rule:
 *
 * 1. a message that is not a notification is dead-lettered with the reason;
 * 2. for each trigger of its (exchange, topic) whose event and filter match, unless a receipt for
 *    (trigger, message id) exists, the trigger's workflow is started with the receipt committed in the same
 *    transaction as the execution (`StartExecutionRequest.receipt`);
 * 3. the verdict is `ack` only once every start is committed. A message whose start fails for a reason that
 *    will not change (bad input, an expression that fails, a workflow that no longer exists) is dead-lettered,
 *    and a `dead` receipt recorded; a failure of the engine or the store is retried, at most `maxAttempts`
 *    times in this process, then dead-lettered too.
 *
 * A redelivered message (after a crash, a lost connection, a publisher that sent it twice) finds its receipts
 * and starts nothing again. Two deliveries of one message in hand at once share one start.
 *
 * Lifecycle: `start()` loads the triggers and starts the consumers of their (exchange, topic) keys (no
 * connection at all while there are none); every create and delete re-syncs them; `stop()` closes the
 * consumers after the messages in hand are settled. Receipts older than `receiptRetentionMs` are pruned hourly.
 */
import { NotFoundError, TramError, toError } from '../../common/index.js';
import type { Engine, Logger } from '../../engine/index.js';
import type { EventTriggerFilter, EventTriggerRow } from '../../store/index.js';
import { keyId, TriggerConsumers, type ConsumerKey, type Verdict } from './consumer.js';
import { parseNotification, type Notification } from './notification.js';
import {
  newEventTrigger,
  startRequest,
  updatedEventTrigger,
  wants,
  type EventTriggerChange,
  type EventTriggerRequest,
} from './rules.js';

export interface EventTriggerServiceOptions {
  /** The broker the notifications arrive on. */
  amqpUrl: string;
  /** @default 'tram.event_triggers' */
  queuePrefix?: string;
  /** @default 64 */
  prefetch?: number;
  /** Attempts of a message failing for a transient reason before it is dead-lettered. @default 5 */
  maxAttempts?: number;
  /** @default 7 days */
  receiptRetentionMs?: number;
  /** Delay before a message that failed for a transient reason is requeued. @default 1000 */
  retryDelayMs?: number;
  logger: Logger;
}

/** Failures that a retry cannot fix: the message goes to the dead-letter queue. */
const PERMANENT = new Set([
  'INVALID_INPUT',
  'NOT_FOUND',
  'DSL_INVALID',
  'EXPRESSION_SYNTAX',
  'EXPRESSION_EVAL',
]);
const PRUNE_EVERY_MS = 3_600_000;

export class EventTriggerService {
  private readonly consumers: TriggerConsumers;
  /** Triggers by (exchange, topic) key: what the consumers match messages against. */
  private byKey = new Map<string, EventTriggerRow[]>();
  /** Starts in hand per (trigger, message): a second delivery of the message waits for the first. */
  private readonly inFlight = new Map<string, Promise<Verdict | null>>();
  private readonly attempts = new Map<string, number>();
  private readonly maxAttempts: number;
  private readonly retentionMs: number;
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly opts: EventTriggerServiceOptions,
  ) {
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.retentionMs = opts.receiptRetentionMs ?? 7 * 86_400_000;
    this.consumers = new TriggerConsumers({
      url: opts.amqpUrl,
      queuePrefix: opts.queuePrefix ?? 'tram.event_triggers',
      prefetch: opts.prefetch ?? 64,
      retryDelayMs: opts.retryDelayMs,
      logger: opts.logger,
      handler: (key, msg) => this.handle(key, msg.content, msg.messageId),
    });
  }

  private get store() {
    return this.engine.store.eventTriggers;
  }

  async start(): Promise<void> {
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    await this.reload();
  }

  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.consumers.close();
  }

  private async prune(): Promise<void> {
    try {
      await this.store.pruneReceipts(Date.now() - this.retentionMs);
    } catch (err) {
      this.opts.logger.warn({ err: toError(err) }, 'event trigger receipts: prune failed');
    }
  }

  /** Re-reads the triggers and makes the consumers follow their keys. */
  private async reload(): Promise<void> {
    const byKey = new Map<string, EventTriggerRow[]>();
    const keys: ConsumerKey[] = [];
    for (const t of await this.store.list({ limit: 0 })) {
      const id = keyId(t);
      const list = byKey.get(id);
      if (list) list.push(t);
      else {
        byKey.set(id, [t]);
        keys.push({ exchange: t.exchange, topic: t.topic });
      }
    }
    this.byKey = byKey;
    await this.consumers.sync(keys);
  }

  // ---- the REST resource
  async create(req: EventTriggerRequest): Promise<EventTriggerRow> {
    await this.engine.findWorkflow(req.workflowId); // fresh definitions for the lookup below, on any node
    const row = newEventTrigger(req, (w) => this.engine.definitions.workflowRow(w), Date.now());
    await this.store.create(row);
    await this.reload();
    return row;
  }

  async get(id: string): Promise<EventTriggerRow> {
    const row = await this.store.get(id);
    if (!row) throw new NotFoundError('event trigger', id);
    return row;
  }

  list(filter?: EventTriggerFilter): Promise<EventTriggerRow[]> {
    return this.store.list(filter);
  }

  async update(id: string, change: EventTriggerChange): Promise<EventTriggerRow> {
    const row = updatedEventTrigger(
      await this.get(id),
      change,
      (w) => this.engine.definitions.workflowRow(w),
      Date.now(),
    );
    if (!(await this.store.update(row))) throw new NotFoundError('event trigger', id);
    await this.reload();
    return row;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.delete(id))) throw new NotFoundError('event trigger', id);
    await this.reload();
  }

  /** The triggers that start `workflowId` (a workflow they use cannot be deleted). */
  usedBy(workflowId: string): Promise<EventTriggerRow[]> {
    return this.store.list({ workflowId, limit: 0 });
  }

  // ---- messages
  /** The verdict on one message arriving for `key`. Public for tests; the consumers call it. */
  async handle(key: ConsumerKey, body: Buffer, amqpMessageId?: string): Promise<Verdict> {
    const parsed = parseNotification(body, amqpMessageId);
    if (!parsed.ok) return { kind: 'dead', reason: parsed.reason };
    const n = parsed.notification;
    const dead: string[] = [];
    let retry: string | null = null;
    for (const t of this.byKey.get(keyId(key)) ?? []) {
      const outcome = await this.consume(t, n);
      if (outcome?.kind === 'dead') dead.push(`event trigger ${t.id} (${t.name}): ${outcome.reason}`);
      else if (outcome?.kind === 'retry') retry ??= outcome.reason;
    }
    if (retry !== null) {
      const tries = (this.attempts.get(n.messageId) ?? 0) + 1;
      this.attempts.set(n.messageId, tries);
      if (tries < this.maxAttempts) return { kind: 'retry', reason: retry };
      dead.push(`gave up after ${tries} attempts: ${retry}`);
    }
    this.attempts.delete(n.messageId);
    return dead.length > 0 ? { kind: 'dead', reason: dead.join('; ') } : { kind: 'ack' };
  }

  /**
   * One trigger's part of a message: null when done (started now or before, or not wanted). Deliveries of the
   * same message for the same trigger run one after the other (chained synchronously, before any await), so
   * the second finds the first one's receipt.
   */
  private consume(t: EventTriggerRow, n: Notification): Promise<Verdict | null> {
    const flightKey = JSON.stringify([t.id, n.messageId]);
    const previous = this.inFlight.get(flightKey);
    const mine = (previous ?? Promise.resolve(null)).catch(() => null).then(() => this.consumeOnce(t, n));
    this.inFlight.set(flightKey, mine);
    void mine.finally(() => {
      if (this.inFlight.get(flightKey) === mine) this.inFlight.delete(flightKey);
    });
    return mine;
  }

  private async consumeOnce(t: EventTriggerRow, n: Notification): Promise<Verdict | null> {
    try {
      if (!wants(t, n)) return null;
      const receipt = await this.store.getReceipt(t.id, n.messageId);
      // A dead receipt is dead-lettered again: the crash may have come before the dead-letter queue had it.
      if (receipt) return receipt.outcome === 'dead' ? { kind: 'dead', reason: receipt.reason ?? '' } : null;
      await this.engine.startExecution(startRequest(t, n));
      return null;
    } catch (err) {
      const e = toError(err);
      if (!(e instanceof TramError) || !PERMANENT.has(e.code)) return { kind: 'retry', reason: e.message };
      await this.store.recordReceipt({
        triggerId: t.id,
        messageId: n.messageId,
        outcome: 'dead',
        executionId: null,
        reason: e.message,
        createdAt: Date.now(),
      });
      return { kind: 'dead', reason: e.message };
    }
  }
}
