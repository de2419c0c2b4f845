/**
 * Retention on PostgreSQL: the SQLite store's statements (`store/sqlite/retention.ts`, where the reasons are),
 * with PostgreSQL's placeholders, each execution tree deleted in its own transaction.
 */
import type pg from 'pg';
import { RETENTION_SQL, type Placeholder } from '../sqlite/retention.js';
import type { ExpirationPolicy, RetentionStore } from '../types.js';
import { transaction, type Queryable } from './db.js';

const d: Placeholder = (i) => `$${i}`;
const SQL = {
  countCutoff: RETENTION_SQL.countCutoff(d),
  expired: RETENTION_SQL.expired(d),
  deleteTree: RETENTION_SQL.deleteTree(d),
  compact: RETENTION_SQL.compact(d),
};

async function fannedOut(db: Queryable): Promise<number> {
  const { rows } = await db.query(RETENTION_SQL.cursor);
  return Number(rows[0]?.last_event_id ?? 0);
}

export async function expireExecutions(pool: pg.Pool, p: ExpirationPolicy): Promise<string[]> {
  let cutoff = p.finishedBefore ?? -Infinity;
  if (p.keepFinished !== null) {
    const { rows } = await pool.query(SQL.countCutoff, [p.keepFinished]);
    if (rows[0]) cutoff = Math.max(cutoff, Number(rows[0].updated_at));
  }
  if (cutoff === -Infinity) return [];
  const { rows } = await pool.query(SQL.expired, [cutoff, await fannedOut(pool), p.limit]);
  const ids = rows.map((r) => String(r.id));
  for (const id of ids) {
    await transaction(pool, async (db) => {
      for (const sql of SQL.deleteTree) await db.query(sql, [id]);
    });
  }
  return ids;
}

export async function compactOutbox(pool: pg.Pool, before: number, limit: number): Promise<number> {
  const params = [before, await fannedOut(pool), limit];
  return transaction(pool, async (db) => {
    await db.query(SQL.compact.record, params);
    return (await db.query(SQL.compact.drop, params)).rowCount ?? 0;
  });
}

export function postgresRetention(pool: pg.Pool): RetentionStore {
  return {
    expireExecutions: (p) => expireExecutions(pool, p),
    compactOutbox: (before, limit) => compactOutbox(pool, before, limit),
  };
}
