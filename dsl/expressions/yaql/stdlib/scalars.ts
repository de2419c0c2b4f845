/**
 * YAQL standard library: scalars. Conversions (`int`, `float`, `str`, `bool`), arithmetic helpers (`abs`,
 * `round`, `pow`, `sign`, two-argument `max`/`min`), type tests (`isString`, `isList`...), branching
 * (`switch`, `coalesce`, `selectCase`, `switchCase`, function-form `not`), and context binding (`let`, `with`,
 * used as `let(x => 1) -> $x + 1`). Semantics follow yaql's `math.py`, `boolean.py`, `branching.py`,
 * `system.py` and `strings.py` (for `str`).
 */
import { fail } from '../../failure.js';
import { yaqlStr } from '../../pystr.js';
import {
  PyFloat,
  YaqlSet,
  isDict,
  isFloat,
  isInt,
  isNumber,
  makeFloat,
  makeNumber,
  num,
  pyCompare,
  truthy,
  typeName,
} from '../../values.js';
import { LetContext } from '../invocation.js';
import type { FunctionTable, Invocation } from '../invocation.js';
import { argIs, int, isIterable, number, numberValue } from './args.js';

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf(inity)?|nan)\s*$/i;

function toInt(inv: Invocation): number {
  inv.arity(1, 1);
  const v = inv.value(0);
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumber(v)) {
    const n = num(v);
    if (!Number.isFinite(n)) return fail(`cannot convert ${n} to an integer`);
    return Math.trunc(n);
  }
  if (typeof v === 'string' && INT_TEXT.test(v)) return parseInt(v.trim(), 10);
  return fail(`invalid literal for int(): ${typeof v === 'string' ? `'${v}'` : typeName(v)}`);
}

function toFloat(inv: Invocation): number | PyFloat {
  inv.arity(1, 1);
  const v = inv.value(0);
  if (v === null) return new PyFloat(0);
  if (typeof v === 'boolean') return new PyFloat(v ? 1 : 0);
  if (isNumber(v)) return makeFloat(num(v));
  if (typeof v === 'string' && FLOAT_TEXT.test(v)) {
    const t = v
      .trim()
      .toLowerCase()
      .replace(/^([+-]?)inf(inity)?$/, '$1Infinity');
    return makeFloat(t.endsWith('nan') ? NaN : Number(t));
  }
  return fail(`could not convert ${typeof v === 'string' ? `'${v}'` : typeName(v)} to float`);
}

/** Python's round(): to `digits` decimals, ties to even. */
function round(inv: Invocation): number | PyFloat {
  inv.arity(1, 2, ['ndigits']);
  const v = number(inv, 0);
  const digits = inv.option(1, 'ndigits', 0);
  if (!isInt(digits)) return fail('round() expects an integer number of digits');
  const x = num(v);
  const factor = 10 ** digits;
  const scaled = x * factor;
  let r = Math.round(scaled);
  if (Math.abs(scaled % 1) === 0.5 && r % 2 !== 0) r -= 1;
  return makeNumber(r / factor, !isFloat(v));
}

function pow(inv: Invocation): number | PyFloat {
  inv.arity(2, 3);
  const a = number(inv, 0);
  const b = number(inv, 1);
  const modulo = inv.count > 2 ? inv.value(2) : null;
  const ints = !isFloat(a) && !isFloat(b);
  if (modulo !== null) {
    if (!ints || !isInt(modulo) || num(b) < 0) return fail('pow() with a modulo needs non-negative integers');
    if (modulo === 0) return fail('pow() 3rd argument cannot be 0');
    let result = 1n;
    let base = BigInt(num(a)) % BigInt(modulo);
    for (let e = BigInt(num(b)); e > 0n; e >>= 1n) {
      if (e & 1n) result = (result * base) % BigInt(modulo);
      base = (base * base) % BigInt(modulo);
    }
    return Number(((result % BigInt(modulo)) + BigInt(modulo)) % BigInt(modulo));
  }
  const r = num(a) ** num(b);
  return makeNumber(r, ints && num(b) >= 0);
}

/** Two-argument max/min (the collection forms live with the queries). */
function pairwise(pick: 'max' | 'min') {
  return (inv: Invocation): unknown => {
    inv.arity(2, 2);
    const a = inv.value(0);
    const b = inv.value(1);
    const c = pyCompare(b, a);
    return (pick === 'max' ? c > 0 : c < 0) ? b : a;
  };
}

function switchFn(inv: Invocation): unknown {
  for (const m of inv.mappings()) if (truthy(inv.evaluate(m.key))) return inv.evaluate(m.value);
  if (inv.count > 0) fail('switch() takes only condition => value arguments');
  return null;
}

function coalesce(inv: Invocation): unknown {
  inv.arity(0, Infinity);
  for (let i = 0; i < inv.count; i++) {
    const v = inv.value(i);
    if (v !== null) return v;
  }
  return null;
}

function selectCase(inv: Invocation): number {
  inv.arity(0, Infinity);
  for (let i = 0; i < inv.count; i++) if (truthy(inv.value(i))) return i;
  return inv.count;
}

function switchCase(inv: Invocation): unknown {
  inv.arity(1, Infinity);
  const index = int(inv, 0);
  const cases = inv.count - 1;
  if (cases === 0) return null;
  return inv.value(index >= 0 && index < cases ? index + 1 : cases);
}

/** `let(1, 2, a => 3) -> $1 + $2 + $a`; `with(...)` is the positional-only form. */
function letFn(inv: Invocation): LetContext {
  const positional: unknown[] = [];
  for (let i = 0; i < inv.count; i++) positional.push(inv.value(i));
  const named = new Map<string, unknown>();
  for (const m of inv.mappings()) {
    const key = inv.evaluate(m.key);
    if (typeof key !== 'string') return fail(`${inv.name}() names must be strings, got ${typeName(key)}`);
    named.set(key, inv.evaluate(m.value));
  }
  return new LetContext(positional, named);
}

function test(predicate: (v: unknown) => boolean) {
  return (inv: Invocation): boolean => {
    inv.arity(1, 1);
    return predicate(inv.value(0));
  };
}

export const scalarFunctions: FunctionTable = {
  int: toInt,
  float: toFloat,
  bool: test(truthy),
  not: test((v) => !truthy(v)),
  str: (inv) => {
    inv.arity(1, 1);
    const s = yaqlStr(inv.value(0));
    inv.rt.budget.string(s.length);
    return s;
  },
  abs: (inv) => {
    inv.arity(1, 1);
    const v = number(inv, 0);
    return makeNumber(Math.abs(num(v)), !isFloat(v));
  },
  round,
  pow,
  sign: (inv) => {
    inv.arity(1, 1);
    return Math.sign(numberValue(inv, 0)) || 0;
  },
  max: [{ when: (inv) => !argIs.iterable(0)(inv), run: pairwise('max') }],
  min: [{ when: (inv) => !argIs.iterable(0)(inv), run: pairwise('min') }],
  random: (inv) => {
    inv.arity(0, 2);
    if (inv.count === 0) return Math.random();
    const lo = int(inv, 0);
    const hi = int(inv, 1);
    return lo + Math.floor(Math.random() * (hi - lo + 1));
  },
  isInteger: test(isInt),
  isNumber: test(isNumber),
  isString: test((v) => typeof v === 'string'),
  isBoolean: test((v) => typeof v === 'boolean'),
  isList: test(Array.isArray),
  isDict: test(isDict),
  isSet: test((v) => v instanceof YaqlSet),
  isIterable: test(isIterable),
  switch: switchFn,
  coalesce,
  selectCase,
  switchCase,
  let: letFn,
  with: (inv) => {
    inv.arity(0, Infinity);
    return letFn(inv);
  },
};
