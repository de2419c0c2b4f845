/**
 * Keyset pagination shared by every list query: `ORDER BY <key>, id` and a marker that names the last row of
 * the previous page. Sort keys are checked against an allow-list, because they are spliced into SQL.
 */
import { InvalidInputError } from '../../common/index.js';
import type { ListOptions } from '../types.js';

export interface PageSql {
  where: string;
  order: string;
  limit: string;
  params: unknown[];
}

/** `columns` maps API sort keys to SQL columns of `table`. */
export function pageSql(table: string, opts: ListOptions, columns: Record<string, string>): PageSql {
  const key = opts.sortKey ?? 'created_at';
  const col = columns[key];
  if (!col) throw new InvalidInputError(`cannot sort by '${key}'`, 'sort_keys');
  const dir = opts.sortDir === 'desc' ? 'DESC' : 'ASC';
  const cmp = dir === 'DESC' ? '<' : '>';
  const params: unknown[] = [];
  let where = '';
  if (opts.marker) {
    where = `(${col}, id) ${cmp} (SELECT ${col}, id FROM ${table} WHERE id = ?)`;
    params.push(opts.marker);
  }
  const limit = opts.limit !== undefined && opts.limit > 0 ? `LIMIT ${Math.floor(opts.limit)}` : '';
  return { where, order: `ORDER BY ${col} ${dir}, id ${dir}`, limit, params };
}

/** Joins non-empty SQL conditions with AND into a WHERE clause. */
export function whereClause(conds: string[]): string {
  const c = conds.filter(Boolean);
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
}
