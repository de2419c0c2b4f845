/**
 * One client connection: reads its requests one at a time (so a repeated subscribe always finds the first one
 * registered, and responses come in request order), keeps its subscriptions, and sends everything through one
 * ordered `SendQueue`. Live events arrive through `offer`, synchronously from the engine's listener, and are only
 * filtered and queued there: the engine never waits for a socket.
 *
 * Lifecycle: open → (overflow: `overflow` message, close 1013; replay failure: close 1011; server shutdown:
 * close 1001) → closed. A close handshake that takes longer than `closeGraceMs` ends with the socket destroyed.
 * The server's heartbeat pings it; a client that answered neither the last ping nor sent anything is dropped.
 */
import { WebSocket, type RawData } from 'ws';
import { toError } from '../../common/index.js';
import type { Engine } from '../../engine/index.js';
import type { StreamOptions } from './options.js';
import {
  overflow,
  pong,
  response,
  type StreamEvent,
  type SubscribeRequest,
  type UnsubscribeRequest,
} from './protocol.js';
import { replay } from './replay.js';
import { resolveScope, subscriptionKey } from './scope.js';
import { SendQueue, type Corkable } from './send-queue.js';
import { Subscription, SubscriptionRegistry, type Outlet } from './subscriptions.js';
import { parseRequest } from './validation.js';

const { OPEN, CLOSED } = WebSocket;

/** WebSocket close codes the server uses. */
export const CloseCode = {
  /** The server is shutting down. */
  goingAway: 1001,
  /** A replay could not read the store: resume on a new connection. */
  internalError: 1011,
  /** The client fell too far behind (after an `overflow` message): resume with `after_sequence`. */
  overflow: 1013,
} as const;

export class Connection {
  private readonly subs = new SubscriptionRegistry();
  private readonly out: SendQueue;
  private readonly outlet: Outlet;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  private inbox: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  /** Answered the last heartbeat ping, or sent something since. */
  private alive = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly engine: Engine,
    private readonly opts: StreamOptions,
    private readonly onOverflow: () => void = () => undefined,
    socket: Corkable | null = null,
  ) {
    this.out = new SendQueue(ws, opts, () => this.overflow(), socket);
    this.outlet = {
      send: (frame) => this.out.push(frame),
      overflow: () => this.overflow(),
      maxPending: opts.maxQueuedMessages,
    };
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    // Errors (a reset socket, a protocol violation) are followed by 'close'; there is nobody else to tell.
    ws.on('error', () => undefined);
    ws.on('close', () => this.release());
  }

  /** Messages waiting for room in the socket. */
  get queued(): number {
    return this.out.length;
  }

  /** Bytes the socket holds unsent. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  /** A live event, from the engine's listener. */
  offer(ev: StreamEvent): void {
    if (!this.closing) this.subs.offer(ev);
  }

  /** Called by the server's heartbeat timer. */
  heartbeat(): void {
    if (this.closing || this.ws.readyState !== OPEN) return;
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping(undefined, undefined, this.out.pump);
  }

  /** Closes the connection; after `closeGraceMs` without the client's close frame, destroys the socket. */
  close(code: number, reason: string): Promise<void> {
    if (this.closing) return this.closing;
    this.release();
    this.closing = (async () => {
      if (this.ws.readyState === OPEN) {
        const timer = setTimeout(() => this.ws.terminate(), this.opts.closeGraceMs);
        this.ws.close(code, reason);
        await this.closed;
        clearTimeout(timer);
      } else if (this.ws.readyState !== CLOSED) {
        this.ws.terminate();
        await this.closed;
      }
    })();
    return this.closing;
  }

  private release(): void {
    this.subs.clear();
    this.out.stop();
  }

  private overflow(): void {
    if (this.closing) return;
    this.release();
    this.onOverflow();
    // Bypasses the stopped queue: queued behind what the socket already holds, it is the last message.
    if (this.ws.readyState === OPEN) this.ws.send(overflow(this.opts.maxQueuedMessages));
    void this.close(CloseCode.overflow, 'overflow');
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.alive = true;
    const text = isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : null;
    this.inbox = this.inbox
      .then(() => this.handle(text))
      .catch((err: unknown) => this.opts.logger.warn({ err: toError(err) }, 'WebSocket request failed'));
  }

  private async handle(text: string | null): Promise<void> {
    if (this.closing) return;
    if (text === null) {
      this.reply(response(null, 400, [{ message: 'send JSON text messages, not binary ones' }]));
      return;
    }
    const parsed = parseRequest(text);
    if (!parsed.ok) {
      this.reply(response(parsed.requestId, parsed.status, parsed.errors));
      return;
    }
    const req = parsed.request;
    try {
      if (req.action === 'ping') this.reply(pong(req.requestId));
      else if (req.action === 'unsubscribe_state_change') this.unsubscribe(req);
      else await this.subscribe(req);
    } catch (err) {
      this.reply(response(req.requestId, 500, [{ message: `internal error: ${toError(err).message}` }]));
    }
  }

  private reply(frame: string): void {
    this.out.push(frame);
  }

  private async subscribe(req: SubscribeRequest): Promise<void> {
    const rid = req.requestId;
    // A repeated subscribe is answered like the first, whatever happened since (idempotence).
    const repeated = this.subs.byParameters(subscriptionKey(req.entity, req.scope, req.afterSequence));
    if (repeated) {
      this.alias(repeated, req);
      return;
    }
    const resolved = await resolveScope(this.engine, req.scope);
    if (this.closing) return;
    if (!resolved.ok) {
      this.reply(response(rid, 404, [resolved.error]));
      return;
    }
    const key = subscriptionKey(req.entity, resolved.scope, req.afterSequence);
    const existing = this.subs.byParameters(key);
    if (existing) {
      this.alias(existing, req);
      return;
    }
    if (this.subs.byId(rid)) {
      this.reply(response(rid, 409, [conflict()]));
      return;
    }
    if (this.subs.size >= this.opts.maxSubscriptions) {
      this.reply(
        response(rid, 429, [
          { message: `too many subscriptions on this connection (limit ${this.opts.maxSubscriptions})` },
        ]),
      );
      return;
    }
    const sub = new Subscription(
      {
        requestId: rid,
        key,
        entity: req.entity,
        entityName: req.entityName,
        scope: resolved.scope,
        afterSequence: req.afterSequence,
      },
      this.outlet,
    );
    // Registered (holding back live events) before the response and before the replay reads the store.
    this.subs.add(sub);
    this.reply(response(rid, 200));
    if (req.afterSequence !== undefined) this.startReplay(sub);
  }

  private alias(sub: Subscription, req: SubscribeRequest): void {
    const bound = this.subs.byId(req.requestId);
    if (bound && bound !== sub) {
      this.reply(response(req.requestId, 409, [conflict()]));
      return;
    }
    this.subs.alias(sub, req.requestId);
    this.reply(response(req.requestId, 200));
  }

  private startReplay(sub: Subscription): void {
    const read = (f: { executionId: string; afterId: number; limit: number }) => this.engine.readEvents(f);
    replay(sub, read, this.out, this.opts.replayPageSize).catch((err: unknown) => {
      // The subscription cannot continue without a gap: end the connection so that the client resumes.
      this.opts.logger.warn({ err: toError(err), executionId: sub.executionId }, 'WebSocket replay failed');
      void this.close(CloseCode.internalError, 'replay failed');
    });
  }

  private unsubscribe(req: UnsubscribeRequest): void {
    const sub = this.subs.remove(req.requestId);
    this.reply(
      sub
        ? response(req.requestId, 200)
        : response(req.requestId, 404, [
            {
              field: 'request_id',
              message: `no subscription with request_id ${JSON.stringify(req.requestId)}`,
            },
          ]),
    );
  }
}

function conflict() {
  return {
    field: 'request_id',
    message: 'request_id already names a subscription with other parameters: use a new request_id',
  };
}
