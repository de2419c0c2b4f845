/**
 * The value model shared by YAQL and Jinja, and Python's rules over it (Mistral evaluates expressions in Python).
 *
 * Values are JSON data (null, booleans, numbers, strings, arrays, plain objects) plus two YAQL-only types that
 * JavaScript lacks: `PyFloat`, a float whose value happens to be integral (`2.0`, which YAQL divides differently
 * from the int `2`), and `YaqlSet`. Both are "exotic": they are created only while an expression runs and are
 * converted back to JSON (`toPlain`) before a result leaves `dsl/expressions`. `exoticCount()` lets the
 * evaluator skip that conversion walk when none was created, which is the common case.
 *
 * Member access goes through `ownGet`, which reads only own properties, so no expression can reach a
 * JavaScript prototype: `constructor` and `__proto__` are ordinary keys of the data.
 */
import { fail } from './failure.js';

let exoticCreated = 0;

/** How many exotic values were created so far; compare before and after an evaluation. */
export function exoticCount(): number {
  return exoticCreated;
}

/** A Python float with an integral value (`2.0`); non-integral floats are plain JS numbers. */
export class PyFloat {
  constructor(readonly value: number) {
    exoticCreated++;
  }
}

/** YAQL's set: distinct values (by Python equality) in insertion order. Converted to a list on output. */
export class YaqlSet {
  readonly items: unknown[] = [];
  private readonly keys = new Set<string>();

  constructor(values: Iterable<unknown> = []) {
    exoticCreated++;
    for (const v of values) this.add(v);
  }

  /** Adds in place; only used while building a new set. */
  private add(v: unknown): void {
    const k = hashKey(v);
    if (this.keys.has(k)) return;
    this.keys.add(k);
    this.items.push(v);
  }

  has(v: unknown): boolean {
    return this.keys.has(hashKey(v));
  }

  get size(): number {
    return this.items.length;
  }
}

/** Marks an internal, non-JSON value (e.g. a `let()` context) so that `toPlain` refuses it. */
export abstract class InternalValue {
  constructor() {
    exoticCreated++;
  }
  abstract describe(): string;
}

export const MISSING: unique symbol = Symbol('missing');

/** Names that lead from data to JavaScript prototypes; refused in every member access and index. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** A number in YAQL's sense: int or float, never a boolean. */
export function isNumber(v: unknown): v is number | PyFloat {
  return typeof v === 'number' || v instanceof PyFloat;
}

export function num(v: number | PyFloat): number {
  return typeof v === 'number' ? v : v.value;
}

/** The float `n`, boxed when integral so that it stays a float. */
export function makeFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** A number that is an int when `asInt`, a float otherwise (the result type of int/float arithmetic). */
export function makeNumber(n: number, asInt: boolean): number | PyFloat {
  return asInt ? n : makeFloat(n);
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (isNumber(v)) return isFloat(v) ? 'float' : 'integer';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'list';
  if (v instanceof YaqlSet) return 'set';
  if (isDict(v)) return 'dict';
  if (v instanceof InternalValue) return v.describe();
  return typeof v === 'function' ? 'function' : 'object';
}

/** Python truthiness: null, false, 0, 0.0, '', [], {} and empty sets are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
    default:
      break;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (v instanceof YaqlSet) return v.size > 0;
  if (isDict(v)) {
    for (const _ in v) return true;
    return false;
  }
  return true;
}

function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

/** Python `==`: numbers compare by value across int, float and bool; containers compare deeply. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  const na = numericValue(a);
  if (na !== undefined) return na === numericValue(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEquals(x, b[i]));
  }
  if (a instanceof YaqlSet) {
    return b instanceof YaqlSet && a.size === b.size && a.items.every((x) => b.has(x));
  }
  if (isDict(a)) {
    if (!isDict(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

/**
 * A total order where Python (and YAQL) has one: null sorts first, numbers and booleans by value, strings by
 * code unit, lists lexicographically. Anything else (a dict with a number, a string with a list) is an error.
 */
export function pyCompare(a: unknown, b: unknown): number {
  const an = a ?? null;
  const bn = b ?? null;
  if (an === null || bn === null) return an === bn ? 0 : an === null ? -1 : 1;
  const na = numericValue(an);
  const nb = numericValue(bn);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof an === 'string' && typeof bn === 'string') return an < bn ? -1 : an > bn ? 1 : 0;
  if (Array.isArray(an) && Array.isArray(bn)) {
    const n = Math.min(an.length, bn.length);
    for (let i = 0; i < n; i++) {
      const c = pyCompare(an[i], bn[i]);
      if (c !== 0) return c;
    }
    return an.length - bn.length;
  }
  return fail(`cannot compare ${typeName(an)} with ${typeName(bn)}`);
}

/** A string equal for Python-equal values: the key of sets, `distinct()` and `groupBy()`. */
export function hashKey(v: unknown): string {
  if (v === null || v === undefined) return 'N';
  const n = numericValue(v);
  if (n !== undefined) return `n${n}`;
  if (typeof v === 'string') return `s${JSON.stringify(v)}`;
  if (Array.isArray(v)) return `l[${v.map(hashKey).join(',')}]`;
  if (v instanceof YaqlSet) return `S{${v.items.map(hashKey).sort().join(',')}}`;
  if (isDict(v)) {
    const parts = Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${hashKey(v[k])}`);
    return `d{${parts.join(',')}}`;
  }
  return fail(`unhashable value: ${typeName(v)}`);
}

/**
 * Reads an own property only, so a name such as `constructor` or `__proto__` is an ordinary key of the data
 * (Mistral's dicts have no prototype): `$.__proto__` reads a published `__proto__`, and `$.constructor` of a
 * dict without that key is a missing key, never `Object`.
 */
export function ownGet(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Dict)[key] : MISSING;
}

/** Sets a key on a dict being built; `__proto__` becomes an ordinary own property, never the prototype. */
export function setKey(obj: Dict, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Builds a dict from entries, keeping the last value of a repeated key. */
export function dictFrom(entries: Iterable<readonly [string, unknown]>): Dict {
  const out: Dict = {};
  for (const [k, v] of entries) setKey(out, k, v);
  return out;
}

/** A dict key from a YAQL value: strings as-is; numbers, booleans and null the way JSON would write them. */
export function toKey(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isNumber(v)) return String(num(v));
  return fail(`a ${typeName(v)} cannot be a dict key`);
}

const iteratorResults = new WeakSet<unknown[]>();

/**
 * Marks a list as what YAQL would return as an iterator (`where`, `select`, `range`, `keys()`...). YAQL's
 * `list(...)` and `set(...)` unpack iterator arguments but keep list arguments whole (`set([1, 2])` is a set
 * holding one list), so the distinction survives our eager evaluation through this mark.
 */
export function asIterator<T extends unknown[]>(arr: T): T {
  iteratorResults.add(arr);
  return arr;
}

export function isIteratorResult(v: unknown): v is unknown[] {
  return Array.isArray(v) && iteratorResults.has(v);
}

/** Converts exotic values back to JSON, copying only the containers that hold one. */
export function toPlain(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof PyFloat) return v.value;
  if (v instanceof YaqlSet) return v.items.map(toPlain);
  if (v instanceof InternalValue) return fail(`${v.describe()} is not a value that can be returned`);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const p = toPlain(item);
      if (p !== item && out === undefined) out = v.slice(0, i);
      if (out) out.push(p);
    }
    return out ?? v;
  }
  if (isDict(v)) {
    let out: Dict | undefined;
    for (const k of Object.keys(v)) {
      const item = v[k];
      const p = toPlain(item);
      if (p !== item && out === undefined) out = { ...v };
      if (out) setKey(out, k, p);
    }
    return out ?? v;
  }
  return v;
}
