/**
 * Jinja2's collection filters with Python's semantics where nunjucks differs (keyword arguments, case-insensitive
 * sorting, tuples): `sum`, `sort`, `dictsort`, `groupby`, `select`/`reject`, `selectattr`/`rejectattr` and
 * `reverse`. Tests come from the one environment (`testOf`), so `select('odd')` and `select('>', 4)` work alike.
 */
import { fail } from '../failure.js';
import { pyStr } from '../pystr.js';
import { isDict, ownGet, MISSING, pyCompare } from '../values.js';
import { splitKwargs } from './methods.js';
import { isSafeString } from './nunjucks.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
export type Test = (this: unknown, v: unknown, ...args: unknown[]) => boolean;

export function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' || isSafeString(v)) return [...String(v)];
  if (isDict(v)) return Object.keys(v);
  if (v === undefined || v === null) return fail(`cannot iterate over ${pyStr(v ?? null)}`);
  return fail('value is not iterable');
}

/** `item.a.b` for `map(attribute='a.b')`, through own properties only. */
export function attributeOf(item: unknown, path: string): unknown {
  let v = item;
  for (const part of path.split('.')) {
    if (Array.isArray(v) && /^\d+$/.test(part)) v = v[Number(part)];
    else if (isDict(v)) {
      const next = ownGet(v, part);
      v = next === MISSING ? undefined : next;
    } else v = undefined;
  }
  return v;
}

/** Jinja2 sorts strings case-insensitively unless asked otherwise. */
function sortKey(v: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
}

function sorted(items: unknown[], key: (x: unknown) => unknown, reverse: boolean): unknown[] {
  const out = [...items].sort((a, b) => pyCompare(key(a), key(b)));
  return reverse ? out.reverse() : out;
}

/** A `(grouper, list)` tuple that templates can also read as `.grouper` and `.list`. */
function group(grouper: unknown, list: unknown[]): unknown[] {
  const tuple = [grouper, list];
  Object.defineProperty(tuple, 'grouper', { value: grouper });
  Object.defineProperty(tuple, 'list', { value: list });
  return tuple;
}

export function collectionFilters(testOf: (name: string) => Test): Record<string, Fn> {
  const pick = (keep: boolean, byAttribute: boolean) =>
    function (this: unknown, value: unknown, ...rest: unknown[]): unknown[] {
      const [args] = splitKwargs(rest);
      const attr = byAttribute ? String(args.shift()) : undefined;
      const of = (x: unknown) => (attr === undefined ? x : attributeOf(x, attr));
      if (args.length === 0) return asList(value).filter((x) => Boolean(of(x)) === keep);
      const test = testOf(String(args[0]));
      return asList(value).filter((x) => test.call(this, of(x), ...args.slice(1)) === keep);
    };
  return {
    sum: (value, ...rest) => {
      const [args, kw] = splitKwargs(rest);
      const attr = (kw.attribute ?? args[0]) as string | undefined;
      let total = Number(kw.start ?? args[1] ?? 0);
      for (const x of asList(value)) total += Number(attr ? attributeOf(x, attr) : x);
      return total;
    },
    sort: (value, ...rest) => {
      const [args, kw] = splitKwargs(rest);
      const reverse = Boolean(kw.reverse ?? args[0] ?? false);
      const caseSensitive = Boolean(kw.case_sensitive ?? args[1] ?? false);
      const attr = (kw.attribute ?? args[2]) as string | undefined;
      const key = (x: unknown) => sortKey(attr ? attributeOf(x, attr) : x, caseSensitive);
      return sorted(asList(value), key, reverse);
    },
    dictsort: (value, ...rest) => {
      const [args, kw] = splitKwargs(rest);
      if (!isDict(value)) return fail('dictsort expects a dict');
      const caseSensitive = Boolean(kw.case_sensitive ?? args[0] ?? false);
      const by = String(kw.by ?? args[1] ?? 'key');
      const reverse = Boolean(kw.reverse ?? args[2] ?? false);
      const index = by === 'key' ? 0 : by === 'value' ? 1 : fail("dictsort: by must be 'key' or 'value'");
      const pairs = Object.keys(value).map((k) => [k, value[k]]);
      return sorted(pairs, (p) => sortKey((p as unknown[])[index], caseSensitive), reverse);
    },
    groupby: (value, ...rest) => {
      const [args, kw] = splitKwargs(rest);
      const attr = String(kw.attribute ?? args[0]);
      const caseSensitive = Boolean(kw.case_sensitive ?? false);
      const keyOf = (x: unknown) => attributeOf(x, attr) ?? kw.default ?? null;
      const groups: unknown[][] = [];
      for (const x of sorted(asList(value), (x) => sortKey(keyOf(x), caseSensitive), false)) {
        const k = keyOf(x);
        const last = groups[groups.length - 1];
        if (last && pyCompare(sortKey(last[0], caseSensitive), sortKey(k, caseSensitive)) === 0)
          (last[1] as unknown[]).push(x);
        else groups.push(group(k, [x]));
      }
      return groups;
    },
    select: pick(true, false),
    reject: pick(false, false),
    selectattr: pick(true, true),
    rejectattr: pick(false, true),
    reverse: (value) => {
      if (typeof value === 'string' || isSafeString(value)) return [...String(value)].reverse().join('');
      return [...asList(value)].reverse();
    },
  };
}
