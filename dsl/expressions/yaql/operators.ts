/**
 * The semantics of YAQL's eager operators (everything but `and`, `or` and `->`, which the evaluator handles
 * because their right side is lazy). They follow yaql's standard library, which is Python underneath:
 * - `+` adds numbers, concatenates strings and lists, merges dicts, unites sets; nothing else (`"a" + 1` fails);
 * - `*` multiplies numbers and repeats strings and lists (`"ab" * 2`);
 * - `/` floors when both sides are ints (`7 / 2 = 3`, `-7 / 2 = -4`) and divides otherwise (`7 / 2.0 = 3.5`);
 * - `mod` takes the sign of the divisor; division by zero is an error;
 * - comparisons order numbers, strings, lists and null (null is smallest); sets compare as subsets;
 * - `=` and `!=` are Python equality (`1 = 1.0`);
 * - `in` tests membership in a list or set, a substring in a string, or a key in a dict.
 * Sizes of built strings and lists are declared to the budget before they are allocated.
 */
import type { Budget } from '../budget.js';
import { fail } from '../failure.js';
import { pyRepeat } from '../pytext.js';
import { regexTest } from '../regex.js';
import {
  YaqlSet,
  isDict,
  isFloat,
  isInt,
  isNumber,
  makeNumber,
  num,
  pyCompare,
  pyEquals,
  typeName,
} from '../values.js';
import type { PyFloat } from '../values.js';
import type { BinaryOp } from './ast.js';

type Num = number | PyFloat;

function arithmetic(op: string, a: Num, b: Num): Num {
  const x = num(a);
  const y = num(b);
  const ints = !isFloat(a) && !isFloat(b);
  switch (op) {
    case '+':
      return makeNumber(x + y, ints);
    case '-':
      return makeNumber(x - y, ints);
    case '*':
      return makeNumber(x * y, ints);
    case '/':
      if (y === 0) return fail(ints ? 'integer division or modulo by zero' : 'float division by zero');
      return ints ? Math.floor(x / y) : makeNumber(x / y, false);
    default: {
      if (y === 0) return fail(ints ? 'integer division or modulo by zero' : 'float modulo');
      const r = x % y;
      return makeNumber(r !== 0 && r < 0 !== y < 0 ? r + y : r, ints);
    }
  }
}

function plus(a: unknown, b: unknown, budget: Budget): unknown {
  if (typeof a === 'string' && typeof b === 'string') {
    budget.string(a.length + b.length);
    return a + b;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    budget.collection(a.length + b.length);
    return a.concat(b);
  }
  if (a instanceof YaqlSet && b instanceof YaqlSet) return new YaqlSet([...a.items, ...b.items]);
  if (isDict(a) && isDict(b)) return { ...a, ...b };
  return undefined;
}

function times(a: unknown, b: unknown, budget: Budget): unknown {
  if ((typeof a === 'string' || Array.isArray(a)) && isInt(b)) return pyRepeat(a, b, budget);
  if (isInt(a) && (typeof b === 'string' || Array.isArray(b))) return pyRepeat(b, a, budget);
  return undefined;
}

function setOrder(op: string, a: YaqlSet, b: YaqlSet): boolean {
  const subset = a.items.every((x) => b.has(x));
  const superset = b.items.every((x) => a.has(x));
  switch (op) {
    case '<':
      return subset && a.size < b.size;
    case '<=':
      return subset;
    case '>':
      return superset && a.size > b.size;
    default:
      return superset;
  }
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (a instanceof YaqlSet && b instanceof YaqlSet) return setOrder(op, a, b);
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    // YAQL's ordering operators are defined for numbers, strings, sets and null, not for booleans.
    if (a !== null && b !== null) fail(`cannot compare ${typeName(a)} with ${typeName(b)}`);
  }
  const c = pyCompare(a, b);
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

export function contains(container: unknown, value: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, value));
  if (container instanceof YaqlSet) return container.has(value);
  if (typeof container === 'string') {
    if (typeof value !== 'string')
      return fail(`'in <string>' requires a string on the left, not ${typeName(value)}`);
    return container.includes(value);
  }
  if (isDict(container)) return typeof value === 'string' && Object.hasOwn(container, value);
  return fail(`'in' needs a collection on the right, not ${typeName(container)}`);
}

function regexMatch(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') {
    return fail(`=~ needs a string and a pattern, not ${typeName(a)} and ${typeName(b)}`);
  }
  return regexTest(b, a);
}

/** Applies an eager binary operator. */
export function binary(
  op: Exclude<BinaryOp, 'and' | 'or' | '->'>,
  a: unknown,
  b: unknown,
  budget: Budget,
): unknown {
  switch (op) {
    case '=':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case 'in':
      return contains(b, a);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, a, b);
    case '=~':
      return regexMatch(a, b);
    case '!~':
      return !regexMatch(a, b);
    default:
      break;
  }
  if (isNumber(a) && isNumber(b)) return arithmetic(op, a, b);
  const result = op === '+' ? plus(a, b, budget) : op === '*' ? times(a, b, budget) : undefined;
  if (result !== undefined) return result;
  return fail(`unsupported operand types for ${op}: ${typeName(a)} and ${typeName(b)}`);
}

/** Applies `-x` or `+x` (numbers only). */
export function unaryNumeric(op: '-' | '+', v: unknown): unknown {
  if (!isNumber(v)) return fail(`bad operand type for unary ${op}: ${typeName(v)}`);
  return op === '+' ? v : makeNumber(-num(v), !isFloat(v));
}
