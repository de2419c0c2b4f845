/**
 * Keyset pagination of the SQLite store's list queries (`store/keyset.ts`): the marker row is read first, then
 * the rows after it are selected.
 */
import type Database from 'better-sqlite3';
import { afterSql, keyColumns, limitSql, markerNotFound, markerSql, orderSql } from '../keyset.js';
import type { ListOptions } from '../types.js';

export { limitSql, sortColumns } from '../keyset.js';

export interface PageSql {
  where: string;
  order: string;
  limit: string;
  params: unknown[];
}

/**
 * `columns` maps API sort keys to SQL columns of `table` (it must map `id`). Refuses an unknown key
 * (`sort_keys`) and a marker that names no row of `table` (`marker`).
 */
export function pageSql(
  db: Database.Database,
  table: string,
  opts: ListOptions,
  columns: ReadonlyMap<string, string>,
): PageSql {
  const keys = keyColumns(opts, columns);
  let where = '';
  let params: unknown[] = [];
  if (opts.marker !== undefined) {
    const row = db.prepare(markerSql(keys, table)).raw().get(opts.marker) as unknown[] | undefined;
    if (!row) throw markerNotFound(opts.marker);
    ({ sql: where, params } = afterSql(keys, row, 'sqlite'));
  }
  return { where, order: orderSql(keys, 'sqlite'), limit: limitSql(opts.limit), params };
}

/** Joins non-empty SQL conditions with AND into a WHERE clause. */
export function whereClause(conds: string[]): string {
  const c = conds.filter(Boolean);
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
}
