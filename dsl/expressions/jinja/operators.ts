/**
 * Python semantics for Jinja's `+`, `*`, `%` and `~`, which nunjucks compiles to JavaScript operators: there
 * `'ab' * 3` and `'%s' % x` are NaN, `[1] + [2]` is the string "1,2" and `-7 % 3` is -1. In Jinja2 (Python):
 * - `+` adds numbers and concatenates two strings or two lists; anything else is a TypeError;
 * - `*` multiplies numbers and repeats a string or list by an int (`'ab' * 3`, `3 * [0]`);
 * - `%` is the modulo of numbers (the sign of the divisor) or printf-style formatting of a string (`format.ts`):
 *   a tuple written on the right (`'%s-%d' % (a, b)`) gives the arguments, any other value is the one argument;
 * - `~` joins both sides rendered with `str()`.
 * Strings and lists are declared to the budget before they are built, so a huge repetition or a doubling loop
 * fails with the budget's error instead of JavaScript's "Invalid string length".
 *
 * `(a, b)` is a tuple (nunjucks compiles it to JavaScript's comma operator, which keeps only `b`); once it
 * leaves Jinja a tuple is a list, so at run time the two are the same and only the syntax of the right side of
 * `%` tells a tuple of arguments from a list to format (`'%s' % _.list` renders the list, as in Python).
 */
import { pyPercent } from '../format.js';
import { fail } from '../failure.js';
import { pyStr, renderedLengthOver } from '../pystr.js';
import { pyRepeat } from '../pytext.js';
import { isDict } from '../values.js';
import { current } from './evaluation.js';
import { isSafeString, nodeClass } from './nunjucks.js';
import type { CompileMethod, NjNode } from './nunjucks.js';

/** A parenthesized tuple `(a, b)`: compiled as a list, marked so that `%` knows its arguments. */
export const TupleNode = nodeClass('Array').extend('Tuple');
/** `%` with whether its right side is a tuple written in the template. */
export const PyModNode = nodeClass('Mod').extend('PyMod');

/** Python's type name, for TypeError-like messages. */
function pyType(v: unknown): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isDict(v)) return 'dict';
  return typeof v === 'function' ? 'function' : 'object';
}

/** The operand as Python sees it: markup as a string, booleans as the ints they are; undefined fails. */
function operand(v: unknown): unknown {
  if (v === undefined) return fail(current().missing ?? 'an undefined value was used in an operation');
  if (isSafeString(v)) return String(v);
  return typeof v === 'boolean' ? Number(v) : v;
}

function unsupported(op: string, a: unknown, b: unknown): never {
  return fail(`unsupported operand type(s) for ${op}: '${pyType(a)}' and '${pyType(b)}'`);
}

function concatStrings(a: string, b: string): string {
  current().budget.string(a.length + b.length);
  return a + b;
}

function concatLists(a: readonly unknown[], b: readonly unknown[]): unknown[] {
  current().budget.collection(a.length + b.length);
  return [...a, ...b];
}

export function pyAdd(left: unknown, right: unknown): unknown {
  const a = operand(left);
  const b = operand(right);
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string')
    return typeof b === 'string'
      ? concatStrings(a, b)
      : fail(`can only concatenate str (not "${pyType(b)}") to str`);
  if (Array.isArray(a))
    return Array.isArray(b)
      ? concatLists(a, b)
      : fail(`can only concatenate list (not "${pyType(b)}") to list`);
  return unsupported('+', a, b);
}

function repeat(seq: string | readonly unknown[], times: unknown): string | unknown[] {
  if (typeof times !== 'number' || !Number.isInteger(times))
    return fail(`can't multiply sequence by non-int of type '${pyType(times)}'`);
  return pyRepeat(seq, times, current().budget);
}

export function pyMul(left: unknown, right: unknown): unknown {
  const a = operand(left);
  const b = operand(right);
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (typeof a === 'string' || Array.isArray(a)) return repeat(a, b);
  if (typeof b === 'string' || Array.isArray(b)) return repeat(b, a);
  return unsupported('*', a, b);
}

/** Python's modulo: the result takes the sign of the divisor (`-7 % 3 == 2`). */
function modulo(x: number, y: number): number {
  if (y === 0)
    return fail(
      Number.isInteger(x) && Number.isInteger(y) ? 'integer division or modulo by zero' : 'float modulo',
    );
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

export function pyMod(left: unknown, right: unknown, tuple: boolean): unknown {
  const a = operand(left);
  if (typeof a === 'string') {
    const value = isSafeString(right) ? String(right) : right;
    if (value === undefined) return operand(value);
    const args = tuple && Array.isArray(value) ? value : [value];
    return pyPercent(a, args, current().budget.limits.maxStringLength);
  }
  const b = operand(right);
  if (typeof a === 'number' && typeof b === 'number') return modulo(a, b);
  return unsupported('%', a, b);
}

export function pyConcat(left: unknown, right: unknown): string {
  return concatStrings(renderStr(left), renderStr(right));
}

/**
 * Python's `str()` of a value about to be rendered. A container is measured first: a list holding one long
 * string many times renders far past the limit (or past what JavaScript can hold) before any check could run.
 */
export function renderStr(v: unknown): string {
  if (isSafeString(v)) return String(v);
  const max = current().budget.limits.maxStringLength;
  if (typeof v === 'object' && v !== null && renderedLengthOver(v, max))
    return fail(`rendering this value would exceed maxStringLength (${max})`);
  return pyStr(v);
}

function binary(helper: string, extra = ''): CompileMethod {
  return function (node, frame) {
    this._emit(`runtime.${helper}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(`${extra})`);
  };
}

/** Rewrites `(a, b)` into a tuple node and `%` into one that knows whether its right side is a tuple. */
export function pythonizeOperator(node: NjNode): NjNode | undefined {
  const n = node as NjNode & Record<string, unknown>;
  if (n.typename === 'Group' && (n.children as unknown[]).length !== 1) {
    // `()` is Python's empty tuple, `(a, b)` a tuple; only `(a)` is a parenthesized expression.
    return new TupleNode(n.lineno, n.colno, n.children);
  }
  if (n.typename === 'Mod') {
    const mod = new PyModNode(n.lineno, n.colno, n.left, n.right);
    (mod as unknown as { tuple: boolean }).tuple = (n.right as NjNode).typename === 'Tuple';
    return mod;
  }
  return undefined;
}

/** Compile methods for the operators and the node classes above. */
export const operatorCompileMethods: Readonly<Record<string, CompileMethod>> = {
  compileAdd: binary('pyAdd'),
  compileMul: binary('pyMul'),
  compileConcat: binary('pyConcat'),
  compilePyMod(node, frame) {
    binary('pyMod', (node as unknown as { tuple: boolean }).tuple ? ', true' : ', false').call(
      this,
      node,
      frame,
    );
  },
  compileTuple(node, frame) {
    (this as unknown as { compileArray: CompileMethod }).compileArray.call(this, node, frame);
  },
};

/** The runtime helpers the compile methods above call. */
export const operatorRuntime = { pyAdd, pyMul, pyMod, pyConcat };
