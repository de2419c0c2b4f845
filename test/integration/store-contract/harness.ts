/**
 * The stores the contract runs against, and their set-up: SQLite gets a fresh file per test; PostgreSQL gets
 * one database per test run (`tram_test_<random>`, created in `before`, dropped in `after`) whose tables are
 * emptied between tests, as graphile-worker's tests do. PostgreSQL must be reachable (`TRAM_TEST_PG_URL`,
 * default `postgres://postgres@127.0.0.1:5432/postgres`): if it is not, the suite fails and says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore, SqliteStore, type Store } from '../../../store/index.js';

/** What the contract's tests see: the store under test, and a way to close and open it again. */
export interface ContractContext {
  store: Store;
  reopen(): Promise<Store>;
  /** A second store on the same database (as a second node would open it); the caller closes it. */
  open(): Promise<Store>;
}

export interface StoreKind {
  name: string;
  /** Once per run. */
  setUp(): Promise<void>;
  /** A fresh, empty store. */
  open(): Promise<Store>;
  /** The same database again (after the previous store was closed). */
  reopen(): Promise<Store>;
  /** After each test (the store is closed already). */
  reset(): Promise<void>;
  tearDown(): Promise<void>;
}

export const ADMIN_PG_URL = process.env.TRAM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A connection string for database `name` on the admin URL's server. */
export function pgUrl(name: string): string {
  const u = new URL(ADMIN_PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `sql` on the admin database, failing loudly when PostgreSQL cannot be reached. */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_PG_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_PG_URL}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database for one test run; resolves with its URL and a function that drops it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tram_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return { url: pgUrl(name), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export function sqliteKind(): StoreKind {
  let dir = '';
  const file = () => path.join(dir, 'db', 'tram.db');
  return {
    name: 'SQLite',
    setUp: async () => undefined,
    open: async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-contract-'));
      return new SqliteStore({ path: file() });
    },
    reopen: async () => new SqliteStore({ path: file() }),
    reset: async () => fs.rmSync(dir, { recursive: true, force: true }),
    tearDown: async () => undefined,
  };
}

export function postgresKind(): StoreKind {
  let db: { url: string; drop: () => Promise<void> } | null = null;
  const url = () => {
    if (!db) throw new Error('the test database was not created');
    return db.url;
  };
  return {
    name: 'PostgreSQL',
    setUp: async () => {
      db = await createTestDatabase();
    },
    open: async () => new PostgresStore({ url: url() }),
    reopen: async () => new PostgresStore({ url: url() }),
    reset: async () => {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        const { rows } = await client.query(
          `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
        );
        const tables = rows.map((r: { tablename: string }) => r.tablename);
        if (tables.length) await client.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
      } finally {
        await client.end();
      }
    },
    tearDown: async () => {
      await db?.drop();
      db = null;
    },
  };
}

/** Registers the mocha hooks that give each test of `body` a fresh store of `kind` in `ctx`. */
export function withStore(kind: StoreKind, body: (ctx: ContractContext) => void): void {
  const ctx: ContractContext = {
    store: undefined as unknown as Store,
    reopen: async () => {
      await ctx.store.close();
      ctx.store = await kind.reopen();
      return ctx.store;
    },
    open: () => kind.reopen(),
  };
  before(() => kind.setUp());
  after(() => kind.tearDown());
  beforeEach(async () => {
    ctx.store = await kind.open();
  });
  afterEach(async () => {
    await ctx.store.close();
    await kind.reset();
  });
  body(ctx);
}
