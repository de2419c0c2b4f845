/**
 * Listeners, deliveries, attempts and statuses in SQLite.
 *
 * The dispatcher's two writes are one transaction each, so a crash leaves either all of a step or none of it:
 * - `applyFanOut` stores the deliveries (and statuses, and `params.notify` listeners) of a run of outbox events
 *   together with the outbox position reached. A fan-out repeated after a crash is a no-op: deliveries are
 *   `INSERT OR IGNORE` on `UNIQUE (event_id, listener_id)`, a status is stored only when its delivery row
 *   carries its id (i.e. that delivery was the one inserted), listeners already stored are kept as they are
 *   (their health and `enabled` may have moved on since), and the cursor never goes back.
 * - `applyProgress` records a batch of attempt outcomes: delivery states, the attempt log (whose `seq`,
 *   assigned by SQLite, is the API's cursor) and listener health; and, when the batch carries one, a fan-out
 *   first (the dispatcher's deferred one: its deliveries go in once, already in their state after the outcome).
 *
 * Listeners keep the full record as JSON (`record`) beside the columns that are filtered or sorted on, like the
 * runtime tables; deliveries, attempts and statuses are flat rows, as they are small, numerous and queried by
 * several of their fields.
 *
 * List filters: an absent field does not filter; an empty id list matches nothing (SQL `IN ()`). Id lists are
 * bound as one JSON array (`IN (SELECT value FROM json_each(?))`), so no list is too long for SQLite's
 * parameter limit and the statement text does not depend on the list's length.
 */
import type Database from 'better-sqlite3';
import { ConflictError, TramError } from '../../common/index.js';
import type {
  Attempt,
  AttemptCode,
  Delivery,
  Listener,
  StatusRecord,
  StatusState,
} from '../../model/index.js';
import type {
  AttemptFilter,
  DeliveryFilter,
  DeliveryProgress,
  DeliveryStore,
  FanOut,
  ListenerFilter,
  PendingEntry,
  PendingPage,
  StatusFilter,
} from '../types.js';
import { limitSql, pageSql, sortColumns, whereClause } from './paging.js';
import { eventFromRow } from './sqlite-store.js';
import { ATTEMPTS_LOG, OUTBOX_TIME_SLACK_MS, keysFromTime } from '../log-time.js';

type Row = Record<string, unknown>;
export const LISTENER_SORT = sortColumns(['created_at', 'id']);
export const DEFAULT_ATTEMPT_LIMIT = 100;
/** Pending deliveries counted per turn of the event loop (`countPending`). */
export const COUNT_CHUNK = 5_000;
export const OPEN_STATUSES = `('queued','in_progress')`;

export function listenerFromRow(r: Row): Listener {
  return JSON.parse(r.record as string) as Listener;
}

export function deliveryFromRow(r: Row): Delivery {
  return prefixedDelivery(r, '');
}

/** A delivery row whose columns carry a prefix in a join (`d_id`, `d_event_id`, ...). */
function prefixedDelivery(r: Row, prefix: string): Delivery {
  const c = (name: string) => r[prefix + name];
  return {
    id: c('id') as string,
    eventId: c('event_id') as number,
    listenerId: c('listener_id') as string,
    orderKey: c('order_key') as string,
    state: c('state') as Delivery['state'],
    attempts: c('attempts') as number,
    nextAttemptAt: c('next_attempt_at') as number,
    lastCode: (c('last_code') as AttemptCode | null) ?? null,
    statusId: (c('status_id') as string | null) ?? null,
    createdAt: c('created_at') as number,
    updatedAt: c('updated_at') as number,
  };
}

export function attemptFromRow(r: Row): Attempt {
  return {
    id: r.id as string,
    seq: r.seq as number,
    deliveryId: r.delivery_id as string,
    eventId: r.event_id as number,
    listenerId: r.listener_id as string,
    code: r.code as AttemptCode,
    message: r.message as string,
    httpStatus: (r.http_status as number | null) ?? null,
    durationMs: r.duration_ms as number,
    attemptNumber: r.attempt_number as number,
    trigger: r.trigger as Attempt['trigger'],
    createdAt: r.created_at as number,
  };
}

export function statusFromRow(r: Row): StatusRecord {
  return {
    id: r.id as string,
    deliveryId: r.delivery_id as string,
    eventId: r.event_id as number,
    listenerId: r.listener_id as string,
    executionId: r.execution_id as string,
    rootExecutionId: r.root_execution_id as string,
    taskExecutionId: (r.task_execution_id as string | null) ?? null,
    taskName: (r.task_name as string | null) ?? null,
    status: r.status as StatusState,
    conclusion: (r.conclusion as StatusRecord['conclusion']) ?? null,
    output: r.output == null ? null : (JSON.parse(r.output as string) as StatusRecord['output']),
    deadlineAt: r.deadline_at as number,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Accumulates the conditions and parameters of a list query. */
class Conditions {
  readonly conds: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, ...params: unknown[]): this {
    this.conds.push(sql);
    this.params.push(...params);
    return this;
  }

  /** `column = ?` unless the value is undefined. */
  eq(column: string, value: unknown): this {
    return value === undefined ? this : this.add(`${column} = ?`, value);
  }

  /** `column IN (list)` unless the list is undefined (an empty list matches nothing). One value is an equality,
   * so that an index on (column, order key) gives the order too (a list would be sorted in full). */
  in(column: string, values: readonly unknown[] | undefined): this {
    if (values?.length === 1) return this.eq(column, values[0]);
    return values === undefined
      ? this
      : this.add(`${column} IN (SELECT value FROM json_each(?))`, JSON.stringify(values));
  }

  get where(): string {
    return whereClause(this.conds);
  }
}

/**
 * A page of one listener's backlog with the events (`PendingPage`), on the partial indexes of migration 6. The
 * outbox columns come as they are (so `eventFromRow` reads them); the delivery's are prefixed `d_`. Shared with
 * the PostgreSQL store: `param` is `?` here, and numbers its placeholders there. The limit is written into the
 * text (`pageLimit`), not bound: SQLite 3.53 re-prepares a statement whose LIMIT is a bound parameter at every run.
 */
export function pendingPageSql(
  queue: boolean,
  upTo: boolean,
  param: (() => string) | '?',
  limit: number,
): string {
  const p = param === '?' ? () => '?' : param;
  // SQLite, without statistics, would walk a listener's whole range for one queue: name the index it needs.
  const index =
    param === '?' ? `INDEXED BY ${queue ? 'deliveries_pending_queue' : 'deliveries_pending_listener'}` : '';
  const conds = [`d.state = 'pending'`, `d.listener_id = ${p()}`, `(d.event_id, d.id) > (${p()}, ${p()})`];
  if (queue) conds.push(`d.order_key = ${p()}`);
  if (upTo) conds.push(`(d.event_id, d.id) <= (${p()}, ${p()})`);
  return `SELECT o.*, d.id AS d_id, d.event_id AS d_event_id, d.listener_id AS d_listener_id, d.order_key AS d_order_key,
      d.state AS d_state, d.attempts AS d_attempts, d.next_attempt_at AS d_next_attempt_at,
      d.last_code AS d_last_code, d.status_id AS d_status_id, d.created_at AS d_created_at,
      d.updated_at AS d_updated_at
    FROM deliveries d ${index} JOIN outbox o ON o.id = d.event_id
    WHERE ${conds.join(' AND ')} ORDER BY d.event_id, d.id LIMIT ${limit}`;
}

/** A page size as the integer written into a LIMIT (at least 1). */
export function pageLimit(limit: number): number {
  const n = Math.max(1, Math.floor(limit));
  if (!Number.isSafeInteger(n)) throw new TramError('INVALID_INPUT', `invalid limit: ${limit}`);
  return n;
}

/** Page statements cached (per variant and limit: a few limits in practice, the pager's page sizes). */
const PAGE_STMT_CACHE = 64;

/**
 * Listeners with a pending delivery, one index probe each (a skip scan), not one row per delivery. `indexed`
 * names the partial index for SQLite (which would otherwise read every pending row for each MIN).
 */
export function pendingListenersSql(indexed: string): string {
  return `
  WITH RECURSIVE l(id) AS (
    SELECT MIN(listener_id) FROM deliveries ${indexed} WHERE state = 'pending'
    UNION ALL
    SELECT (SELECT MIN(listener_id) FROM deliveries ${indexed} WHERE state = 'pending' AND listener_id > l.id)
    FROM l WHERE l.id IS NOT NULL)
  SELECT id FROM l WHERE id IS NOT NULL`;
}

/** The rows a fan-out write changes (its position's one included). */
function fanOutRows(f: FanOut): number {
  return f.deliveries.length + f.statuses.length + f.listeners.length + 1;
}

export function pendingEntryFromRow(r: Row): PendingEntry {
  return { delivery: prefixedDelivery(r, 'd_'), event: eventFromRow(r) };
}

export class SqliteDeliveryStore implements DeliveryStore {
  private readonly pageStmts = new Map<string, Database.Statement>();
  private readonly stmts;
  private readonly fanOutTx: (f: FanOut) => void;
  private readonly progressTx: (p: DeliveryProgress) => void;
  private readonly deleteListenerTx: (id: string) => boolean;

  /**
   * `written` is told how many rows each outcome or fan-out write changed, for the WAL checkpointer
   * (`checkpointer.ts`). A delivery drain writes only here: uncounted, the checkpointer's worker was never asked
   * while a backlog drained, and every checkpoint was the writer's backstop, on the event loop.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly written: (rows: number) => void = () => undefined,
  ) {
    this.stmts = {
      insertListener: db.prepare(
        `INSERT INTO listeners (id, name, origin, owner, enabled, created_at, updated_at, record)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      /** For fan-out: a listener already stored keeps its record (its health may have moved on). */
      insertListenerIfNew: db.prepare(
        `INSERT INTO listeners (id, name, origin, owner, enabled, created_at, updated_at, record)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      updateListener: db.prepare(
        `UPDATE listeners SET name = ?, origin = ?, owner = ?, enabled = ?, created_at = ?, updated_at = ?,
           record = ? WHERE id = ?`,
      ),
      setListenerRecord: db.prepare(
        'UPDATE listeners SET enabled = ?, updated_at = ?, record = ? WHERE id = ?',
      ),
      getListener: db.prepare('SELECT record FROM listeners WHERE id = ?'),
      getListenerByName: db.prepare('SELECT record FROM listeners WHERE name = ?'),
      deleteListener: db.prepare('DELETE FROM listeners WHERE id = ?'),
      deletePendingOf: db.prepare("DELETE FROM deliveries WHERE listener_id = ? AND state = 'pending'"),

      cursor: db.prepare('SELECT last_event_id FROM fan_out_cursor WHERE id = 1'),
      advanceCursor: db.prepare(
        `INSERT INTO fan_out_cursor (id, last_event_id) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET last_event_id = MAX(last_event_id, excluded.last_event_id)`,
      ),

      insertDelivery: db.prepare(
        `INSERT OR IGNORE INTO deliveries (id, event_id, listener_id, order_key, state, attempts, next_attempt_at,
           last_code, status_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateDelivery: db.prepare(
        `UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_code = ?, updated_at = ?
         WHERE id = ?`,
      ),
      getDelivery: db.prepare('SELECT * FROM deliveries WHERE id = ?'),
      pendingListeners: db.prepare(pendingListenersSql('INDEXED BY deliveries_pending_listener')),
      /** The key `?` pending deliveries after a position in a listener's backlog (a chunk of the count). */
      pendingKeyAt: db.prepare(
        `SELECT event_id, id FROM deliveries INDEXED BY deliveries_pending_listener
         WHERE state = 'pending' AND listener_id = ? AND (event_id, id) > (?, ?)
         ORDER BY event_id, id LIMIT 1 OFFSET ?`,
      ),
      countPendingAfter: db.prepare(
        `SELECT COUNT(*) AS n FROM deliveries INDEXED BY deliveries_pending_listener
         WHERE state = 'pending' AND listener_id = ? AND (event_id, id) > (?, ?)`,
      ),

      insertAttempt: db.prepare(
        `INSERT INTO event_attempts (id, delivery_id, event_id, listener_id, code, message, http_status,
           duration_ms, attempt_number, trigger, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      getAttempt: db.prepare('SELECT * FROM event_attempts WHERE id = ?'),

      /** Only for the delivery that carries this status: a delivery kept from an earlier fan-out has its own. */
      insertStatus: db.prepare(
        `INSERT OR IGNORE INTO statuses (id, delivery_id, event_id, listener_id, execution_id, root_execution_id,
           task_execution_id, task_name, status, conclusion, output, deadline_at, created_at, updated_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = ? AND status_id = ?)`,
      ),
      getStatus: db.prepare('SELECT * FROM statuses WHERE id = ?'),
      updateStatus: db.prepare(
        `UPDATE statuses SET status = ?, conclusion = ?, output = ?, deadline_at = ?, updated_at = ?
         WHERE id = ? AND status != 'completed'`,
      ),
    };
    this.fanOutTx = db.transaction((f: FanOut) => this.fanOut(f));
    this.progressTx = db.transaction((p: DeliveryProgress) => this.progress(p));
    this.deleteListenerTx = db.transaction((id: string) => {
      this.stmts.deletePendingOf.run(id);
      return this.stmts.deleteListener.run(id).changes > 0;
    });
  }

  // ---- listeners

  private listenerParams(l: Listener): unknown[] {
    return [l.name, l.origin, l.owner, l.enabled ? 1 : 0, l.createdAt, l.updatedAt, JSON.stringify(l)];
  }

  /** Runs a write, turning a unique violation (id or name) into a `ConflictError`. */
  private unique<T>(what: string, write: () => T): T {
    try {
      return write();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError(`Duplicate entry for listener: ${what}`, { cause: err });
      throw err;
    }
  }

  async createListener(l: Listener): Promise<void> {
    this.unique(l.name, () => this.stmts.insertListener.run(l.id, ...this.listenerParams(l)));
  }

  async updateListener(l: Listener): Promise<boolean> {
    return this.unique(
      l.name,
      () => this.stmts.updateListener.run(...this.listenerParams(l), l.id).changes === 1,
    );
  }

  async getListener(id: string): Promise<Listener | null> {
    const r = this.stmts.getListener.get(id) as Row | undefined;
    return r ? listenerFromRow(r) : null;
  }

  async getListenerByName(name: string): Promise<Listener | null> {
    const r = this.stmts.getListenerByName.get(name) as Row | undefined;
    return r ? listenerFromRow(r) : null;
  }

  async listListeners(f: ListenerFilter = {}): Promise<Listener[]> {
    const p = pageSql(this.db, 'listeners', { marker: f.afterId, limit: f.limit }, LISTENER_SORT);
    const c = new Conditions()
      .add(p.where, ...p.params)
      .eq('origin', f.origin)
      .eq('owner', f.owner)
      .eq('enabled', f.enabled === undefined ? undefined : f.enabled ? 1 : 0);
    const sql = `SELECT record FROM listeners ${c.where} ${p.order} ${p.limit}`;
    return (this.db.prepare(sql).all(...c.params) as Row[]).map(listenerFromRow);
  }

  async deleteListener(id: string): Promise<boolean> {
    return this.deleteListenerTx(id);
  }

  // ---- dispatcher steps

  async fanOutCursor(): Promise<number> {
    const r = this.stmts.cursor.get() as Row | undefined;
    return (r?.last_event_id as number | undefined) ?? 0;
  }

  private fanOut(f: FanOut): void {
    const s = this.stmts;
    for (const l of f.listeners) {
      this.unique(l.name, () => s.insertListenerIfNew.run(l.id, ...this.listenerParams(l)));
    }
    for (const d of f.deliveries) {
      s.insertDelivery.run(
        d.id,
        d.eventId,
        d.listenerId,
        d.orderKey,
        d.state,
        d.attempts,
        d.nextAttemptAt,
        d.lastCode,
        d.statusId,
        d.createdAt,
        d.updatedAt,
      );
    }
    for (const st of f.statuses) {
      s.insertStatus.run(
        st.id,
        st.deliveryId,
        st.eventId,
        st.listenerId,
        st.executionId,
        st.rootExecutionId,
        st.taskExecutionId,
        st.taskName,
        st.status,
        st.conclusion,
        st.output === null ? null : JSON.stringify(st.output),
        st.deadlineAt,
        st.createdAt,
        st.updatedAt,
        st.deliveryId,
        st.id,
      );
    }
    s.advanceCursor.run(f.cursor);
  }

  async applyFanOut(f: FanOut): Promise<void> {
    this.write('fan-out', () => this.fanOutTx(f));
    this.written(fanOutRows(f));
  }

  private progress(p: DeliveryProgress): void {
    const s = this.stmts;
    if (p.fanOut) this.fanOut(p.fanOut);
    for (const d of p.deliveries) {
      s.updateDelivery.run(d.state, d.attempts, d.nextAttemptAt, d.lastCode, d.updatedAt, d.id);
    }
    for (const a of p.attempts) {
      s.insertAttempt.run(
        a.id,
        a.deliveryId,
        a.eventId,
        a.listenerId,
        a.code,
        a.message,
        a.httpStatus,
        a.durationMs,
        a.attemptNumber,
        a.trigger,
        a.createdAt,
      );
    }
    for (const change of p.listeners) {
      const r = s.getListener.get(change.id) as Row | undefined;
      if (!r) continue; // deleted meanwhile
      const l: Listener = {
        ...listenerFromRow(r),
        health: change.health,
        enabled: change.enabled,
        disabledReason: change.disabledReason,
        updatedAt: change.updatedAt,
      };
      s.setListenerRecord.run(l.enabled ? 1 : 0, l.updatedAt, JSON.stringify(l), l.id);
    }
  }

  async applyProgress(p: DeliveryProgress): Promise<void> {
    this.write('progress', () => this.progressTx(p));
    this.written(
      p.deliveries.length + p.attempts.length + p.listeners.length + (p.fanOut ? fanOutRows(p.fanOut) : 0),
    );
  }

  /** Reports a failed dispatcher step as a `STORE` error (a `TramError` such as a conflict passes through). */
  private write(what: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      if (err instanceof TramError) throw err;
      throw new TramError('STORE', `delivery ${what} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  // ---- deliveries

  async getDelivery(id: string): Promise<Delivery | null> {
    const r = this.stmts.getDelivery.get(id) as Row | undefined;
    return r ? deliveryFromRow(r) : null;
  }

  private deliveryConditions(f: DeliveryFilter): Conditions {
    const c = new Conditions()
      .in('event_id', f.eventIds)
      .eq('listener_id', f.listenerId)
      .eq('state', f.state);
    if (f.since !== undefined) c.add('created_at >= ?', f.since);
    if (f.afterEventId !== undefined) c.add('event_id > ?', f.afterEventId);
    return c;
  }

  async listDeliveries(f: DeliveryFilter = {}): Promise<Delivery[]> {
    const c = this.deliveryConditions(f);
    // A page of one state in event order (recovery walking a million given-up deliveries): on the (state,
    // event id) index each page starts where the last one ended. On the listener's (listener, state, created)
    // index, SQLite's own choice, every page would sort all the rows that match.
    const index =
      f.afterEventId !== undefined && f.state !== undefined ? 'INDEXED BY deliveries_pending' : '';
    const sql = `SELECT * FROM deliveries ${index} ${c.where} ORDER BY event_id, listener_id ${limitSql(f.limit)}`;
    return (this.db.prepare(sql).all(...c.params) as Row[]).map(deliveryFromRow);
  }

  async countDeliveries(f: DeliveryFilter = {}): Promise<number> {
    const c = this.deliveryConditions(f);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM deliveries ${c.where}`).get(...c.params) as Row)
      .n as number;
  }

  /** A statement of the paging queries, whose text holds its limit (see `pendingPageSql`), by `key`. */
  private pageStatement(key: string, sql: () => string): Database.Statement {
    let stmt = this.pageStmts.get(key);
    if (!stmt) {
      if (this.pageStmts.size >= PAGE_STMT_CACHE) this.pageStmts.clear();
      stmt = this.db.prepare(sql());
      this.pageStmts.set(key, stmt);
    }
    return stmt;
  }

  async listPending(after: { eventId: number; id: string }, limit: number): Promise<Delivery[]> {
    const n = pageLimit(limit);
    const stmt = this.pageStatement(
      `all:${n}`,
      () => `SELECT * FROM deliveries WHERE state = 'pending' AND (event_id > ? OR (event_id = ? AND id > ?))
       ORDER BY event_id, id LIMIT ${n}`,
    );
    return (stmt.all(after.eventId, after.eventId, after.id) as Row[]).map(deliveryFromRow);
  }

  async pendingListeners(): Promise<string[]> {
    return (this.stmts.pendingListeners.all() as Row[]).map((r) => r.id as string);
  }

  async pendingPage(q: PendingPage): Promise<PendingEntry[]> {
    const queue = q.orderKey !== undefined;
    const upTo = q.upTo !== undefined;
    const n = pageLimit(q.limit);
    const stmt = this.pageStatement(`${queue ? 'q' : ''}${upTo ? 'u' : ''}:${n}`, () =>
      pendingPageSql(queue, upTo, '?', n),
    );
    const params: unknown[] = [q.listenerId, q.after.eventId, q.after.id];
    if (q.orderKey !== undefined) params.push(q.orderKey);
    if (q.upTo !== undefined) params.push(q.upTo.eventId, q.upTo.id);
    return (stmt.all(...params) as Row[]).map(pendingEntryFromRow);
  }

  /**
   * Counted a chunk at a time along the listener's pending index, with a turn of the event loop between chunks:
   * one COUNT of 500,000 pending deliveries held the loop (and every API request) for about a second under
   * load; a chunk holds it for a few ms (~50 ms at worst under the same load).
   */
  async countPending(listenerIds: string[], chunk = COUNT_CHUNK): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const id of listenerIds) {
      let n = 0;
      for (let after: Row = { event_id: 0, id: '' }; ;) {
        const key = this.stmts.pendingKeyAt.get(id, after.event_id, after.id, chunk - 1) as Row | undefined;
        if (!key) {
          n += (this.stmts.countPendingAfter.get(id, after.event_id, after.id) as Row).n as number;
          break;
        }
        n += chunk;
        after = key;
        await new Promise((resolve) => setImmediate(resolve));
      }
      counts[id] = n;
    }
    return counts;
  }

  // ---- attempts

  async listAttempts(f: AttemptFilter = {}): Promise<Attempt[]> {
    const c = new Conditions();
    if (f.after === undefined) {
      if (f.afterSeq !== undefined) c.add('seq > ?', f.afterSeq);
    } else {
      // Seek to the attempts of the time instead of walking every older one (`store/log-time.ts`).
      c.add(keysFromTime('sqlite', ATTEMPTS_LOG, '?', '?'), f.afterSeq ?? 0, f.after - OUTBOX_TIME_SLACK_MS);
      c.add('created_at > ?', f.after);
    }
    if (f.before !== undefined) c.add('created_at < ?', f.before);
    c.in('event_id', f.eventIds).in('listener_id', f.listenerIds).eq('delivery_id', f.deliveryId);
    const limit = limitSql(f.limit ?? DEFAULT_ATTEMPT_LIMIT);
    const sql = `SELECT * FROM event_attempts ${c.where} ORDER BY seq ${limit}`;
    return (this.db.prepare(sql).all(...c.params) as Row[]).map(attemptFromRow);
  }

  async getAttempt(id: string): Promise<Attempt | null> {
    const r = this.stmts.getAttempt.get(id) as Row | undefined;
    return r ? attemptFromRow(r) : null;
  }

  // ---- statuses

  async getStatus(id: string): Promise<StatusRecord | null> {
    const r = this.stmts.getStatus.get(id) as Row | undefined;
    return r ? statusFromRow(r) : null;
  }

  async listStatuses(f: StatusFilter = {}): Promise<StatusRecord[]> {
    const c = new Conditions()
      .eq('root_execution_id', f.rootExecutionId)
      .eq('execution_id', f.executionId)
      .eq('task_execution_id', f.taskExecutionId);
    if (f.overdueAt !== undefined) c.add(`status IN ${OPEN_STATUSES} AND deadline_at <= ?`, f.overdueAt);
    const sql = `SELECT * FROM statuses ${c.where} ORDER BY created_at, id ${limitSql(f.limit)}`;
    return (this.db.prepare(sql).all(...c.params) as Row[]).map(statusFromRow);
  }

  async updateStatus(s: StatusRecord): Promise<boolean> {
    const output = s.output === null ? null : JSON.stringify(s.output);
    return (
      this.stmts.updateStatus.run(s.status, s.conclusion, output, s.deadlineAt, s.updatedAt, s.id).changes ===
      1
    );
  }
}
