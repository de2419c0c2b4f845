/**
 * Jinja filters, tests and globals on top of nunjucks' built-ins, so that templates written for Mistral's
 * Jinja2 behave the same:
 * - filters Jinja2 has and nunjucks lacks or spells differently: `tojson`, `items`, `map`, `unique`, `min`,
 *   `max`, and Python renderings for `string`, `join` and `list`; `int`/`float` with Python parsing;
 * - Mistral's functions as globals (`task('t1')`, `execution()`, `env()`, `uuid()`...) and, for the data
 *   helpers, also as filters (`_.x | json_dump`);
 * - the tests `none`, `true`, `false`, `boolean`, `integer`, `float` and `sequence`;
 * - bounded versions of everything that could allocate without limit (`range`, `indent`, `center`, `batch`,
 *   `slice`), and a budget tick around every filter call.
 */
import nunjucks from 'nunjucks';
import { fail } from '../failure.js';
import { mistralFunctions as m } from '../mistral-functions.js';
import { jsonDumps, pyStr } from '../pystr.js';
import { hashKey, isDict, ownGet, MISSING, pyCompare } from '../values.js';
import { current } from './evaluation.js';
import { splitKwargs } from './methods.js';
import { isSafeString } from './nunjucks.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' || isSafeString(v)) return [...String(v)];
  if (isDict(v)) return Object.keys(v);
  if (v === undefined || v === null) return fail(`cannot iterate over ${pyStr(v ?? null)}`);
  return fail('value is not iterable');
}

/** `item.a.b` for `map(attribute='a.b')`, through own properties only. */
function attributeOf(item: unknown, path: string): unknown {
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

function bounded(name: string, limit: () => number, original: Fn, argIndex: number): Fn {
  return function (this: unknown, ...args: unknown[]) {
    const n = args[argIndex];
    if (typeof n === 'number' && n > limit()) fail(`${name}: ${n} exceeds the evaluation limits`);
    return original.apply(this, args);
  };
}

function range(...args: unknown[]): number[] {
  const ints = args.filter((a): a is number => typeof a === 'number' && Number.isInteger(a));
  if (ints.length !== args.length || ints.length < 1 || ints.length > 3)
    return fail('range() expects 1 to 3 integers');
  const [start, stop, step] =
    ints.length === 1 ? [0, ints[0] ?? 0, 1] : [ints[0] ?? 0, ints[1] ?? 0, ints[2] ?? 1];
  if (step === 0) return fail('range() step must not be zero');
  const size = Math.max(0, Math.ceil((stop - start) / step));
  current().budget.collection(size);
  return Array.from({ length: size }, (_, i) => start + i * step);
}

function toInt(v: unknown, fallback: unknown = 0): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : fallback;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v) ? Number(v) : NaN;
  return Number.isNaN(n) ? fallback : Math.trunc(n);
}

function toFloat(v: unknown, fallback: unknown = 0): unknown {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isNaN(n) ? fallback : n;
}

function mapFilter(this: unknown, list: unknown, ...rest: unknown[]): unknown[] {
  const [args, kwargs] = splitKwargs(rest);
  const items = asList(list);
  if (typeof kwargs.attribute === 'string') {
    const path = kwargs.attribute;
    return items.map((x) => attributeOf(x, path) ?? kwargs.default);
  }
  const [name, ...filterArgs] = args;
  if (typeof name !== 'string') return fail("map() needs a filter name or attribute='...'");
  const filter = env.getFilter(name) as Fn;
  return items.map((x) => filter.call(this, x, ...filterArgs));
}

function extreme(sign: 1 | -1) {
  return (list: unknown): unknown => {
    const items = asList(list);
    if (items.length === 0) return undefined;
    return items.reduce((a, b) => (pyCompare(b, a) * sign > 0 ? b : a));
  };
}

const FILTERS: Record<string, Fn> = {
  string: (v) => pyStr(v),
  list: (v) => [...asList(v)],
  join: (list, sep = '', attribute) => {
    const items = asList(list).map((x) => (typeof attribute === 'string' ? attributeOf(x, attribute) : x));
    return items.map((x) => (isSafeString(x) ? String(x) : pyStr(x))).join(String(sep));
  },
  tojson: (v, indent) => {
    const text = jsonDumps(v, { sortKeys: true, indent: typeof indent === 'number' ? indent : undefined });
    // Jinja2's htmlsafe_json_dumps: safe to embed in HTML and in single-quoted attributes.
    return text.replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  },
  items: (d) => (isDict(d) ? Object.entries(d) : fail('items() expects a dict')),
  map: mapFilter,
  unique: (list) => {
    const seen = new Set<string>();
    // Jinja2's unique() ignores case by default.
    return asList(list).filter((x) => {
      const k = hashKey(typeof x === 'string' ? x.toLowerCase() : x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  },
  min: extreme(-1),
  max: extreme(1),
  int: toInt,
  float: toFloat,
  json_dump: (v) => m.jsonDump(v),
  json_parse: (v) => m.jsonParse(v),
  yaml_dump: (v) => m.yamlDump(v),
  yaml_parse: (v) => m.yamlParse(v),
};

const host = () => current().host;

const GLOBALS: Record<string, Fn> = {
  range,
  dict: (...args) => splitKwargs(args)[1],
  task: (...args) => {
    const [[name], kwargs] = splitKwargs(args);
    return m.task(host(), name ?? kwargs.task_name);
  },
  tasks: (...args) => {
    const [positional, kw] = splitKwargs(args);
    const named = [kw.workflow_execution_id, kw.recursive, kw.state, kw.flat];
    return m.tasks(
      host(),
      named.map((v, i) => (i < positional.length ? positional[i] : v)),
    );
  },
  execution: () => m.execution(host()),
  env: () => m.env(host()),
  global: (name) => m.global(host(), name),
  uuid: () => m.uuid(),
  json_parse: (v) => m.jsonParse(v),
  json_dump: (v) => m.jsonDump(v),
  yaml_parse: (v) => m.yamlParse(v),
  yaml_dump: (v) => m.yamlDump(v),
};

const TESTS: Record<string, (v: unknown) => boolean> = {
  none: (v) => v === null,
  true: (v) => v === true,
  false: (v) => v === false,
  boolean: (v) => typeof v === 'boolean',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
};

/** Counts every filter call against the budget and checks the size of string results. */
function metered(filter: Fn): Fn {
  return function (this: unknown, ...args: unknown[]) {
    const budget = current().budget;
    budget.tick();
    const out = filter.apply(this, args);
    if (typeof out === 'string') budget.string(out.length);
    return out;
  };
}

function createEnvironment(): nunjucks.Environment {
  // trimBlocks/lstripBlocks as in Mistral's environment; dev keeps the original error as the `cause` of
  // nunjucks' TemplateError, so that we can report our own reasons.
  const e = new nunjucks.Environment(null, {
    autoescape: false,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
    dev: true,
  });
  const maxItems = () => current().budget.limits.maxCollectionSize;
  const maxChars = () => current().budget.limits.maxStringLength;
  const builtin = (e as unknown as { filters: Record<string, Fn> }).filters;
  const all: Record<string, Fn> = {
    ...builtin,
    ...FILTERS,
    indent: bounded('indent', maxChars, builtin.indent!, 1),
    center: bounded('center', maxChars, builtin.center!, 1),
    batch: bounded('batch', maxItems, builtin.batch!, 1),
    slice: bounded('slice', maxItems, builtin.slice!, 1),
  };
  for (const [name, filter] of Object.entries(all)) e.addFilter(name, metered(filter));
  for (const [name, fn] of Object.entries(GLOBALS)) e.addGlobal(name, fn);
  const withTests = e as unknown as { addTest(name: string, test: (v: unknown) => boolean): void };
  for (const [name, test] of Object.entries(TESTS)) withTests.addTest(name, test);
  return e;
}

/** The one environment all Jinja expressions compile and render with. */
export const env: nunjucks.Environment = createEnvironment();

export function hasFilter(name: string): boolean {
  return Object.hasOwn((env as unknown as { filters: object }).filters, name);
}

export function hasTest(name: string): boolean {
  return Object.hasOwn((env as unknown as { tests: object }).tests, name);
}
