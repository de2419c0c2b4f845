/**
 * One attempt of one delivery, over the listener's transport, graded as an attempt outcome. HTTP requests are
 * signed twice (Standard Webhooks and GitHub-style `X-Tram-Signature-256`) over the exact bytes sent, with the
 * delivery id as `webhook-id`: stable across retries, so receivers can use it to drop duplicates. AMQP messages
 * go to a durable topic exchange with publisher confirms; the message id is the delivery id too.
 */
import type { OutboxEvent } from '../engine/index.js';
import type { AmqpOutcome, AmqpPublishRequest, AmqpTransport, HttpTransport } from '../transports/index.js';
import { routingKeyFor, signHeaders } from '../transports/index.js';
import { formatMessage, type Message } from './format.js';
import type { AttemptCode, Delivery, Listener } from './types.js';

export interface SendOutcome {
  ok: boolean;
  code: AttemptCode;
  message: string;
  httpStatus: number | null;
  durationMs: number;
  /** The receiver asked us to wait (429 / 503 `Retry-After`). */
  retryAfterMs?: number;
  /** The receiver answered 410 Gone: the listener is to be disabled. */
  gone?: boolean;
}

export interface SenderOptions {
  /** The broker of AMQP listeners that name none. */
  defaultAmqpUrl: string;
  now?: () => number;
}

export const USER_AGENT = 'Tramontane-Webhooks/1';

export class Sender {
  constructor(
    private readonly http: HttpTransport,
    private readonly amqp: AmqpTransport,
    private readonly opts: SenderOptions,
  ) {}

  /** The message, or the `badPayload` outcome of a template that fails to render. */
  private format(ev: OutboxEvent, l: Listener, d: Delivery): Message | SendOutcome {
    try {
      return formatMessage(ev, l, d, l.transport.type);
    } catch (err) {
      return {
        ok: false,
        code: 'badPayload',
        message: `payload template failed: ${err instanceof Error ? err.message : String(err)}`,
        httpStatus: null,
        durationMs: 0,
      };
    }
  }

  async send(l: Listener, ev: OutboxEvent, d: Delivery): Promise<SendOutcome> {
    const msg = this.format(ev, l, d);
    if ('ok' in msg) return msg;
    return l.transport.type === 'http' ? this.sendHttp(l, msg, d) : this.sendAmqp(l, ev, msg, d);
  }

  private async sendHttp(l: Listener, msg: Message, d: Delivery): Promise<SendOutcome> {
    if (l.transport.type !== 'http') throw new Error('unreachable');
    const ts = Math.floor((this.opts.now ?? Date.now)() / 1000);
    const headers = {
      ...msg.headers,
      'content-type': msg.contentType,
      'user-agent': USER_AGENT,
      ...signHeaders(l.secret, d.id, ts, msg.body),
      ...l.transport.headers,
    };
    const out = await this.http.send({
      url: l.transport.url,
      method: l.transport.method,
      body: msg.body,
      headers,
      timeoutMs: l.transport.timeoutMs,
    });
    if (out.ok) {
      return {
        ok: true,
        code: 'success',
        message: `HTTP ${out.status}`,
        httpStatus: out.status,
        durationMs: out.durationMs,
      };
    }
    const snippet = out.responseSnippet ? `: ${out.responseSnippet}` : '';
    return {
      ok: false,
      code: out.code,
      message: `${out.message}${snippet}`.slice(0, 2000),
      httpStatus: out.status ?? null,
      durationMs: out.durationMs,
      ...(out.retryAfterMs !== undefined ? { retryAfterMs: out.retryAfterMs } : {}),
      ...(out.status === 410 ? { gone: true } : {}),
    };
  }

  private amqpRequest(l: Listener, ev: OutboxEvent, msg: Message, d: Delivery): AmqpPublishRequest {
    if (l.transport.type !== 'amqp') throw new Error('unreachable');
    return {
      url: l.transport.url ?? this.opts.defaultAmqpUrl,
      exchange: l.transport.exchange,
      routingKey: l.transport.routingKey ?? routingKeyFor(ev.entity, ev.eventType),
      body: msg.body,
      messageId: d.id,
      type: ev.eventType,
      contentType: msg.contentType,
      headers: msg.headers,
    };
  }

  private async sendAmqp(l: Listener, ev: OutboxEvent, msg: Message, d: Delivery): Promise<SendOutcome> {
    return amqpOutcome(await this.amqp.publish(this.amqpRequest(l, ev, msg, d)));
  }

  /**
   * A window of one AMQP listener's deliveries, published in order and confirmed together (see
   * `AmqpTransport.publishMany`). Resolves with one outcome per delivery attempted, in order: a delivery whose
   * payload fails to render ends the window there (it is `badPayload`, the ones after it are not attempted),
   * so that nothing after it leaves before it.
   */
  async sendMany(
    l: Listener,
    items: ReadonlyArray<{ event: OutboxEvent; delivery: Delivery }>,
  ): Promise<SendOutcome[]> {
    if (l.transport.type !== 'amqp') {
      const out: SendOutcome[] = [];
      for (const it of items) out.push(await this.send(l, it.event, it.delivery));
      return out;
    }
    const reqs: AmqpPublishRequest[] = [];
    let refused: SendOutcome | null = null;
    for (const { event, delivery } of items) {
      const msg = this.format(event, l, delivery);
      if ('ok' in msg) {
        refused = msg;
        break;
      }
      reqs.push(this.amqpRequest(l, event, msg, delivery));
    }
    const outs = (await this.amqp.publishMany(reqs)).map(amqpOutcome);
    if (refused) outs.push(refused);
    return outs;
  }
}

function amqpOutcome(out: AmqpOutcome): SendOutcome {
  if (out.ok)
    return {
      ok: true,
      code: 'success',
      message: 'confirmed by the broker',
      httpStatus: null,
      durationMs: out.durationMs,
    };
  return { ok: false, code: out.code, message: out.message, httpStatus: null, durationMs: out.durationMs };
}
