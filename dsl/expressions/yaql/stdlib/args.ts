/**
 * Typed access to a function's arguments, with the error every standard-library function would otherwise
 * spell out itself ("split() expects a string as argument 1, got integer"), and the type predicates that
 * overloads dispatch on.
 */
import { fail } from '../../failure.js';
import { YaqlSet, isDict, isInt, isNumber, num, typeName } from '../../values.js';
import type { Dict, PyFloat } from '../../values.js';
import type { Invocation } from '../invocation.js';

function wrong(inv: Invocation, i: number, expected: string, got: unknown): never {
  return fail(`${inv.name}() expects ${expected} as argument ${i + 1}, got ${typeName(got)}`);
}

export function str(inv: Invocation, i: number): string {
  const v = inv.value(i);
  return typeof v === 'string' ? v : wrong(inv, i, 'a string', v);
}

export function optStr(inv: Invocation, i: number, name: string): string | null {
  const v = inv.option(i, name, null);
  return v === null || typeof v === 'string' ? v : wrong(inv, i, 'a string or null', v);
}

export function int(inv: Invocation, i: number): number {
  const v = inv.value(i);
  return isInt(v) ? v : wrong(inv, i, 'an integer', v);
}

export function optInt(inv: Invocation, i: number, name: string, fallback: number): number {
  const v = inv.option(i, name, fallback);
  return isInt(v) ? v : wrong(inv, i, 'an integer', v);
}

export function number(inv: Invocation, i: number): number | PyFloat {
  const v = inv.value(i);
  return isNumber(v) ? v : wrong(inv, i, 'a number', v);
}

export function numberValue(inv: Invocation, i: number): number {
  return num(number(inv, i));
}

export function dict(inv: Invocation, i: number): Dict {
  const v = inv.value(i);
  return isDict(v) ? v : wrong(inv, i, 'a dict', v);
}

/** The items of a list or set (YAQL's "iterable": strings and dicts are not). */
export function items(inv: Invocation, i: number): readonly unknown[] {
  const v = inv.value(i);
  const list = itemsOf(v);
  return list ?? wrong(inv, i, 'a list or set', v);
}

export function itemsOf(v: unknown): readonly unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof YaqlSet) return v.items;
  return undefined;
}

export function isIterable(v: unknown): boolean {
  return Array.isArray(v) || v instanceof YaqlSet;
}

/** Predicates on argument `i` for overload selection. */
export const argIs = {
  string: (i: number) => (inv: Invocation) => inv.count > i && typeof inv.value(i) === 'string',
  dict: (i: number) => (inv: Invocation) => inv.count > i && isDict(inv.value(i)),
  iterable: (i: number) => (inv: Invocation) => inv.count > i && isIterable(inv.value(i)),
  set: (i: number) => (inv: Invocation) => inv.count > i && inv.value(i) instanceof YaqlSet,
};
