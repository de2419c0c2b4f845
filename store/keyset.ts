/**
 * Keyset pagination, shared by the SQL stores: `ORDER BY <keys>, id` and a marker that names the last row of the
 * previous page. Sort keys are mapped to columns through an allow-list (a `Map`, so `constructor` names
 * nothing), because columns are spliced into SQL; every value is bound (`?` placeholders).
 *
 * The marker row's sort values are read first (`markerSql`), then "after the marker" is spelled out key by key
 * (equal on the keys before, past the marker on this one), so mixed directions (`name desc, id asc`) page
 * correctly. NULLs sort first ascending and last descending, in both stores (SQLite's order, which PostgreSQL
 * is told explicitly).
 */
import { InvalidInputError } from '../common/index.js';
import type { ListOptions, SortKey } from './types.js';

export type Dialect = 'sqlite' | 'postgres';

export interface KeyColumn {
  col: string;
  dir: SortKey['dir'];
  /** The column is NOT NULL: "after the marker" can then start with a range on it that an index seeks to. */
  notNull?: boolean;
}

/** Sort keys mapped to columns, with the columns known never to hold NULL. */
export interface SortColumns extends ReadonlyMap<string, string> {
  readonly notNull?: ReadonlySet<string>;
}

const DEFAULT_SORT: SortKey[] = [{ key: 'created_at', dir: 'asc' }];

/** The allow-list of sort keys that are column names of their own; `notNull` names the NOT NULL ones. */
export function sortColumns(names: string[], notNull: string[] = []): SortColumns {
  return Object.assign(new Map(names.map((n) => [n, n])), { notNull: new Set(notNull) });
}

/** The columns to order by: the requested keys (default `created_at`), then `id` unless named. */
export function keyColumns(opts: ListOptions, columns: SortColumns): KeyColumn[] {
  const keys = opts.sort && opts.sort.length > 0 ? opts.sort : DEFAULT_SORT;
  const all = keys.some((k) => k.key === 'id') ? keys : [...keys, { key: 'id', dir: 'asc' as const }];
  return all.map(({ key, dir }) => {
    const col = columns.get(key);
    if (col === undefined) {
      throw new InvalidInputError(
        `cannot sort by '${key}' (one of: ${[...columns.keys()].join(', ')})`,
        'sort_keys',
      );
    }
    return { col, dir, notNull: columns.notNull?.has(col) ?? false };
  });
}

export function orderSql(keys: KeyColumn[], dialect: Dialect): string {
  const dir = (k: KeyColumn) => {
    // A NOT NULL column says nothing about NULLs: PostgreSQL then reads the order from a plain index (whose
    // default is the opposite NULLS placement, which would otherwise make it sort the whole match).
    if (dialect === 'sqlite' || k.notNull) return k.dir === 'desc' ? 'DESC' : 'ASC';
    return k.dir === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS FIRST';
  };
  return `ORDER BY ${keys.map((k) => `${k.col} ${dir(k)}`).join(', ')}`;
}

/** The query reading the marker row's sort values (one parameter: the marker id). */
export function markerSql(keys: KeyColumn[], table: string): string {
  return `SELECT ${keys.map((k) => k.col).join(', ')} FROM ${table} WHERE id = ?`;
}

export function markerNotFound(marker: string): InvalidInputError {
  return new InvalidInputError(`marker not found: ${marker}`, 'marker');
}

/**
 * The condition "sorts after the row whose sort values are `values`", with its parameters. When the first key
 * is NOT NULL, the condition opens with a bound on it (`created_at >= ?`): implied by the rest, but it is what
 * lets both databases seek an index to the marker instead of walking every row before it.
 */
export function afterSql(
  keys: KeyColumn[],
  values: unknown[],
  dialect: Dialect,
): { sql: string; params: unknown[] } {
  const same = dialect === 'sqlite' ? 'IS' : 'IS NOT DISTINCT FROM';
  const params: unknown[] = [];
  const alternatives = keys.map(({ col, dir }, i) => {
    const equal = keys.slice(0, i).map((k) => `${k.col} ${same} ?`);
    params.push(...values.slice(0, i));
    const v = values[i] ?? null;
    let past: string;
    if (dir === 'asc') {
      past = v === null ? `${col} IS NOT NULL` : `${col} > ?`;
    } else {
      past = v === null ? 'FALSE' : `(${col} < ? OR ${col} IS NULL)`;
    }
    if (v !== null) params.push(v);
    return `(${[...equal, past].join(' AND ')})`;
  });
  const first = keys[0];
  const v0 = values[0] ?? null;
  if (first?.notNull && v0 !== null) {
    const bound = `${first.col} ${first.dir === 'asc' ? '>=' : '<='} ?`;
    return { sql: `(${bound} AND (${alternatives.join(' OR ')}))`, params: [v0, ...params] };
  }
  return { sql: `(${alternatives.join(' OR ')})`, params };
}

/** `LIMIT n` for a positive limit (a number, written as an integer both databases read), or nothing. */
export function limitSql(limit: number | undefined): string {
  if (limit === undefined || !(limit > 0)) return '';
  return `LIMIT ${Math.min(Math.floor(limit), Number.MAX_SAFE_INTEGER)}`;
}
