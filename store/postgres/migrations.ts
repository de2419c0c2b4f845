/**
 * Versioned schema migrations of the PostgreSQL store. A migration is never edited once released: a schema
 * change is a new entry. `migrate` runs the missing ones in order, in one transaction (DDL is transactional),
 * under an advisory lock so that nodes starting together do not race, and records them in `schema_migrations`.
 *
 * The tables are the SQLite store's (same migrations, same columns, so the same row mappers serve both): runtime
 * rows keep the full record as JSON text beside the columns that are filtered or sorted on. JSON stays `text`,
 * not `jsonb`, because `jsonb` reorders object keys and the API shows users' objects as they wrote them.
 */
import type pg from 'pg';
import { MIGRATIONS as SQLITE_MIGRATIONS, scaleSql } from '../sqlite/migrations.js';
import { transaction } from './db.js';

/** Any constant: the key of the advisory lock held while migrating. */
const MIGRATION_LOCK = 0x7472616d; // 'tram'

/**
 * SQLite's column types in PostgreSQL: every integer becomes BIGINT (epoch milliseconds and outbox ids need 64
 * bits; `int8` is parsed into a number by `db.ts`), an AUTOINCREMENT key a BIGSERIAL, REAL a DOUBLE PRECISION.
 * Both dialects share the rest of the DDL the migrations use (CREATE TABLE / INDEX, UNIQUE, CHECK, DEFAULT).
 */
const TYPE_MAP: [RegExp, string][] = [
  [/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, 'BIGSERIAL PRIMARY KEY'],
  [/\bINTEGER\b/g, 'BIGINT'],
  [/\bREAL\b/g, 'DOUBLE PRECISION'],
];

export function toPostgres(sqliteSql: string): string {
  return TYPE_MAP.reduce((sql, [from, to]) => sql.replace(from, to), sqliteSql);
}

/**
 * One schema history for both stores: the SQLite migrations, translated, so that a store change written once
 * reaches both (a migration that uses SQLite-only syntax gets a PostgreSQL version here, by number).
 */
const POSTGRES_ONLY: Record<number, string> = {
  6: toPostgres(scaleSql("record::json->>'workflowName'")),
};

/** What only several nodes need, numbered apart from the shared history. */
const CLUSTER_MIGRATIONS = [
  {
    version: 1001,
    name: 'cluster: nodes and execution owners',
    sql: `
      CREATE TABLE nodes (id TEXT PRIMARY KEY, heartbeat_at BIGINT NOT NULL, started_at BIGINT NOT NULL);
      ALTER TABLE workflow_executions ADD COLUMN owner_node TEXT;
      CREATE INDEX workflow_executions_owner ON workflow_executions (owner_node);
    `,
  },
  {
    version: 1002,
    name: 'cluster: steering commands handed to the owner node',
    sql: `
      CREATE TABLE commands (id BIGSERIAL PRIMARY KEY, target_node TEXT NOT NULL, command TEXT NOT NULL,
        state TEXT NOT NULL, outcome TEXT, created_at BIGINT NOT NULL);
      CREATE INDEX commands_pending ON commands (target_node, state);
    `,
  },
];

export const MIGRATIONS = [
  ...SQLITE_MIGRATIONS.map((m) => ({ ...m, sql: POSTGRES_ONLY[m.version] ?? toPostgres(m.sql) })),
  ...CLUSTER_MIGRATIONS,
];

/** Applies the missing migrations; resolves with the versions applied. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  return transaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const done = new Set(
      (await db.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version as number),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await db.query(m.sql);
      await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
