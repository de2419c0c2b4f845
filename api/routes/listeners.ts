/**
 * /v2/listeners: who receives which events, over which transport. Create (201, the only answer that shows the
 * signing `secret`), list (`{"listeners": [...], "next"}`, paged by `marker` and `limit`), get, change (PUT:
 * only the fields given), delete (204), and recover (`POST /{id}/recover?since=...`: put the deliveries given up
 * since then back in the queue). Credentials in the transport are write-only (`***` in every answer); the
 * signing secret is read and rotated at `/{id}/secret` (GET, POST), by id or by name.
 */
import { Router } from 'express';
import { InvalidInputError } from '../../common/index.js';
import { parseListenerInput, parseListenerPatch } from '../../delivery/index.js';
import type { ApiContext } from '../context.js';
import { listenerResource } from '../delivery/serializers.js';
import { onlyQuery, parseTime, queryLimit, queryOne } from '../delivery/query.js';
import { pathParam } from '../runtime/requests.js';

export const LISTENERS_MAX_LIMIT = 1000;

export function listenersRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    onlyQuery(req, []);
    const listener = await ctx.delivery.createListener(parseListenerInput(req.body));
    res.status(201).json(listenerResource(listener, { secret: true }));
  });

  r.get('/', async (req, res) => {
    onlyQuery(req, ['limit', 'marker']);
    const limit = queryLimit(req, LISTENERS_MAX_LIMIT, 100);
    const marker = queryOne(req, 'marker');
    // One more than asked: a `next` link only when there is a next page.
    const rows = await ctx.delivery.listListeners({ afterId: marker, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const out: Record<string, unknown> = { listeners: page.map((l) => listenerResource(l)) };
    const last = page[page.length - 1];
    if (rows.length > limit && last) {
      const params = new URLSearchParams({ marker: last.id, limit: String(limit) });
      out.next = `${req.protocol}://${req.get('host') ?? ''}${req.baseUrl}?${params.toString()}`;
    }
    res.json(out);
  });

  r.get('/:id', async (req, res) => {
    onlyQuery(req, []);
    res.json(listenerResource(await ctx.delivery.getListener(pathParam(req, 'id'))));
  });

  r.put('/:id', async (req, res) => {
    onlyQuery(req, []);
    const patch = parseListenerPatch(req.body);
    res.json(listenerResource(await ctx.delivery.updateListener(pathParam(req, 'id'), patch)));
  });

  r.delete('/:id', async (req, res) => {
    onlyQuery(req, []);
    await ctx.delivery.deleteListener(pathParam(req, 'id'));
    res.status(204).end();
  });

  // The one place a listener's signing secret is shown after its creation: a workbook's listeners get theirs
  // generated, and their receivers need it to verify signatures.
  r.get('/:id/secret', async (req, res) => {
    onlyQuery(req, []);
    const l = await ctx.delivery.listenerSecret(pathParam(req, 'id'));
    res.json({ id: l.id, name: l.name, secret: l.secret });
  });

  r.post('/:id/secret', async (req, res) => {
    onlyQuery(req, []);
    const l = await ctx.delivery.rotateListenerSecret(pathParam(req, 'id'));
    res.json({ id: l.id, name: l.name, secret: l.secret });
  });

  r.post('/:id/recover', async (req, res) => {
    onlyQuery(req, ['since']);
    const since = queryOne(req, 'since');
    if (since === undefined) {
      throw new InvalidInputError(
        `'since' is required: ISO 8601, 'YYYY-MM-DD HH:MM:SS' (UTC) or epoch milliseconds`,
        'since',
      );
    }
    const recovered = await ctx.delivery.recover(pathParam(req, 'id'), parseTime(since, 'since'));
    res.json({ recovered });
  });

  return r;
}
