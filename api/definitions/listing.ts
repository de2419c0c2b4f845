/**
 * Lists of definitions, filtered, sorted and paged in memory. Definitions are few (hundreds, not millions) and
 * some have no store-side paging (workbooks, environments, the standard actions), so one implementation serves
 * them all with Mistral's semantics: `sort_keys`/`sort_dirs` (default `created_at` ascending, ties by `id`),
 * `marker` = the id of the last item of the previous page, and filters given as query parameters, optionally
 * with Mistral's operators (`name=neq:x`, `scope=in:public,private`, `name=has:part`).
 */
import type { Request } from 'express';
import { InvalidInputError } from '../../common/index.js';
import type { Page } from '../paging.js';

type Sortable = string | number | boolean | null | undefined;

export interface ListSpec<T> {
  id: (item: T) => string;
  /** The keys `sort_keys` may name, and what each sorts by. */
  sortKeys: Record<string, (item: T) => Sortable>;
  /** The query parameters that filter, and the value each compares with (a list matches on its members). */
  filters: Record<string, (item: T) => unknown>;
}

/** The page of `items` that the request asks for. */
export function listPage<T>(req: Request, items: T[], spec: ListSpec<T>, page: Page): T[] {
  const filtered = applyFilters(req, items, spec);
  const key = page.sortKey ?? 'created_at';
  const sortBy = spec.sortKeys[key];
  if (!sortBy) {
    throw new InvalidInputError(
      `cannot sort by '${key}' (one of: ${Object.keys(spec.sortKeys).join(', ')})`,
      'sort_keys',
    );
  }
  const sign = page.sortDir === 'desc' ? -1 : 1;
  const sorted = filtered
    .map((item) => ({ item, key: sortBy(item), id: spec.id(item) }))
    .sort((a, b) => sign * (compare(a.key, b.key) || compare(a.id, b.id)))
    .map((e) => e.item);
  let start = 0;
  if (page.marker) {
    const at = sorted.findIndex((item) => spec.id(item) === page.marker);
    if (at < 0) throw new InvalidInputError(`marker not found: ${page.marker}`, 'marker');
    start = at + 1;
  }
  const end = page.limit && page.limit > 0 ? start + page.limit : undefined;
  return sorted.slice(start, end);
}

/** SQL-like order: nulls first, then numbers, booleans and strings by value. */
function compare(a: Sortable, b: Sortable): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const as = String(a);
  const bs = String(b);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

type Test = (value: string) => boolean;

function applyFilters<T>(req: Request, items: T[], spec: ListSpec<T>): T[] {
  const tests: { get: (item: T) => unknown; test: Test }[] = [];
  for (const [field, get] of Object.entries(spec.filters)) {
    const raw = req.query[field];
    const text = Array.isArray(raw) ? raw[0] : raw;
    if (typeof text !== 'string' || text === '') continue;
    tests.push({ get, test: predicate(text) });
  }
  if (tests.length === 0) return items;
  return items.filter((item) =>
    tests.every(({ get, test }) => {
      const v = get(item);
      if (Array.isArray(v)) return v.some((x) => test(String(x)));
      return test(v === null || v === undefined ? '' : String(v));
    }),
  );
}

const OPERATORS: Record<string, (arg: string) => Test> = {
  eq: (arg) => (v) => v === arg,
  neq: (arg) => (v) => v !== arg,
  in: (arg) => {
    const set = new Set(arg.split(','));
    return (v) => set.has(v);
  },
  nin: (arg) => {
    const set = new Set(arg.split(','));
    return (v) => !set.has(v);
  },
  has: (arg) => (v) => v.includes(arg),
  gt: (arg) => (v) => v > arg,
  gte: (arg) => (v) => v >= arg,
  lt: (arg) => (v) => v < arg,
  lte: (arg) => (v) => v <= arg,
};

function predicate(text: string): Test {
  const colon = text.indexOf(':');
  const op = colon > 0 ? OPERATORS[text.slice(0, colon)] : undefined;
  return op ? op(text.slice(colon + 1)) : (v) => v === text;
}
