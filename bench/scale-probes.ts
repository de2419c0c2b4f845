/**
 * What `npm run bench -- scale` measures at each history size: the database's size per execution (the SQLite
 * file as a reader sees it, WAL included, with a per-table breakdown from the `dbstat` virtual table) and the
 * median latency of every filtered list route, each asked the way a client pages through history.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { SqliteStore } from '../store/index.js';
import { call } from './http-client.js';
import { quantile } from './side-by-side.js';

/**
 * `call`, tried again once when the connection was reset: a keep-alive socket the server closed as idle (its
 * keep-alive timeout) while the client took it for the next request, which a loaded machine makes likely.
 */
export async function request(
  method: string,
  url: string,
  body?: unknown,
  text = false,
): Promise<Record<string, unknown>> {
  try {
    return await call(method, url, body, text);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ECONNRESET') throw err;
    return call(method, url, body, text);
  }
}

export interface DbSize {
  /** Bytes in use: pages of the database as of the last commit (WAL frames included), free pages excluded. */
  used: number;
  /** The files on disk: the main file and the WAL. */
  file: number;
  wal: number;
  /** Bytes by table, its indexes included, largest first. */
  tables: [string, number][];
  /** Of those, the bytes of each table's indexes (`dbstat` names each index apart). */
  indexes: Map<string, number>;
  /** Bytes by index (a table's own primary-key index included), largest first. */
  byIndex: [string, number][];
}

export function measureDb(file: string): DbSize {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const owner = new Map<string, string>(
      (
        db.prepare(`SELECT name, tbl_name FROM sqlite_schema`).all() as { name: string; tbl_name: string }[]
      ).map((r) => [r.name, r.tbl_name]),
    );
    const byTable = new Map<string, number>();
    const indexes = new Map<string, number>();
    const byIndex: [string, number][] = [];
    for (const r of db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as {
      name: string;
      bytes: number;
    }[]) {
      const table = owner.get(r.name) ?? r.name;
      byTable.set(table, (byTable.get(table) ?? 0) + r.bytes);
      if (table !== r.name) {
        indexes.set(table, (indexes.get(table) ?? 0) + r.bytes);
        byIndex.push([r.name, r.bytes]);
      }
    }
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    return {
      used: (pages - free) * pageSize,
      file: size(file),
      wal: size(`${file}-wal`),
      tables: [...byTable].sort((a, b) => b[1] - a[1]),
      indexes,
      byIndex: byIndex.sort((a, b) => b[1] - a[1]),
    };
  } finally {
    db.close();
  }
}

/**
 * The database as the default retention leaves it once the replay window has passed: a consistent copy
 * (SQLite's online backup) whose outbox is compacted as the sweeper compacts it, measured like the original. It
 * counts the partly filled pages that compaction leaves behind, which an estimate from row counts would not.
 */
export async function compactedDb(file: string): Promise<DbSize> {
  const copy = `${file}.compacted`;
  const src = new Database(file, { readonly: true, fileMustExist: true });
  try {
    await src.backup(copy);
  } finally {
    src.close();
  }
  try {
    const store = new SqliteStore({ path: copy });
    try {
      await store.retention.compactOutbox(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    } finally {
      await store.close();
    }
    return measureDb(copy);
  } finally {
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) fs.rmSync(f, { force: true });
  }
}

/** One list route, as a client asks it; `path` is relative to `/v2`. */
export interface ListRoute {
  name: string;
  path: string;
}

/** Some ids from the history, for the routes that filter on one execution or page from a marker. */
export interface Samples {
  /** An execution from the middle of the history. */
  executionId: string;
  /** Its root (for the events of one tree). */
  workflowName: string;
  /** A listener whose attempts are listed, if any. */
  listenerId: string | null;
  /** An instant in the middle of the history (ISO), for the time-bounded routes. */
  middle: string;
}

/** Every filtered list route of issue 15, each at a page size a client uses. */
export function listRoutes(s: Samples): ListRoute[] {
  const wf = encodeURIComponent(s.workflowName);
  const routes: ListRoute[] = [
    { name: 'executions by workflow', path: `/executions?workflow_name=${wf}&limit=10` },
    { name: 'executions by state', path: `/executions?state=SUCCESS&limit=10` },
    { name: 'executions by workflow+state', path: `/executions?workflow_name=${wf}&state=SUCCESS&limit=10` },
    { name: 'executions newest first', path: `/executions?sort_keys=created_at&sort_dirs=desc&limit=10` },
    { name: 'executions from a marker', path: `/executions?limit=10&marker=${s.executionId}` },
    {
      name: 'executions by state, by updated_at',
      path: `/executions?state=SUCCESS&sort_keys=updated_at&sort_dirs=desc&limit=10`,
    },
    { name: 'executions (default page of 100)', path: `/executions` },
    { name: 'tasks of an execution', path: `/tasks?workflow_execution_id=${s.executionId}` },
    { name: 'tasks by workflow', path: `/tasks?workflow_name=${wf}&limit=10` },
    { name: 'tasks by state', path: `/tasks?state=SUCCESS&limit=10` },
    { name: 'tasks (default page of 100)', path: `/tasks` },
    { name: 'events (first page)', path: `/events?limit=100` },
    { name: 'events of an execution', path: `/events?execution_id=${s.executionId}` },
    { name: 'events by type', path: `/events?event_types=WORKFLOW_SUCCEEDED&limit=10` },
    { name: 'events after a time', path: `/events?after=${encodeURIComponent(s.middle)}&limit=10` },
    { name: 'attempts (first page)', path: `/event_attempts?limit=100` },
    { name: 'attempts after a time', path: `/event_attempts?after=${encodeURIComponent(s.middle)}&limit=10` },
  ];
  if (s.listenerId) {
    routes.push({
      name: 'attempts of a listener',
      path: `/event_attempts?listener_ids=${s.listenerId}&limit=10`,
    });
  }
  return routes;
}

/** A route's latency: the median, and the fastest (the work itself, with the least of the machine's load). */
export interface Timing {
  p50: number;
  min: number;
}

/** `runs` sequential GETs (after two warm-up calls), in milliseconds; a route that fails is reported. */
export async function timeRoute(base: string, route: ListRoute, runs = 21): Promise<Timing | string> {
  try {
    for (let i = 0; i < 2; i++) await request('GET', `${base}${route.path}`);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await request('GET', `${base}${route.path}`);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return { p50: quantile(ms, 0.5), min: ms[0] ?? NaN };
  } catch (err) {
    return (err as { status?: number }).status ? `HTTP ${(err as { status: number }).status}` : 'error';
  }
}
