/**
 * Keyset pagination of the PostgreSQL store's list queries (`store/keyset.ts`): the marker row is read first,
 * then its condition joins the query's WHERE clause.
 */
import { afterSql, keyColumns, limitSql, markerNotFound, markerSql, orderSql } from '../keyset.js';
import type { ListOptions } from '../types.js';
import { Where, type Queryable } from './db.js';

export { limitSql } from '../keyset.js';

/** Adds the marker condition to `where`; returns the ORDER BY and LIMIT clauses. `columns` maps API sort keys
 * to SQL columns of `table`. Refuses an unknown key (`sort_keys`) and a marker that names no row (`marker`). */
export async function page(
  db: Queryable,
  where: Where,
  table: string,
  opts: ListOptions,
  columns: ReadonlyMap<string, string>,
): Promise<{ order: string; limit: string }> {
  const keys = keyColumns(opts, columns);
  if (opts.marker !== undefined) {
    const q = new Where().add(markerSql(keys, table), opts.marker);
    const { rows } = await db.query(q.conds[0] as string, q.params);
    const row = rows[0];
    if (!row) throw markerNotFound(opts.marker);
    const after = afterSql(keys, Object.values(row), 'postgres');
    where.add(after.sql, ...after.params);
  }
  return { order: orderSql(keys, 'postgres'), limit: limitSql(opts.limit) };
}
