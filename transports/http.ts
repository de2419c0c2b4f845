/**
 * The HTTP transport: one request per call, with keep-alive agents, a bounded time (connection, answer and
 * reading the answer), no redirects followed and a capped response size. It returns an outcome (never throws
 * for a receiver's answer or a network failure), graded with the delivery codes of the attempt log:
 * `badHttpStatus` (any answer but 2xx, redirects included), `badConnection`, `timeout`.
 *
 * With `allowPrivate: false` the egress policy is enforced when connecting: IP literals are checked before the
 * request and host names through the agents' `lookup`, so a name that resolves to a private address at send time
 * (DNS rebinding) is refused too.
 *
 * Built on `node:http` rather than axios so that proxies from the environment never reroute deliveries (the
 * policy is checked against the receiver itself) and the body sent is exactly the bytes that were signed.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { type AllLookup, createEgressLookup, egressMessage, isPrivateAddress, urlHost } from './egress.js';

export type DeliveryCode = 'badHttpStatus' | 'badConnection' | 'timeout';

export type PostOutcome =
  | { ok: true; status: number; durationMs: number }
  | {
      ok: false;
      code: DeliveryCode;
      status?: number;
      message: string;
      durationMs: number;
      /** From a 429 or 503 answer's `Retry-After` (delta-seconds or HTTP-date). */
      retryAfterMs?: number;
      /** The first KB of the answer's body (failures with an answer). */
      responseSnippet?: string;
    };

export interface HttpRequest {
  url: string;
  /** @default 'POST' */
  method?: string;
  /** The serialised body, sent as is (sign these bytes). */
  body: string | Uint8Array;
  /** `content-type` defaults to `application/json`. */
  headers?: Record<string, string>;
  /** @default the transport's `timeoutMs` */
  timeoutMs?: number;
}

export interface HttpTransportOptions {
  /** @default 10000 */
  timeoutMs?: number;
  /** Bytes of a response read at most (the rest is discarded with the connection). @default 65536 */
  maxResponseBytes?: number;
  /** Allow loopback/private/link-local destinations. false: refuse them when connecting. @default true */
  allowPrivate?: boolean;
  /** @default 'Tramontane-Webhooks/1' */
  userAgent?: string;
  /** Name resolution, `dns.lookup`-shaped (tests, custom DNS). @default dns.lookup */
  resolve?: AllLookup;
}

const SNIPPET_BYTES = 1024;

/** Milliseconds to wait from a `Retry-After` value (delta-seconds or HTTP-date); undefined if unparseable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

export class HttpTransport {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly opts: HttpTransportOptions = {}) {
    const strict = opts.allowPrivate === false;
    const lookup = strict || opts.resolve ? { lookup: createEgressLookup(opts.resolve, !strict) } : {};
    this.agents = {
      http: new http.Agent({ keepAlive: true, ...lookup }),
      https: new https.Agent({ keepAlive: true, ...lookup }),
    };
  }

  /** JSON-serialises `body` and POSTs it (Mistral's notify). */
  async post(
    url: string,
    body: unknown,
    headers: Record<string, string> = {},
    timeoutMs?: number,
  ): Promise<PostOutcome> {
    let text: string;
    try {
      text = JSON.stringify(body) ?? '';
    } catch (err) {
      return {
        ok: false,
        code: 'badConnection',
        message: `cannot serialise the body: ${msg(err)}`,
        durationMs: 0,
      };
    }
    return this.send({ url, method: 'POST', body: text, headers, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  /** One request: resolves with its outcome, never rejects. */
  send(req: HttpRequest): Promise<PostOutcome> {
    const t0 = performance.now();
    const elapsed = () => performance.now() - t0;
    const fail = (code: DeliveryCode, message: string): PostOutcome => ({
      ok: false,
      code,
      message,
      durationMs: elapsed(),
    });

    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return Promise.resolve(fail('badConnection', `invalid URL ${JSON.stringify(req.url)}`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return Promise.resolve(fail('badConnection', `unsupported URL scheme ${url.protocol}`));
    const host = urlHost(url);
    if (this.opts.allowPrivate === false && net.isIP(host) && isPrivateAddress(host))
      return Promise.resolve(fail('badConnection', egressMessage(host)));

    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs ?? 10000;
    const maxBytes = this.opts.maxResponseBytes ?? 65536;
    const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    const headers: Record<string, string | number> = {};
    const given = req.headers ?? {};
    const has = (name: string) => Object.keys(given).some((k) => k.toLowerCase() === name);
    if (!has('content-type')) headers['content-type'] = 'application/json';
    if (!has('user-agent')) headers['user-agent'] = this.opts.userAgent ?? 'Tramontane-Webhooks/1';
    Object.assign(headers, given);
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-length') delete headers[k];
    headers['content-length'] = body.byteLength;

    return new Promise<PostOutcome>((resolve) => {
      let settled = false;
      const done = (o: PostOutcome) => {
        if (settled) return;
        settled = true;
        resolve(o);
      };
      let request: http.ClientRequest | undefined;
      let onDeadline: () => void = () => done(fail('timeout', `no answer within ${timeoutMs} ms`));
      const timer = setTimeout(() => {
        onDeadline();
        request?.destroy();
      }, timeoutMs);
      try {
        const lib = url.protocol === 'https:' ? https : http;
        request = lib.request(url, {
          method: req.method ?? 'POST',
          headers,
          agent: url.protocol === 'https:' ? this.agents.https : this.agents.http,
        });
      } catch (err) {
        clearTimeout(timer);
        done(fail('badConnection', `invalid request: ${msg(err)}`));
        return;
      }
      request.on('close', () => clearTimeout(timer));
      request.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        if (err.code === 'EGRESS_POLICY') return done(fail('badConnection', err.message));
        if (err.code === 'ETIMEDOUT') return done(fail('timeout', err.message));
        done(fail('badConnection', errorText(err)));
      });
      request.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          if (ok || settled) return;
          const snippet = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
          const retryAfterMs =
            status === 429 || status === 503 ? parseRetryAfter(header(res, 'retry-after')) : undefined;
          const location = status >= 300 && status < 400 ? header(res, 'location') : undefined;
          done({
            ok: false,
            code: 'badHttpStatus',
            status,
            message:
              `receiver answered HTTP ${status}` +
              (location !== undefined ? ` (redirect to ${location} not followed)` : ''),
            durationMs: elapsed(),
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
            ...(snippet ? { responseSnippet: snippet } : {}),
          });
        };
        // A 2xx is a success as soon as its status arrives; its body is drained (up to the cap, within the
        // deadline) only to keep the connection reusable.
        if (ok) done({ ok: true, status, durationMs: elapsed() });
        onDeadline = finish;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (!ok && size - chunk.length < SNIPPET_BYTES) chunks.push(chunk);
          if (size > maxBytes) {
            finish();
            res.destroy();
          }
        });
        res.on('error', finish);
        res.on('end', finish);
        res.on('close', finish);
      });
      request.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function header(res: http.IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** An error's message; Node's AggregateError (all addresses of a host refused) has an empty one. */
function errorText(err: NodeJS.ErrnoException): string {
  const text =
    err.message ||
    (err instanceof AggregateError ? err.errors.map((e) => msg(e)).join('; ') : '') ||
    (err.code ?? 'connection failed');
  return err.code && !text.includes(err.code) ? `${err.code}: ${text}` : text;
}

function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
