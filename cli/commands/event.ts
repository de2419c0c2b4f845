/**
 * `tram event list|get|redeliver|attempts`: the outbox of EXECUTION and TASK events and what became of them
 * (`/v2/events`, `/v2/event_attempts`, a Tramontane extension). Each event has one delivery per listener that
 * wanted it; each delivery is tried, and every try is an attempt. `redeliver` tries an event's deliveries again
 * now; `attempts` reads the log of tries, oldest first.
 *
 * Lists are cursor-paged on the server (at most 100 a page): `--limit` follows the cursor up to that many, and
 * `event attempts --all` to the end.
 */
import type { Command } from 'commander';
import type { Column, EventAttempt, EventDelivery, EventResource } from '../client/index.js';
import { commaList, parseSelectors, wholeNumber } from './listener.js';
import { connect, finishGroup, group, leaf, type RemoteOptions } from './remote.js';

/** What an event is about: the task's name, or the workflow's. */
function subject(e: EventResource): unknown {
  return e.entity === 'task'
    ? (e.payload['name'] ?? e.entity_id)
    : (e.payload['workflow_name'] ?? e.entity_id);
}

/** `yes`, `no (1/2)`, or `-` when no listener wanted the event. */
function deliveredText(e: EventResource): string {
  if (e.deliveries.length === 0) return '-';
  const ok = e.deliveries.filter((d) => d.is_delivered).length;
  return e.is_delivered ? `yes (${ok}/${e.deliveries.length})` : `no (${ok}/${e.deliveries.length})`;
}

const EVENT_COLUMNS: Column<EventResource>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'EXECUTION ID', value: (e) => e.execution_id },
  { header: 'SEQ', value: (e) => e.sequence },
  { header: 'EVENT', value: (e) => e.event_type },
  { header: 'OF', value: subject, max: 40 },
  { header: 'STATE', value: (e) => e.state },
  { header: 'CREATED', value: (e) => e.created },
  { header: 'DELIVERED', value: deliveredText },
];

const DELIVERY_COLUMNS: Column<EventDelivery>[] = [
  { header: 'DELIVERY ID', value: (d) => d.id },
  { header: 'LISTENER ID', value: (d) => d.listener_id },
  { header: 'STATE', value: (d) => d.state },
  { header: 'ATTEMPTS', value: (d) => d.attempts },
  { header: 'STATUS ID', value: (d) => d.status_id },
];

const ATTEMPT_COLUMNS: Column<EventAttempt>[] = [
  { header: 'ID', value: (a) => a.id },
  { header: 'CREATED', value: (a) => a.created },
  { header: 'EVENT', value: (a) => a.event_id },
  { header: 'LISTENER ID', value: (a) => a.listener_id },
  { header: 'TRY', value: (a) => a.attempt_number },
  { header: 'TRIGGER', value: (a) => a.trigger },
  { header: 'CODE', value: (a) => a.code },
  { header: 'HTTP', value: (a) => a.http_status },
  { header: 'MS', value: (a) => a.duration_ms },
  { header: 'MESSAGE', value: (a) => a.message, max: 50 },
];

interface ListOptions extends RemoteOptions {
  execution?: string;
  type?: string;
  undelivered?: boolean;
  limit?: string;
}

interface RedeliverOptions extends RemoteOptions {
  listener?: string;
}

interface AttemptsOptions extends RemoteOptions {
  event?: string;
  listener?: string;
  limit?: string;
  all?: boolean;
}

/** An event id: the outbox position, a whole number. */
function eventId(value: string, what = 'event id'): number {
  return wholeNumber(value, what);
}

export function registerEvent(program: Command): void {
  const event = group(program, 'event', 'inspect events and their delivery to listeners; redeliver them', [
    'tram event list --execution $ID',
    'tram event list --undelivered',
    'tram event attempts --event 42',
  ]);

  leaf(event, 'list', 'list events, oldest first, with whether they were delivered', [
    'tram event list --execution $ID',
    'tram event list --type TASK_FAILED,WORKFLOW_FAILED --undelivered --limit 500',
  ])
    .option('-e, --execution <id>', 'only the events of this execution')
    .option('-t, --type <types>', 'only these: EXECUTION, TASK or event types, comma-separated')
    .option('--undelivered', 'only events some listener wanted that did not (yet) reach every one of them')
    .option('-l, --limit <n>', 'at most this many (default 100)')
    .action(async (opts: ListOptions) => {
      const eventTypes = opts.type === undefined ? undefined : parseSelectors(opts.type, '--type');
      const limit = opts.limit === undefined ? undefined : wholeNumber(opts.limit, '--limit');
      const { api, out } = connect(opts);
      const rows = await api.listEvents({
        executionId: opts.execution,
        eventTypes,
        isDelivered: opts.undelivered ? false : undefined,
        withDeliveries: opts.undelivered,
        limit,
      });
      out.list(rows, EVENT_COLUMNS, 'events');
    });

  leaf(event, 'get', 'show an event, its payload and its deliveries', ['tram event get 42'])
    .argument('<id>', 'event id')
    .action(async (id: string, opts: RemoteOptions) => {
      eventId(id);
      const { api, out } = connect(opts);
      const e = await api.getEvent(id);
      if (out.json) return out.detail(e);
      const { deliveries, ...rest } = e;
      out.detail({ ...rest, delivered: deliveredText(e) });
      out.line('');
      out.list(deliveries, DELIVERY_COLUMNS, 'deliveries (no listener wanted this event)');
    });

  leaf(event, 'redeliver', "try an event's deliveries again now (or only one listener's)", [
    'tram event redeliver 42',
    'tram event redeliver 42 --listener $LISTENER_ID',
  ])
    .argument('<id>', 'event id')
    .option('--listener <id>', "only this listener's delivery")
    .action(async (id: string, opts: RedeliverOptions) => {
      eventId(id);
      const { api, out } = connect(opts);
      const attempts = await api.redeliverEvent(id, opts.listener);
      out.list(attempts, ATTEMPT_COLUMNS, `deliveries of event ${id} to retry`);
    });

  leaf(event, 'attempts', 'list delivery attempts, oldest first', [
    'tram event attempts --event 42',
    'tram event attempts --listener $LISTENER_ID --all --json',
  ])
    .option('--event <ids>', 'only attempts of these events (ids, comma-separated)')
    .option('--listener <ids>', 'only attempts of these listeners (ids, comma-separated)')
    .option('-l, --limit <n>', 'at most this many (default 100)')
    .option('--all', 'every attempt: follow the pages to the end')
    .action(async (opts: AttemptsOptions) => {
      const eventIds =
        opts.event === undefined ? undefined : commaList(opts.event).map((v) => eventId(v, '--event'));
      const listenerIds = opts.listener === undefined ? undefined : commaList(opts.listener);
      if (opts.all && opts.limit !== undefined) throw new Error('give --limit or --all, not both');
      const limit = opts.all
        ? Number.POSITIVE_INFINITY
        : opts.limit === undefined
          ? undefined
          : wholeNumber(opts.limit, '--limit');
      const { api, out } = connect(opts);
      out.list(await api.listEventAttempts({ eventIds, listenerIds, limit }), ATTEMPT_COLUMNS, 'attempts');
    });

  finishGroup(event);
}
