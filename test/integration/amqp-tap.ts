/**
 * A test's view of what a transport published to RabbitMQ: an exclusive queue bound with '#' to the exchange a
 * listener publishes to, recording every message (routing key, bytes, parsed body, properties). Fails loudly,
 * never skips, when the broker cannot be reached.
 */
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';

type Json = Record<string, unknown>;

const AMQP_URL = process.env.TRAM_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface AmqpHit {
  routingKey: string;
  raw: Buffer;
  body: Json;
  properties: ConsumeMessage['properties'];
}

/** An exclusive queue bound with '#' to a (durable topic) exchange, recording what arrives. */
export class AmqpTap {
  readonly messages: AmqpHit[] = [];

  private constructor(
    private readonly conn: ChannelModel,
    private readonly ch: Channel,
    readonly exchange: string,
  ) {}

  static async open(exchange: string): Promise<AmqpTap> {
    let conn: ChannelModel;
    try {
      conn = await connect(AMQP_URL, { timeout: 5000 });
    } catch (err) {
      throw new Error(
        `RabbitMQ is not reachable at ${AMQP_URL} (${err instanceof Error ? err.message : String(err)}): ` +
          'the delivery tests need a real broker',
        { cause: err },
      );
    }
    conn.on('error', () => undefined);
    const ch = await conn.createChannel();
    // The same declaration as the transport's (durable topic), so that neither refuses the other's.
    await ch.assertExchange(exchange, 'topic', { durable: true });
    const q = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    await ch.bindQueue(q.queue, exchange, '#');
    const tap = new AmqpTap(conn, ch, exchange);
    await ch.consume(
      q.queue,
      (m) => {
        if (!m) return;
        let body: Json = {};
        try {
          body = JSON.parse(m.content.toString('utf8')) as Json;
        } catch {
          body = {};
        }
        tap.messages.push({
          routingKey: m.fields.routingKey,
          raw: m.content,
          body,
          properties: m.properties,
        });
      },
      { noAck: true },
    );
    return tap;
  }

  async close(): Promise<void> {
    try {
      await this.ch.deleteExchange(this.exchange);
    } finally {
      await this.conn.close();
    }
  }
}
