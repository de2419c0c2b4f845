/**
 * YAQL standard library: strings (yaql's `strings.py`). Case, trimming, splitting with Python's rules,
 * `replace` (also with a dict of replacements), `substring`, `indexOf`, `startsWith`/`endsWith` with several
 * candidates, `format`, both `list.join(sep)` and `sep.join(list)` (elements rendered with YAQL's `str`), and
 * `matches` / `=~` with screened regular expressions. Every function that can grow a string declares the size
 * to the budget first.
 */
import { fail } from '../../failure.js';
import { pyFormat } from '../../format.js';
import { yaqlStr } from '../../pystr.js';
import { pyRSplit, pyReplace, pyReplaceLength, pySplit, pyStrip } from '../../pytext.js';
import type { StripSide } from '../../pytext.js';
import { regexTest } from '../../regex.js';
import { asIterator, isDict } from '../../values.js';
import type { FunctionTable, Invocation, Overload } from '../invocation.js';
import { argIs, dict, int, items, optInt, optStr, str } from './args.js';

const isString = argIs.string(0);

function strip(side: StripSide) {
  return (inv: Invocation): string => {
    inv.arity(1, 2, ['chars']);
    return pyStrip(str(inv, 0), optStr(inv, 1, 'chars'), side);
  };
}

function split(right: boolean) {
  return (inv: Invocation): string[] => {
    inv.arity(1, 3, ['separator', 'maxSplits']);
    const s = str(inv, 0);
    const sep = optStr(inv, 1, 'separator');
    const max = optInt(inv, 2, 'maxSplits', -1);
    return asIterator(right ? pyRSplit(s, sep, max) : pySplit(s, sep, max));
  };
}

function joinWith(inv: Invocation, list: readonly unknown[], sep: string): string {
  const parts = list.map(yaqlStr);
  inv.rt.budget.string(parts.reduce((n, p) => n + p.length, 0) + sep.length * Math.max(0, parts.length - 1));
  return parts.join(sep);
}

function replaceText(inv: Invocation): string {
  inv.arity(2, 4, ['count']);
  const s = str(inv, 0);
  if (isDict(inv.value(1))) {
    const count = optInt(inv, 2, 'count', -1);
    let out = s;
    for (const [k, v] of Object.entries(dict(inv, 1))) out = replaceChecked(inv, out, k, yaqlStr(v), count);
    return out;
  }
  return replaceChecked(inv, s, str(inv, 1), str(inv, 2), optInt(inv, 3, 'count', -1));
}

function replaceChecked(inv: Invocation, s: string, old: string, replacement: string, count: number): string {
  inv.rt.budget.string(pyReplaceLength(s, old, replacement, count));
  return pyReplace(s, old, replacement, count);
}

function substring(inv: Invocation): string {
  inv.arity(2, 3, ['length']);
  const s = str(inv, 0);
  let start = int(inv, 1);
  let length = optInt(inv, 2, 'length', -1);
  if (length < 0) length = s.length;
  if (start < 0) start = Math.max(0, start + s.length);
  return s.slice(start, start + length);
}

/** `s.indexOf(sub, start)` / `s.indexOf(sub, start, length)` and the `lastIndexOf` twins (Python's find). */
function find(last: boolean) {
  return (inv: Invocation): number => {
    inv.arity(2, 4);
    const s = str(inv, 0);
    const sub = str(inv, 1);
    let start = inv.count > 2 ? int(inv, 2) : 0;
    if (start < 0) start = Math.max(0, start + s.length);
    let end = s.length;
    if (inv.count > 3) {
      const length = int(inv, 3);
      end = length < 0 ? s.length : Math.min(s.length, start + length);
    }
    const window = s.slice(start, end);
    const at = last ? window.lastIndexOf(sub) : window.indexOf(sub);
    return at < 0 || start > s.length ? -1 : at + start;
  };
}

function affix(test: (s: string, a: string) => boolean) {
  return (inv: Invocation): boolean => {
    inv.arity(2, Infinity);
    const s = str(inv, 0);
    for (let i = 1; i < inv.count; i++) if (test(s, str(inv, i))) return true;
    return false;
  };
}

function format(inv: Invocation): string {
  const template = str(inv, 0);
  const args: unknown[] = [];
  for (let i = 1; i < inv.count; i++) args.push(inv.value(i));
  const kwargs: Record<string, unknown> = {};
  for (const m of inv.mappings()) {
    const key = inv.evaluate(m.key);
    if (typeof key !== 'string') return fail('format() argument names must be strings');
    kwargs[key] = inv.evaluate(m.value);
  }
  return pyFormat(template, args, kwargs, inv.rt.budget.limits.maxStringLength);
}

const stringOnly = (run: (inv: Invocation) => unknown): Overload[] => [{ when: isString, run }];

export const stringFunctions: FunctionTable = {
  toUpper: (inv) => {
    inv.arity(1, 1);
    return str(inv, 0).toUpperCase();
  },
  toLower: (inv) => {
    inv.arity(1, 1);
    return str(inv, 0).toLowerCase();
  },
  len: stringOnly((inv) => {
    inv.arity(1, 1);
    return str(inv, 0).length;
  }),
  split: split(false),
  rightSplit: split(true),
  trim: strip('both'),
  trimLeft: strip('left'),
  trimRight: strip('right'),
  norm: (inv) => {
    inv.arity(1, 2, ['chars']);
    if (inv.value(0) === null) return null;
    return pyStrip(str(inv, 0), optStr(inv, 1, 'chars')) || null;
  },
  isEmpty: (inv) => {
    inv.arity(1, 3, ['trimSpaces', 'chars']);
    if (inv.value(0) === null) return true;
    const s = str(inv, 0);
    const trimSpaces = inv.option(1, 'trimSpaces', true);
    return (trimSpaces ? pyStrip(s, optStr(inv, 2, 'chars')) : s).length === 0;
  },
  replace: stringOnly(replaceText),
  substring,
  indexOf: stringOnly(find(false)),
  lastIndexOf: stringOnly(find(true)),
  startsWith: affix((s, a) => s.startsWith(a)),
  endsWith: affix((s, a) => s.endsWith(a)),
  toCharArray: (inv) => {
    inv.arity(1, 1);
    return asIterator([...str(inv, 0)]);
  },
  format,
  concat: stringOnly((inv) => {
    inv.arity(0, Infinity);
    const parts: string[] = [];
    for (let i = 0; i < inv.count; i++) parts.push(str(inv, i));
    return joinWith(inv, parts, '');
  }),
  join: [
    {
      // sep.join(list)
      when: (inv) => inv.count === 2 && isString(inv) && argIs.iterable(1)(inv),
      run: (inv) => joinWith(inv, items(inv, 1), str(inv, 0)),
    },
    {
      // list.join(sep)
      when: (inv) => inv.count === 2 && argIs.iterable(0)(inv),
      run: (inv) => joinWith(inv, items(inv, 0), str(inv, 1)),
    },
  ],
  matches: (inv) => {
    inv.arity(2, 2);
    return regexTest(str(inv, 1), str(inv, 0));
  },
};
