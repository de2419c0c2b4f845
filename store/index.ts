/**
 * The store area's entry point: the `Store` contract and `openStore`, which picks an implementation from a
 * location. A path (or `:memory:`) opens the embedded SQLite store; `postgres://` URLs arrive with the
 * multi-node store.
 */
import { TramError } from '../common/index.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export type * from './types.js';
export { SqliteStore } from './sqlite/sqlite-store.js';

export function openStore(location: string): Store {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new TramError('CONFIG', 'the PostgreSQL store is not available yet; use a SQLite path');
  }
  return new SqliteStore({ path: location });
}
