/**
 * Lists of definitions, filtered, sorted and paged in memory. Definitions are few (hundreds, not millions) and
 * some have no store-side paging (workbooks, environments, the standard actions), so one implementation serves
 * them all with Mistral's semantics: `sort_keys`/`sort_dirs` (default `created_at` ascending, ties by `id`),
 * `marker` = the id of the last item of the previous page, and filters given as query parameters, optionally
 * with Mistral's operators (`name=neq:x`, `scope=in:public,private`, `name=has:part`).
 */
import type { Request } from 'express';
import { InvalidInputError } from '../../common/index.js';
import { queryParam, type ListQuery, type Page } from '../paging.js';

type Sortable = string | number | boolean | null | undefined;

export interface ListSpec<T> {
  id: (item: T) => string;
  /** The keys `sort_keys` may name, and what each sorts by. */
  sortKeys: Record<string, (item: T) => Sortable>;
  /** The query parameters that filter, and the value each compares with (a list matches on its members). */
  filters: Record<string, (item: T) => unknown>;
}

/** The fields every definition resource has (workbooks; workflows and actions add theirs). */
export const DEFINITION_FIELDS = [
  'id',
  'name',
  'namespace',
  'definition',
  'tags',
  'scope',
  'project_id',
  'created_at',
  'updated_at',
];

/** The query a `ListSpec` accepts: its sort keys and filters, the resource's `fields`, and route `options`. */
export function listQuery<T>(
  spec: ListSpec<T>,
  fields: readonly string[],
  extra: Pick<ListQuery, 'defaultSortKey' | 'options'> = {},
): ListQuery {
  return { sortKeys: Object.keys(spec.sortKeys), filters: Object.keys(spec.filters), fields, ...extra };
}

/** The page of `items` that the request asks for (`page` comes from `readPage` with this spec's `listQuery`). */
export function listPage<T>(req: Request, items: T[], spec: ListSpec<T>, page: Page): T[] {
  const filtered = applyFilters(req, items, spec);
  const keys = page.sort.map(({ key, dir }) => {
    if (!Object.hasOwn(spec.sortKeys, key)) {
      throw new InvalidInputError(`cannot sort by '${key}'`, 'sort_keys');
    }
    return { get: spec.sortKeys[key] as (item: T) => Sortable, sign: dir === 'desc' ? -1 : 1 };
  });
  const sorted = filtered
    .map((item) => ({ item, values: keys.map((k) => k.get(item)) }))
    .sort((a, b) => {
      for (const [i, k] of keys.entries()) {
        const c = compare(a.values[i], b.values[i]);
        if (c !== 0) return k.sign * c;
      }
      return 0;
    })
    .map((e) => e.item);
  let start = 0;
  if (page.marker !== undefined) {
    // Mistral finds the marker by id whatever the filters, then takes what sorts after it.
    const marker = items.find((item) => spec.id(item) === page.marker);
    if (marker === undefined) throw new InvalidInputError(`marker not found: ${page.marker}`, 'marker');
    start = sorted.findIndex((item) => sortsAfter(keys, item, marker));
    if (start < 0) start = sorted.length;
  }
  const end = page.limit !== undefined ? start + page.limit : undefined;
  return sorted.slice(start, end);
}

function sortsAfter<T>(keys: { get: (item: T) => Sortable; sign: number }[], item: T, marker: T): boolean {
  for (const k of keys) {
    const c = compare(k.get(item), k.get(marker));
    if (c !== 0) return k.sign * c > 0;
  }
  return false;
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
    const text = queryParam(req, field);
    if (text === undefined || text === '') continue;
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
  const name = text.slice(0, colon);
  const op = colon > 0 && Object.hasOwn(OPERATORS, name) ? OPERATORS[name] : undefined;
  return op ? op(text.slice(colon + 1)) : (v) => v === text;
}
