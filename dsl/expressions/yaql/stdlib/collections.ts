/**
 * YAQL standard library: lists and sets (yaql's `collections.py`). Building (`list`, `set`, `range`, `repeat`),
 * reshaping (`flatten`, `slice`, `splitAt`, `reverse`, `append`, `insert`, `delete`, `replace`), membership
 * (`contains`, `indexOf`), and set algebra. Inputs are never mutated: every function returns a new list.
 *
 * `list(...)` and `set(...)` unpack arguments that YAQL would hold as iterators (query results, `range`) and
 * keep lists whole, so `set([1, 2])` is a set holding one list, as recorded from Mistral.
 */
import { fail } from '../../failure.js';
import { YaqlSet, asIterator, isIteratorResult, pyEquals } from '../../values.js';
import type { FunctionTable, Invocation } from '../invocation.js';
import { contains } from '../operators.js';
import { argIs, int, items, itemsOf, optInt } from './args.js';

const iterable0 = argIs.iterable(0);

function gather(inv: Invocation): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < inv.count; i++) {
    const v = inv.value(i);
    if (isIteratorResult(v)) out.push(...v);
    else out.push(v);
  }
  inv.rt.budget.collection(out.length);
  return out;
}

function range(inv: Invocation): unknown[] {
  inv.arity(1, 3, ['step']);
  const [start, stop] = inv.count === 1 ? [0, int(inv, 0)] : [int(inv, 0), int(inv, 1)];
  const step = optInt(inv, 2, 'step', 1);
  if (step === 0) return fail('range() step must not be zero');
  const size = Math.max(0, Math.ceil((stop - start) / step));
  inv.rt.budget.collection(size);
  const out: number[] = new Array<number>(size);
  for (let i = 0; i < size; i++) out[i] = start + i * step;
  return asIterator(out);
}

function flatten(list: readonly unknown[], out: unknown[], inv: Invocation): unknown[] {
  for (const v of list) {
    const inner = itemsOf(v);
    if (inner) flatten(inner, out, inv);
    else {
      inv.rt.budget.tick();
      out.push(v);
    }
  }
  return out;
}

function sliceInto(inv: Invocation): unknown[][] {
  inv.arity(2, 2);
  const list = items(inv, 0);
  const length = int(inv, 1);
  if (length <= 0) return fail('slice() length must be positive');
  const out: unknown[][] = [];
  for (let i = 0; i < list.length; i += length) out.push(list.slice(i, i + length));
  return asIterator(out);
}

/** `[0, 1, 3, 4].delete(2, 2)` removes `count` items from `position` (a negative count: to the end). */
function deleteAt(inv: Invocation): unknown[] {
  inv.arity(2, 3, ['count']);
  const list = items(inv, 0);
  const position = int(inv, 1);
  const count = optInt(inv, 2, 'count', 1);
  return asIterator(
    list.filter((_, i) => (count >= 0 ? !(i >= position && i < position + count) : i < position)),
  );
}

/** `list.replace(position, value, count)`: the range becomes one `value`. */
function replaceAt(inv: Invocation): unknown[] {
  inv.arity(3, 4, ['count']);
  const list = items(inv, 0);
  const position = int(inv, 1);
  const value = inv.value(2);
  const count = optInt(inv, 3, 'count', 1);
  const out: unknown[] = [];
  let placed = false;
  list.forEach((item, i) => {
    const inRange = count >= 0 ? i >= position && i < position + count : i >= position;
    if (!inRange) out.push(item);
    else if (!placed) {
      out.push(value);
      placed = true;
    }
  });
  return asIterator(out);
}

function insert(inv: Invocation): unknown[] {
  inv.arity(3, 3);
  const out = [...items(inv, 0)];
  const position = int(inv, 1);
  inv.rt.budget.collection(out.length + 1);
  out.splice(position < 0 ? Math.max(0, out.length + position) : position, 0, inv.value(2));
  return out;
}

function indexOf(last: boolean) {
  return (inv: Invocation): number => {
    inv.arity(2, 2);
    const list = items(inv, 0);
    const item = inv.value(1);
    if (last) {
      for (let i = list.length - 1; i >= 0; i--) if (pyEquals(list[i], item)) return i;
      return -1;
    }
    return list.findIndex((x) => pyEquals(x, item));
  };
}

function setOp(op: (a: YaqlSet, b: YaqlSet) => unknown[]) {
  return (inv: Invocation): YaqlSet => {
    inv.arity(2, 2);
    const a = inv.value(0);
    const b = inv.value(1);
    if (!(a instanceof YaqlSet) || !(b instanceof YaqlSet)) return fail(`${inv.name}() expects two sets`);
    return new YaqlSet(op(a, b));
  };
}

export const collectionFunctions: FunctionTable = {
  list: (inv) => {
    inv.arity(0, Infinity);
    return gather(inv);
  },
  set: (inv) => {
    inv.arity(0, Infinity);
    return new YaqlSet(gather(inv));
  },
  toList: (inv) => {
    inv.arity(1, 1);
    const v = inv.value(0);
    return Array.isArray(v) ? v : [...items(inv, 0)];
  },
  toSet: (inv) => {
    inv.arity(1, 1);
    return new YaqlSet(items(inv, 0));
  },
  range,
  repeat: (inv) => {
    inv.arity(1, 2, ['times']);
    const times = optInt(inv, 1, 'times', -1);
    if (times < 0) return fail('repeat() needs a non-negative count: endless sequences are not supported');
    inv.rt.budget.collection(times);
    return asIterator(new Array<unknown>(times).fill(inv.value(0)));
  },
  flatten: (inv) => {
    inv.arity(1, 1);
    return asIterator(flatten(items(inv, 0), [], inv));
  },
  len: [
    {
      when: iterable0,
      run: (inv) => {
        inv.arity(1, 1);
        return items(inv, 0).length;
      },
    },
  ],
  contains: (inv) => {
    inv.arity(2, 2);
    return contains(inv.value(0), inv.value(1));
  },
  append: (inv) => {
    inv.arity(1, Infinity);
    const out = [...items(inv, 0)];
    for (let i = 1; i < inv.count; i++) out.push(inv.value(i));
    inv.rt.budget.collection(out.length);
    return asIterator(out);
  },
  insert,
  delete: [{ when: iterable0, run: deleteAt }],
  replace: [{ when: iterable0, run: replaceAt }],
  indexOf: [{ when: iterable0, run: indexOf(false) }],
  lastIndexOf: [{ when: iterable0, run: indexOf(true) }],
  reverse: (inv) => {
    inv.arity(1, 1);
    return asIterator([...items(inv, 0)].reverse());
  },
  slice: sliceInto,
  splitAt: (inv) => {
    inv.arity(2, 2);
    const list = items(inv, 0);
    const index = int(inv, 1);
    return [list.slice(0, index), list.slice(index)];
  },
  union: setOp((a, b) => [...a.items, ...b.items]),
  intersect: setOp((a, b) => a.items.filter((x) => b.has(x))),
  difference: setOp((a, b) => a.items.filter((x) => !b.has(x))),
  symmetricDifference: setOp((a, b) => [
    ...a.items.filter((x) => !b.has(x)),
    ...b.items.filter((x) => !a.has(x)),
  ]),
  add: [
    {
      when: argIs.set(0),
      run: (inv) => {
        const values: unknown[] = [];
        for (let i = 1; i < inv.count; i++) values.push(inv.value(i));
        return new YaqlSet([...items(inv, 0), ...values]);
      },
    },
  ],
  remove: [
    {
      when: argIs.set(0),
      run: (inv) => {
        const drop = new YaqlSet(Array.from({ length: inv.count - 1 }, (_, i) => inv.value(i + 1)));
        return new YaqlSet(items(inv, 0).filter((x) => !drop.has(x)));
      },
    },
  ],
};
