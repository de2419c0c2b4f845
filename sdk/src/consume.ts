/**
 * `consume`: receives Tramontane's events from RabbitMQ.
 *
 * Declares a durable queue bound to the events exchange (`tram.events` unless told otherwise) by the given
 * routing keys (`execution.*`, `task.task_failed`, `#`...), with a dead-letter queue beside it
 * (`<queue>.dead`, through RabbitMQ's dead-lettering), and consumes it under a prefetch:
 *
 * - the handler resolves: the message is acked, and its delivery id (the AMQP `message_id`, stable across the
 *   server's retries) is remembered for `dedupeWindowMs`; a message with an id handled within the window is
 *   acked without calling the handler again (two deliveries of one id in hand at once wait for each other);
 * - the handler throws: the message is requeued, and after `maxAttempts` failures rejected to the dead-letter
 *   queue (with RabbitMQ's `x-death` header saying where it came from).
 *
 * A lost connection is reopened after a second; unacked messages come back from the broker. `close()` cancels
 * the consumer, waits for the handlers running, and closes the connection (the queue stays, durable).
 */
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { Dedupe } from './dedupe.js';
import { parseEvent, type TramEvent } from './events.js';
import { DEFAULT_EXCHANGE } from './schema.js';

export interface ConsumeOptions {
  /** The broker, e.g. `amqp://guest:guest@127.0.0.1:5672`. */
  url: string;
  /** A durable queue of yours (created if missing). */
  queue: string;
  /** Routing keys to bind: `<entity>.<event type in lower case>`, with `*` and `#` wildcards. */
  bindings: string[];
  /** @default 'tram.events' */
  exchange?: string;
  /** Messages in hand at once. @default 16 */
  prefetch?: number;
  /** Failures of one message before it goes to the dead-letter queue. @default 3 */
  maxAttempts?: number;
  /** @default `<queue>.dead` */
  deadLetterQueue?: string;
  /** How long a handled delivery id is remembered, in ms. @default 600000 */
  dedupeWindowMs?: number;
}

export interface ConsumedEvent {
  /** The delivery id (AMQP `message_id`): the same on every retry of the delivery. */
  id: string;
  /** `WORKFLOW_SUCCEEDED`, `TASK_FAILED`, ... (the AMQP `type`). */
  type: string;
  routingKey: string;
  /** The `x-tram-*` (and `ce-*`) headers. */
  headers: Record<string, unknown>;
  /** The status to report with `reportStatus`, for listeners with statuses. */
  statusId: string | null;
  body: Buffer;
  /** The event, when the body is a `mistral`-format event; null for other formats. */
  event: TramEvent | null;
  /** 1 on the first try, then 2, 3, ... after failures. */
  attempt: number;
}

export interface ConsumerStats {
  handled: number;
  failed: number;
  deadLettered: number;
  duplicates: number;
}

export interface Consumer {
  readonly stats: ConsumerStats;
  close(): Promise<void>;
}

export type EventHandler = (event: ConsumedEvent) => unknown;

function toEvent(m: ConsumeMessage, attempt: number): ConsumedEvent {
  const headers = (m.properties.headers ?? {}) as Record<string, unknown>;
  let event: TramEvent | null = null;
  try {
    event = parseEvent(m.content);
  } catch {
    event = null;
  }
  const statusId = headers['x-tram-status-id'];
  return {
    id: String(m.properties.messageId ?? ''),
    type: String(m.properties.type ?? ''),
    routingKey: m.fields.routingKey,
    headers,
    statusId: typeof statusId === 'string' ? statusId : null,
    body: m.content,
    event,
    attempt,
  };
}

class AmqpConsumer implements Consumer {
  readonly stats: ConsumerStats = { handled: 0, failed: 0, deadLettered: 0, duplicates: 0 };
  private conn: ChannelModel | null = null;
  private ch: Channel | null = null;
  private tag: string | null = null;
  private closed = false;
  private readonly dedupe: Dedupe;
  private readonly failures = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly opts: ConsumeOptions,
    private readonly handler: EventHandler,
  ) {
    this.dedupe = new Dedupe({ windowMs: opts.dedupeWindowMs });
  }

  async open(): Promise<void> {
    const o = this.opts;
    const conn = await connect(o.url, { clientProperties: { connection_name: `tram sdk ${o.queue}` } });
    conn.on('error', () => undefined);
    conn.on('close', () => this.lost(conn));
    this.conn = conn;
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    const exchange = o.exchange ?? DEFAULT_EXCHANGE;
    const dead = o.deadLetterQueue ?? `${o.queue}.dead`;
    await ch.assertExchange(exchange, 'topic', { durable: true });
    await ch.assertQueue(dead, { durable: true });
    await ch.assertQueue(o.queue, {
      durable: true,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dead },
    });
    for (const key of o.bindings) await ch.bindQueue(o.queue, exchange, key);
    await ch.prefetch(o.prefetch ?? 16);
    this.ch = ch;
    const { consumerTag } = await ch.consume(o.queue, (m) => {
      if (!m) return;
      const p = this.onMessage(ch, m);
      this.running.add(p);
      void p.finally(() => this.running.delete(p));
    });
    this.tag = consumerTag;
  }

  private lost(conn: ChannelModel): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.ch = null;
    if (this.closed) return;
    const again = () => {
      this.retry = null;
      if (this.closed) return;
      this.open().catch(() => (this.retry = setTimeout(again, 1000)));
    };
    this.retry = setTimeout(again, 1000);
  }

  /** Deliveries of one id run one after the other, so the second sees the first one's outcome. */
  private onMessage(ch: Channel, m: ConsumeMessage): Promise<void> {
    const id = String(m.properties.messageId ?? '');
    const previous = id ? this.inFlight.get(id) : undefined;
    const mine = (previous ?? Promise.resolve()).then(() => this.handle(ch, m, id));
    if (id) {
      this.inFlight.set(id, mine);
      void mine.finally(() => {
        if (this.inFlight.get(id) === mine) this.inFlight.delete(id);
      });
    }
    return mine;
  }

  private async handle(ch: Channel, m: ConsumeMessage, id: string): Promise<void> {
    try {
      if (id && this.dedupe.has(id)) {
        this.stats.duplicates++;
        ch.ack(m);
        return;
      }
      const attempt = (this.failures.get(id) ?? 0) + 1;
      try {
        await this.handler(toEvent(m, attempt));
      } catch {
        this.stats.failed++;
        if (attempt >= (this.opts.maxAttempts ?? 3)) {
          this.failures.delete(id);
          this.stats.deadLettered++;
          ch.nack(m, false, false);
        } else {
          this.failures.set(id, attempt);
          ch.nack(m, false, true);
        }
        return;
      }
      this.failures.delete(id);
      if (id) this.dedupe.add(id);
      this.stats.handled++;
      ch.ack(m);
    } catch {
      // The channel closed under us: the broker redelivers the message.
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.ch && this.tag) await this.ch.cancel(this.tag).catch(() => undefined);
    await Promise.allSettled([...this.running]);
    const conn = this.conn;
    this.conn = null;
    await conn?.close().catch(() => undefined);
  }
}

/** Starts consuming; resolves once the queue is declared, bound and consumed. */
export async function consume(opts: ConsumeOptions, handler: EventHandler): Promise<Consumer> {
  const c = new AmqpConsumer(opts, handler);
  await c.open();
  return c;
}
