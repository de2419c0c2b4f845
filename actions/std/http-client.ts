/**
 * Sends one planned request with axios and reads the answer into Mistral's result shape. It owns the keep-alive
 * agents shared by every `std.http` and `std.mistral_http` run, and enforces what a workflow must not be able to
 * turn off: a deadline on the whole exchange (connect, send, headers and body, not only socket inactivity), a
 * cap on the decoded body size, and the engine's abort signal.
 *
 * It never throws for an unreachable server, a timeout or an oversized body: those come back as
 * `{kind: 'failed', message}`. An HTTP error status is a response like any other; the action decides what it
 * means.
 *
 * Lifecycle: one client per registry; `close()` destroys the pooled sockets at shutdown.
 */

import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import axios from 'axios';
import type { AxiosResponse } from 'axios';
import { toError } from '../../common/errors.js';
import { MAX_NODE_TIMER_MS } from '../../common/time.js';
import { guardAgent } from '../../transports/index.js';
import type { HttpRequestPlan } from './http-request.js';

export interface HttpClientOptions {
  /** Largest response body accepted, counted after decompression. @default 10485760 (10 MiB) */
  maxResponseBytes: number;
  /** Deadline for a task that gives no `timeout`. @default 60 (seconds, as Mistral's egress policy) */
  defaultTimeoutSeconds: number;
  /** Redirects followed at most when `allow_redirects` is true. @default 30 (as requests) */
  maxRedirects: number;
  /** @default 'tramontane' */
  userAgent: string;
  /**
   * Loopback and private destinations may be called (the server passes `TRAM_EGRESS_ALLOW_PRIVATE`): when
   * false, every connection (each redirect hop, and the proxy) is checked at its resolved address.
   * @default true (no policy: library use and `tram run`)
   */
  allowPrivate: boolean;
}

export const DEFAULT_HTTP_OPTIONS: Readonly<HttpClientOptions> = Object.freeze({
  maxResponseBytes: 10 * 1024 * 1024,
  defaultTimeoutSeconds: 60,
  maxRedirects: 30,
  userAgent: 'tramontane',
  allowPrivate: true,
});

/** Mistral's `std.http` result: what `task().result` holds, on success and (as the error) on failure. */
export interface HttpResult {
  /** The body parsed as JSON when it parses (Mistral tries `resp.json()` whatever the type), else its text. */
  content: unknown;
  status: number;
  /** Response headers with the server's spelling; repeated ones joined with `, ` as requests does. */
  headers: Record<string, string>;
  /** The charset the response declared, or null. */
  encoding: string | null;
  /** The final URL, after any redirect followed. */
  url: string;
  reason: string;
  cookies: Record<string, string>;
  /** Seconds from sending the request to the response's headers. */
  elapsed: number;
}

export type HttpExchange = { kind: 'response'; result: HttpResult } | { kind: 'failed'; message: string };

export class HttpClient {
  readonly options: Readonly<HttpClientOptions>;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly insecureAgent: https.Agent;
  /** Agents trusting a task-supplied CA bundle, one per path, so their connections are pooled too. */
  private readonly caAgents = new Map<string, https.Agent>();

  constructor(options: Partial<HttpClientOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_HTTP_OPTIONS, ...options });
    this.httpAgent = this.guarded(new http.Agent({ keepAlive: true }));
    this.httpsAgent = this.guarded(new https.Agent({ keepAlive: true }));
    this.insecureAgent = this.guarded(new https.Agent({ keepAlive: true, rejectUnauthorized: false }));
  }

  /** Every agent is under the egress policy: the one place `std.http` consults it. */
  private guarded<A extends http.Agent>(agent: A): A {
    return guardAgent(agent, this.options.allowPrivate);
  }

  async send(plan: HttpRequestPlan, signal: AbortSignal): Promise<HttpExchange> {
    if (signal.aborted) return { kind: 'failed', message: 'HTTP request cancelled' };
    let httpsAgent: https.Agent;
    try {
      httpsAgent = this.httpsAgentFor(plan.verify);
    } catch (err) {
      return {
        kind: 'failed',
        message: `Cannot read the CA bundle ${String(plan.verify)}: ${toError(err).message}`,
      };
    }

    // One controller ends the exchange for both reasons; `why` remembers which, for the message.
    const controller = new AbortController();
    let why: 'timeout' | 'cancelled' | undefined;
    const stop = (reason: 'timeout' | 'cancelled') => {
      why ??= reason;
      controller.abort();
    };
    const onCancel = () => stop('cancelled');
    // Past Node's longest timer a `timeout` would fire at once: it waits that long (24.8 days) instead.
    const timer = setTimeout(() => stop('timeout'), Math.min(plan.timeoutMs, MAX_NODE_TIMER_MS));
    signal.addEventListener('abort', onCancel, { once: true });
    const started = performance.now();
    try {
      const response = await axios.request<Readable>({
        url: plan.url,
        method: plan.method,
        headers: { Accept: '*/*', 'User-Agent': this.options.userAgent, ...plan.headers },
        data: plan.body,
        auth: plan.auth,
        proxy: plan.proxy,
        httpAgent: this.httpAgent,
        httpsAgent,
        maxRedirects: plan.followRedirects ? this.options.maxRedirects : 0,
        responseType: 'stream',
        // The body is bytes we prepared, and the status is judged by the action.
        transformRequest: [(data: unknown) => data],
        validateStatus: () => true,
        signal: controller.signal,
      });
      const elapsed = (performance.now() - started) / 1000;
      const body = await this.readBody(response, controller.signal);
      if (body === undefined) {
        return {
          kind: 'failed',
          message: `HTTP response from ${plan.url} exceeds ${this.options.maxResponseBytes} bytes`,
        };
      }
      return { kind: 'response', result: toResult(response, body, plan.url, elapsed) };
    } catch (err) {
      if (why === 'timeout')
        return { kind: 'failed', message: `HTTP request timed out after ${plan.timeoutMs / 1000} s` };
      if (why === 'cancelled') return { kind: 'failed', message: 'HTTP request cancelled' };
      return { kind: 'failed', message: `Failed to send HTTP request: ${describe(err)}` };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onCancel);
    }
  }

  /** Destroys pooled sockets. Idempotent; a later `send` would simply open new ones. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.insecureAgent.destroy();
    for (const agent of this.caAgents.values()) agent.destroy();
    this.caAgents.clear();
  }

  private httpsAgentFor(verify: boolean | string): https.Agent {
    if (verify === true) return this.httpsAgent;
    if (verify === false) return this.insecureAgent;
    let agent = this.caAgents.get(verify);
    if (!agent) {
      agent = this.guarded(new https.Agent({ keepAlive: true, ca: readFileSync(verify) }));
      this.caAgents.set(verify, agent);
    }
    return agent;
  }

  /** The whole body, or `undefined` when it exceeds the cap (the stream is then destroyed, freeing the socket). */
  private async readBody(
    response: AxiosResponse<Readable>,
    signal: AbortSignal,
  ): Promise<Buffer | undefined> {
    const stream = response.data;
    const limit = this.options.maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      stream.destroy();
      return undefined;
    }
    // axios destroys the stream on abort in most paths; this makes sure a stalled body ends the loop below.
    const onAbort = () => stream.destroy(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of stream) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        total += buf.length;
        if (total > limit) {
          stream.destroy();
          return undefined;
        }
        chunks.push(buf);
      }
      return Buffer.concat(chunks);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function toResult(
  response: AxiosResponse<Readable>,
  body: Buffer,
  requestedUrl: string,
  elapsed: number,
): HttpResult {
  const res = (response.request as { res?: IncomingMessage & { responseUrl?: string } } | undefined)?.res;
  const contentType = String(response.headers['content-type'] ?? '');
  const encoding = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1] ?? null;
  return {
    content: parseContent(decode(body, encoding)),
    status: response.status,
    headers: res ? headersFromRaw(res.rawHeaders) : headersFromAxios(response.headers),
    encoding,
    url: res?.responseUrl ?? requestedUrl,
    reason: response.statusText ?? '',
    cookies: cookiesOf(response.headers['set-cookie']),
    elapsed,
  };
}

function decode(body: Buffer, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    // An unknown charset label: UTF-8 is what the server most likely meant.
    return new TextDecoder('utf-8').decode(body);
  }
}

function parseContent(text: string): unknown {
  if (text.trim() === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function headersFromRaw(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const key = spelling.get(name.toLowerCase()) ?? name;
    spelling.set(name.toLowerCase(), key);
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

function headersFromAxios(headers: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value !== undefined && value !== null)
      out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function cookiesOf(setCookie: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : [];
  for (const line of lines) {
    const pair = String(line).split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** axios wraps Node's network errors; its message already names the cause (`connect ECONNREFUSED ...`). */
function describe(err: unknown): string {
  const e = toError(err);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
}
