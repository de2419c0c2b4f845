/**
 * The WebSocket `ExecutionEventSource`: follows one execution on the server's stream at `/v2/ws`, the way
 * docs/websocket.md ("Watching one execution") prescribes. Unlike polling it sees every state change, each once,
 * as soon as it is committed.
 *
 * - It subscribes to the execution's own changes and to its tasks' (an `execution_id` scope, like the polling
 *   source's `GET /v2/executions/ID/tasks`: sub-workflows are tasks here, not followed inside), both replaying
 *   from `after_sequence: 0`, so that what already happened comes first, then the live changes, without a gap.
 * - The two subscriptions replay independently: their shared `sequence` puts the events back in order.
 * - A dropped connection, or an `overflow`, is resumed on a new connection from the last sequence released.
 * - The stream does not carry `state_info`: a change to ERROR or CANCELLED reads it from the REST API, so that
 *   the event line can say why.
 * - The iteration ends once the execution itself is over (SUCCESS, ERROR, CANCELLED) and the stream has been
 *   quiet for `settleMs`: the task changes committed with the end (TASK_CANCELLED after WORKFLOW_CANCELLED)
 *   arrive right behind it, and during a replay a later re-run may follow an earlier end.
 *
 * A server without the stream (an older one, or Mistral) answers the upgrade with 404: `NoStreamError`, on which
 * `openEventSource` (`source-factory.ts`) falls back to polling.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, type RawData } from 'ws';
import { isTerminalWorkflow } from '../../engine/states.js';
import type { WorkflowState } from '../../engine/types.js';
import type { TramApi } from './api.js';
import { ClientError } from './errors.js';
import type { ExecutionEventSource, StateChange } from './events.js';
import { parseStateChange, SequenceOrder, toStateChange, type WireStateChange } from './ws-changes.js';

/** The stream's path, under the REST API's base URL. */
export const STREAM_PATH = '/v2/ws';

export interface WebSocketSourceOptions {
  /**
   * How often to send a `ping` request, to keep intermediaries from closing an idle connection.
   * @defaultValue 20000
   */
  pingIntervalMs?: number;
  /** Without any message this long after a ping, the connection counts as lost. @defaultValue 10000 */
  pongTimeoutMs?: number;
  /** How long the stream must stay quiet after the execution's end before the iteration ends. @defaultValue 200 */
  settleMs?: number;
  /** How long the opening handshake may take. @defaultValue 30000 */
  connectTimeoutMs?: number;
  /**
   * The waits before successive attempts to reconnect after a lost connection; when they run out, the last
   * error is thrown. @defaultValue 0.1 s doubling up to 6.4 s (about 13 s in all)
   */
  reconnectDelaysMs?: readonly number[];
}

const DEFAULTS: Required<WebSocketSourceOptions> = {
  pingIntervalMs: 20_000,
  pongTimeoutMs: 10_000,
  settleMs: 200,
  connectTimeoutMs: 30_000,
  reconnectDelaysMs: [100, 200, 400, 800, 1600, 3200, 6400],
};

/** A connection that lived this long without a new event still counts as healthy when it drops. */
const HEALTHY_LINK_MS = 30_000;

/** The server answered the upgrade with 404: it has no `/v2/ws` (an older Tramontane, or Mistral). */
export class NoStreamError extends ClientError {
  constructor(url: string, detail: string) {
    super('HTTP_STATUS', `404 no WebSocket stream at ${url}${detail ? ` (${detail})` : ''}`, { status: 404 });
    this.name = 'NoStreamError';
  }
}

/** The first line of a server message. */
function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

/** The one-line error for an upgrade refused with an HTTP status, from the body's `faultstring` when sent. */
function upgradeError(url: string, status: number, body: string): ClientError {
  let detail = '';
  let serverCode: string | undefined;
  try {
    const parsed = JSON.parse(body) as { faultstring?: unknown; message?: unknown; code?: unknown };
    const msg = parsed.faultstring ?? parsed.message;
    if (typeof msg === 'string') detail = firstLine(msg);
    if (typeof parsed.code === 'string') serverCode = parsed.code;
  } catch {
    // Not JSON: an HTML page from a proxy, for example.
  }
  if (status === 404) return new NoStreamError(url, detail);
  return new ClientError('HTTP_STATUS', `${status} ${detail || `WebSocket upgrade refused (GET ${url})`}`, {
    status,
    serverCode,
  });
}

function unreachable(base: string, err: unknown): ClientError {
  const code = (err as { code?: unknown } | null)?.code;
  const why =
    code === 'ECONNREFUSED'
      ? ' (is `tram serve` running?)'
      : `: ${typeof code === 'string' ? code : err instanceof Error ? err.message : String(err)}`;
  return new ClientError('UNREACHABLE', `cannot reach Tramontane at ${base}${why}`, { cause: err });
}

/** Whether reconnecting may help: the network, or a proxy while the server restarts. */
function transient(err: unknown): boolean {
  if (!(err instanceof ClientError) || err instanceof NoStreamError) return false;
  return err.code === 'UNREACHABLE' || (err.status !== undefined && err.status >= 500);
}

/**
 * One connection: queues the parsed messages until the source takes them, notices when the connection is lost,
 * and pings the server to keep the connection open (and find out when it silently died).
 */
class Link {
  private inbox: unknown[] = [];
  private lostCode: number | null = null;
  private wake: (() => void) | null = null;
  /** Messages received so far: a ping is answered when this moves. */
  private heard = 0;
  private pings = 0;
  private readonly pinger: NodeJS.Timeout;
  private pongTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly ws: WebSocket,
    opts: Required<WebSocketSourceOptions>,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.heard += 1;
      if (isBinary) return;
      try {
        this.inbox.push(JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data)));
      } catch {
        return; // Not JSON: nothing the watch can use.
      }
      this.notify();
    });
    ws.on('close', (code: number) => {
      this.lostCode = code;
      this.stopTimers();
      this.notify();
    });
    // Errors after the handshake (a reset socket) are followed by 'close'.
    ws.on('error', () => undefined);
    this.pinger = setInterval(() => {
      this.send({ action: 'ping', request_id: `ping-${++this.pings}` });
      if (this.pongTimer) return; // an earlier ping is still waiting for its answer
      const heard = this.heard;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = undefined;
        if (this.heard === heard) this.ws.terminate();
      }, opts.pongTimeoutMs);
      this.pongTimer.unref();
    }, opts.pingIntervalMs);
    this.pinger.unref();
  }

  /** Opens a connection; rejects with a `ClientError` (a `NoStreamError` for 404) when it cannot. */
  static open(
    url: string,
    headers: Record<string, string>,
    opts: Required<WebSocketSourceOptions>,
    signal?: AbortSignal,
  ): Promise<Link> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        headers,
        handshakeTimeout: opts.connectTimeoutMs,
        perMessageDeflate: false,
      });
      const onAbort = () => ws.terminate();
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      ws.once('open', () => {
        done();
        resolve(new Link(ws, opts));
      });
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        res.on('error', () => undefined);
        res.on('close', () => {
          done();
          reject(upgradeError(url, res.statusCode ?? 0, body));
          ws.terminate();
        });
      });
      ws.on('error', (err) => {
        done();
        reject(unreachable(url.replace(/^ws/, 'http').replace(/\/v2\/ws$/, ''), err));
      });
    });
  }

  /** Nothing received waits to be taken. */
  get idle(): boolean {
    return this.inbox.length === 0;
  }

  /** The close code once the connection is lost, else null. */
  get lost(): number | null {
    return this.lostCode;
  }

  send(msg: Record<string, unknown>): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** Resolves once there are messages to take or the connection is lost, or after `ms`, or on `signal`. */
  async wait(ms: number | undefined, signal?: AbortSignal): Promise<void> {
    if (this.inbox.length > 0 || this.lostCode !== null || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(finish, ms);
      signal?.addEventListener('abort', finish, { once: true });
      this.wake = finish;
      function finish() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        resolve();
      }
    });
    this.wake = null;
  }

  /** Every message received since the last call, in order. */
  take(): unknown[] {
    const out = this.inbox;
    this.inbox = [];
    return out;
  }

  /** Closes normally (1000), or drops a connection that is not open. */
  close(): void {
    this.stopTimers();
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'watch over');
    else if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
  }

  private notify(): void {
    this.wake?.();
  }

  private stopTimers(): void {
    clearInterval(this.pinger);
    clearTimeout(this.pongTimer);
  }
}

export class WebSocketEventSource implements ExecutionEventSource {
  private readonly opts: Required<WebSocketSourceOptions>;
  private readonly url: string;
  private readonly headers: Record<string, string> = {};

  constructor(
    private readonly api: TramApi,
    options: WebSocketSourceOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    // The REST client's base URL (with any proxy prefix), http → ws and https → wss.
    this.url = `${api.http.baseUrl.replace(/^http/, 'ws')}${STREAM_PATH}`;
    // The REST client's token, sent the same way.
    Object.assign(this.headers, api.http.authHeaders());
  }

  async *changes(executionId: string, signal?: AbortSignal): AsyncIterable<StateChange[]> {
    const order = new SequenceOrder<WireStateChange>();
    /** Whether the execution's latest released state is an end state. */
    let ended = false;
    let connected = false;
    /** Consecutive attempts that got nowhere; the next wait is `reconnectDelaysMs[retries - 1]`. */
    let retries = 0;
    let lastError: unknown = null;
    while (!signal?.aborted) {
      if (retries > 0) {
        const delay = this.opts.reconnectDelaysMs[retries - 1];
        if (delay === undefined) throw lastError;
        try {
          await sleep(delay, undefined, { signal });
        } catch {
          return; // aborted
        }
      }
      let link: Link;
      try {
        link = await Link.open(this.url, this.headers, this.opts, signal);
      } catch (err) {
        if (signal?.aborted) return;
        if (!connected || !transient(err)) throw err;
        lastError = err;
        retries += 1;
        continue;
      }
      connected = true;
      const openedAt = Date.now();
      let progressed = false;
      try {
        for (const entity of ['execution', 'task'] as const) {
          link.send({
            action: 'subscribe_state_change',
            request_id: `watch-${entity}`,
            data: { entity, execution_id: executionId, after_sequence: order.released },
          });
        }
        // The quiet that ends the watch counts from the last state change (pongs do not break it), and starts
        // again on a new connection, so that the changes committed with the end are replayed first.
        let lastEventAt = Date.now();
        for (;;) {
          const quiet = ended ? this.opts.settleMs - (Date.now() - lastEventAt) : undefined;
          if (quiet !== undefined && quiet <= 0 && link.idle) return;
          await link.wait(quiet === undefined ? undefined : Math.max(0, quiet), signal);
          if (signal?.aborted) return;
          let overflowed = false;
          for (const msg of link.take()) {
            const kind = this.read(msg, executionId, order);
            if (kind === 'overflow') overflowed = true;
            else if (kind === 'event') lastEventAt = Date.now();
          }
          const batch: StateChange[] = [];
          for (const d of order.release()) {
            batch.push(toStateChange(d, await this.stateInfoOf(d)));
            if (d.entity === 'execution' && d.id === executionId) {
              ended = isTerminalWorkflow(d.state as WorkflowState);
            }
          }
          if (batch.length > 0) {
            progressed = true;
            yield batch;
          }
          if (overflowed || link.lost !== null) break;
        }
      } finally {
        link.close();
      }
      // Lost (or overflowed): resume on a new connection from the last sequence released.
      const healthy = progressed || Date.now() - openedAt >= HEALTHY_LINK_MS;
      retries = healthy ? 1 : retries + 1;
      lastError = new ClientError(
        'UNREACHABLE',
        `lost the connection to ${this.url} (close code ${link.lost ?? 'none'})`,
      );
    }
  }

  /**
   * Takes one message: a state change of this execution into `order`; an error response becomes the client's
   * usual error (`404 execution not found: ID`). Says what the message was: `overflow` means that the server is
   * about to close the connection, and the source resumes on a new one.
   */
  private read(
    msg: unknown,
    executionId: string,
    order: SequenceOrder<WireStateChange>,
  ): 'event' | 'overflow' | null {
    if (!msg || typeof msg !== 'object') return null;
    const m = msg as { event?: unknown; data?: unknown; status?: unknown; errors?: unknown };
    if (m.event === 'overflow') return 'overflow';
    if (m.event === 'state_change') {
      const d = parseStateChange(m.data);
      if (d && d.execution_id === executionId) order.add(d);
      return 'event';
    }
    if (typeof m.status === 'number' && m.status >= 400) {
      const first: unknown = Array.isArray(m.errors) ? m.errors[0] : undefined;
      const text = (first as { message?: unknown } | undefined)?.message;
      const detail = typeof text === 'string' && text ? firstLine(text) : 'request refused';
      throw new ClientError('HTTP_STATUS', `${m.status} ${detail}`, { status: m.status });
    }
    return null;
  }

  /**
   * Why an entity ended in ERROR or CANCELLED, read from the REST API (the stream does not carry it). Only when
   * the entity is still in that state: a replayed failure that was since re-run says nothing. A failed read
   * leaves it out; the event line is shown without it.
   */
  private async stateInfoOf(d: WireStateChange): Promise<string | null> {
    if (d.state !== 'ERROR' && d.state !== 'CANCELLED') return null;
    try {
      const now = d.entity === 'execution' ? await this.api.getExecution(d.id) : await this.api.getTask(d.id);
      return now.state === d.state ? (now.state_info ?? null) : null;
    } catch {
      return null;
    }
  }
}
