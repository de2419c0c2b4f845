/**
 * The store area's entry point: the `Store` contract and `openStore`, which picks an implementation from a
 * location. A `postgres://` (or `postgresql://`) URL opens the PostgreSQL store, for several engine nodes on one
 * database; anything else is a SQLite file path (or `:memory:`).
 */
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export type * from './types.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export { PostgresStore } from './postgres/postgres-store.js';

export function openStore(location: string): Store {
  if (/^postgres(ql)?:\/\//.test(location)) {
    return new PostgresStore({ url: location });
  }
  return new SqliteStore({ path: location });
}
