/**
 * The YAQL function registry: every themed table merged into one name -> overloads map. A name may be defined
 * by several themes (`len` for strings, lists and dicts; `join` for strings and collections); overloads with a
 * `when` guard are tried first, in table order, then the unguarded one.
 */
import type { FunctionTable, Overload } from '../invocation.js';
import { collectionFunctions } from './collections.js';
import { dictFunctions } from './dicts.js';
import { mistralYaqlFunctions } from './mistral.js';
import { queryFunctions } from './queries.js';
import { scalarFunctions } from './scalars.js';
import { stringFunctions } from './strings.js';

const TABLES: readonly FunctionTable[] = [
  dictFunctions,
  stringFunctions,
  collectionFunctions,
  queryFunctions,
  scalarFunctions,
  mistralYaqlFunctions,
];

function build(): ReadonlyMap<string, readonly Overload[]> {
  const guarded = new Map<string, Overload[]>();
  const fallback = new Map<string, Overload>();
  for (const table of TABLES) {
    for (const [name, entry] of Object.entries(table)) {
      const overloads = typeof entry === 'function' ? [{ run: entry }] : entry;
      for (const o of overloads) {
        if (o.when) guarded.set(name, [...(guarded.get(name) ?? []), o]);
        else if (fallback.has(name)) throw new Error(`YAQL function ${name} has two unguarded definitions`);
        else fallback.set(name, o);
      }
    }
  }
  const out = new Map<string, readonly Overload[]>();
  for (const name of new Set([...guarded.keys(), ...fallback.keys()])) {
    const last = fallback.get(name);
    out.set(name, [...(guarded.get(name) ?? []), ...(last ? [last] : [])]);
  }
  return out;
}

export const FUNCTIONS: ReadonlyMap<string, readonly Overload[]> = build();
