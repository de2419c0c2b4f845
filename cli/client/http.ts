/**
 * A small typed HTTP client for Mistral's REST API v2 on global `fetch`: JSON in and out, YAML definitions
 * uploaded as `text/plain` (what python-mistralclient sends), the token as `X-Auth-Token`. Every failure
 * becomes one `ClientError` with a one-line message: `404 execution not found: 42` from the server's
 * `faultstring`, or "cannot reach Tramontane at URL" when nothing answers.
 *
 * One instance per command run; it holds no connections of its own beyond fetch's keep-alive pool.
 */
import { ClientError } from './errors.js';

export interface HttpClientOptions {
  /** The server's base URL (`http://127.0.0.1:8989`); a trailing `/v2` or `/` is ignored. */
  url: string;
  /** Sent as `X-Auth-Token` when set. */
  token?: string;
  /** How long one request may take. @default 30000 */
  timeoutMs?: number;
  /** The fetch implementation (tests). @default globalThis.fetch */
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | undefined>;

/** A request body: a JSON value, or a text document (a workbook's YAML). */
export type Body = { json: unknown } | { text: string };

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const DEFAULT_TIMEOUT_MS = 30_000;

/** Parses and normalises the base URL, naming the option when it is not a URL. */
export function normaliseBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClientError('BAD_URL', `invalid --url (or TRAM_URL): ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ClientError('BAD_URL', `invalid --url (or TRAM_URL): ${url} is not an http(s) URL`);
  }
  return parsed.href.replace(/\/+$/, '').replace(/\/v2$/, '');
}

/** The first line of a server message; the count of the others, so that the error stays on one line. */
function oneLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const first = lines[0] ?? '';
  return lines.length > 1 ? `${first} (and ${lines.length - 1} more)` : first;
}

/** The network error code under fetch's `TypeError: fetch failed` (ECONNREFUSED, ENOTFOUND, ...). */
function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: HttpClientOptions) {
    this.baseUrl = normaliseBaseUrl(opts.url);
    this.token = opts.token || undefined;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, undefined, query);
  }

  post<T>(path: string, body: Body): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: Body): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete(path: string, query?: Query): Promise<void> {
    return this.request<void>('DELETE', path, undefined, query);
  }

  /** The authentication headers every request carries (also for the WebSocket stream's upgrade). */
  authHeaders(): Record<string, string> {
    return this.token ? { 'x-auth-token': this.token } : {};
  }

  /** The full URL of an API path (`/v2/executions`), with the query's defined values. */
  urlOf(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  async request<T>(method: Method, path: string, body?: Body, query?: Query): Promise<T> {
    const url = this.urlOf(path, query);
    // Mistral (pecan) answers 406 to `Accept: application/json` alone on a text upload (it matches the accepted
    // type against the request's `text/plain`); the wildcard keeps JSON first and satisfies it.
    const headers: Record<string, string> = { accept: 'application/json, */*;q=0.1', ...this.authHeaders() };
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      payload = body.text;
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    const text = await res.text().catch((err: unknown) => {
      throw this.unreachable(err);
    });
    if (!res.ok) throw this.statusError(method, path, res, text);
    if (res.status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ClientError(
        'BAD_RESPONSE',
        `${method} ${url} answered ${res.status} with something that is not JSON: is ${this.baseUrl} a Tramontane server?`,
        { status: res.status, cause: err },
      );
    }
  }

  private unreachable(err: unknown): ClientError {
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError') {
      return new ClientError(
        'UNREACHABLE',
        `Tramontane at ${this.baseUrl} did not answer within ${this.timeoutMs} ms`,
        { cause: err },
      );
    }
    const code = networkCode(err);
    const why =
      code === 'ECONNREFUSED' || code === undefined
        ? ' (is `tram serve` running?)'
        : ` (${code}; is \`tram serve\` running?)`;
    return new ClientError('UNREACHABLE', `cannot reach Tramontane at ${this.baseUrl}${why}`, { cause: err });
  }

  private statusError(method: Method, path: string, res: Response, text: string): ClientError {
    let faultstring: string | undefined;
    let serverCode: string | undefined;
    try {
      const body = JSON.parse(text) as { faultstring?: unknown; code?: unknown; message?: unknown };
      // Tramontane and Mistral send `faultstring`; a proxy in between may send `message`.
      const msg = body.faultstring ?? body.message;
      if (typeof msg === 'string' && msg) faultstring = msg;
      if (typeof body.code === 'string') serverCode = body.code;
    } catch {
      // Not JSON (an HTML error page from a proxy, for example): fall back to the status text below.
    }
    const detail = faultstring ?? `${res.statusText || 'error'} (${method} ${path})`;
    return new ClientError('HTTP_STATUS', `${res.status} ${oneLine(detail)}`, {
      status: res.status,
      serverCode,
    });
  }
}
