/**
 * Turns `std.http`'s Mistral parameters (shaped after Python `requests`) into one concrete request: the URL with
 * its query, the method, headers, body bytes, auth, proxy, TLS and redirect choices. Pure: no I/O, so every
 * parameter rule is tested without a server. An unusable parameter is reported as a message, which the action
 * returns as its failure (Mistral raises an ActionException there, which fails the task the same way).
 */

/**
 * `std.http` input, after the registry applied defaults. Values come from YAML, hence `unknown`. (A type alias,
 * not an interface: `defineAction` needs the implicit index signature.)
 */
export type HttpInput = {
  url: unknown;
  method: unknown;
  params: unknown;
  body: unknown;
  json: unknown;
  headers: unknown;
  cookies: unknown;
  auth: unknown;
  timeout: unknown;
  allow_redirects: unknown;
  proxies: unknown;
  verify: unknown;
};

export interface ProxyTarget {
  protocol: string;
  host: string;
  port: number;
  auth?: { username: string; password: string };
}

export interface HttpRequestPlan {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  auth?: { username: string; password: string };
  timeoutMs: number;
  followRedirects: boolean;
  /** `undefined`: the environment's proxy settings (`HTTP_PROXY`, `NO_PROXY`...) apply, as in `requests`. */
  proxy?: ProxyTarget;
  /** TLS verification: on, off, or a path to a CA bundle. */
  verify: boolean | string;
}

export type PlanResult = { ok: true; plan: HttpRequestPlan } | { ok: false; error: string };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function planHttpRequest(input: HttpInput, defaultTimeoutSeconds: number): PlanResult {
  try {
    return { ok: true, plan: buildPlan(input, defaultTimeoutSeconds) };
  } catch (err) {
    if (err instanceof ParamError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Thrown only inside this module, to stop at the first bad parameter; never escapes `planHttpRequest`. */
class ParamError extends Error {}

function buildPlan(input: HttpInput, defaultTimeoutSeconds: number): HttpRequestPlan {
  const url = buildUrl(input.url, input.params);
  const method = typeof input.method === 'string' && input.method !== '' ? input.method.toUpperCase() : 'GET';
  if (!TOKEN.test(method)) throw new ParamError(`Invalid HTTP method: ${JSON.stringify(input.method)}`);

  const headers = toHeaders(input.headers);
  const cookie = toCookieHeader(input.cookies);
  if (cookie) setHeader(headers, 'Cookie', [getHeader(headers, 'Cookie'), cookie].filter(Boolean).join('; '));

  const plan: HttpRequestPlan = {
    url,
    method,
    headers,
    timeoutMs: Math.ceil(toTimeoutSeconds(input.timeout, defaultTimeoutSeconds) * 1000),
    // Mistral passes allow_redirects=None to requests, which then does not follow redirects: false by default.
    followRedirects: input.allow_redirects === true,
    verify: toVerify(input.verify),
  };
  const body = toBody(input.body, input.json, headers);
  if (body) plan.body = body;
  const auth = toAuth(input.auth);
  if (auth) plan.auth = auth;
  const proxy = toProxy(input.proxies, new URL(url).protocol);
  if (proxy) plan.proxy = proxy;
  return plan;
}

function buildUrl(rawUrl: unknown, params: unknown): string {
  if (typeof rawUrl !== 'string' || rawUrl === '') throw new ParamError('url must be a non-empty string');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new ParamError(`Invalid URL: ${rawUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ParamError(`Unsupported URL scheme ${url.protocol} in ${rawUrl} (http and https only)`);
  }
  if (params === null || params === undefined) return url.toString();
  if (typeof params === 'string') {
    // requests appends a pre-encoded query string as it is.
    const query = params.replace(/^\?/, '');
    if (query === '') return url.toString();
    url.search = url.search ? `${url.search}&${query}` : `?${query}`;
    return url.toString();
  }
  if (!isPlainObject(params)) throw new ParamError('params must be a mapping or a query string');
  for (const [key, value] of Object.entries(params)) {
    // Like requests: a list repeats the key (`a=1&a=2`), a null value drops the key.
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && item !== undefined) url.searchParams.append(key, scalarText(item));
    }
  }
  return url.toString();
}

function toHeaders(raw: unknown): Record<string, string> {
  if (raw === null || raw === undefined) return {};
  if (!isPlainObject(raw)) throw new ParamError('headers must be a mapping');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!TOKEN.test(name)) throw new ParamError(`Invalid header name: ${JSON.stringify(name)}`);
    // requests drops headers set to None; Mistral turns numbers into strings.
    if (value === null || value === undefined) continue;
    const text = scalarText(value);
    if (/[\r\n]/.test(text)) throw new ParamError(`Header ${name} must not contain line breaks`);
    headers[name] = text;
  }
  return headers;
}

function toCookieHeader(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  if (!isPlainObject(raw)) throw new ParamError('cookies must be a mapping of name to value');
  return Object.entries(raw)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${scalarText(v)}`)
    .join('; ');
}

function toBody(body: unknown, json: unknown, headers: Record<string, string>): Buffer | undefined {
  const hasBody = body !== null && body !== undefined;
  const hasJson = json !== null && json !== undefined;
  if (hasBody && hasJson) throw new ParamError("Only one of the parameters 'json' and 'body' can be passed");
  if (hasJson || (hasBody && typeof body === 'object')) {
    // Mistral serialises a mapping `body` to JSON too; requests then labels it only when it came through `json`.
    // We label both: a JSON body without a content type helps no server.
    if (getHeader(headers, 'Content-Type') === undefined)
      setHeader(headers, 'Content-Type', 'application/json');
    return Buffer.from(JSON.stringify(hasJson ? json : body), 'utf8');
  }
  return hasBody ? Buffer.from(scalarText(body), 'utf8') : undefined;
}

/** `"user:password"` (split at the first colon), `{username, password}` or `[user, password]`. */
function toAuth(raw: unknown): { username: string; password: string } | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (typeof raw === 'string') {
    const colon = raw.indexOf(':');
    if (colon < 0)
      throw new ParamError('auth must be "user:password", {username, password} or [user, password]');
    return { username: raw.slice(0, colon), password: raw.slice(colon + 1) };
  }
  if (Array.isArray(raw) && raw.length === 2)
    return { username: scalarText(raw[0]), password: scalarText(raw[1]) };
  if (isPlainObject(raw) && typeof raw.username === 'string') {
    return { username: raw.username, password: raw.password === undefined ? '' : scalarText(raw.password) };
  }
  throw new ParamError('auth must be "user:password", {username, password} or [user, password]');
}

/** Seconds: a number, a numeric string, or requests' `[connect, read]` pair (summed: we bound the whole call). */
function toTimeoutSeconds(raw: unknown, fallback: number): number {
  if (raw === null || raw === undefined) return fallback;
  const n = Array.isArray(raw) ? raw.reduce<number>((sum, v) => sum + Number(v), 0) : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ParamError(`timeout must be a positive number of seconds`);
  return n;
}

function toVerify(raw: unknown): boolean | string {
  if (raw === null || raw === undefined || raw === true) return true;
  if (raw === false) return false;
  if (typeof raw === 'string' && raw !== '') return raw;
  throw new ParamError('verify must be true, false or the path of a CA bundle');
}

/** requests' `proxies`: `{http: url, https: url}`, keyed by the target's scheme, or `all`. */
function toProxy(raw: unknown, protocol: string): ProxyTarget | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (!isPlainObject(raw)) throw new ParamError('proxies must be a mapping of scheme to proxy URL');
  const scheme = protocol.replace(/:$/, '');
  const chosen = raw[scheme] ?? raw.all;
  if (chosen === null || chosen === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(String(chosen));
  } catch {
    throw new ParamError(`Invalid proxy URL for ${scheme}: ${String(chosen)}`);
  }
  const target: ProxyTarget = {
    protocol: url.protocol.replace(/:$/, ''),
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
  };
  if (url.username) {
    target.auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  }
  return target;
}

function scalarText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(headers).find((k) => k.toLowerCase() === lower);
}

function getHeader(headers: Record<string, string>, name: string): string | undefined {
  const key = findHeader(headers, name);
  return key === undefined ? undefined : headers[key];
}

/** Sets a header, replacing any spelling of the same name (header names are case-insensitive). */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const existing = findHeader(headers, name);
  if (existing !== undefined) delete headers[existing];
  headers[name] = value;
}
