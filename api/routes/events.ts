/**
 * /v2/events: the outbox (every EXECUTION and TASK event, in commit order) with what became of each event: its
 * deliveries, one per listener it went to. Paged by an opaque `cursor` over the event id, ascending; the cursor
 * is null on the last page. `POST /{id}/redeliver` tries the event's deliveries again now.
 *
 * `is_delivered` is true when the event has at least one delivery and every one of them succeeded (an event no
 * listener wanted is not "delivered"). The `is_delivered` filter is applied to each page after its deliveries
 * are loaded, so a page can hold fewer than `limit` events (even none) while its `cursor` still leads on.
 */
import { Router, type Request } from 'express';
import { InvalidInputError, NotFoundError } from '../../common/index.js';
import { EVENT_TYPES } from '../../model/index.js';
import type { Delivery } from '../../delivery/types.js';
import type { OutboxEvent } from '../../engine/index.js';
import type { EventFilter } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import { attemptResource, eventResource, isDelivered } from '../delivery/serializers.js';
import {
  encodeCursor,
  onlyQuery,
  positiveInt,
  queryBoolean,
  queryCursor,
  queryLimit,
  queryList,
  queryOne,
  queryTime,
} from '../delivery/query.js';
import { pathParam } from '../runtime/requests.js';

export const EVENTS_MAX_LIMIT = 100;

/** Deliveries per event of a page: no page holds more (listeners × events), so none is cut off. */
const DELIVERIES_PER_PAGE = 100_000;

/** `event_types`: exact types, or the categories EXECUTION and TASK (every type of the entity). */
function eventTypes(req: Request): string[] | undefined {
  const list = queryList(req, 'event_types');
  if (!list) return undefined;
  const out = new Set<string>();
  for (const t of list) {
    const v = t.toUpperCase();
    if (v === 'EXECUTION') EVENT_TYPES.filter((e) => e.startsWith('WORKFLOW_')).forEach((e) => out.add(e));
    else if (v === 'TASK') EVENT_TYPES.filter((e) => e.startsWith('TASK_')).forEach((e) => out.add(e));
    else if ((EVENT_TYPES as readonly string[]).includes(v)) out.add(v);
    else {
      throw new InvalidInputError(
        `'event_types' must list EXECUTION, TASK or event types (${EVENT_TYPES.join(', ')}), not '${t}'`,
        'event_types',
      );
    }
  }
  return [...out];
}

function entity(req: Request): EventFilter['entity'] {
  const v = queryOne(req, 'entity')?.toLowerCase();
  if (v === undefined) return undefined;
  if (v !== 'execution' && v !== 'task') {
    throw new InvalidInputError(`'entity' must be execution or task`, 'entity');
  }
  return v;
}

/** The deliveries of some events, by event id. */
export async function deliveriesOf(
  ctx: ApiContext,
  events: readonly OutboxEvent[],
): Promise<Map<number, Delivery[]>> {
  const byEvent = new Map<number, Delivery[]>(events.map((e) => [e.id, []]));
  if (events.length === 0) return byEvent;
  const rows = await ctx.engine.store.delivery.listDeliveries({
    eventIds: events.map((e) => e.id),
    limit: DELIVERIES_PER_PAGE,
  });
  for (const d of rows) byEvent.get(d.eventId)?.push(d);
  return byEvent;
}

async function findEvent(ctx: ApiContext, req: Request): Promise<OutboxEvent> {
  const text = pathParam(req, 'id');
  const ev = await ctx.engine.store.getEvent(positiveInt(text, 'id'));
  if (!ev) throw new NotFoundError('event', text);
  return ev;
}

export function eventsRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    onlyQuery(req, [
      'cursor',
      'limit',
      'execution_id',
      'root_execution_id',
      'event_types',
      'entity',
      'after',
      'before',
      'is_delivered',
    ]);
    const limit = queryLimit(req, EVENTS_MAX_LIMIT, EVENTS_MAX_LIMIT);
    const delivered = queryBoolean(req, 'is_delivered');
    const filter: EventFilter = {
      afterId: queryCursor(req),
      limit: limit + 1,
      executionId: queryOne(req, 'execution_id'),
      rootExecutionId: queryOne(req, 'root_execution_id'),
      eventTypes: eventTypes(req),
      entity: entity(req),
      createdAfter: queryTime(req, 'after'),
      createdBefore: queryTime(req, 'before'),
    };
    const rows = await ctx.engine.store.readEvents(filter);
    const page = rows.slice(0, limit);
    const deliveries = await deliveriesOf(ctx, page);
    const shown = page
      .map((e) => ({ e, ds: deliveries.get(e.id) ?? [] }))
      .filter(({ ds }) => delivered === undefined || isDelivered(ds) === delivered);
    const last = page[page.length - 1];
    res.json({
      events: shown.map(({ e, ds }) => eventResource(e, ds)),
      cursor: rows.length > limit && last ? encodeCursor(last.id) : null,
    });
  });

  r.get('/:id', async (req, res) => {
    onlyQuery(req, []);
    const ev = await findEvent(ctx, req);
    const deliveries = await deliveriesOf(ctx, [ev]);
    res.json(eventResource(ev, deliveries.get(ev.id) ?? []));
  });

  r.post('/:id/redeliver', async (req, res) => {
    onlyQuery(req, ['listener_id']);
    const ev = await findEvent(ctx, req);
    const body: unknown = req.body;
    let listenerId = queryOne(req, 'listener_id');
    if (body !== undefined && body !== null && !(typeof body === 'string' && body.trim() === '')) {
      if (typeof body !== 'object' || Array.isArray(body)) {
        throw new InvalidInputError('request body must be a JSON object (or nothing)', 'body');
      }
      for (const k of Object.keys(body)) {
        if (k !== 'listener_id') throw new InvalidInputError(`unknown field '${k}'`, k);
      }
      const fromBody = (body as Record<string, unknown>).listener_id;
      if (fromBody !== undefined && fromBody !== null) {
        if (typeof fromBody !== 'string' || fromBody === '') {
          throw new InvalidInputError(`'listener_id' must be a listener id`, 'listener_id');
        }
        if (listenerId !== undefined && listenerId !== fromBody) {
          throw new InvalidInputError(`'listener_id' differs between the query and the body`, 'listener_id');
        }
        listenerId = fromBody;
      }
    }
    const attempts = await ctx.delivery.redeliver(ev.id, listenerId);
    res.json({ attempts: attempts.map(attemptResource) });
  });

  return r;
}
