/**
 * Text renderings of values, the way Mistral's Python would produce them:
 * - `pyStr` is Python's `str()`: what an expression becomes inside mixed text (`"n=<% $.n %>"`, `"{{ x }}!"`),
 *   so `null` renders as `None`, `true` as `True`, a dict as `{'a': 1}` and the float 3.0 as `3.0`;
 * - `yaqlStr` is YAQL's `str()` function, identical except for the scalars `null`, `true` and `false`;
 * - `jsonDumps` is Python's `json.dumps` (used by `json_dump`, `tojson`): `", "` and `": "` separators, ASCII only;
 * - `preview` is a bounded rendering for error messages.
 */
import { InternalValue, PyFloat, YaqlSet, isDict, typeName } from './values.js';

/** Python's `repr()` of a float. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    // Python writes exponents with at least two digits: 1e-05, 1.5e+16.
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  if (Number.isInteger(n)) return Object.is(n, -0) ? '-0.0' : `${n}.0`;
  return String(n);
}

/** Python's `str()` of an int (exact digits even above 1e21, where JavaScript switches to exponents). */
function pyIntStr(n: number): string {
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}

function numberStr(v: number | PyFloat): string {
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  return Number.isInteger(v) ? pyIntStr(v) : pyFloatRepr(v);
}

const REPR_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** Python's `repr()` of a string: single quotes unless the text contains one and no double quote. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  // One replace over the text (not a character at a time), so a long string stays one flat string.
  // eslint-disable-next-line no-control-regex -- the control characters are what repr() escapes
  const escaped = s.replace(/[\\\n\r\t\x00-\x1f\x7f'"]/g, (ch) => {
    if (ch === quote) return `\\${quote}`;
    if (ch === "'" || ch === '"') return ch;
    return REPR_ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return quote + escaped + quote;
}

/**
 * Whether `str()` of `v` would be longer than `limit`, estimated from the strings inside containers (numbers
 * and punctuation count a few characters); stops as soon as it is. Lets callers refuse to render a list that holds one huge string many times before building it.
 */
export function renderedLengthOver(v: unknown, limit: number): boolean {
  let total = 0;
  const walk = (x: unknown, depth: number): boolean => {
    total += typeof x === 'string' ? x.length + 2 : 4;
    if (total > limit || depth > 100) return total > limit;
    const items = Array.isArray(x) ? x : isDict(x) ? [...Object.keys(x), ...Object.values(x)] : [];
    return items.some((item) => walk(item, depth + 1));
  };
  return walk(v, 0);
}

/** Python's `repr()`: strings quoted, containers with their elements' repr. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof YaqlSet) return v.size === 0 ? 'set()' : `{${v.items.map(pyRepr).join(', ')}}`;
  if (isDict(v)) {
    const parts = Object.keys(v).map((k) => `${pyStrRepr(k)}: ${pyRepr(v[k])}`);
    return `{${parts.join(', ')}}`;
  }
  return pyStr(v);
}

/** Python's `str()`. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'True' : 'False';
    case 'number':
      return numberStr(v);
    case 'function':
      return '<function>';
    default:
      break;
  }
  if (v instanceof PyFloat) return numberStr(v);
  if (v instanceof InternalValue) return `<${v.describe()}>`;
  if (Array.isArray(v) || v instanceof YaqlSet || isDict(v)) return pyRepr(v);
  return String(v);
}

/** YAQL's `str()`: like Python's, but `null`, `true` and `false` keep their YAQL spelling. */
export function yaqlStr(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return pyStr(v);
}

export interface JsonDumpsOptions {
  /** Pretty-print with this many spaces (Python's `indent`). */
  indent?: number;
  sortKeys?: boolean;
}

function jsonString(s: string): string {
  // Python's default ensure_ascii=True escapes everything outside ASCII.
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function jsonNumber(v: number | PyFloat): string {
  const n = v instanceof PyFloat ? v.value : v;
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return numberStr(v);
}

/** Python's `json.dumps(value, indent=..., sort_keys=...)`. */
export function jsonDumps(value: unknown, options: JsonDumpsOptions = {}): string {
  const { indent, sortKeys = false } = options;
  const write = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number' || v instanceof PyFloat) return jsonNumber(v);
    if (typeof v === 'string') return jsonString(v);
    let items: string[];
    let open: string;
    let close: string;
    if (Array.isArray(v) || v instanceof YaqlSet) {
      const list: readonly unknown[] = Array.isArray(v) ? v : v.items;
      items = list.map((x) => write(x, depth + 1));
      [open, close] = ['[', ']'];
    } else if (isDict(v)) {
      const keys = Object.keys(v);
      if (sortKeys) keys.sort();
      items = keys.map((k) => `${jsonString(k)}: ${write(v[k], depth + 1)}`);
      [open, close] = ['{', '}'];
    } else {
      throw new TypeError(`Object of type ${typeName(v)} is not JSON serializable`);
    }
    if (items.length === 0) return open + close;
    if (indent === undefined) return open + items.join(', ') + close;
    const pad = '\n' + ' '.repeat(indent * (depth + 1));
    return `${open}${pad}${items.join(',' + pad)}\n${' '.repeat(indent * depth)}${close}`;
  };
  return write(value, 0);
}

/** A bounded, JSON-like rendering of any value for error messages; never throws. */
export function preview(value: unknown, max = 300): string {
  let out = '';
  const push = (s: string): boolean => {
    out += s;
    return out.length <= max;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (depth > 20) return push('...');
    if (Array.isArray(v)) {
      if (!push('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !push(', ')) || !walk(v[i], depth + 1)) return false;
      return push(']');
    }
    if (isDict(v)) {
      if (!push('{')) return false;
      let first = true;
      for (const k of Object.keys(v)) {
        if ((!first && !push(', ')) || !push(`${JSON.stringify(k)}: `) || !walk(v[k], depth + 1))
          return false;
        first = false;
      }
      return push('}');
    }
    if (typeof v === 'string') return push(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    if (v === undefined || v === null) return push('null');
    if (typeof v === 'boolean' || typeof v === 'number') return push(String(v));
    return push(v instanceof PyFloat ? pyFloatRepr(v.value) : `<${typeName(v)}>`);
  };
  walk(value, 0);
  return out.length > max ? `${out.slice(0, max)}...` : out;
}
