/**
 * The Python methods Jinja users call on values (`_.d.items()`, `_.name.upper()`, `_.s.split(',')`), offered
 * when the value has no own key of that name. Mistral resolves `_.items` to the dict method even when the data
 * has a key `items`; we prefer the data (what users mean) and fall back to the method, a documented deviation.
 * Only this fixed table is reachable: no JavaScript method of any value is ever exposed.
 */
import { fail } from '../failure.js';
import { pyFormat } from '../format.js';
import { pyStr } from '../pystr.js';
import { pyRSplit, pyReplace, pyReplaceLength, pySplit, pyStrip } from '../pytext.js';
import { isDict, pyEquals } from '../values.js';
import type { Dict } from '../values.js';
import { current } from './evaluation.js';

type Method = (...args: unknown[]) => unknown;

/** Splits nunjucks call arguments into positional ones and the trailing keyword-arguments object. */
export function splitKwargs(args: readonly unknown[]): [unknown[], Dict] {
  const last = args[args.length - 1];
  if (isDict(last) && last.__keywords === true) {
    const { __keywords: _, ...kwargs } = last;
    return [args.slice(0, -1), kwargs];
  }
  return [[...args], {}];
}

function optionalString(v: unknown, what: string): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : fail(`${what} must be a string`);
}

function optionalInt(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : fallback;
}

function affix(s: string, candidates: unknown, test: (s: string, a: string) => boolean): boolean {
  const list = Array.isArray(candidates) ? candidates : [candidates];
  return list.some((c) => typeof c === 'string' && test(s, c));
}

function stringMethod(s: string, name: string): Method | undefined {
  switch (name) {
    case 'upper':
      return () => s.toUpperCase();
    case 'lower':
      return () => s.toLowerCase();
    case 'capitalize':
      return () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
    case 'title':
      return () =>
        s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());
    case 'strip':
      return (chars) => pyStrip(s, optionalString(chars, 'strip() chars'));
    case 'lstrip':
      return (chars) => pyStrip(s, optionalString(chars, 'lstrip() chars'), 'left');
    case 'rstrip':
      return (chars) => pyStrip(s, optionalString(chars, 'rstrip() chars'), 'right');
    case 'split':
      return (sep, max) => pySplit(s, optionalString(sep, 'split() separator'), optionalInt(max, -1));
    case 'rsplit':
      return (sep, max) => pyRSplit(s, optionalString(sep, 'rsplit() separator'), optionalInt(max, -1));
    case 'startswith':
      return (prefix) => affix(s, prefix, (x, a) => x.startsWith(a));
    case 'endswith':
      return (suffix) => affix(s, suffix, (x, a) => x.endsWith(a));
    case 'find':
      return (sub) => s.indexOf(String(sub));
    case 'replace':
      return (old, replacement, count) => {
        const args = [s, String(old), String(replacement), optionalInt(count, -1)] as const;
        // Declared before it is built: a long replacement repeated many times could outgrow any string.
        current().budget.string(pyReplaceLength(...args));
        return pyReplace(...args);
      };
    case 'join':
      return (items) => {
        if (!Array.isArray(items)) return fail('join() expects a list');
        const parts = items.map(pyStr);
        current().budget.string(
          parts.reduce((n, p) => n + p.length, 0) + s.length * Math.max(0, parts.length - 1),
        );
        return parts.join(s);
      };
    case 'format':
      return (...args) => {
        const [positional, kwargs] = splitKwargs(args);
        return pyFormat(s, positional, kwargs, current().budget.limits.maxStringLength);
      };
    default:
      return undefined;
  }
}

function dictMethod(d: Dict, name: string): Method | undefined {
  switch (name) {
    case 'keys':
      return () => Object.keys(d);
    case 'values':
      return () => Object.values(d);
    case 'items':
      return () => Object.entries(d);
    case 'get':
      return (key, fallback) =>
        typeof key === 'string' && Object.hasOwn(d, key) ? d[key] : (fallback ?? null);
    default:
      return undefined;
  }
}

function listMethod(list: readonly unknown[], name: string): Method | undefined {
  switch (name) {
    case 'index':
      return (x) => {
        const i = list.findIndex((y) => pyEquals(x, y));
        return i >= 0 ? i : fail(`${pyStr(x)} is not in list`);
      };
    case 'count':
      return (x) => list.filter((y) => pyEquals(x, y)).length;
    default:
      return undefined;
  }
}

/** The Python method `name` of `value`, bound to it, if we offer one. */
export function pythonMethod(value: unknown, name: string): Method | undefined {
  if (typeof value === 'string') return stringMethod(value, name);
  if (Array.isArray(value)) return listMethod(value, name);
  if (isDict(value)) return dictMethod(value, name);
  return undefined;
}
