/**
 * The AMQP 0-9-1 transport (RabbitMQ): one publish per call, successful only when the broker has taken
 * responsibility for the message (publisher confirm). It returns an outcome, never throws for the broker's answer:
 *
 * - `unroutable`: the message was published `mandatory` and came back (basic.return: no queue bound for its
 *   routing key). RabbitMQ acks returned messages right after returning them: the return wins.
 * - `nack`: the broker refused it (basic.nack).
 * - `badConnection`: no connection/channel, a channel error (e.g. the exchange exists with another type), or the
 *   channel/connection closed before the confirm arrived.
 * - `timeout`: no confirm within the publish's time (a blocked or unresponsive broker).
 *
 * One connection per broker URL, opened lazily and shared, with ONE confirm channel for publishing. Exchanges
 * are declared once per connection, each on a short-lived channel of its own: a declaration the broker refuses
 * (the exchange exists with another type) closes that channel only, not the publishes in flight of other
 * listeners. A connection or channel that closes is reopened by the next publish;
 * after a connection loss or a failed connect, reconnecting waits a backoff delay (100 ms doubling to 5 s, reset
 * by a confirmed publish) during which publishes fail fast with `badConnection`. Every `error` event is handled,
 * so a broker going away never crashes the process, and every publish waiting for a confirm is settled when its
 * channel closes (amqplib #191/#530), besides its own timeout.
 */
import net from 'node:net';
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type Message } from 'amqplib';
import { egressLookup, EgressPolicyError, isLocalhostName, isPrivateAddress } from './egress.js';

export type AmqpCode = 'unroutable' | 'nack' | 'badConnection' | 'timeout';

export type AmqpOutcome =
  { ok: true; durationMs: number } | { ok: false; code: AmqpCode; message: string; durationMs: number };

export interface AmqpPublishRequest {
  /** The broker, e.g. `amqp://user:pass@host:5672/vhost`. */
  url: string;
  /** A durable topic exchange, declared on first use ('' is the default exchange, never declared). */
  exchange: string;
  routingKey: string;
  body: Buffer | string;
  /** The delivery's stable id: lets consumers de-duplicate, and matches a basic.return to its publish. */
  messageId: string;
  type: string;
  contentType: string;
  headers: Record<string, string | number>;
  /** Time for the whole publish (connecting, declaring, waiting for the confirm). @default the transport's */
  timeoutMs?: number;
}

export interface AmqpTransportOptions {
  /** @default 10000 */
  timeoutMs?: number;
  /** TCP connect + AMQP handshake. @default 5000 */
  connectTimeoutMs?: number;
  /** First reconnect delay after a connection loss or a failed connect, doubled each time. @default 100 */
  reconnectInitialMs?: number;
  /** @default 5000 */
  reconnectMaxMs?: number;
  /** How long `close()` waits for confirms in flight. @default 2000 */
  closeGraceMs?: number;
  /** Frames the publishing channel buffers before `publish` reports back-pressure (then publishes wait for
   * 'drain'). @default amqplib's (1024) */
  channelHighWaterMark?: number;
  /**
   * The egress policy for brokers other than the `trusted` ones (the operator's default broker): unless
   * `allowPrivate`, a listener's broker URL may not lead to a loopback or private address, checked when
   * connecting, at the resolved address. @default no policy
   */
  egress?: { allowPrivate: boolean; trusted: string[] };
  /** Shown in the broker's management UI. @default 'tramontane' */
  connectionName?: string;
  /** Connection events worth logging (losses, refused declarations). */
  onError?: (message: string, err?: unknown) => void;
}

/** The routing key of an event: `<entity>.<event type in lower case>`, e.g. `task.task_failed`. */
export function routingKeyFor(entity: 'execution' | 'task', eventType: string): string {
  return `${entity}.${eventType.toLowerCase()}`;
}

/** A URL with its password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid URL>';
  }
}

type ResolvedOptions = Required<Omit<AmqpTransportOptions, 'onError' | 'channelHighWaterMark' | 'egress'>> &
  Pick<AmqpTransportOptions, 'onError' | 'channelHighWaterMark' | 'egress'>;

type Result = { ok: true } | { ok: false; code: AmqpCode; message: string };

class Failure extends Error {
  constructor(
    readonly code: AmqpCode,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  messageId: string;
  /** Set by a basic.return for this message. */
  returned: string | null;
  settle(r: Result): void;
}

/** The publishing confirm channel and the publishes waiting for its confirms. */
class PublishChannel {
  readonly pending = new Set<Pending>();
  private readonly byId = new Map<string, Pending[]>();
  drained: Promise<void> | null = null;
  closed = false;
  /** The channel's error (e.g. a 404 from the broker), else the connection's, for the messages. */
  reason: string | null = null;

  constructor(
    readonly ch: ConfirmChannel,
    private readonly broker: Broker,
  ) {
    ch.on('error', (err: Error) => {
      this.reason = err.message;
      broker.report(`AMQP channel error on ${broker.name}: ${err.message}`, err);
    });
    ch.on('return', (m: Message) => this.onReturn(m));
    ch.on('close', () => {
      this.closed = true;
      for (const p of [...this.pending]) this.lost(p);
    });
  }

  /** Settles a publish whose channel closed. Deferred: when the connection goes, its channels close before the
   * connection's own 'close' event tells why. */
  private lost(p: Pending, fallback = 'closed'): void {
    queueMicrotask(() =>
      p.settle({
        ok: false,
        code: 'badConnection',
        message: `channel closed before the broker confirmed: ${this.reason ?? this.broker.reason ?? fallback}`,
      }),
    );
  }

  private onReturn(m: Message): void {
    const id = typeof m.properties.messageId === 'string' ? m.properties.messageId : undefined;
    const f = m.fields as unknown as { replyCode?: number; replyText?: string };
    const waiting = id === undefined ? undefined : this.byId.get(id)?.find((p) => p.returned === null);
    if (waiting) waiting.returned = `${f.replyCode ?? ''} ${f.replyText ?? 'returned'}`.trim();
  }

  /**
   * Publishes one message; `done` is called once, with its outcome (synchronously when the channel refuses it).
   * A callback, not a promise: a window publishes dozens of messages in one go, and a promise and its reaction
   * each per message were a measurable part of the sender's allocations.
   */
  publish(req: AmqpPublishRequest, content: Buffer, done: (r: Result) => void): void {
    let settled = false;
    const p: Pending = {
      messageId: req.messageId,
      returned: null,
      settle: (r) => {
        if (settled) return;
        settled = true;
        this.pending.delete(p);
        const list = this.byId.get(p.messageId);
        const i = list?.indexOf(p) ?? -1;
        if (list && i >= 0) list.splice(i, 1);
        if (list?.length === 0) this.byId.delete(p.messageId);
        done(r);
      },
    };
    this.pending.add(p);
    const list = this.byId.get(p.messageId);
    if (list) list.push(p);
    else this.byId.set(p.messageId, [p]);
    try {
      const flowing = this.ch.publish(
        req.exchange,
        req.routingKey,
        content,
        {
          persistent: true,
          mandatory: true,
          messageId: req.messageId,
          type: req.type,
          contentType: req.contentType,
          headers: req.headers,
          timestamp: Math.floor(Date.now() / 1000),
        },
        (err: unknown) => {
          if (p.returned !== null) return p.settle(unroutable(p.returned, req));
          if (err === null || err === undefined) return p.settle(CONFIRMED);
          const text = err instanceof Error ? err.message : String(err);
          if (/nack/i.test(text))
            return p.settle({
              ok: false,
              code: 'nack',
              message: 'the broker refused the message (basic.nack)',
            });
          this.lost(p, text);
        },
      );
      if (!flowing && !this.drained) {
        this.drained = new Promise<void>((res) => {
          const release = () => {
            this.ch.off('drain', release);
            this.ch.off('close', release);
            this.drained = null;
            res();
          };
          this.ch.on('drain', release);
          this.ch.on('close', release);
        });
      }
    } catch (err) {
      // amqplib throws synchronously on a closed channel, or for headers too large to encode.
      const text = err instanceof Error ? err.message : String(err);
      p.settle({
        ok: false,
        code: 'badConnection',
        message: this.closed ? `channel closed: ${this.reason ?? text}` : `publish refused: ${text}`,
      });
    }
  }
}

const CONFIRMED: Result = { ok: true };

function unroutable(returned: string, req: AmqpPublishRequest): Result {
  return {
    ok: false,
    code: 'unroutable',
    message:
      `the broker returned the message (${returned}): no queue bound to exchange ` +
      `${JSON.stringify(req.exchange)} for routing key ${JSON.stringify(req.routingKey)}`,
  };
}

/** One broker URL: its connection, channels, declared exchanges and reconnect backoff. */
class Broker {
  readonly name: string;
  conn: ChannelModel | null = null;
  pub: PublishChannel | null = null;
  private opening: Promise<PublishChannel> | null = null;
  private connecting: Promise<ChannelModel> | null = null;
  /** Exchanges declared on this connection (cleared when it or the publishing channel closes). */
  private readonly declared = new Set<string>();
  private readonly declaring = new Map<string, Promise<void>>();
  /** Bumped by every connection loss: a declaration finishing on an old connection is not remembered. */
  private generation = 0;
  private retryAt = 0;
  private delay: number;
  /** Why the connection last failed or closed. */
  reason: string | null = null;
  blocked: string | null = null;
  closing = false;

  constructor(
    readonly url: string,
    private readonly opts: ResolvedOptions,
  ) {
    this.name = redactUrl(url);
    this.delay = opts.reconnectInitialMs;
  }

  report(message: string, err?: unknown): void {
    this.opts.onError?.(message, err);
  }

  /** A confirmed publish: the broker is healthy, the next loss starts the backoff over. */
  healthy(): void {
    this.delay = this.opts.reconnectInitialMs;
  }

  private backoff(): void {
    this.retryAt = Date.now() + this.delay;
    this.delay = Math.min(this.delay * 2, this.opts.reconnectMaxMs);
  }

  private async connection(): Promise<ChannelModel> {
    if (this.conn) return this.conn;
    if (this.connecting) return this.connecting;
    const wait = this.retryAt - Date.now();
    if (wait > 0)
      throw new Failure(
        'badConnection',
        `broker ${this.name} unavailable (${this.reason ?? 'disconnected'}); reconnecting in ${wait} ms`,
      );
    this.connecting = (async () => {
      try {
        const guarded =
          this.opts.egress && !this.opts.egress.allowPrivate && !this.opts.egress.trusted.includes(this.url);
        if (guarded) refusePrivateLiteral(this.url);
        const conn = await connect(this.url, {
          timeout: this.opts.connectTimeoutMs,
          clientProperties: { connection_name: this.opts.connectionName },
          // Host names are checked at the address they resolve to (amqplib hands this to net.connect).
          ...(guarded ? { lookup: egressLookup } : {}),
        });
        this.wire(conn);
        coalesceWrites(conn);
        this.conn = conn;
        this.reason = null;
        this.blocked = null;
        return conn;
      } catch (err) {
        this.reason = errorText(err);
        this.backoff();
        throw new Failure('badConnection', `cannot connect to ${this.name}: ${this.reason}`);
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private wire(conn: ChannelModel): void {
    // 'error' is always followed by 'close', which reports the loss.
    conn.on('error', (err: Error) => (this.reason = err.message));
    conn.on('blocked', (reason: string) => (this.blocked = reason || 'blocked'));
    conn.on('unblocked', () => (this.blocked = null));
    conn.on('close', (err?: Error) => {
      if (this.conn !== conn) return;
      if (err) this.reason = err.message;
      this.conn = null;
      this.pub = null;
      this.declared.clear();
      this.generation++;
      if (this.closing) return;
      this.reason ??= 'connection closed';
      this.report(`AMQP connection to ${this.name} lost: ${this.reason}`, err);
      this.backoff();
    });
  }

  /** The publishing channel, opened (with its connection) if needed. */
  channel(): Promise<PublishChannel> {
    if (this.pub && !this.pub.closed) return Promise.resolve(this.pub);
    this.opening ??= (async () => {
      try {
        const conn = await this.connection();
        let ch: ConfirmChannel;
        try {
          ch = await conn.createConfirmChannel(
            this.opts.channelHighWaterMark ? { highWaterMark: this.opts.channelHighWaterMark } : undefined,
          );
        } catch (err) {
          throw new Failure('badConnection', `cannot open a channel on ${this.name}: ${errorText(err)}`);
        }
        const pc = new PublishChannel(ch, this);
        ch.on('close', () => {
          if (this.pub !== pc) return;
          this.pub = null;
          this.declared.clear();
        });
        this.pub = pc;
        return pc;
      } finally {
        this.opening = null;
      }
    })();
    return this.opening;
  }

  /** Declares a durable topic exchange once per connection. */
  async declare(exchange: string): Promise<void> {
    if (exchange === '' || this.declared.has(exchange)) return;
    let pending = this.declaring.get(exchange);
    if (!pending) {
      const generation = this.generation;
      pending = (async () => {
        try {
          const conn = await this.connection();
          // A channel of its own: a refused declaration closes it, and nothing else (not the publishes in
          // flight, nor other declarations).
          let ch: Channel;
          try {
            ch = await conn.createChannel();
          } catch (err) {
            throw new Failure('badConnection', `cannot open a channel on ${this.name}: ${errorText(err)}`);
          }
          ch.on('error', (err: Error) =>
            this.report(`AMQP declaration refused on ${this.name}: ${err.message}`, err),
          );
          try {
            await ch.assertExchange(exchange, 'topic', { durable: true });
          } finally {
            ch.close().catch(() => undefined);
          }
          if (generation === this.generation) this.declared.add(exchange);
        } catch (err) {
          if (err instanceof Failure) throw err;
          throw new Failure(
            'badConnection',
            `cannot declare exchange ${JSON.stringify(exchange)} (durable topic) on ${this.name}: ${errorText(err)}`,
          );
        } finally {
          this.declaring.delete(exchange);
        }
      })();
      this.declaring.set(exchange, pending);
    }
    return pending;
  }

  /** Waits (at most `graceMs`) for the confirms in flight, then closes the channels and the connection. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    await Promise.allSettled([this.opening, this.connecting, ...this.declaring.values()]);
    const pub = this.pub;
    if (pub && pub.pending.size > 0) {
      const deadline = Date.now() + graceMs;
      while (pub.pending.size > 0 && !pub.closed && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
    }
    const conn = this.conn;
    await Promise.allSettled([pub?.ch.close()]);
    await Promise.allSettled([conn?.close()]);
    this.conn = null;
    this.pub = null;
  }
}

export class AmqpTransport {
  private readonly brokers = new Map<string, Broker>();
  private closed = false;
  private readonly opts: ResolvedOptions;

  constructor(opts: AmqpTransportOptions = {}) {
    this.opts = {
      timeoutMs: opts.timeoutMs ?? 10000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
      reconnectInitialMs: opts.reconnectInitialMs ?? 100,
      reconnectMaxMs: opts.reconnectMaxMs ?? 5000,
      closeGraceMs: opts.closeGraceMs ?? 2000,
      connectionName: opts.connectionName ?? 'tramontane',
      ...(opts.onError ? { onError: opts.onError } : {}),
      ...(opts.channelHighWaterMark ? { channelHighWaterMark: opts.channelHighWaterMark } : {}),
      ...(opts.egress ? { egress: opts.egress } : {}),
    };
  }

  private broker(url: string): Broker {
    let b = this.brokers.get(url);
    if (!b) {
      b = new Broker(url, this.opts);
      this.brokers.set(url, b);
    }
    return b;
  }

  /** One publish: resolves with its outcome, never rejects. */
  async publish(req: AmqpPublishRequest): Promise<AmqpOutcome> {
    const [out] = await this.publishMany([req]);
    return out ?? { ok: false, code: 'badConnection', message: 'nothing published', durationMs: 0 };
  }

  /**
   * A window of publishes to one broker (`reqs[0].url`): published back to back on the one confirm channel, in
   * array order (the broker keeps that order into each queue), then their confirms awaited together, so one
   * round trip to the broker's disk serves the whole window. One outcome per request, in order; never rejects.
   * The window shares one deadline (`timeoutMs` of the first request, else the transport's).
   */
  async publishMany(reqs: readonly AmqpPublishRequest[]): Promise<AmqpOutcome[]> {
    const t0 = performance.now();
    const first = reqs[0];
    if (!first) return [];
    const all = (r: Result): AmqpOutcome[] => {
      const durationMs = performance.now() - t0;
      return reqs.map(() => ({ ...r, durationMs }));
    };
    if (this.closed)
      return all({ ok: false, code: 'badConnection', message: 'the AMQP transport is closed' });
    const b = this.broker(first.url);
    const timeoutMs = first.timeoutMs ?? this.opts.timeoutMs;
    let expired = false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = (): Result => ({
      ok: false,
      code: 'timeout',
      message:
        `no confirm from ${b.name} within ${timeoutMs} ms` +
        (b.blocked ? ` (the broker blocks publishers: ${b.blocked})` : ''),
    });
    const deadline = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => {
        expired = true;
        resolve('expired');
      }, timeoutMs);
    });
    const settled: Array<AmqpOutcome | undefined> = reqs.map(() => undefined);
    const work = (async (): Promise<void> => {
      let pc: PublishChannel;
      try {
        pc = await b.channel();
        for (const ex of new Set(reqs.map((r) => r.exchange))) await b.declare(ex);
        while (pc.drained) await pc.drained;
      } catch (err) {
        const r: Result =
          err instanceof Failure
            ? { ok: false, code: err.code, message: err.message }
            : { ok: false, code: 'badConnection', message: errorText(err) };
        const durationMs = performance.now() - t0;
        for (let i = 0; i < reqs.length; i++) settled[i] ??= { ...r, durationMs };
        return;
      }
      if (expired) return;
      // Synchronously, one after the other: nothing else can slip a publish in between, so the order on the
      // wire is the array's. Back-pressure is not waited for inside a window (amqplib buffers the frames).
      await new Promise<void>((resolve) => {
        let left = reqs.length;
        reqs.forEach((req, i) => {
          const content = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
          pc.publish(req, content, (r) => {
            if (r.ok) b.healthy();
            settled[i] ??= { ...r, durationMs: performance.now() - t0 };
            if (--left === 0) resolve();
          });
        });
      });
    })();
    try {
      await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
    const late = timedOut();
    const durationMs = performance.now() - t0;
    return settled.map((o) => o ?? { ...late, durationMs });
  }

  /** Closes every connection, after waiting briefly for the confirms in flight. Later publishes fail. */
  async close(): Promise<void> {
    this.closed = true;
    const brokers = [...this.brokers.values()];
    this.brokers.clear();
    await Promise.all(brokers.map((b) => b.close(this.opts.closeGraceMs)));
  }
}

/**
 * amqplib's multiplexer writes every frame of every channel with its own `socket.write`, i.e. one system call
 * per published message: at a few thousand messages a second that is a third of the process's CPU. Corking
 * the socket around one multiplexer round turns the round's frames into a single `writev`. The frames, their
 * order and the moment they leave are unchanged (the round is synchronous). amqplib keeps the multiplexer on a
 * field it does not document, so when it is not where we expect we leave the connection as it is.
 */
function coalesceWrites(model: ChannelModel): void {
  const conn = (model as unknown as { connection?: { stream?: unknown; muxer?: unknown } }).connection;
  const stream = conn?.stream as { cork?: () => void; uncork?: () => void } | undefined;
  const muxer = conn?.muxer as { _readIncoming?: () => void } | undefined;
  const round = muxer?._readIncoming;
  if (!stream?.cork || !stream.uncork || !muxer || typeof round !== 'function') return;
  const cork = stream.cork.bind(stream);
  const uncork = stream.uncork.bind(stream);
  muxer._readIncoming = function corkedRound(this: unknown) {
    cork();
    try {
      round.call(this);
    } finally {
      uncork();
    }
  };
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError && !err.message)
    return err.errors.map((e) => errorText(e)).join('; ') || 'connection failed';
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return err.message || (typeof code === 'string' ? code : err.name);
  }
  return String(err);
}

/** An IP literal never reaches a lookup: a private one is refused before connecting. */
function refusePrivateLiteral(url: string): void {
  let host = '';
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return; // amqplib reports the malformed URL itself
  }
  if ((net.isIP(host) && isPrivateAddress(host)) || isLocalhostName(host)) throw new EgressPolicyError(host);
}
