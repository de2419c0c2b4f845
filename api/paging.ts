/**
 * Mistral's list conventions: the `marker`, `limit`, `sort_keys`, `sort_dirs` and `fields` query parameters,
 * filters given as query parameters, an envelope named after the resource (`{"executions": [...]}`) and a `next`
 * link when a page is full (Mistral's `rest_utils.get_all` and `ResourceList.get_next`).
 *
 * Every list route declares what it accepts (`ListQuery`); anything else is refused with a 400 that names the
 * parameter, as Mistral's WSME does (`Unknown argument: "is_system<False"`). Names are looked up in `Set`s,
 * never in plain objects, so `constructor` or `__proto__` match nothing, and no value reaches SQL text: sort
 * keys are mapped to columns by the store, the rest is bound as parameters.
 */
import type { Request } from 'express';
import { InvalidInputError } from '../common/index.js';
import type { ListOptions, SortKey } from '../store/index.js';

/** What a list route accepts. */
export interface ListQuery {
  /** The keys `sort_keys` may name; none: the store checks them (it maps keys to columns). */
  sortKeys?: readonly string[];
  /** @default 'created_at' */
  defaultSortKey?: string;
  /** Query parameters that filter the list (carried into the `next` link). */
  filters: readonly string[];
  /** Other query parameters the route reads itself (`include_output`, `all_projects`, ...). */
  options?: readonly string[];
  /** The resource's fields, which `fields` may name. */
  fields: readonly string[];
  /** The page size when `limit` is not given; none: the whole list. */
  defaultLimit?: number;
}

export interface Page extends ListOptions {
  /** The requested fields (`id` first), or null for whole resources. */
  fields: string[] | null;
  /** The filters given, as sent: the `next` link repeats them. */
  filters: [string, string][];
  /** The sort as requested and completed (`id` appended), shown in the `next` link. */
  sort: SortKey[];
}

const PAGING = ['marker', 'limit', 'sort_keys', 'sort_dirs', 'fields'];

/**
 * A query parameter as one string. Repeated, the last one counts (WebOb's `MultiDict`, which Mistral reads
 * through); a structured value (`a[b]=c` with an extended parser) is refused by name.
 */
export function queryParam(req: Request, name: string): string | undefined {
  if (!Object.hasOwn(req.query, name)) return undefined;
  let v = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(v)) v = v[v.length - 1];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new InvalidInputError(`query parameter '${name}' must be a string`, name);
  return v;
}

/** Refuses the query parameters outside `allowed` (and the paging ones), naming the first, in Mistral's words. */
export function refuseUnknown(req: Request, allowed: Iterable<string>): void {
  const known = new Set(allowed);
  // From the raw query: Express's parser drops some names (`__proto__`) that must be refused all the same.
  const raw = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
  for (const k of new Set([...raw.keys(), ...Object.keys(req.query)])) {
    if (!known.has(k)) throw new InvalidInputError(`Unknown argument: "${k}"`, k);
  }
}

/** A comma-separated list as Mistral's `types.list` reads it: trimmed, lower-cased, empty items dropped. */
function listParam(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** `limit`: a positive integer. Beyond what a number holds exactly it means "no limit" (Mistral answers 500). */
function readLimit(text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined || text === '') return fallback;
  if (!/^\s*[+-]?\d+\s*$/.test(text)) {
    throw new InvalidInputError(
      `Invalid input for field/attribute limit. Value: '${text}'. unable to convert to int`,
      'limit',
    );
  }
  const n = Number(text);
  if (n <= 0) throw new InvalidInputError('Limit must be positive.', 'limit');
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

function readSort(req: Request, q: ListQuery): SortKey[] {
  const keys = unique(listParam(queryParam(req, 'sort_keys')));
  const dirs = listParam(queryParam(req, 'sort_dirs'));
  if (keys.length === 0) keys.push(q.defaultSortKey ?? 'created_at');
  if (keys.length < dirs.length) {
    throw new InvalidInputError('Length of sort_keys must be equal or greater than sort_dirs.', 'sort_keys');
  }
  for (const dir of dirs) {
    if (dir !== 'asc' && dir !== 'desc') {
      throw new InvalidInputError("Unknown sort direction, must be 'desc' or 'asc'.", 'sort_dirs');
    }
  }
  const allowed = q.sortKeys ? new Set(q.sortKeys) : null;
  const sort = keys.map((key, i): SortKey => {
    if (allowed && !allowed.has(key)) {
      throw new InvalidInputError(
        `cannot sort by '${key}' (one of: ${[...allowed].join(', ')})`,
        'sort_keys',
      );
    }
    return { key, dir: dirs[i] === 'desc' ? 'desc' : 'asc' };
  });
  // The tie-breaker that makes markers work (Mistral's `_paginate_query` appends it the same way).
  if (!keys.includes('id')) sort.push({ key: 'id', dir: 'asc' });
  return sort;
}

function readFields(req: Request, q: ListQuery): string[] | null {
  const fields = unique(listParam(queryParam(req, 'fields')));
  if (fields.length === 0) return null;
  const known = new Set(q.fields);
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `Some fields do not exist [${unknown.join(', ')}], please choose from [${q.fields.join(', ')}]`,
      'fields',
    );
  }
  return fields.includes('id') ? fields : ['id', ...fields];
}

/** Reads and checks a list request: unknown parameters, paging, sorting, fields. Filters are the route's. */
export function readPage(req: Request, q: ListQuery): Page {
  refuseUnknown(req, [...PAGING, ...q.filters, ...(q.options ?? [])]);
  const limit = readLimit(queryParam(req, 'limit'), q.defaultLimit);
  const sort = readSort(req, q);
  const fields = readFields(req, q);
  const marker = queryParam(req, 'marker');
  const filters: [string, string][] = [];
  for (const name of q.filters) {
    const v = queryParam(req, name);
    if (v !== undefined && v !== '') filters.push([name, v]);
  }
  return { limit, marker: marker === '' ? undefined : marker, sort, fields, filters };
}

/** Query text as Mistral writes it in `next`: commas and operator colons stay readable. */
function encode(v: string): string {
  return encodeURIComponent(v).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}

/** The list envelope, with only the requested `fields` (`id` included) and a `next` link for a full page. */
export function envelope(
  req: Request,
  name: string,
  items: Record<string, unknown>[],
  page: Page,
): Record<string, unknown> {
  const fields = page.fields;
  const shown = fields
    ? items.map((it) => Object.fromEntries(fields.filter((f) => Object.hasOwn(it, f)).map((f) => [f, it[f]])))
    : items;
  const out: Record<string, unknown> = { [name]: shown };
  const last = items[items.length - 1];
  if (page.limit !== undefined && items.length === page.limit && last) {
    const args: [string, string][] = [
      ...page.filters,
      ['sort_keys', page.sort.map((s) => s.key).join(',')],
      ['sort_dirs', page.sort.map((s) => s.dir).join(',')],
      ['limit', String(page.limit)],
      ['marker', String(last.id)],
    ];
    if (fields) args.push(['fields', fields.join(',')]);
    const query = args.map(([k, v]) => `${k}=${encode(v)}`).join('&');
    // From the URL as received: `baseUrl` and `path` change as routers hand the request on.
    const path = req.originalUrl.split('?')[0] ?? '';
    out.next = `${req.protocol}://${req.get('host') ?? ''}${path}?${query}`;
  }
  return out;
}
