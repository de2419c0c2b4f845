/**
 * A listener as the API (and a workbook's `listeners` section) describes it, read into a `NewListener` or a
 * `ListenerPatch`: the wire shape is snake_case, every field is type-checked, and a mistake is an
 * `InvalidInputError` naming the field (`transport.url`, `events[1]`, `retry[0]`, `status.timeout_s`).
 *
 * Wire shape:
 *
 * ```
 * {name, scope: {workbook, workflow, execution_id, task_name}, events: ['EXECUTION' | 'TASK' | <event type>],
 *  filter: <YAQL>, transport: {type: http, url, method, headers, timeout_ms} | {type: amqp, url, exchange,
 *  routing_key}, format: mistral | cloudevents | template, payload, retry: [seconds], status: {enabled,
 *  timeout_s}, secret: whsec_..., enabled}
 * ```
 *
 * `url` at the top level is a shorthand for an http transport with the defaults (the original Mistral listener
 * design). Fields of the listener resource that a client may echo back (`id`, `origin`, `health`, ...) are
 * ignored. Pure: no I/O; the egress policy (which hosts may be called) is the service's business. The rules
 * themselves (selectors, bounds, URL schemes, the secret's form) are those of `model/listener-rules.ts`.
 */
import { InvalidInputError } from '../common/index.js';
import { checkSyntax, hasExpressions } from '../dsl/expressions/index.js';
import {
  DEFAULT_EXCHANGE,
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_RETRY,
  DEFAULT_STATUS_TIMEOUT_S,
  EVENT_SELECTORS,
  HEADER_NAME,
  HTTP_METHODS,
  HTTP_TIMEOUT_MS,
  LISTENER_FORMATS,
  MAX_NAME_LENGTH,
  MAX_RETRIES,
  MAX_RETRY_DELAY_S,
  SECRET_RULE,
  STATUS_TIMEOUT_S,
  TRANSPORT_TYPES,
  isSigningSecret,
  isTransportUrl,
} from '../model/index.js';
import type {
  AmqpTransportSpec,
  EventSelector,
  HttpTransportSpec,
  ListenerFormat,
  ListenerPatch,
  ListenerScope,
  NewListener,
  TransportSpec,
} from './types.js';

/** Listener resource fields that are shown, not set: a body that echoes a resource back may carry them. */
const READ_ONLY = ['id', 'origin', 'owner', 'disabled_reason', 'health', 'created_at', 'updated_at'];
const FIELDS = [
  'name',
  'scope',
  'events',
  'filter',
  'transport',
  'url',
  'format',
  'payload',
  'retry',
  'status',
  'secret',
  'enabled',
];
const SCOPE_FIELDS: Record<string, keyof ListenerScope> = {
  workbook: 'workbook',
  workflow: 'workflow',
  execution_id: 'executionId',
  task_name: 'taskName',
};

export interface ListenerInputOptions {
  /** Prepended to every field name in errors, e.g. `listeners[0]` gives `listeners[0].transport.url`. */
  fieldPrefix?: string;
}

type Body = Record<string, unknown>;

class Reader {
  constructor(readonly prefix: string) {}

  /** The full name of a field, for errors. */
  field(name: string): string {
    if (!this.prefix) return name;
    if (name.startsWith('[') || this.prefix.endsWith('.')) return `${this.prefix}${name}`;
    return `${this.prefix}.${name}`;
  }

  fail(name: string, message: string): never {
    const field = this.field(name);
    throw new InvalidInputError(`'${field}' ${message}`, field);
  }

  object(v: unknown, name: string): Body {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(name, 'must be a JSON object');
    return v as Body;
  }

  string(v: unknown, name: string, max = 2048): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(name, 'must be a non-empty string');
    if (v.length > max) this.fail(name, `must be at most ${max} characters`);
    return v;
  }

  int(v: unknown, name: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(name, `must be an integer from ${min} to ${max}`);
    }
    return v;
  }

  bool(v: unknown, name: string): boolean {
    if (typeof v !== 'boolean') this.fail(name, 'must be true or false');
    return v;
  }

  oneOf<S extends string>(v: unknown, name: string, values: readonly S[]): S {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.fail(name, `must be one of ${values.join(', ')}`);
    }
    return v as S;
  }

  /** Refuses fields outside `allowed` (the resource's read-only fields pass, and are ignored). */
  known(body: Body, allowed: readonly string[], inside = ''): void {
    for (const k of Object.keys(body)) {
      if (!allowed.includes(k) && (inside || !READ_ONLY.includes(k))) {
        this.fail(inside ? `${inside}.${k}` : k, 'is not a known field');
      }
    }
  }

  name(v: unknown): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail('name', 'is required (a non-empty string)');
    if (v.length > MAX_NAME_LENGTH) this.fail('name', `must be at most ${MAX_NAME_LENGTH} characters`);
    return v;
  }

  scope(v: unknown): ListenerScope {
    if (v === undefined || v === null) return {};
    const body = this.object(v, 'scope');
    this.known(body, Object.keys(SCOPE_FIELDS), 'scope');
    const out: ListenerScope = {};
    for (const [wire, key] of Object.entries(SCOPE_FIELDS)) {
      const x = body[wire];
      if (x !== undefined && x !== null) out[key] = this.string(x, `scope.${wire}`, 255);
    }
    return out;
  }

  events(v: unknown): EventSelector[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail('events', `must be a list of EXECUTION, TASK or event types`);
    const out: EventSelector[] = [];
    v.forEach((e, i) => {
      const sel = this.oneOf(e, `events[${i}]`, EVENT_SELECTORS);
      if (!out.includes(sel)) out.push(sel);
    });
    return out;
  }

  /** A YAQL expression, bare (`$.state = 'ERROR'`) or delimited (`<% $.state = 'ERROR' %>`); null: none. */
  filter(v: unknown): string | null {
    if (v === undefined || v === null || v === '') return null;
    if (typeof v !== 'string') this.fail('filter', 'must be a YAQL expression (a string)');
    if (v.length > 4096) this.fail('filter', 'must be at most 4096 characters');
    const text = hasExpressions(v) ? v : `<%${v}%>`;
    const issues = checkSyntax(text);
    if (issues.length > 0) this.fail('filter', `is not a valid YAQL expression: ${issues[0]?.message}`);
    return v;
  }

  httpUrl(v: unknown, name: string): string {
    const s = this.string(v, name);
    if (!isTransportUrl(s, 'http')) this.fail(name, 'must be an absolute http:// or https:// URL');
    return s;
  }

  amqpUrl(v: unknown, name: string): string | null {
    if (v === undefined || v === null) return null;
    const s = this.string(v, name);
    if (!isTransportUrl(s, 'amqp')) this.fail(name, 'must be an amqp:// or amqps:// URL');
    return s;
  }

  transport(v: unknown): TransportSpec {
    const body = this.object(v, 'transport');
    const type = this.oneOf(body.type, 'transport.type', TRANSPORT_TYPES);
    if (type === 'http') {
      this.known(body, ['type', 'url', 'method', 'headers', 'timeout_ms'], 'transport');
      const http: HttpTransportSpec = {
        type: 'http',
        url: this.httpUrl(body.url, 'transport.url'),
        method: this.method(body.method),
        headers: this.headers(body.headers),
        timeoutMs:
          body.timeout_ms === undefined || body.timeout_ms === null
            ? DEFAULT_HTTP_TIMEOUT_MS
            : this.int(body.timeout_ms, 'transport.timeout_ms', HTTP_TIMEOUT_MS.min, HTTP_TIMEOUT_MS.max),
      };
      return http;
    }
    this.known(body, ['type', 'url', 'exchange', 'routing_key'], 'transport');
    const amqp: AmqpTransportSpec = {
      type: 'amqp',
      url: this.amqpUrl(body.url, 'transport.url'),
      exchange:
        body.exchange === undefined || body.exchange === null
          ? DEFAULT_EXCHANGE
          : this.string(body.exchange, 'transport.exchange', 255),
      routingKey:
        body.routing_key === undefined || body.routing_key === null
          ? null
          : this.string(body.routing_key, 'transport.routing_key', 255),
    };
    return amqp;
  }

  /** `url` at the top level: an http transport with the defaults. */
  shorthand(v: unknown): HttpTransportSpec {
    return {
      type: 'http',
      url: this.httpUrl(v, 'url'),
      method: 'POST',
      headers: {},
      timeoutMs: DEFAULT_HTTP_TIMEOUT_MS,
    };
  }

  method(v: unknown): HttpTransportSpec['method'] {
    if (v === undefined || v === null) return 'POST';
    return this.oneOf(typeof v === 'string' ? v.toUpperCase() : v, 'transport.method', HTTP_METHODS);
  }

  headers(v: unknown): Record<string, string> {
    if (v === undefined || v === null) return {};
    const body = this.object(v, 'transport.headers');
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(body)) {
      if (!HEADER_NAME.test(k)) {
        this.fail(`transport.headers.${k}`, 'is not a valid header name');
      }
      if (typeof x !== 'string' || /[\r\n\0]/.test(x)) {
        this.fail(`transport.headers.${k}`, 'must be a string (without line breaks)');
      }
      out[k] = x;
    }
    return out;
  }

  format(v: unknown): ListenerFormat {
    if (v === undefined || v === null) return 'mistral';
    return this.oneOf(v, 'format', LISTENER_FORMATS);
  }

  /** Any JSON value; the expressions of its strings must parse. */
  payload(v: unknown, name = 'payload'): unknown {
    if (typeof v === 'string') {
      const issues = checkSyntax(v);
      if (issues.length > 0) this.fail(name, `holds an invalid expression: ${issues[0]?.message}`);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => this.payload(x, `${name}[${i}]`));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) this.payload(x, `${name}.${k}`);
    }
    return v;
  }

  retry(v: unknown): number[] {
    if (v === undefined || v === null) return [...DEFAULT_RETRY];
    if (!Array.isArray(v)) this.fail('retry', 'must be a list of delays in seconds');
    if (v.length > MAX_RETRIES) this.fail('retry', `must have at most ${MAX_RETRIES} delays`);
    return v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > MAX_RETRY_DELAY_S) {
        this.fail(`retry[${i}]`, `must be a number of seconds from 0 to ${MAX_RETRY_DELAY_S}`);
      }
      return x;
    });
  }

  status(v: unknown): NewListener['status'] {
    if (v === undefined || v === null) return null;
    const body = this.object(v, 'status');
    this.known(body, ['enabled', 'timeout_s'], 'status');
    if (body.enabled === undefined) this.fail('status.enabled', 'is required (true or false)');
    return {
      enabled: this.bool(body.enabled, 'status.enabled'),
      timeoutS:
        body.timeout_s === undefined || body.timeout_s === null
          ? DEFAULT_STATUS_TIMEOUT_S
          : this.int(body.timeout_s, 'status.timeout_s', STATUS_TIMEOUT_S.min, STATUS_TIMEOUT_S.max),
    };
  }

  secret(v: unknown): string {
    if (typeof v !== 'string' || !isSigningSecret(v)) this.fail('secret', SECRET_RULE);
    return v;
  }

  /** The transport of a body: `transport`, or the top-level `url` shorthand (never both). */
  transportOf(b: Body): TransportSpec | undefined {
    const hasTransport = b.transport !== undefined && b.transport !== null;
    const hasUrl = b.url !== undefined && b.url !== null;
    if (hasTransport && hasUrl)
      this.fail('url', `cannot be given with 'transport' (it is a shorthand for it)`);
    if (hasTransport) return this.transport(b.transport);
    if (hasUrl) return this.shorthand(b.url);
    return undefined;
  }
}

function top(r: Reader, body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const field = r.prefix.replace(/\.$/, '') || 'body';
    throw new InvalidInputError(`'${field}': a listener must be a JSON object`, field);
  }
  const b = body as Body;
  r.known(b, FIELDS);
  return b;
}

/** A listener to create, from the wire. `origin` is `api` and `owner` null: the caller may set them after. */
export function parseListenerInput(body: unknown, opts: ListenerInputOptions = {}): NewListener {
  const r: Reader = new Reader(opts.fieldPrefix ?? '');
  const b = top(r, body);
  const name = r.name(b.name);
  const transport = r.transportOf(b);
  if (!transport) r.fail('transport', `is required (or 'url', for an http listener)`);
  const format = r.format(b.format);
  const payload = b.payload === undefined ? null : r.payload(b.payload);
  if (format === 'template' && (payload === null || payload === undefined)) {
    r.fail('payload', `is required when 'format' is template`);
  }
  const out: NewListener = {
    name,
    origin: 'api',
    owner: null,
    scope: r.scope(b.scope),
    events: r.events(b.events),
    filter: r.filter(b.filter),
    transport,
    format,
    payload,
    retry: r.retry(b.retry),
    status: r.status(b.status),
    enabled: b.enabled === undefined || b.enabled === null ? true : r.bool(b.enabled, 'enabled'),
  };
  if (b.secret !== undefined && b.secret !== null) out.secret = r.secret(b.secret);
  return out;
}

/**
 * The changes of `PUT /v2/listeners/{id}`: only the fields present (a nested field such as `transport` or
 * `scope` is replaced whole, with its defaults). `null` clears `filter`, `payload` and `status` and empties
 * `scope` and `events`; it resets `retry` and `format` to their defaults. The secret cannot be changed.
 * Whether `format: template` has a `payload` depends on the stored listener: the service checks the result.
 */
export function parseListenerPatch(body: unknown, opts: ListenerInputOptions = {}): ListenerPatch {
  const r: Reader = new Reader(opts.fieldPrefix ?? '');
  const b = top(r, body);
  if (b.secret !== undefined) r.fail('secret', 'cannot be changed (create a new listener to rotate it)');
  const has = (k: string) => Object.prototype.hasOwnProperty.call(b, k) && b[k] !== undefined;
  const patch: ListenerPatch = {};
  if (has('name')) patch.name = r.name(b.name);
  if (has('scope')) patch.scope = r.scope(b.scope);
  if (has('events')) patch.events = r.events(b.events);
  if (has('filter')) patch.filter = r.filter(b.filter);
  const transport = r.transportOf(b);
  if (transport) patch.transport = transport;
  else if (has('transport') || has('url')) r.fail(has('url') ? 'url' : 'transport', 'cannot be null');
  if (has('format')) patch.format = r.format(b.format);
  if (has('payload')) patch.payload = b.payload === null ? null : r.payload(b.payload);
  if (patch.format === 'template' && has('payload') && patch.payload === null) {
    r.fail('payload', `is required when 'format' is template`);
  }
  if (has('retry')) patch.retry = r.retry(b.retry);
  if (has('status')) patch.status = r.status(b.status);
  if (has('enabled')) {
    if (b.enabled === null) r.fail('enabled', 'must be true or false');
    patch.enabled = r.bool(b.enabled, 'enabled');
  }
  return patch;
}
