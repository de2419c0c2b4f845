/**
 * /v2/event_attempts: the log of every delivery attempt, oldest first (Stark's `Event.Attempt`). Paged by an
 * opaque `cursor`: each page answers the cursor of the next one, null on the last page. A consumer that polls
 * keeps the last non-null cursor it got.
 */
import { Router } from 'express';
import { NotFoundError } from '../../common/index.js';
import type { AttemptFilter } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import { attemptResource } from '../delivery/serializers.js';
import {
  encodeCursor,
  onlyQuery,
  positiveInt,
  queryCursor,
  queryLimit,
  queryList,
  queryTime,
} from '../delivery/query.js';
import { pathParam } from '../runtime/requests.js';

export const ATTEMPTS_MAX_LIMIT = 100;

export function eventAttemptsRoutes(ctx: ApiContext): Router {
  const r = Router();
  const store = () => ctx.engine.store.delivery;

  r.get('/', async (req, res) => {
    onlyQuery(req, ['cursor', 'limit', 'after', 'before', 'event_ids', 'listener_ids']);
    const limit = queryLimit(req, ATTEMPTS_MAX_LIMIT, ATTEMPTS_MAX_LIMIT);
    const filter: AttemptFilter = {
      afterSeq: queryCursor(req),
      limit: limit + 1,
      after: queryTime(req, 'after'),
      before: queryTime(req, 'before'),
      eventIds: queryList(req, 'event_ids')?.map((v) => positiveInt(v, 'event_ids')),
      listenerIds: queryList(req, 'listener_ids'),
    };
    const rows = await store().listAttempts(filter);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    res.json({
      attempts: page.map(attemptResource),
      cursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
    });
  });

  r.get('/:id', async (req, res) => {
    onlyQuery(req, []);
    const id = pathParam(req, 'id');
    const attempt = await store().getAttempt(id);
    if (!attempt) throw new NotFoundError('event attempt', id);
    res.json(attemptResource(attempt));
  });

  return r;
}
