/**
 * Keyset pagination for PostgreSQL list queries: `ORDER BY <key>, id` and a marker naming the last row of the
 * previous page. Sort keys come from an allow-list, because they are spliced into SQL.
 */
import { InvalidInputError } from '../../common/index.js';
import type { ListOptions } from '../types.js';
import type { Where } from './db.js';

/** Adds the marker condition to `where`; returns the ORDER BY and LIMIT clauses. `columns` maps API sort keys
 * to SQL columns of `table`. */
export function page(
  where: Where,
  table: string,
  opts: ListOptions,
  columns: Record<string, string>,
): { order: string; limit: string } {
  const key = opts.sortKey ?? 'created_at';
  const col = Object.hasOwn(columns, key) ? columns[key] : undefined;
  if (!col) throw new InvalidInputError(`cannot sort by '${key}'`, 'sort_keys');
  const dir = opts.sortDir === 'desc' ? 'DESC' : 'ASC';
  if (opts.marker) {
    where.add(
      `(${col}, id) ${dir === 'DESC' ? '<' : '>'} (SELECT ${col}, id FROM ${table} WHERE id = ?)`,
      opts.marker,
    );
  }
  return { order: `ORDER BY ${col} ${dir}, id ${dir}`, limit: limitSql(opts.limit) };
}

export function limitSql(limit: number | undefined): string {
  return limit !== undefined && limit > 0 ? `LIMIT ${Math.floor(limit)}` : '';
}
