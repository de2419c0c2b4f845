/**
 * YAQL standard library: queries over lists and sets (yaql's `queries.py`), the LINQ-like heart of YAQL:
 * `where`, `select`, `orderBy`/`thenBy`, `groupBy`, `distinct`, `first`, `sum`, `aggregate`... Their lambda
 * arguments are evaluated per element with `$` bound to the element (`$1`, `$2` for two-argument lambdas such
 * as `aggregate($1 + $2)`).
 *
 * yaql returns lazy iterators; we build lists (marked with `asIterator` so that `list()`/`set()` unpack them).
 * Endless sequences (`sequence()`, `cycle()`, `repeat()` without a count) are therefore not offered.
 */
import { fail } from '../../failure.js';
import { asIterator, hashKey, pyCompare, truthy } from '../../values.js';
import type { FunctionTable, Invocation, Lambda } from '../invocation.js';
import { binary } from '../operators.js';
import { argIs, int, items, itemsOf } from './args.js';

const iterable0 = argIs.iterable(0);

interface Ordering {
  source: readonly unknown[];
  keys: { selector: Lambda; ascending: boolean }[];
}

/** Sort specs of lists returned by orderBy/thenBy, so that a later thenBy can add a key. */
const orderings = new WeakMap<unknown[], Ordering>();

function sorted(ordering: Ordering): unknown[] {
  const decorated = ordering.source.map((item, index) => ({
    item,
    index,
    keys: ordering.keys.map((k) => k.selector(item)),
  }));
  decorated.sort((a, b) => {
    for (let i = 0; i < ordering.keys.length; i++) {
      const c = pyCompare(a.keys[i], b.keys[i]);
      if (c !== 0) return ordering.keys[i]?.ascending ? c : -c;
    }
    return a.index - b.index;
  });
  const out = asIterator(decorated.map((d) => d.item));
  orderings.set(out, ordering);
  return out;
}

function orderBy(ascending: boolean) {
  return (inv: Invocation): unknown[] => {
    inv.arity(2, 2);
    return sorted({ source: items(inv, 0), keys: [{ selector: inv.lambda(1), ascending }] });
  };
}

function thenBy(ascending: boolean) {
  return (inv: Invocation): unknown[] => {
    inv.arity(2, 2);
    const previous = orderings.get(inv.value(0) as unknown[]);
    if (!previous) return fail(`${inv.name}() must follow orderBy() or orderByDescending()`);
    return sorted({
      source: previous.source,
      keys: [...previous.keys, { selector: inv.lambda(1), ascending }],
    });
  };
}

const NO_SEED = Symbol('no seed');

/** Folds with `step`; without a seed the first element starts (an empty collection is then an error). */
function fold(
  inv: Invocation,
  list: readonly unknown[],
  step: (acc: unknown, x: unknown) => unknown,
  seed: unknown,
) {
  let acc: unknown = seed;
  for (const x of list) acc = acc === NO_SEED ? x : step(acc, x);
  if (acc === NO_SEED) return fail(`${inv.name}() of an empty collection needs an initial value`);
  return acc;
}

function aggregateBy(pick: (acc: unknown, x: unknown, inv: Invocation) => unknown) {
  return (inv: Invocation): unknown => {
    inv.arity(1, 2, ['initial']);
    return fold(inv, items(inv, 0), (acc, x) => pick(acc, x, inv), inv.option(1, 'initial', NO_SEED));
  };
}

function predicateOrTruthy(inv: Invocation, i: number): Lambda {
  return inv.optionalLambda(i, 'predicate') ?? truthy;
}

function distinct(inv: Invocation): unknown[] {
  inv.arity(1, 2, ['keySelector']);
  const keyOf = inv.optionalLambda(1, 'keySelector');
  const seen = new Set<string>();
  return asIterator(
    items(inv, 0).filter((x) => {
      const k = hashKey(keyOf ? keyOf(x) : x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  );
}

function groupBy(inv: Invocation): unknown[] {
  inv.arity(2, 4, ['valueSelector', 'aggregator']);
  const keyOf = inv.lambda(1);
  const valueOf = inv.optionalLambda(2, 'valueSelector');
  const aggregate = inv.optionalLambda(3, 'aggregator');
  const groups = new Map<string, [unknown, unknown[]]>();
  for (const x of items(inv, 0)) {
    const key = keyOf(x);
    const h = hashKey(key);
    let group = groups.get(h);
    if (!group) groups.set(h, (group = [key, []]));
    group[1].push(valueOf ? valueOf(x) : x);
  }
  return asIterator([...groups.values()].map(([k, vs]) => [k, aggregate ? aggregate(vs) : vs]));
}

function zip(longest: boolean) {
  return (inv: Invocation): unknown[][] => {
    const lists: (readonly unknown[])[] = [];
    for (let i = 0; i < inv.count; i++) lists.push(items(inv, i));
    inv.arity(1, Infinity, longest ? ['default'] : []);
    const fill = longest ? inv.option(inv.count, 'default', null) : null;
    const lengths = lists.map((l) => l.length);
    const n = lengths.length === 0 ? 0 : longest ? Math.max(...lengths) : Math.min(...lengths);
    inv.rt.budget.collection(n);
    return asIterator(Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : fill))));
  };
}

function first(fromEnd: boolean) {
  return (inv: Invocation): unknown => {
    inv.arity(1, 2, ['default']);
    const list = items(inv, 0);
    if (list.length > 0) return list[fromEnd ? list.length - 1 : 0];
    if (inv.count > 1 || inv.mappings().length > 0) return inv.option(1, 'default', null);
    return fail(`${inv.name}() of an empty collection`);
  };
}

function indexWhere(last: boolean) {
  return (inv: Invocation): number => {
    inv.arity(2, 2);
    const list = items(inv, 0);
    const predicate = inv.lambda(1);
    if (last) {
      for (let i = list.length - 1; i >= 0; i--) if (truthy(predicate(list[i]))) return i;
      return -1;
    }
    return list.findIndex((x) => truthy(predicate(x)));
  };
}

function whileFn(take: boolean) {
  return (inv: Invocation): unknown[] => {
    inv.arity(2, 2);
    const list = items(inv, 0);
    const predicate = inv.lambda(1);
    let i = 0;
    while (i < list.length && truthy(predicate(list[i]))) i++;
    return asIterator(take ? list.slice(0, i) : list.slice(i));
  };
}

function take(inv: Invocation): unknown[] {
  inv.arity(2, 2);
  return asIterator(items(inv, 0).slice(0, Math.max(0, int(inv, 1))));
}

export const queryFunctions: FunctionTable = {
  where: (inv) => {
    inv.arity(2, 2);
    const predicate = inv.lambda(1);
    return asIterator(items(inv, 0).filter((x) => truthy(predicate(x))));
  },
  select: (inv) => {
    inv.arity(2, 2);
    return asIterator(items(inv, 0).map(inv.lambda(1)));
  },
  selectMany: (inv) => {
    inv.arity(2, 2);
    const selector = inv.lambda(1);
    const out: unknown[] = [];
    for (const x of items(inv, 0)) {
      const inner = selector(x);
      const list = itemsOf(inner);
      if (list) {
        inv.rt.budget.collection(out.length + list.length);
        out.push(...list);
      } else out.push(inner);
    }
    return asIterator(out);
  },
  skip: (inv) => {
    inv.arity(2, 2);
    return asIterator(items(inv, 0).slice(Math.max(0, int(inv, 1))));
  },
  take,
  limit: take,
  skipWhile: whileFn(false),
  takeWhile: whileFn(true),
  first: first(false),
  last: first(true),
  single: (inv) => {
    inv.arity(1, 1);
    const list = items(inv, 0);
    if (list.length !== 1) return fail(`single() needs exactly one item, the collection has ${list.length}`);
    return list[0];
  },
  distinct,
  orderBy: orderBy(true),
  orderByDescending: orderBy(false),
  thenBy: thenBy(true),
  thenByDescending: thenBy(false),
  groupBy,
  zip: zip(false),
  zipLongest: zip(true),
  enumerate: (inv) => {
    inv.arity(1, 2, ['start']);
    const start = inv.option(1, 'start', 0);
    if (typeof start !== 'number') return fail('enumerate() start must be an integer');
    return asIterator(items(inv, 0).map((x, i) => [start + i, x]));
  },
  any: (inv) => {
    inv.arity(1, 2, ['predicate']);
    const predicate = predicateOrTruthy(inv, 1);
    return inv.count === 1 && inv.mappings().length === 0
      ? items(inv, 0).length > 0
      : items(inv, 0).some((x) => truthy(predicate(x)));
  },
  all: (inv) => {
    inv.arity(1, 2, ['predicate']);
    const predicate = predicateOrTruthy(inv, 1);
    return items(inv, 0).every((x) => truthy(predicate(x)));
  },
  count: (inv) => {
    inv.arity(1, 1);
    return items(inv, 0).length;
  },
  sum: aggregateBy((acc, x, inv) => binary('+', acc, x, inv.rt.budget)),
  max: [{ when: iterable0, run: aggregateBy((acc, x) => (pyCompare(x, acc) > 0 ? x : acc)) }],
  min: [{ when: iterable0, run: aggregateBy((acc, x) => (pyCompare(x, acc) < 0 ? x : acc)) }],
  aggregate: (inv) => {
    inv.arity(2, 3, ['seed']);
    return fold(inv, items(inv, 0), inv.lambda(1), inv.option(2, 'seed', NO_SEED));
  },
  accumulate: (inv) => {
    inv.arity(2, 3, ['seed']);
    const list = items(inv, 0);
    const selector = inv.lambda(1);
    const hasSeed = inv.count > 2 || inv.mappings().length > 0;
    if (!hasSeed && list.length === 0) return fail('accumulate() of an empty collection needs a seed');
    let acc = hasSeed ? inv.option(2, 'seed', null) : list[0];
    const out = [acc];
    for (const x of hasSeed ? list : list.slice(1)) out.push((acc = selector(acc, x)));
    return asIterator(out);
  },
  indexWhere: indexWhere(false),
  lastIndexWhere: indexWhere(true),
  concat: [
    {
      when: iterable0,
      run: (inv) => {
        const out: unknown[] = [];
        for (let i = 0; i < inv.count; i++) out.push(...items(inv, i));
        inv.rt.budget.collection(out.length);
        return asIterator(out);
      },
    },
  ],
  memorize: (inv) => {
    inv.arity(1, 1);
    return items(inv, 0);
  },
  join: [
    {
      // collection1.join(collection2, predicate, selector): the lambdas get the pair as $1 and $2.
      when: (inv) => inv.count === 4 && iterable0(inv),
      run: (inv) => {
        const right = items(inv, 1);
        const predicate = inv.lambda(2);
        const selector = inv.lambda(3);
        const out: unknown[] = [];
        for (const a of items(inv, 0))
          for (const b of right) if (truthy(predicate(a, b))) out.push(selector(a, b));
        return asIterator(out);
      },
    },
  ],
};
