/**
 * Python's `str.format`, behind YAQL's `format()` (`"{0} of {total}".format($.n, total => 3)`) and the
 * `.format()` method offered on strings in Jinja. Supported: automatic (`{}`), positional (`{0}`) and named
 * (`{name}`) fields, `[key]` and `.key` lookups into an argument, `!s`/`!r` conversions, `{{`/`}}` escapes, and
 * the format mini-language `[[fill]align][sign][#][0][width][,|_][.precision][type]` for strings and numbers.
 * Nested replacement fields inside a format spec are not supported.
 */
import { fail } from './failure.js';
import { pyFloatRepr, pyRepr, pyStr } from './pystr.js';
import { MISSING, isDict, isFloat, isNumber, num, ownGet, typeName } from './values.js';

const SPEC = /^(?:([\s\S])?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

interface Spec {
  fill: string;
  align: string | undefined;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  group: string | undefined;
  precision: number | undefined;
  type: string | undefined;
}

function parseSpec(text: string, maxLength: number): Spec {
  const m = SPEC.exec(text);
  if (!m) return fail(`invalid format specifier '${text}'`);
  const width = m[6] ? Number(m[6]) : 0;
  if (width > maxLength) fail(`format width ${width} exceeds maxStringLength (${maxLength})`);
  return {
    fill: m[1] ?? (m[5] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[5] ? '=' : undefined),
    sign: m[3] ?? '-',
    alt: m[4] !== undefined,
    zero: m[5] !== undefined,
    width,
    group: m[7],
    precision: m[8] === undefined ? undefined : Number(m[8]),
    type: m[9],
  };
}

function pad(body: string, prefix: string, spec: Spec, defaultAlign: string): string {
  const length = [...prefix].length + [...body].length;
  const missing = Math.max(0, spec.width - length);
  const fill = spec.fill.repeat(missing);
  switch (spec.align ?? defaultAlign) {
    case '<':
      return prefix + body + fill;
    case '^': {
      const left = spec.fill.repeat(Math.floor(missing / 2));
      return left + prefix + body + spec.fill.repeat(missing - Math.floor(missing / 2));
    }
    case '=':
      return prefix + fill + body;
    default:
      return fill + prefix + body;
  }
}

function group(digits: string, sep: string | undefined): string {
  if (!sep) return digits;
  const [int = '', frac] = digits.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** JavaScript's toFixed/toExponential stop at 100 digits (Python does not; longer precisions are refused). */
const MAX_DIGITS = 100;

function digits(n: number): number {
  if (n > MAX_DIGITS) fail(`a precision of ${n} digits is not supported (at most ${MAX_DIGITS})`);
  return n;
}

function fixed(x: number, precision: number): string {
  return x.toFixed(digits(precision));
}

function exponent(x: number, precision: number): string {
  return x.toExponential(digits(precision)).replace(/e([+-])(\d)$/, 'e$10$2');
}

function general(x: number, precision: number | undefined, alt: boolean): string {
  const p = precision === undefined ? 6 : Math.max(precision, 1);
  if (x === 0) return alt ? fixed(0, p - 1) : '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  const strip = (s: string): string => (alt ? s : s.replace(/\.?0+(?=e|$)/, ''));
  if (exp >= -4 && exp < p) return strip(fixed(x, Math.max(0, p - 1 - exp)));
  return strip(exponent(x, p - 1));
}

function codePoint(x: number): string {
  if (x < 0 || x > 0x10ffff) fail('%c arg not in range(0x110000)');
  return String.fromCodePoint(x);
}

function formatNumber(v: unknown, spec: Spec): string {
  const x = num(v as number);
  const float = isFloat(v);
  const t = spec.type;
  let body: string;
  let prefix = '';
  if (t === 'd' || t === 'b' || t === 'o' || t === 'x' || t === 'X' || t === 'c') {
    if (float) fail(`unknown format code '${t}' for a float`);
    if (t === 'c') return pad(codePoint(x), '', spec, '<');
    const radix = t === 'b' ? 2 : t === 'o' ? 8 : t === 'd' ? 10 : 16;
    body = Math.abs(x).toString(radix);
    if (t === 'X') body = body.toUpperCase();
    if (spec.alt && radix !== 10) prefix = t === 'b' ? '0b' : t === 'o' ? '0o' : t === 'X' ? '0X' : '0x';
  } else if (t === 'f' || t === 'F') body = fixed(Math.abs(x), spec.precision ?? 6);
  else if (t === 'e' || t === 'E') body = exponent(Math.abs(x), spec.precision ?? 6);
  else if (t === 'g' || t === 'G' || t === 'n') body = general(Math.abs(x), spec.precision, spec.alt);
  else if (t === '%') body = `${fixed(Math.abs(x) * 100, spec.precision ?? 6)}%`;
  else if (spec.precision !== undefined && float) body = general(Math.abs(x), spec.precision, true);
  else body = float ? pyFloatRepr(Math.abs(x)) : String(Math.abs(x));
  if (t === 'E' || t === 'G' || t === 'F') body = body.toUpperCase();
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  return pad(group(body, spec.group), sign + prefix, spec, '>');
}

function formatValue(v: unknown, specText: string, maxLength: number): string {
  if (specText === '') return pyStr(v);
  const spec = parseSpec(specText, maxLength);
  if (isNumber(v) || (typeof v === 'boolean' && spec.type !== undefined && spec.type !== 's')) {
    return formatNumber(typeof v === 'boolean' ? Number(v) : v, spec);
  }
  if (spec.type !== undefined && spec.type !== 's')
    fail(`unknown format code '${spec.type}' for ${typeName(v)}`);
  let text = pyStr(v);
  if (spec.precision !== undefined) text = [...text].slice(0, spec.precision).join('');
  return pad(text, '', spec, '<');
}

/** Follows `.key` and `[key]` accessors after the first part of a field name. */
function access(value: unknown, path: string, field: string): unknown {
  let v = value;
  const re = /\.([^.[]+)|\[([^\]]+)\]/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(path)) !== null) {
    consumed = re.lastIndex;
    const key = m[1] ?? m[2] ?? '';
    if (Array.isArray(v) && /^\d+$/.test(key)) {
      const item: unknown = v[Number(key)];
      v = item === undefined ? fail(`index ${key} out of range in '{${field}}'`) : item;
    } else if (isDict(v)) {
      const item = ownGet(v, key);
      v = item === MISSING ? fail(`key '${key}' not found in '{${field}}'`) : item;
    } else {
      fail(`cannot look up '${key}' in ${typeName(v)} in '{${field}}'`);
    }
  }
  if (consumed !== path.length) fail(`invalid field '{${field}}'`);
  return v;
}

/** `template.format(*args, **kwargs)`; results longer than `maxLength` are refused. */
export function pyFormat(
  template: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  maxLength = Infinity,
): string {
  let out = '';
  let auto = 0;
  let manual = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '}') {
      if (template[i + 1] !== '}') fail("single '}' encountered in format string");
      out += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      out += c;
      i++;
      continue;
    }
    if (template[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    const close = template.indexOf('}', i);
    if (close < 0) fail("single '{' encountered in format string");
    const field = template.slice(i + 1, close);
    const m = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]+\])*)(?:!([rsa]))?(?::([\s\S]*))?$/.exec(field);
    if (!m) fail(`invalid field '{${field}}'`);
    const [, head = '', path = '', conversion, spec = ''] = m;
    let value: unknown;
    if (head === '' || /^\d+$/.test(head)) {
      if ((head === '' && manual) || (head !== '' && auto > 0)) {
        fail('cannot switch between automatic and manual field numbering');
      }
      const index = head === '' ? auto++ : Number(head);
      if (head !== '') manual = true;
      if (index >= args.length)
        fail(`replacement index ${index} out of range for ${args.length} argument(s)`);
      value = args[index];
    } else {
      if (!Object.hasOwn(kwargs, head)) fail(`no argument named '${head}'`);
      value = kwargs[head];
    }
    value = access(value, path, field);
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    out += formatValue(value, spec, maxLength);
    if (out.length > maxLength) fail(`formatted string exceeds maxStringLength (${maxLength})`);
    i = close + 1;
  }
  return out;
}

const PERCENT = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g;

/** One `%` conversion, rendered through the `str.format` mini-language above. */
function percentField(
  v: unknown,
  flags: string,
  width: number | undefined,
  precision: string | undefined,
  type: string,
  maxLength: number,
): string {
  // A negative `*` width left-aligns, as the `-` flag does.
  const left = flags.includes('-') || (width !== undefined && width < 0);
  const align = left ? '<' : '';
  const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const zero = flags.includes('0') && !align ? '0' : '';
  const alt = flags.includes('#') ? '#' : '';
  const size = `${width === undefined ? '' : Math.abs(width)}${precision !== undefined ? `.${precision}` : ''}`;
  if (type === 's' || type === 'r' || type === 'a') {
    const text = type === 's' ? pyStr(v) : pyRepr(v);
    return formatValue(text, `${align}${size}`, maxLength);
  }
  if (typeof v === 'string') return fail(`%${type} format: a number is required, not str`);
  const code = type === 'i' || type === 'u' ? 'd' : type;
  const value = code === 'd' && isFloat(v) ? Math.trunc(num(v as number)) : v;
  return formatValue(value, `${align}${sign}${alt}${zero}${size}${code}`, maxLength);
}

function starArgument(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : fail('* wants int');
}

/**
 * Python's `template % args` (printf-style), behind Jinja's `%` operator and `format` filter: `%s`, `%r`, `%d`,
 * `%5.2f`, `%x`, `%*d`, `%(name)s` with a dict, `%%`. Each conversion is rendered through the `str.format`
 * mini-language above; widths and the result are checked against `maxLength` before they are built.
 */
export function pyPercent(template: string, args: readonly unknown[], maxLength = Infinity): string {
  const named = args.length === 1 && isDict(args[0]) ? args[0] : undefined;
  let next = 0;
  let length = template.length;
  const take = (): unknown => {
    if (next >= args.length) fail('not enough arguments for format string');
    return args[next++];
  };
  const out = template.replace(
    PERCENT,
    (_m, name: string | undefined, flags: string, width?: string, precision?: string, type?: string) => {
      if (type === '%') return '%';
      const w = width === '*' ? starArgument(take()) : width === undefined ? undefined : Number(width);
      const p = precision === '*' ? String(Math.max(0, starArgument(take()))) : precision;
      let v: unknown;
      if (name !== undefined) {
        if (!named) return fail('format requires a mapping');
        v = ownGet(named, name);
        if (v === MISSING) return fail(`KeyError: '${name}'`);
      } else v = take();
      const piece = percentField(v, flags, w, p, type ?? 's', maxLength);
      // Many wide fields could add up past what a JavaScript string can hold: stop before joining them.
      length += piece.length;
      if (length > maxLength) fail(`formatted string exceeds maxStringLength (${maxLength})`);
      return piece;
    },
  );
  if (next < args.length && !named) fail('not all arguments converted during string formatting');
  return out;
}
