/**
 * Jinja filters, tests and globals on top of nunjucks' built-ins, so that templates written for Mistral's
 * Jinja2 behave the same:
 * - every filter of Jinja2's standard library: those nunjucks lacks or spells differently (`tojson`, `items`,
 *   `map`, `unique`, `min`, `max`, `format` (Python's `%`), `filesizeformat`, `wordwrap`, `pprint`, `count`),
 *   Python renderings for `string`, `join` and `list`, `int`/`float` with Python parsing, and the collection
 *   filters with Python semantics (`collections.ts`: `sum`, `sort`, `dictsort`, `groupby`, `select`...);
 * - Mistral's functions as globals (`task('t1')`, `execution()`, `env()`, `uuid()`...) and, for the data
 *   helpers, also as filters (`_.x | json_dump`);
 * - the tests nunjucks lacks: `none`, `true`, `false`, `boolean`, `integer`, `float`, `sequence`, `escaped`,
 *   `in`, `filter`, `test`, and the operators `==`, `!=`, `<`, `<=`, `>`, `>=` (as in `select('>', 4)`);
 * - bounded versions of everything that could allocate without limit (`range`, `indent`, `center`, `batch`,
 *   `slice`), and a budget tick around every filter call.
 */
import nunjucks from 'nunjucks';
import { fail } from '../failure.js';
import { mistralFunctions as m } from '../mistral-functions.js';
import { pyPercent } from '../format.js';
import { jsonDumps, pyRepr, pyStr } from '../pystr.js';
import { pyReplace, pyReplaceLength } from '../pytext.js';
import { hashKey, isDict, pyCompare } from '../values.js';
import { current } from './evaluation.js';
import { asList, attributeOf, collectionFilters, type Test } from './collections.js';
import { splitKwargs } from './methods.js';
import { namespace } from './namespace.js';
import { isSafeString } from './nunjucks.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

function bounded(name: string, limit: () => number, original: Fn, argIndex: number): Fn {
  return function (this: unknown, ...args: unknown[]) {
    // nunjucks' helpers coerce numeric strings ('999999999') too, in a loop: check what they will use.
    const n = Number(args[argIndex]);
    if (n > limit()) fail(`${name}: ${n} exceeds the evaluation limits`);
    return original.apply(this, args);
  };
}

/** Declares a string about to be built from `parts` joined by `sep`, before it is built. */
function declareJoined(parts: readonly string[], sep: string): void {
  const total = parts.reduce((n, p) => n + p.length, 0) + sep.length * Math.max(0, parts.length - 1);
  current().budget.string(total);
}

/** nunjucks' indent, after declaring its result: one indentation per line can add up past any limit. */
function indentFilter(original: Fn): Fn {
  return function (this: unknown, s: unknown, width: unknown = 4, ...rest: unknown[]) {
    const text = String(s ?? '');
    const lines = text.split('\n').length;
    current().budget.string(text.length + Math.max(0, Number(width) || 0) * lines);
    return original.call(this, s, width, ...rest);
  };
}

/** Jinja2's `replace(s, old, new, count)`: Python's str.replace, its result declared before it is built. */
function replaceFilter(s: unknown, old: unknown, replacement: unknown, ...rest: unknown[]): string {
  const [args, kw] = splitKwargs(rest);
  const count = kw.count ?? args[0];
  const n = typeof count === 'number' && Number.isInteger(count) ? count : -1;
  const [text, from, to] = [s, old, replacement].map((v) => (isSafeString(v) ? String(v) : pyStr(v))) as [
    string,
    string,
    string,
  ];
  current().budget.string(pyReplaceLength(text, from, to, n));
  return pyReplace(text, from, to, n);
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

/** Jinja2's `min`/`max`: strings compared case-insensitively unless `case_sensitive`, or by `attribute`. */
function extreme(sign: 1 | -1) {
  return (list: unknown, ...rest: unknown[]): unknown => {
    const [args, kw] = splitKwargs(rest);
    const caseSensitive = Boolean(kw.case_sensitive ?? args[0] ?? false);
    const attribute = (kw.attribute ?? args[1]) as string | undefined;
    const key = (x: unknown) => {
      const v = attribute ? attributeOf(x, attribute) : x;
      return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
    };
    const items = asList(list);
    if (items.length === 0) return undefined;
    return items.reduce((a, b) => (pyCompare(key(b), key(a)) * sign > 0 ? b : a));
  };
}

/** Jinja2's `filesizeformat`: decimal (kB, MB) or binary (KiB, MiB) prefixes, one decimal. */
function filesizeformat(value: unknown, binary: unknown = false): string {
  const bytes = Number(value);
  const base = binary ? 1024 : 1000;
  const prefixes = binary
    ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']
    : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  for (const [i, prefix] of prefixes.entries()) {
    unit = base ** (i + 2);
    if (bytes < unit || i === prefixes.length - 1) return `${((base * bytes) / unit).toFixed(1)} ${prefix}`;
  }
  return `${bytes} Bytes`;
}

/** Jinja2's `wordwrap` (Python's textwrap): greedy lines of at most `width`, long words broken. */
function wordwrap(s: unknown, width: unknown = 79, breakLong: unknown = true, wrap: unknown = '\n'): string {
  const w = Math.max(1, Number(width));
  const lines: string[] = [];
  let line = '';
  for (let word of String(s).split(/\s+/).filter(Boolean)) {
    while (breakLong !== false && word.length > w) {
      const room = line ? w - line.length - 1 : w;
      if (room <= 0) {
        lines.push(line);
        line = '';
        continue;
      }
      lines.push(line ? `${line} ${word.slice(0, room)}` : word.slice(0, room));
      line = '';
      word = word.slice(room);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= w) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  const sep = typeof wrap === 'string' ? wrap : '\n';
  declareJoined(lines, sep);
  return lines.join(sep);
}

const FILTERS: Record<string, Fn> = {
  string: (v) => pyStr(v),
  format: (template, ...args) =>
    pyPercent(String(template), splitKwargs(args)[0], current().budget.limits.maxStringLength),
  replace: replaceFilter,
  filesizeformat,
  wordwrap,
  pprint: (v) => pyRepr(v),
  count: (v) => (isDict(v) ? Object.keys(v).length : asList(v).length),
  ...collectionFilters((name) => testOf(name)),
  list: (v) => [...asList(v)],
  join: (list, ...rest) => {
    const [args, kw] = splitKwargs(rest);
    const sep = kw.d ?? args[0] ?? '';
    const attribute = kw.attribute ?? args[1];
    const items = asList(list).map((x) => (typeof attribute === 'string' ? attributeOf(x, attribute) : x));
    const parts = items.map((x) => (isSafeString(x) ? String(x) : pyStr(x)));
    declareJoined(parts, String(sep));
    return parts.join(String(sep));
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
  namespace,
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
  escaped: (v) => isSafeString(v),
  none: (v) => v === null,
  true: (v) => v === true,
  false: (v) => v === false,
  boolean: (v) => typeof v === 'boolean',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
};

/** Jinja2's tests that take an argument, and its symbolic aliases (`select('>', 4)`). */
const ARG_TESTS: Record<string, (v: unknown, other: unknown) => boolean> = {
  in: (v, seq) =>
    typeof seq === 'string'
      ? String(v) !== '' && seq.includes(String(v))
      : isDict(seq)
        ? Object.hasOwn(seq, String(v))
        : Array.isArray(seq) && seq.some((x) => pyCompare(x, v) === 0),
  '==': (a, b) => pyCompare(a, b) === 0,
  '!=': (a, b) => pyCompare(a, b) !== 0,
  '<': (a, b) => pyCompare(a, b) < 0,
  '<=': (a, b) => pyCompare(a, b) <= 0,
  '>': (a, b) => pyCompare(a, b) > 0,
  '>=': (a, b) => pyCompare(a, b) >= 0,
  filter: (name) => typeof name === 'string' && hasFilter(name),
  test: (name) => typeof name === 'string' && hasTest(name),
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
    indent: bounded('indent', maxChars, indentFilter(builtin.indent!), 1),
    center: bounded('center', maxChars, builtin.center!, 1),
    batch: bounded('batch', maxItems, builtin.batch!, 1),
    slice: bounded('slice', maxItems, builtin.slice!, 1),
    tojson: bounded('tojson', maxChars, FILTERS.tojson!, 1),
  };
  for (const [name, filter] of Object.entries(all)) e.addFilter(name, metered(filter));
  for (const [name, fn] of Object.entries(GLOBALS)) e.addGlobal(name, fn);
  const withTests = e as unknown as { addTest(name: string, test: (v: unknown) => boolean): void };
  for (const [name, test] of Object.entries(TESTS)) withTests.addTest(name, test);
  for (const [name, test] of Object.entries(ARG_TESTS))
    withTests.addTest(name, test as unknown as (v: unknown) => boolean);
  return e;
}

/** The one environment all Jinja expressions compile and render with. */
export const env: nunjucks.Environment = createEnvironment();

function testOf(name: string): Test {
  const tests = (env as unknown as { tests: Record<string, Test> }).tests;
  return Object.hasOwn(tests, name) ? (tests[name] as Test) : fail(`no test named '${name}'`);
}

export function hasFilter(name: string): boolean {
  return Object.hasOwn((env as unknown as { filters: object }).filters, name);
}

export function hasTest(name: string): boolean {
  return Object.hasOwn((env as unknown as { tests: object }).tests, name);
}
