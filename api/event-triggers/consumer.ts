/**
 * The AMQP side of event triggers: one consumer per (exchange, topic), on one connection per broker.
 *
 * For each key, as oslo.messaging's notification listener does for Mistral: the exchange is declared as a
 * topic exchange (non-durable, oslo's default; one that exists with other flags is used as it is), a durable
 * queue `<prefix>.<exchange>.<topic>` is bound to it with `<topic>.<priority>` for every notification
 * priority (and `<topic>` itself, for publishers outside oslo), and consumed with manual acks under a
 * prefetch. Beside it, a durable dead-letter queue `<queue>.dead` receives what cannot start a workflow.
 *
 * Every message gets a verdict from the handler, which this module applies and never decides itself:
 * - `ack`: acked (the handler resolves only once what it started is committed);
 * - `dead`: re-published to the dead-letter queue with the reason in `x-tram-dead-letter-reason`, confirmed
 *   by the broker, and only then acked: never lost;
 * - `retry`: negatively acknowledged with requeue after `retryDelayMs` (a store or engine failure).
 *
 * Lifecycle: `sync(keys)` starts the consumers of new keys and removes those of keys no trigger uses any
 * more (cancelled, queue deleted; the dead-letter queue too when it is empty). A lost connection is reopened after a backoff
 * (100 ms doubling to 5 s) and every consumer started again: unacked messages come back from the broker,
 * which the handler's receipts make harmless. `close()` cancels the consumers, waits for the messages in
 * hand, and closes the connection, leaving the queues for the next start.
 */
import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { toError } from '../../common/index.js';
import type { Logger } from '../../engine/index.js';
import { redactUrl } from '../../transports/index.js';

export interface ConsumerKey {
  exchange: string;
  topic: string;
}

export type Verdict = { kind: 'ack' } | { kind: 'dead'; reason: string } | { kind: 'retry'; reason: string };

export type MessageHandler = (
  key: ConsumerKey,
  msg: { content: Buffer; messageId?: string; redelivered: boolean },
) => Promise<Verdict>;

export interface TriggerConsumersOptions {
  url: string;
  /** Queue names start with it. */
  queuePrefix: string;
  /** Unacked messages in hand per consumer. */
  prefetch: number;
  handler: MessageHandler;
  logger: Logger;
  /** @default 1000 */
  retryDelayMs?: number;
}

/** oslo.messaging's notification priorities: each is a routing key `<topic>.<priority>`. */
const PRIORITIES = ['audit', 'critical', 'debug', 'error', 'info', 'sample', 'warn'];
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

export function keyId(k: ConsumerKey): string {
  return JSON.stringify([k.exchange, k.topic]);
}

export function queueName(prefix: string, k: ConsumerKey): string {
  return `${prefix}.${k.exchange}.${k.topic}`;
}

interface Running {
  key: ConsumerKey;
  ch: ConfirmChannel;
  tag: string;
}

export class TriggerConsumers {
  private readonly wanted = new Map<string, ConsumerKey>();
  private readonly running = new Map<string, Running>();
  private conn: ChannelModel | null = null;
  private connecting: Promise<ChannelModel> | null = null;
  private readonly inHand = new Set<Promise<void>>();
  private closed = false;
  private delay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Serialises sync and reconnect: one change of the consumer set at a time. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: TriggerConsumersOptions) {}

  /** Makes the running consumers those of `keys`. Resolves once started (or logged as failing: it retries). */
  sync(keys: ConsumerKey[]): Promise<void> {
    const next = new Map(keys.map((k) => [keyId(k), k]));
    const removed = [...this.wanted].filter(([id]) => !next.has(id));
    this.wanted.clear();
    for (const [id, k] of next) this.wanted.set(id, k);
    return this.serial(async () => {
      for (const [id, key] of removed) await this.remove(id, key);
      await this.startMissing();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.chain;
    await Promise.allSettled([...this.running.values()].map((r) => r.ch.cancel(r.tag)));
    await Promise.allSettled([...this.inHand]);
    const conn = this.conn;
    this.conn = null;
    this.running.clear();
    await conn?.close().catch(() => undefined);
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work).catch((err: unknown) => {
      this.opts.logger.error({ err: toError(err) }, 'event trigger consumers: cannot start');
      this.scheduleReconnect();
    });
    this.chain = run;
    return run;
  }

  private async connection(): Promise<ChannelModel> {
    if (this.conn) return this.conn;
    this.connecting ??= (async () => {
      try {
        const conn = await connect(this.opts.url, {
          timeout: 5000,
          clientProperties: { connection_name: 'tramontane event triggers' },
        });
        conn.on('error', () => undefined); // always followed by 'close'
        conn.on('close', (err?: Error) => this.lost(conn, err));
        this.conn = conn;
        return conn;
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private lost(conn: ChannelModel, err?: Error): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.running.clear();
    if (this.closed) return;
    this.opts.logger.warn(
      { broker: redactUrl(this.opts.url), err },
      'event trigger consumers: connection lost; reconnecting',
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.serial(() => this.startMissing());
    }, wait);
    this.reconnectTimer.unref();
  }

  private async startMissing(): Promise<void> {
    if (this.closed) return;
    for (const [id, key] of this.wanted) {
      if (!this.running.has(id)) await this.start(id, key);
    }
    this.delay = RECONNECT_MIN_MS;
  }

  private async start(id: string, key: ConsumerKey): Promise<void> {
    const conn = await this.connection();
    await declareExchange(conn, key.exchange);
    const ch = await conn.createConfirmChannel();
    ch.on('error', (err: Error) =>
      this.opts.logger.warn({ err, exchange: key.exchange, topic: key.topic }, 'event trigger channel error'),
    );
    ch.on('close', () => {
      if (this.running.get(id)?.ch !== ch) return;
      this.running.delete(id);
      // A channel closed under us (not by `remove`): start it again.
      if (this.wanted.has(id)) this.scheduleReconnect();
    });
    const queue = queueName(this.opts.queuePrefix, key);
    await ch.assertQueue(queue, { durable: true });
    await ch.assertQueue(`${queue}.dead`, { durable: true });
    for (const rk of [key.topic, ...PRIORITIES.map((p) => `${key.topic}.${p}`)])
      await ch.bindQueue(queue, key.exchange, rk);
    await ch.prefetch(this.opts.prefetch);
    const { consumerTag } = await ch.consume(queue, (m) => {
      if (m) this.track(this.onMessage(key, ch, queue, m));
    });
    this.running.set(id, { key, ch, tag: consumerTag });
  }

  /**
   * Stops a key's consumer and deletes its queue, and its dead-letter queue when empty (dead letters are never
   * thrown away). Works without a running consumer too (the connection was lost when the trigger went).
   */
  private async remove(id: string, key: ConsumerKey): Promise<void> {
    const r = this.running.get(id);
    this.running.delete(id);
    if (r) await r.ch.cancel(r.tag).catch(() => undefined);
    const ch = r?.ch ?? (await (await this.connection()).createConfirmChannel());
    ch.on('error', () => undefined);
    const queue = queueName(this.opts.queuePrefix, key);
    await ch.deleteQueue(queue).catch(() => undefined);
    await ch.deleteQueue(`${queue}.dead`, { ifEmpty: true }).catch(() => undefined);
    await ch.close().catch(() => undefined);
  }

  private track(p: Promise<void>): void {
    this.inHand.add(p);
    void p.finally(() => this.inHand.delete(p));
  }

  private async onMessage(key: ConsumerKey, ch: ConfirmChannel, queue: string, m: ConsumeMessage) {
    let verdict: Verdict;
    try {
      verdict = await this.opts.handler(key, {
        content: m.content,
        messageId: typeof m.properties.messageId === 'string' ? m.properties.messageId : undefined,
        redelivered: m.fields.redelivered,
      });
    } catch (err) {
      verdict = { kind: 'retry', reason: toError(err).message };
    }
    try {
      if (verdict.kind === 'ack') ch.ack(m);
      else if (verdict.kind === 'dead') await deadLetter(ch, queue, key, m, verdict.reason);
      else {
        this.opts.logger.warn({ reason: verdict.reason }, 'event trigger message requeued');
        await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 1000));
        ch.nack(m, false, true);
      }
    } catch (err) {
      // The channel closed: the broker redelivers the message, and its receipts make that harmless.
      this.opts.logger.warn({ err: toError(err) }, 'event trigger message left unacked');
    }
  }
}

/** Publishes the message to the dead-letter queue (confirmed), then acks the original. */
async function deadLetter(
  ch: ConfirmChannel,
  queue: string,
  key: ConsumerKey,
  m: ConsumeMessage,
  reason: string,
): Promise<void> {
  const headers: Record<string, unknown> = {
    ...(m.properties.headers ?? {}),
    'x-tram-dead-letter-reason': reason,
    'x-tram-original-exchange': key.exchange,
    'x-tram-original-routing-key': m.fields.routingKey,
  };
  await new Promise<void>((resolve, reject) => {
    ch.publish(
      '',
      `${queue}.dead`,
      m.content,
      {
        persistent: true,
        headers,
        ...(m.properties.messageId ? { messageId: m.properties.messageId as string } : {}),
        ...(m.properties.contentType ? { contentType: m.properties.contentType as string } : {}),
      },
      (err: unknown) => (err ? reject(toError(err)) : resolve()),
    );
  });
  ch.ack(m);
}

/**
 * Declares the exchange as oslo.messaging does (topic, not durable). An exchange that exists with other flags
 * makes the broker close the channel: that is fine, it exists. A throwaway channel keeps that from closing the
 * consumer's.
 */
async function declareExchange(conn: ChannelModel, exchange: string): Promise<void> {
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  try {
    await ch.assertExchange(exchange, 'topic', { durable: false });
  } catch (err) {
    if ((err as { code?: number }).code !== 406) throw err;
    return; // 406 PRECONDITION_FAILED: the channel is closed already
  }
  await ch.close().catch(() => undefined);
}
