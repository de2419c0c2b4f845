/**
 * The runtime our compiled Jinja templates run with: nunjucks' runtime with the helpers that touch values
 * replaced.
 * - Member lookup reads only own properties of plain dicts, list indexes (negative ones too, as in Python) and
 *   a few Python-style methods (`methods.ts`); it refuses `constructor`, `__proto__` and `prototype` and never
 *   exposes properties of functions, which closes the classic `range.constructor("return process")()` escape.
 * - Variable lookup sees only the names we put in the context and the environment's globals, not inherited
 *   `Object.prototype` members.
 * - Output goes through Python's `str()` (None, True, {'a': 1}), or, for a single `{{ expression }}`, is
 *   captured as a typed value instead of being rendered.
 * - Conditions use Python truthiness (`pyTruthy`, `pyOr`, `pyAnd`; see `truthiness.ts`).
 * - Every helper ticks the evaluation's budget, so loops and recursion are bounded by the deadline.
 */
import { EvalFailure, fail } from '../failure.js';
import { FORBIDDEN_KEYS, isDict, truthy } from '../values.js';
import { current, undefinedBecause as undefinedValue } from './evaluation.js';
import { pythonMethod } from './methods.js';
import { pySetAttr } from './namespace.js';
import { operatorRuntime, renderStr } from './operators.js';
import { isSafeString, njRuntime } from './nunjucks.js';
import type { NjContext, NjFrame, NjRuntime } from './nunjucks.js';

function describe(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'list object';
  if (typeof v === 'string') return 'str object';
  if (isDict(v)) return 'dict object';
  return `${typeof v} object`;
}

function lookupMember(obj: unknown, key: unknown): unknown {
  if (obj === undefined) return undefinedValue(current().missing ?? `'${String(key)}' is undefined`);
  if (typeof key === 'string' && FORBIDDEN_KEYS.has(key))
    throw new EvalFailure(`access to '${key}' is not allowed`);
  if (obj === null) return undefinedValue(`'None' has no attribute '${String(key)}'`);
  if (typeof obj === 'function') throw new EvalFailure(`cannot read '${String(key)}' of a function`);
  const value = isSafeString(obj) ? String(obj) : obj;
  if (Array.isArray(value) || typeof value === 'string') {
    if (typeof key === 'number' && Number.isInteger(key)) {
      const i = key < 0 ? key + value.length : key;
      if (i >= 0 && i < value.length) return value[i];
      return undefinedValue(`${describe(value)} has no element ${key}`);
    }
    // groupby's (grouper, list) tuples also read as `.grouper` and `.list` (own, non-enumerable properties).
    if (Array.isArray(value) && (key === 'grouper' || key === 'list') && Object.hasOwn(value, key))
      return (value as unknown as Record<string, unknown>)[key];
  } else if (isDict(value)) {
    if (typeof key === 'string' && Object.hasOwn(value, key)) {
      const v = value[key];
      // Functions inside dicts only come from nunjucks helpers (cycler(), joiner()); keep their `this`.
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(value) : v;
    }
  }
  const method = typeof key === 'string' ? pythonMethod(value, key) : undefined;
  if (method) return method;
  return undefinedValue(`'${describe(value)}' has no attribute '${String(key)}'`);
}

function lookupName(context: NjContext, frame: NjFrame, name: string): unknown {
  current().budget.tick();
  const local = frame.lookup(name);
  if (local !== undefined) return local;
  if (Object.hasOwn(context.ctx, name)) return context.ctx[name];
  const globals = context.env.globals;
  if (Object.hasOwn(globals, name)) return globals[name];
  return undefinedValue(`'${name}' is undefined`);
}

function callValue(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  const e = current();
  e.budget.tick();
  if (typeof fn !== 'function') {
    return fail(fn === undefined ? (e.missing ?? `'${name}' is undefined`) : `'${name}' is not callable`);
  }
  return (fn as (...a: unknown[]) => unknown).apply(context, args);
}

function output(value: unknown): unknown {
  const e = current();
  e.budget.tick();
  if (e.capture) {
    e.captured = value;
    return '';
  }
  if (value === undefined) return fail(e.missing ?? 'an undefined value was rendered');
  const text = renderStr(value);
  e.budget.string(text.length);
  return text;
}

function iterate(value: unknown): unknown {
  const e = current();
  e.budget.tick();
  e.budget.checkClock();
  if (value === undefined) return fail(e.missing ?? 'cannot loop over an undefined value');
  return njRuntime.fromIterator(value);
}

/** Python truthiness, for conditions compiled by `truthiness.ts`. */
function pyTruthy(value: unknown): boolean {
  return truthy(isSafeString(value) ? String(value) : value);
}

export const safeRuntime: NjRuntime = {
  ...njRuntime,
  memberLookup: (obj, key) => {
    current().budget.tick();
    return lookupMember(obj, key);
  },
  contextOrFrameLookup: lookupName,
  callWrap: callValue,
  suppressValue: output,
  fromIterator: iterate,
  pyTruthy,
  pyOr: (left: unknown, right: () => unknown) => (pyTruthy(left) ? left : right()),
  pyAnd: (left: unknown, right: () => unknown) => (pyTruthy(left) ? right() : left),
  ...operatorRuntime,
  pySetAttr,
};
