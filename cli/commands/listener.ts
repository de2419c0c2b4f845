/**
 * `tram listener add|list|get|update|delete|enable|disable|recover` and `tram listener-add {task|execution} ID
 * URL`: listeners (`/v2/listeners`, a Tramontane extension), which deliver the EXECUTION and TASK events of
 * executions durably over HTTP webhooks (`--webhook URL`) or AMQP (`--amqp [AMQP_URL]`), with retries.
 *
 * `--url` stays what it is for every resource command, the Tramontane server; the webhook is `--webhook`. A
 * listener's signing secret is shown when it is created, and by `tram listener secret NAME [--rotate]`. Flag
 * values are checked here before anything is sent, so that a mistake is one line naming the flag.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type {
  Column,
  HttpListenerTransport,
  Listener,
  ListenerBody,
  ListenerScope,
  ListenerTransport,
  Output,
} from '../client/index.js';
import {
  connect,
  finishGroup,
  group,
  leaf,
  parseJsonValue,
  withExamples,
  withRemoteOptions,
} from './remote.js';
import type { RemoteOptions } from './remote.js';
// The rules the server applies too, from their one definition (no expression languages loaded).
import {
  EVENT_SELECTORS as SELECTORS,
  HEADER_NAME,
  HTTP_METHODS as METHODS,
  LISTENER_FORMATS as FORMATS,
  MAX_RETRY_DELAY_S,
  SECRET_RULE,
  STATUS_TIMEOUT_S,
  URL_SCHEMES,
  isSigningSecret,
  isTransportUrl,
} from '../../model/index.js';

/** Every event type the engine emits, and the two categories (every event of an execution, of a task). */
export const EVENT_SELECTORS: readonly string[] = SELECTORS;

const SECRET_NOTE =
  'Keep the secret now: it verifies the signatures of deliveries, and it will not be shown again.';

// ---- flag values, checked before anything is sent

/** Items of a comma-separated flag value, trimmed, empty ones dropped. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `--events EXECUTION,TASK_FAILED`: categories and event types, in any case. */
export function parseSelectors(value: string, flag = '--events'): string[] {
  const out: string[] = [];
  for (const item of commaList(value)) {
    const v = item.toUpperCase();
    if (!EVENT_SELECTORS.includes(v)) {
      throw new Error(`${flag} takes EXECUTION, TASK or event types such as TASK_FAILED, not '${item}'`);
    }
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

function parseRetry(value: string): number[] {
  return commaList(value).map((item) => {
    const n = Number(item);
    if (!Number.isFinite(n) || n < 0 || n > MAX_RETRY_DELAY_S || item === '') {
      throw new Error(
        `--retry takes delays of 0 to ${MAX_RETRY_DELAY_S} seconds separated by commas (e.g. 5,60,300), not '${item}'`,
      );
    }
    return n;
  });
}

/** A whole number ≥ `min` given to `flag`. */
export function wholeNumber(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`${flag} must be a whole number${min > 0 ? ` ≥ ${min}` : ''}, not '${value}'`);
  }
  return n;
}

function parseHeaders(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of values) {
    const m = /^\s*([^:\s]+)\s*:\s?(.*)$/.exec(h);
    if (!m || !HEADER_NAME.test(m[1]!)) throw new Error(`--header takes 'Name: value', not '${h}'`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function parseMethod(value: string): HttpListenerTransport['method'] {
  const v = value.toUpperCase();
  const method = METHODS.find((m) => m === v);
  if (!method) throw new Error(`--method must be one of ${METHODS.join(', ')}, not '${value}'`);
  return method;
}

function parseFormat(value: string): string {
  const v = value.toLowerCase();
  if (!(FORMATS as readonly string[]).includes(v)) {
    throw new Error(`--format must be one of ${FORMATS.join(', ')}, not '${value}'`);
  }
  return v;
}

function checkUrl(value: string, flag: string, type: 'http' | 'amqp'): string {
  if (!isTransportUrl(value, type)) {
    const want = URL_SCHEMES[type].map((s) => `${s}//`).join(' or ');
    throw new Error(`${flag} must be an ${want} URL, not '${value}'`);
  }
  return value;
}

function statusTimeout(value: string): number {
  const { min, max } = STATUS_TIMEOUT_S;
  const n = wholeNumber(value, '--status-timeout', min);
  if (n > max)
    throw new Error(`--status-timeout must be a whole number from ${min} to ${max}, not '${value}'`);
  return n;
}

/** `--since`: a time the server reads (ISO 8601, 'YYYY-MM-DD HH:MM:SS' UTC, epoch ms), or an age: 30m, 2h, 7d. */
export function parseSince(value: string, now = Date.now()): string {
  const age = /^\s*(\d+)\s*([smhd])\s*$/.exec(value);
  if (age) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(age[1]) * unit).toISOString();
  }
  const t = /^\d+$/.test(value.trim())
    ? Number(value)
    : Date.parse(/^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?$/.test(value.trim()) ? `${value.trim()}Z` : value);
  if (!Number.isFinite(t)) {
    throw new Error(
      `--since must be a time (2026-05-01T10:00:00Z, '2026-05-01 10:00') or an age (2h), not '${value}'`,
    );
  }
  return value.trim();
}

// ---- what a listener looks like to people

function scopeText(s: ListenerScope): string {
  const parts: string[] = [];
  if (s.workbook !== undefined) parts.push(`workbook=${s.workbook}`);
  if (s.workflow !== undefined) parts.push(`workflow=${s.workflow}`);
  if (s.execution_id !== undefined) parts.push(`execution=${s.execution_id}`);
  if (s.task_name !== undefined) parts.push(`task=${s.task_name}`);
  return parts.join(' ');
}

function transportText(t: ListenerTransport): string {
  if (t.type === 'http') return `${t.method ?? 'POST'} ${t.url}`;
  const key = t.routing_key ?? '<entity>.<event>';
  return `amqp ${t.exchange ?? 'tram.events'} ${key}${t.url ? ` at ${t.url}` : ''}`;
}

const COLUMNS: Column<Listener>[] = [
  { header: 'ID', value: (l) => l.id },
  { header: 'NAME', value: (l) => l.name, max: 40 },
  { header: 'ORIGIN', value: (l) => l.origin },
  { header: 'SCOPE', value: (l) => scopeText(l.scope) || 'all', max: 50 },
  { header: 'EVENTS', value: (l) => (l.events.length ? l.events : 'all'), max: 40 },
  { header: 'TRANSPORT', value: (l) => transportText(l.transport), max: 50 },
  { header: 'ENABLED', value: (l) => (l.enabled ? 'yes' : 'no') },
  { header: 'BACKLOG', value: (l) => l.health.backlog },
];

/** `field  value` lines of a listener, in the words of a person (the JSON form is the resource as it is). */
function listenerView(l: Listener): Record<string, unknown> {
  const t = l.transport;
  const view: Record<string, unknown> = {
    id: l.id,
    name: l.name,
    origin: l.owner ? `${l.origin} (${l.owner})` : l.origin,
    enabled: l.enabled ? 'yes' : `no${l.disabled_reason ? ` (${l.disabled_reason})` : ''}`,
    scope: scopeText(l.scope) || 'all events of every execution',
    events: l.events.length ? l.events.join(', ') : 'all',
    filter: l.filter,
    transport: transportText(t),
  };
  if (t.type === 'http' && t.headers && Object.keys(t.headers).length) view.headers = t.headers;
  view.format = l.format;
  if (l.format === 'template') view.payload = l.payload;
  view.retry = l.retry.length ? l.retry.map((s) => `${s}s`).join(', ') : 'none';
  view.statuses = l.status?.enabled ? `on (within ${l.status.timeout_s ?? 3600} s)` : 'off';
  view.backlog = l.health.backlog;
  view.failures_in_row = l.health.failures_in_row;
  view.last_success_at = l.health.last_success_at ?? 'never';
  view.last_failure_at = l.health.last_failure_at ?? 'never';
  view.created_at = l.created_at;
  view.updated_at = l.updated_at;
  return view;
}

function showListener(out: Output, l: Listener): void {
  out.detail(out.json ? l : listenerView(l));
}

/** A listener just created: with its secret, and the warning that it is shown only now. */
function showCreated(out: Output, l: Listener): void {
  if (out.json) return out.detail(l);
  out.detail({ ...listenerView(l), secret: l.secret ?? '(not returned by the server)' });
  if (l.secret) out.line(`\n${SECRET_NOTE}`);
}

// ---- flags → request body

interface ListenerFlags extends RemoteOptions {
  name?: string;
  workbook?: string;
  workflow?: string;
  execution?: string;
  task?: string;
  events?: string;
  filter?: string;
  webhook?: string;
  method?: string;
  header: string[];
  amqp?: string | boolean;
  exchange?: string;
  routingKey?: string;
  format?: string;
  payload?: string;
  retry?: string;
  statusTimeout?: string;
  /** `update --no-status`: false. */
  status?: boolean;
  secret?: string;
}

interface RecoverOptions extends RemoteOptions {
  since?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The options `add` and `update` share. */
function withListenerFlags(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'listener name (add: default <workbook, workflow or execution>-<random>)')
    .option('--workbook <name>', 'only executions of workflows of this workbook')
    .option('--workflow <name>', 'only executions of this workflow (qualified name)')
    .option('--execution <id>', 'only this execution and its sub-workflows')
    .option('--task <name>', 'only task events of tasks of this name')
    .option('--events <list>', 'EXECUTION, TASK or event types, comma-separated (default: all)')
    .option('--filter <yaql>', 'a YAQL expression over the event, e.g. "$.state = \'ERROR\'"')
    .option('--webhook <url>', 'deliver over HTTP to this URL (signed webhooks)')
    .option('--method <method>', 'HTTP method: POST (default), PUT or PATCH')
    .option('--header <header>', "HTTP header 'Name: value' (repeatable)", collect, [])
    .option('--amqp [amqp_url]', "deliver to AMQP (the broker: default the server's TRAM_AMQP_URL)")
    .option('--exchange <name>', 'AMQP topic exchange (default tram.events)')
    .option('--routing-key <key>', 'fixed AMQP routing key (default <entity>.<event type>)')
    .option('--format <format>', 'mistral (default), cloudevents or template (with --payload)')
    .option('--payload <json>', 'the body template of --format template (JSON; strings may hold expressions)')
    .option('--retry <seconds>', 'delays before the 2nd, 3rd... attempt, e.g. 5,60,300')
    .option(
      '--status-timeout <seconds>',
      'give each delivery a status the receiver completes within this time',
    )
    .option('--secret <whsec>', 'signing secret whsec_<base64> (default: a random one)');
}

function randomName(flags: ListenerFlags): string {
  const base = flags.workbook ?? flags.workflow ?? flags.execution?.slice(0, 8) ?? 'all';
  return `${base}-${randomBytes(3).toString('hex')}`;
}

/** The scope flags given, over `base` (an empty value removes a field). */
function scopeFrom(flags: ListenerFlags, base: ListenerScope = {}): ListenerScope | undefined {
  const given: [keyof ListenerScope, string | undefined][] = [
    ['workbook', flags.workbook],
    ['workflow', flags.workflow],
    ['execution_id', flags.execution],
    ['task_name', flags.task],
  ];
  if (given.every(([, v]) => v === undefined)) return undefined;
  const scope: ListenerScope = { ...base };
  for (const [key, v] of given) {
    if (v === undefined) continue;
    if (v.trim() === '') delete scope[key];
    else scope[key] = v;
  }
  return scope;
}

/**
 * The transport the flags describe, over the current one (`update`): `--webhook` or `--amqp` choose the type,
 * `--method`/`--header` and `--exchange`/`--routing-key` go with theirs. Undefined when no transport flag is given.
 */
function transportFrom(flags: ListenerFlags, current?: ListenerTransport): ListenerTransport | undefined {
  const httpFlags = flags.method !== undefined || flags.header.length > 0;
  const amqpFlags = flags.exchange !== undefined || flags.routingKey !== undefined;
  if (flags.webhook !== undefined && flags.amqp !== undefined) {
    throw new Error('give --webhook or --amqp, not both');
  }
  let type: 'http' | 'amqp' | undefined;
  if (flags.webhook !== undefined) type = 'http';
  else if (flags.amqp !== undefined) type = 'amqp';
  else if (httpFlags || amqpFlags) type = current?.type;
  if (type === undefined) {
    if (httpFlags) throw new Error('--method and --header go with --webhook URL');
    if (amqpFlags) throw new Error('--exchange and --routing-key go with --amqp');
    return undefined;
  }
  if (type === 'http') {
    if (amqpFlags) throw new Error('--exchange and --routing-key go with --amqp, not with an HTTP webhook');
    const base: Partial<HttpListenerTransport> = current?.type === 'http' ? current : {};
    const url = flags.webhook ?? base.url;
    if (url === undefined) throw new Error('--webhook URL is required for an HTTP listener');
    const t: HttpListenerTransport = {
      ...base,
      type: 'http',
      url: checkUrl(url, '--webhook', 'http'),
    };
    if (flags.method !== undefined) t.method = parseMethod(flags.method);
    if (flags.header.length > 0) t.headers = parseHeaders(flags.header);
    return t;
  }
  if (httpFlags) throw new Error('--method and --header go with --webhook, not with AMQP');
  const base = current?.type === 'amqp' ? current : { type: 'amqp' as const };
  const t: ListenerTransport = { ...base, type: 'amqp' };
  if (typeof flags.amqp === 'string') t.url = checkUrl(flags.amqp, '--amqp', 'amqp');
  if (flags.exchange !== undefined) t.exchange = flags.exchange;
  if (flags.routingKey !== undefined) t.routing_key = flags.routingKey;
  return t;
}

/** The fields the flags set, other than the name, scope and transport. */
function settingsFrom(flags: ListenerFlags, body: ListenerBody): void {
  if (flags.events !== undefined) body.events = parseSelectors(flags.events);
  if (flags.filter !== undefined) body.filter = flags.filter.trim() === '' ? null : flags.filter;
  if (flags.format !== undefined) body.format = parseFormat(flags.format);
  if (flags.payload !== undefined) body.payload = parseJsonValue(flags.payload, '--payload');
  if (flags.retry !== undefined) body.retry = parseRetry(flags.retry);
  if (flags.statusTimeout !== undefined) {
    body.status = { enabled: true, timeout_s: statusTimeout(flags.statusTimeout) };
  }
  if (flags.status === false) {
    if (flags.statusTimeout !== undefined) throw new Error('give --status-timeout or --no-status, not both');
    body.status = null;
  }
  if (flags.secret !== undefined) {
    if (!isSigningSecret(flags.secret)) {
      throw new Error(`--secret ${SECRET_RULE}`);
    }
    body.secret = flags.secret;
  }
}

/** The body of `POST /v2/listeners` from `add`'s flags. */
export function newListenerBody(flags: ListenerFlags): ListenerBody {
  const transport = transportFrom(flags);
  if (!transport) {
    throw new Error(
      'listener add needs --webhook URL (an HTTP webhook) or --amqp [AMQP_URL] (--url is the Tramontane server)',
    );
  }
  const body: ListenerBody = { name: flags.name ?? randomName(flags) };
  const scope = scopeFrom(flags);
  if (scope) body.scope = scope;
  body.transport = transport;
  settingsFrom(flags, body);
  return body;
}

/** The body of `PUT /v2/listeners/{id}`: only what the flags change, scope and transport merged over `current`. */
function patchBody(flags: ListenerFlags, current: Listener): ListenerBody {
  const body: ListenerBody = {};
  if (flags.name !== undefined) body.name = flags.name;
  const scope = scopeFrom(flags, current.scope);
  if (scope) body.scope = scope;
  const transport = transportFrom(flags, current.transport);
  if (transport) body.transport = transport;
  settingsFrom(flags, body);
  return body;
}

export function registerListener(program: Command): void {
  const listener = group(
    program,
    'listener',
    'deliver execution and task events to HTTP webhooks or AMQP (Tramontane extension)',
    [
      'tram listener add --workbook order_pipeline --events EXECUTION,TASK_FAILED --webhook https://hooks.example.com/tram',
      'tram listener list',
      'tram event list --undelivered',
    ],
  );

  withListenerFlags(
    leaf(listener, 'add', 'create a listener; prints its signing secret, once', [
      'tram listener add --workbook order_pipeline --events EXECUTION,TASK_FAILED --webhook https://hooks.example.com/tram',
      'tram listener add --name failures --events TASK_FAILED --filter "$.payload.state_info != null" --webhook http://127.0.0.1:8080/hook --header \'X-Team: ops\' --retry 5,60,300',
      'tram listener add --execution $ID --amqp amqp://broker.example.com --routing-key builds.$ID',
      'tram listener add --workflow release_gate.promote --webhook https://ci.example.com/tram --status-timeout 600',
    ]),
  ).action(async (flags: ListenerFlags) => {
    const body = newListenerBody(flags);
    const { api, out } = connect(flags);
    showCreated(out, await api.createListener(body));
  });

  leaf(listener, 'list', 'list listeners', ['tram listener list', 'tram listener list --json']).action(
    async (opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.list(await api.listListeners(), COLUMNS, 'listeners');
    },
  );

  leaf(listener, 'get', 'show a listener and its health (never its secret)', [
    'tram listener get $LISTENER_ID',
  ])
    .argument('<id>', 'listener id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      showListener(out, await api.getListener(id));
    });

  withListenerFlags(
    leaf(listener, 'update', 'change a listener: only the flags given (--header replaces every header)', [
      'tram listener update $LISTENER_ID --events EXECUTION,TASK',
      'tram listener update $LISTENER_ID --webhook https://hooks.example.com/v2 --retry 10,600',
      "tram listener update $LISTENER_ID --filter ''   # no filter",
      'tram listener update $LISTENER_ID --no-status',
    ]),
  )
    .argument('<id>', 'listener id')
    .option('--no-status', 'no statuses for its deliveries any more')
    .action(async (id: string, flags: ListenerFlags) => {
      const { api, out } = connect(flags);
      const current = await api.getListener(id);
      const patch = patchBody(flags, current);
      if (Object.keys(patch).length === 0) throw new Error('listener update: no change given (see --help)');
      showListener(out, await api.updateListener(id, patch));
    });

  leaf(listener, 'delete', 'delete a listener (its pending deliveries are dropped)', [
    'tram listener delete $LISTENER_ID',
  ])
    .argument('<id>', 'listener id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      await api.deleteListener(id);
      out.done(`deleted listener ${id}`, { deleted: id });
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    leaf(
      listener,
      name,
      enabled
        ? 'enable a listener (one that was disabled, by a user or by failing)'
        : 'stop delivering to a listener',
      [`tram listener ${name} $LISTENER_ID`],
    )
      .argument('<id>', 'listener id')
      .action(async (id: string, opts: RemoteOptions) => {
        const { api, out } = connect(opts);
        showListener(out, await api.updateListener(id, { enabled }));
      });
  }

  leaf(listener, 'secret', "show a listener's signing secret (by id or name), or rotate it", [
    'tram listener secret order_pipeline.ops',
    'tram listener secret order_pipeline.ops --rotate',
  ])
    .argument('<name>', 'listener name (a workbook listener: <workbook>.<name>) or id')
    .option('--rotate', 'give the listener a new secret (deliveries are signed with it from now on)')
    .action(async (name: string, opts: RemoteOptions & { rotate?: boolean }) => {
      const { api, out } = connect(opts);
      const s = await api.listenerSecret(name, opts.rotate === true);
      out.done(s.secret, s);
    });

  leaf(listener, 'recover', 'queue again the deliveries of a listener given up since a time', [
    'tram listener recover $LISTENER_ID --since 2h',
    "tram listener recover $LISTENER_ID --since '2026-05-01 10:00'",
  ])
    .argument('<id>', 'listener id')
    .option('--since <time>', "ISO 8601, 'YYYY-MM-DD HH:MM[:SS]' (UTC), epoch ms, or an age: 30m, 2h, 7d")
    .action(async (id: string, opts: RecoverOptions) => {
      if (opts.since === undefined) throw new Error('listener recover needs --since TIME (e.g. --since 2h)');
      const since = parseSince(opts.since);
      const { api, out } = connect(opts);
      const recovered = await api.recoverListener(id, since);
      out.done(`recovered ${recovered} deliver${recovered === 1 ? 'y' : 'ies'} of listener ${id}`, {
        recovered,
      });
    });

  finishGroup(listener);
  registerListenerAdd(program);
}

interface ListenerAddOptions extends RemoteOptions {
  name?: string;
}

/** `tram listener-add {task|execution} ID URL`: the original Mistral listener design's command. */
function registerListenerAdd(program: Command): void {
  const cmd = withExamples(
    program
      .command('listener-add')
      .description("deliver one execution's (or task's) events to an HTTP URL, Mistral's listener-add form")
      .argument('<kind>', "'execution' (its execution and task events) or 'task' (that task's events)")
      .argument('<id>', 'execution id or task execution id')
      .argument('<url>', 'the webhook: an http:// or https:// URL')
      .option('--name <name>', 'listener name (default <execution id>-<random> or <task name>-<random>)'),
    [
      'tram listener-add execution $ID https://hooks.example.com/tram',
      'tram listener-add task $TASK_ID http://127.0.0.1:8080/hook',
    ],
  );
  withRemoteOptions(cmd).action(async (kind: string, id: string, url: string, opts: ListenerAddOptions) => {
    const which = kind.toLowerCase();
    if (which !== 'execution' && which !== 'task') {
      throw new Error(`listener-add takes 'execution' or 'task', not '${kind}'`);
    }
    const transport: ListenerTransport = { type: 'http', url: checkUrl(url, 'URL', 'http') };
    const { api, out } = connect(opts);
    const suffix = randomBytes(3).toString('hex');
    let body: ListenerBody;
    if (which === 'execution') {
      body = {
        name: opts.name ?? `${id.slice(0, 8)}-${suffix}`,
        scope: { execution_id: id },
        events: ['EXECUTION', 'TASK'],
        transport,
      };
    } else {
      const task = await api.getTask(id);
      body = {
        name: opts.name ?? `${task.name}-${suffix}`,
        scope: { execution_id: task.workflow_execution_id, task_name: task.name },
        events: ['TASK'],
        transport,
      };
    }
    showCreated(out, await api.createListener(body));
  });
}
