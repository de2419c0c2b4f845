/**
 * The PostgreSQL connection layer: one `pg` pool per store, numbers parsed as numbers, and the two ways every
 * operation talks to the database: `Queryable` (a pool or a client inside a transaction) and `transaction`,
 * which runs a function on one client between BEGIN and COMMIT and rolls back on any error.
 *
 * Epoch-millisecond times and outbox ids are BIGINT columns; they stay far below 2^53, so `int8` is parsed
 * into a JavaScript number (for this pool only, not globally).
 */
import pg from 'pg';
import { ConflictError, TramError } from '../../common/index.js';

export type Row = Record<string, unknown>;

/** A pool, or a client inside a transaction. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Row[]; rowCount: number | null }>;
}

const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

export interface PoolOptions {
  url: string;
  /** @default 10 */
  max?: number;
}

export function createPool(opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10, types });
  // An idle client that loses its connection (server restart) must not crash the process: the pool drops it.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in one transaction on one client. */
export async function transaction<T>(pool: pg.Pool, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** PostgreSQL's `unique_violation`. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/** Runs a write, turning a unique violation into a `ConflictError` with `message`. */
export async function unique<T>(message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(message, { cause: err });
    throw err;
  }
}

/** Reports a failed write as a `STORE` error (a `TramError`, such as a conflict, passes through). */
export async function storeWrite<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof TramError) throw err;
    throw new TramError('STORE', `${what} failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Builds the WHERE clause and numbered parameters of a dynamic query: `add('x = ?', v)` becomes `x = $n`.
 * An absent value does not filter; an empty list matches nothing.
 */
export class Where {
  readonly conds: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, ...values: unknown[]): this {
    if (!sql) return this;
    let i = 0;
    this.conds.push(
      sql.replace(/\?/g, () => {
        this.params.push(values[i++]);
        return `$${this.params.length}`;
      }),
    );
    return this;
  }

  eq(column: string, value: unknown): this {
    return value === undefined ? this : this.add(`${column} = ?`, value);
  }

  /** One value is an equality, so that an index on (column, order key) gives the order too. */
  in(column: string, values: readonly unknown[] | undefined, type: 'text' | 'bigint' = 'text'): this {
    if (values?.length === 1) return this.add(`${column} = ?::${type}`, values[0]);
    return values === undefined ? this : this.add(`${column} = ANY(?::${type}[])`, values);
  }

  /** The next parameter's placeholder, for a value used after the WHERE clause (LIMIT). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.conds.length ? `WHERE ${this.conds.join(' AND ')}` : '';
  }
}
