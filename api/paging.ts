/**
 * Mistral's list conventions: `marker`, `limit`, `sort_keys`, `sort_dirs` and `fields` query parameters, an
 * envelope named after the resource (`{"executions": [...]}`) and a `next` link when a page is full.
 */
import type { Request } from 'express';
import { InvalidInputError } from '../common/index.js';
import type { ListOptions } from '../store/index.js';

export interface Page extends ListOptions {
  fields: string[] | null;
}

function one(q: unknown): string | undefined {
  if (Array.isArray(q)) return one(q[0]);
  return typeof q === 'string' && q !== '' ? q : undefined;
}

export function readPage(req: Request, defaultLimit = 100): Page {
  const q = req.query;
  const limitText = one(q.limit);
  let limit = defaultLimit;
  if (limitText !== undefined) {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < -1)
      throw new InvalidInputError(`'limit' must be an integer`, 'limit');
    if (limit === -1) limit = 0;
  }
  const sortKey = one(q.sort_keys)?.split(',')[0];
  const sortDirText = one(q.sort_dirs)?.split(',')[0];
  if (sortDirText && sortDirText !== 'asc' && sortDirText !== 'desc') {
    throw new InvalidInputError(`'sort_dirs' must be asc or desc`, 'sort_dirs');
  }
  const fields =
    one(q.fields)
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean) ?? null;
  return {
    limit,
    marker: one(q.marker),
    sortKey,
    sortDir: sortDirText as 'asc' | 'desc' | undefined,
    fields,
  };
}

/** The list envelope, with only the requested `fields` (plus `id`) and a `next` link for a full page. */
export function envelope(
  req: Request,
  name: string,
  items: Record<string, unknown>[],
  page: Page,
): Record<string, unknown> {
  const shown = page.fields
    ? items.map((it) =>
        Object.fromEntries(['id', ...(page.fields ?? [])].filter((f) => f in it).map((f) => [f, it[f]])),
      )
    : items;
  const out: Record<string, unknown> = { [name]: shown };
  const last = items[items.length - 1];
  if (page.limit && items.length === page.limit && last) {
    const params = new URLSearchParams();
    params.set('marker', String(last.id));
    params.set('limit', String(page.limit));
    if (page.sortKey) params.set('sort_keys', page.sortKey);
    if (page.sortDir) params.set('sort_dirs', page.sortDir);
    if (page.fields) params.set('fields', page.fields.join(','));
    out.next = `${req.protocol}://${req.get('host') ?? ''}${req.baseUrl}${req.path}?${params.toString()}`;
  }
  return out;
}
