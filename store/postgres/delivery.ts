/**
 * Listeners, deliveries, attempts and statuses on PostgreSQL, with the SQLite store's semantics (see
 * `store/sqlite/delivery.ts`): a fan-out and a progress batch are one transaction each; a fan-out repeated after
 * a crash creates nothing twice (`ON CONFLICT DO NOTHING` on the delivery's `(event_id, listener_id)`, a status
 * only for the delivery row that carries its id), and the fan-out cursor never goes back (`GREATEST`).
 */
import type pg from 'pg';
import type { Attempt, Delivery, Listener, StatusRecord } from '../../model/index.js';
import {
  DEFAULT_ATTEMPT_LIMIT,
  LISTENER_SORT,
  OPEN_STATUSES,
  attemptFromRow,
  deliveryFromRow,
  listenerFromRow,
  pageLimit,
  pendingEntryFromRow,
  pendingListenersSql,
  pendingPageSql,
  statusFromRow,
} from '../sqlite/delivery.js';
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
import { storeWrite, transaction, unique, Where, type Queryable } from './db.js';
import { limitSql, page } from './paging.js';
import { ATTEMPTS_LOG, OUTBOX_TIME_SLACK_MS, keysFromTime } from '../log-time.js';

// ---- listeners

function listenerParams(l: Listener): unknown[] {
  return [l.id, l.name, l.origin, l.owner, l.enabled ? 1 : 0, l.createdAt, l.updatedAt, JSON.stringify(l)];
}

const INSERT_LISTENER = `INSERT INTO listeners (id, name, origin, owner, enabled, created_at, updated_at, record)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

export async function createListener(db: Queryable, l: Listener): Promise<void> {
  await unique(`Duplicate entry for listener: ${l.name}`, () => db.query(INSERT_LISTENER, listenerParams(l)));
}

export async function updateListener(db: Queryable, l: Listener): Promise<boolean> {
  const r = await unique(`Duplicate entry for listener: ${l.name}`, () =>
    db.query(
      `UPDATE listeners SET name = $2, origin = $3, owner = $4, enabled = $5, created_at = $6, updated_at = $7,
         record = $8 WHERE id = $1`,
      listenerParams(l),
    ),
  );
  return r.rowCount === 1;
}

export async function getListener(db: Queryable, id: string): Promise<Listener | null> {
  const { rows } = await db.query('SELECT record FROM listeners WHERE id = $1', [id]);
  return rows[0] ? listenerFromRow(rows[0]) : null;
}

export async function getListenerByName(db: Queryable, name: string): Promise<Listener | null> {
  const { rows } = await db.query('SELECT record FROM listeners WHERE name = $1', [name]);
  return rows[0] ? listenerFromRow(rows[0]) : null;
}

export async function listListeners(db: Queryable, f: ListenerFilter = {}): Promise<Listener[]> {
  const w = new Where();
  const p = await page(db, w, 'listeners', { marker: f.afterId, limit: f.limit }, LISTENER_SORT);
  w.eq('origin', f.origin)
    .eq('owner', f.owner)
    .eq('enabled', f.enabled === undefined ? undefined : f.enabled ? 1 : 0);
  const { rows } = await db.query(`SELECT record FROM listeners ${w.sql} ${p.order} ${p.limit}`, w.params);
  return rows.map(listenerFromRow);
}

/** Deletes the listener with its pending deliveries (its attempts and finished deliveries stay, as history). */
export function deleteListener(pool: pg.Pool, id: string): Promise<boolean> {
  return transaction(pool, async (db) => {
    await db.query("DELETE FROM deliveries WHERE listener_id = $1 AND state = 'pending'", [id]);
    return ((await db.query('DELETE FROM listeners WHERE id = $1', [id])).rowCount ?? 0) > 0;
  });
}

// ---- dispatcher steps

export async function fanOutCursor(db: Queryable): Promise<number> {
  const { rows } = await db.query('SELECT last_event_id FROM fan_out_cursor WHERE id = 1');
  return (rows[0]?.last_event_id as number | undefined) ?? 0;
}

const INSERT_DELIVERIES = `
  INSERT INTO deliveries (id, event_id, listener_id, order_key, state, attempts, next_attempt_at, last_code,
    status_id, created_at, updated_at)
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, event_id bigint, listener_id text, order_key text,
    state text, attempts int, next_attempt_at bigint, last_code text, status_id text, created_at bigint,
    updated_at bigint)
  ON CONFLICT DO NOTHING`;

/** Only for the delivery that carries this status: a delivery kept from an earlier fan-out has its own. */
const INSERT_STATUSES = `
  INSERT INTO statuses (id, delivery_id, event_id, listener_id, execution_id, root_execution_id,
    task_execution_id, task_name, status, conclusion, output, deadline_at, created_at, updated_at)
  SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(id text, delivery_id text, event_id bigint,
    listener_id text, execution_id text, root_execution_id text, task_execution_id text, task_name text,
    status text, conclusion text, output text, deadline_at bigint, created_at bigint, updated_at bigint)
  WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.id = x.delivery_id AND d.status_id = x.id)
  ON CONFLICT DO NOTHING`;

const ADVANCE_CURSOR = `INSERT INTO fan_out_cursor (id, last_event_id) VALUES (1, $1)
  ON CONFLICT (id) DO UPDATE SET last_event_id = GREATEST(fan_out_cursor.last_event_id, excluded.last_event_id)`;

export function applyFanOut(pool: pg.Pool, f: FanOut): Promise<void> {
  return storeWrite('delivery fan-out', () => transaction(pool, (db) => fanOutIn(db, f)));
}

/** A fan-out's statements, inside the caller's transaction. */
async function fanOutIn(db: Queryable, f: FanOut): Promise<void> {
  for (const l of f.listeners) {
    await unique(`Duplicate entry for listener: ${l.name}`, () =>
      db.query(`${INSERT_LISTENER} ON CONFLICT (id) DO NOTHING`, listenerParams(l)),
    );
  }
  if (f.deliveries.length) {
    const rows = f.deliveries.map((d) => ({
      id: d.id,
      event_id: d.eventId,
      listener_id: d.listenerId,
      order_key: d.orderKey,
      state: d.state,
      attempts: d.attempts,
      next_attempt_at: d.nextAttemptAt,
      last_code: d.lastCode,
      status_id: d.statusId,
      created_at: d.createdAt,
      updated_at: d.updatedAt,
    }));
    await db.query(INSERT_DELIVERIES, [JSON.stringify(rows)]);
  }
  if (f.statuses.length) {
    const rows = f.statuses.map((s) => ({
      id: s.id,
      delivery_id: s.deliveryId,
      event_id: s.eventId,
      listener_id: s.listenerId,
      execution_id: s.executionId,
      root_execution_id: s.rootExecutionId,
      task_execution_id: s.taskExecutionId,
      task_name: s.taskName,
      status: s.status,
      conclusion: s.conclusion,
      output: s.output === null ? null : JSON.stringify(s.output),
      deadline_at: s.deadlineAt,
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    }));
    await db.query(INSERT_STATUSES, [JSON.stringify(rows)]);
  }
  await db.query(ADVANCE_CURSOR, [f.cursor]);
}

const UPDATE_DELIVERIES = `
  UPDATE deliveries d SET state = x.state, attempts = x.attempts, next_attempt_at = x.next_attempt_at,
    last_code = x.last_code, updated_at = x.updated_at
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, state text, attempts int, next_attempt_at bigint,
    last_code text, updated_at bigint)
  WHERE d.id = x.id`;

/** In array order, so that `seq` follows the order the attempts were made in. */
const INSERT_ATTEMPTS = `
  INSERT INTO event_attempts (id, delivery_id, event_id, listener_id, code, message, http_status, duration_ms,
    attempt_number, trigger, created_at)
  SELECT v->>'id', v->>'delivery_id', (v->>'event_id')::bigint, v->>'listener_id', v->>'code', v->>'message',
    (v->>'http_status')::int, (v->>'duration_ms')::float8, (v->>'attempt_number')::int, v->>'trigger',
    (v->>'created_at')::bigint
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY n
  ON CONFLICT (id) DO NOTHING`;

export function applyProgress(pool: pg.Pool, p: DeliveryProgress): Promise<void> {
  return storeWrite('delivery progress', () =>
    transaction(pool, async (db) => {
      if (p.fanOut) await fanOutIn(db, p.fanOut);
      if (p.deliveries.length) {
        const rows = p.deliveries.map((d) => ({
          id: d.id,
          state: d.state,
          attempts: d.attempts,
          next_attempt_at: d.nextAttemptAt,
          last_code: d.lastCode,
          updated_at: d.updatedAt,
        }));
        await db.query(UPDATE_DELIVERIES, [JSON.stringify(rows)]);
      }
      if (p.attempts.length) {
        const rows = p.attempts.map((a) => ({
          id: a.id,
          delivery_id: a.deliveryId,
          event_id: a.eventId,
          listener_id: a.listenerId,
          code: a.code,
          message: a.message,
          http_status: a.httpStatus,
          duration_ms: a.durationMs,
          attempt_number: a.attemptNumber,
          trigger: a.trigger,
          created_at: a.createdAt,
        }));
        await db.query(INSERT_ATTEMPTS, [JSON.stringify(rows)]);
      }
      for (const change of p.listeners) {
        // Row-locked read-modify-write: the listener's record may change on another node meanwhile.
        const { rows } = await db.query('SELECT record FROM listeners WHERE id = $1 FOR UPDATE', [change.id]);
        if (!rows[0]) continue; // deleted meanwhile
        const l: Listener = {
          ...listenerFromRow(rows[0]),
          health: change.health,
          enabled: change.enabled,
          disabledReason: change.disabledReason,
          updatedAt: change.updatedAt,
        };
        await db.query('UPDATE listeners SET enabled = $1, updated_at = $2, record = $3 WHERE id = $4', [
          l.enabled ? 1 : 0,
          l.updatedAt,
          JSON.stringify(l),
          l.id,
        ]);
      }
    }),
  );
}

// ---- deliveries

export async function getDelivery(db: Queryable, id: string): Promise<Delivery | null> {
  const { rows } = await db.query('SELECT * FROM deliveries WHERE id = $1', [id]);
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

function deliveryWhere(f: DeliveryFilter): Where {
  const w = new Where()
    .in('event_id', f.eventIds, 'bigint')
    .eq('listener_id', f.listenerId)
    .eq('state', f.state);
  if (f.since !== undefined) w.add('created_at >= ?', f.since);
  if (f.afterEventId !== undefined) w.add('event_id > ?', f.afterEventId);
  return w;
}

export async function listDeliveries(db: Queryable, f: DeliveryFilter = {}): Promise<Delivery[]> {
  const w = deliveryWhere(f);
  const sql = `SELECT * FROM deliveries ${w.sql} ORDER BY event_id, listener_id ${limitSql(f.limit)}`;
  return (await db.query(sql, w.params)).rows.map(deliveryFromRow);
}

export async function countDeliveries(db: Queryable, f: DeliveryFilter = {}): Promise<number> {
  const w = deliveryWhere(f);
  const { rows } = await db.query(`SELECT COUNT(*)::int AS n FROM deliveries ${w.sql}`, w.params);
  return (rows[0]?.n as number | undefined) ?? 0;
}

export async function listPending(
  db: Queryable,
  after: { eventId: number; id: string },
  limit: number,
): Promise<Delivery[]> {
  const { rows } = await db.query(
    `SELECT * FROM deliveries WHERE state = 'pending' AND (event_id, id) > ($1, $2)
     ORDER BY event_id, id LIMIT $3`,
    [after.eventId, after.id, Math.max(1, Math.floor(limit))],
  );
  return rows.map(deliveryFromRow);
}

export async function pendingListeners(db: Queryable): Promise<string[]> {
  return (await db.query(pendingListenersSql(''))).rows.map((r) => r.id as string);
}

export async function pendingPage(db: Queryable, q: PendingPage): Promise<PendingEntry[]> {
  let n = 0;
  const sql = pendingPageSql(
    q.orderKey !== undefined,
    q.upTo !== undefined,
    () => `$${++n}`,
    pageLimit(q.limit),
  );
  const params: unknown[] = [q.listenerId, q.after.eventId, q.after.id];
  if (q.orderKey !== undefined) params.push(q.orderKey);
  if (q.upTo !== undefined) params.push(q.upTo.eventId, q.upTo.id);
  return (await db.query(sql, params)).rows.map(pendingEntryFromRow);
}

export async function countPending(db: Queryable, listenerIds: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (!listenerIds.length) return counts;
  for (const id of listenerIds) counts[id] = 0;
  const { rows } = await db.query(
    `SELECT listener_id, COUNT(*) AS n FROM deliveries
     WHERE state = 'pending' AND listener_id = ANY($1::text[]) GROUP BY listener_id`,
    [listenerIds],
  );
  for (const r of rows) counts[r.listener_id as string] = r.n as number;
  return counts;
}

// ---- attempts

export async function listAttempts(db: Queryable, f: AttemptFilter = {}): Promise<Attempt[]> {
  const w = new Where();
  if (f.after === undefined) {
    if (f.afterSeq !== undefined) w.add('seq > ?', f.afterSeq);
  } else {
    // Seek to the attempts of the time instead of walking every older one (`store/log-time.ts`).
    w.add(
      keysFromTime('postgres', ATTEMPTS_LOG, '?::bigint', '?::bigint'),
      f.afterSeq ?? 0,
      f.after - OUTBOX_TIME_SLACK_MS,
    );
    w.add('created_at > ?', f.after);
  }
  if (f.before !== undefined) w.add('created_at < ?', f.before);
  w.in('event_id', f.eventIds, 'bigint').in('listener_id', f.listenerIds).eq('delivery_id', f.deliveryId);
  const sql = `SELECT * FROM event_attempts ${w.sql} ORDER BY seq ${limitSql(f.limit ?? DEFAULT_ATTEMPT_LIMIT)}`;
  return (await db.query(sql, w.params)).rows.map(attemptFromRow);
}

export async function getAttempt(db: Queryable, id: string): Promise<Attempt | null> {
  const { rows } = await db.query('SELECT * FROM event_attempts WHERE id = $1', [id]);
  return rows[0] ? attemptFromRow(rows[0]) : null;
}

// ---- statuses

export async function getStatus(db: Queryable, id: string): Promise<StatusRecord | null> {
  const { rows } = await db.query('SELECT * FROM statuses WHERE id = $1', [id]);
  return rows[0] ? statusFromRow(rows[0]) : null;
}

export async function listStatuses(db: Queryable, f: StatusFilter = {}): Promise<StatusRecord[]> {
  const w = new Where()
    .eq('root_execution_id', f.rootExecutionId)
    .eq('execution_id', f.executionId)
    .eq('task_execution_id', f.taskExecutionId);
  if (f.overdueAt !== undefined) w.add(`status IN ${OPEN_STATUSES} AND deadline_at <= ?`, f.overdueAt);
  const sql = `SELECT * FROM statuses ${w.sql} ORDER BY created_at, id ${limitSql(f.limit)}`;
  return (await db.query(sql, w.params)).rows.map(statusFromRow);
}

/** Compare-and-swap: a completed status never changes. */
export async function updateStatus(db: Queryable, s: StatusRecord): Promise<boolean> {
  const r = await db.query(
    `UPDATE statuses SET status = $1, conclusion = $2, output = $3, deadline_at = $4, updated_at = $5
     WHERE id = $6 AND status != 'completed'`,
    [
      s.status,
      s.conclusion,
      s.output === null ? null : JSON.stringify(s.output),
      s.deadlineAt,
      s.updatedAt,
      s.id,
    ],
  );
  return r.rowCount === 1;
}

/** The `DeliveryStore` over a pool: each method one of the operations above. */
export function postgresDeliveryStore(pool: pg.Pool): DeliveryStore {
  return {
    createListener: (l) => createListener(pool, l),
    updateListener: (l) => updateListener(pool, l),
    getListener: (id) => getListener(pool, id),
    getListenerByName: (name) => getListenerByName(pool, name),
    listListeners: (f) => listListeners(pool, f),
    deleteListener: (id) => deleteListener(pool, id),
    fanOutCursor: () => fanOutCursor(pool),
    applyFanOut: (f) => applyFanOut(pool, f),
    applyProgress: (p) => applyProgress(pool, p),
    getDelivery: (id) => getDelivery(pool, id),
    listDeliveries: (f) => listDeliveries(pool, f),
    countDeliveries: (f) => countDeliveries(pool, f),
    listPending: (after, limit) => listPending(pool, after, limit),
    pendingListeners: () => pendingListeners(pool),
    pendingPage: (q) => pendingPage(pool, q),
    countPending: (ids) => countPending(pool, ids),
    listAttempts: (f) => listAttempts(pool, f),
    getAttempt: (id) => getAttempt(pool, id),
    getStatus: (id) => getStatus(pool, id),
    listStatuses: (f) => listStatuses(pool, f),
    updateStatus: (s) => updateStatus(pool, s),
  };
}
