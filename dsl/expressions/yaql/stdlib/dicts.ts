/**
 * YAQL standard library: dicts. `dict(a => 1)` and `dict([[k, v], ...])`, `get` with a default (the way to read
 * a key that may be missing, since `$.missing` is an error), `set` returning a new dict (`d.set(k, v)`,
 * `d.set(otherDict)`, `d.set(k => v)`), `keys`/`values`/`items`, `containsKey`/`containsValue`, `delete`,
 * `toDict`, and `mergeWith` (deep merge). Key order is insertion order, as in Python.
 */
import { fail } from '../../failure.js';
import {
  MISSING,
  asIterator,
  dictFrom,
  isDict,
  ownGet,
  pyEquals,
  setKey,
  toKey,
  typeName,
} from '../../values.js';
import type { Dict } from '../../values.js';
import type { FunctionTable, Invocation, Lambda } from '../invocation.js';
import { argIs, dict, items, itemsOf } from './args.js';

const dict0 = argIs.dict(0);

function pairsToDict(inv: Invocation, pairs: readonly unknown[]): Dict {
  inv.rt.budget.collection(pairs.length);
  return dictFrom(
    pairs.map((p) => {
      const pair = itemsOf(p);
      if (!pair || pair.length !== 2) return fail(`dict() expects [key, value] pairs, got ${typeName(p)}`);
      return [toKey(pair[0]), pair[1]] as const;
    }),
  );
}

function mappingsToDict(inv: Invocation, base: Dict = {}): Dict {
  const out: Dict = { ...base };
  for (const m of inv.mappings()) setKey(out, toKey(inv.evaluate(m.key)), inv.evaluate(m.value));
  return out;
}

function buildDict(inv: Invocation): Dict {
  if (inv.count === 0) return mappingsToDict(inv);
  inv.arity(1, 1);
  return pairsToDict(inv, items(inv, 0));
}

/** `d.get(key, default)`: the value, or the default (null) when the key is missing. */
function get(inv: Invocation): unknown {
  inv.arity(2, 3, ['default']);
  const key = inv.value(1);
  const fallback = inv.option(2, 'default', null);
  if (typeof key !== 'string') return fallback;
  const v = ownGet(dict(inv, 0), key);
  return v === MISSING ? fallback : v;
}

function set(inv: Invocation): Dict {
  const base = dict(inv, 0);
  if (inv.count === 1) return mappingsToDict(inv, base);
  if (inv.count === 2) {
    inv.arity(2, 2);
    return { ...base, ...dict(inv, 1) };
  }
  inv.arity(3, 3);
  const out = { ...base };
  setKey(out, toKey(inv.value(1)), inv.value(2));
  return out;
}

function deleteKeys(d: Dict, keys: readonly unknown[]): Dict {
  const drop = new Set(keys.filter((k) => typeof k === 'string'));
  return dictFrom(Object.entries(d).filter(([k]) => !drop.has(k)));
}

function toDict(inv: Invocation): Dict {
  inv.arity(2, 3, ['valueSelector']);
  const list = items(inv, 0);
  const keyOf = inv.lambda(1);
  const valueOf = inv.optionalLambda(2, 'valueSelector');
  inv.rt.budget.collection(list.length);
  return dictFrom(list.map((x) => [toKey(keyOf(x)), valueOf ? valueOf(x) : x] as const));
}

function distinctConcat(a: readonly unknown[], b: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of [...a, ...b]) if (!out.some((y) => pyEquals(x, y))) out.push(x);
  return out;
}

interface Mergers {
  list: Lambda;
  item: Lambda;
}

/** yaql's `_merge_dicts`: recursive for dicts, `list` merger for lists, `item` merger otherwise. */
function merge(a: Dict, b: Dict, mergers: Mergers, levels: number): Dict {
  const out: Dict = { ...a };
  for (const [key, right] of Object.entries(b)) {
    if (!Object.hasOwn(a, key)) {
      setKey(out, key, right);
      continue;
    }
    const left = a[key];
    if (levels !== 1 && isDict(right)) {
      if (!isDict(left)) return fail(`cannot merge ${typeName(left)} with dict`);
      setKey(out, key, merge(left, right, mergers, levels === 0 ? 0 : levels - 1));
    } else if (levels !== 1 && Array.isArray(right)) {
      if (!Array.isArray(left)) return fail(`cannot merge ${typeName(left)} with list`);
      setKey(out, key, mergers.list(left, right));
    } else {
      setKey(out, key, mergers.item(left, right));
    }
  }
  return out;
}

function mergeWith(inv: Invocation): Dict {
  inv.arity(2, 5, ['listMerger', 'itemMerger', 'maxLevels']);
  const levels = inv.option(4, 'maxLevels', 0);
  if (typeof levels !== 'number') return fail('mergeWith() maxLevels must be an integer');
  const mergers: Mergers = {
    list: inv.optionalLambda(2, 'listMerger') ?? ((x, y) => distinctConcat(x as unknown[], y as unknown[])),
    item: inv.optionalLambda(3, 'itemMerger') ?? ((_x, y) => y),
  };
  return merge(dict(inv, 0), dict(inv, 1), mergers, levels);
}

const onDict = (run: (inv: Invocation) => unknown) => [{ when: dict0, run }];

export const dictFunctions: FunctionTable = {
  dict: buildDict,
  get,
  set: [{ when: (inv) => inv.isMethod && dict0(inv), run: set }],
  keys: (inv) => {
    inv.arity(1, 1);
    return asIterator(Object.keys(dict(inv, 0)));
  },
  values: (inv) => {
    inv.arity(1, 1);
    return asIterator(Object.values(dict(inv, 0)));
  },
  items: (inv) => {
    inv.arity(1, 1);
    return asIterator(Object.entries(dict(inv, 0)));
  },
  len: onDict((inv) => {
    inv.arity(1, 1);
    return Object.keys(dict(inv, 0)).length;
  }),
  containsKey: (inv) => {
    inv.arity(2, 2);
    const key = inv.value(1);
    return typeof key === 'string' && ownGet(dict(inv, 0), key) !== MISSING;
  },
  containsValue: (inv) => {
    inv.arity(2, 2);
    const value = inv.value(1);
    return Object.values(dict(inv, 0)).some((v) => pyEquals(v, value));
  },
  delete: onDict((inv) => {
    inv.arity(1, Infinity);
    return deleteKeys(
      dict(inv, 0),
      Array.from({ length: inv.count - 1 }, (_, i) => inv.value(i + 1)),
    );
  }),
  deleteAll: (inv) => {
    inv.arity(2, 2);
    return deleteKeys(dict(inv, 0), items(inv, 1));
  },
  toDict,
  mergeWith,
};
