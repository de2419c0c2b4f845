/**
 * Event triggers and their message receipts on PostgreSQL, with the SQLite store's semantics (see
 * `store/sqlite/event-triggers.ts`): the trigger's record as JSON beside its filtered and unique columns, and
 * receipts keyed by (trigger, message id), the `started` ones written inside the engine's commit.
 */
import type pg from 'pg';
import { ConflictError } from '../../common/index.js';
import { EVENT_TRIGGER_SORT, eventTriggerFromRow, receiptFromRow } from '../sqlite/event-triggers.js';
import type { EventTriggerFilter, EventTriggerRow, EventTriggerStore, MessageReceipt } from '../types.js';
import { isUniqueViolation, transaction, Where, type Queryable } from './db.js';
import { page } from './paging.js';

/** Receipts of one commit, inside the caller's transaction; an existing receipt is kept. */
export async function insertReceipts(db: Queryable, receipts: MessageReceipt[]): Promise<void> {
  if (!receipts.length) return;
  const rows = receipts.map((r) => ({
    trigger_id: r.triggerId,
    message_id: r.messageId,
    outcome: r.outcome,
    execution_id: r.executionId,
    reason: r.reason,
    created_at: r.createdAt,
  }));
  await db.query(
    `INSERT INTO trigger_messages (trigger_id, message_id, outcome, execution_id, reason, created_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(trigger_id text, message_id text, outcome text,
       execution_id text, reason text, created_at bigint)
     ON CONFLICT (trigger_id, message_id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

export async function createEventTrigger(db: Queryable, t: EventTriggerRow): Promise<void> {
  try {
    await db.query(
      `INSERT INTO event_triggers (id, name, workflow_id, exchange, topic, event, scope, created_at, updated_at,
         record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        t.id,
        t.name,
        t.workflowId,
        t.exchange,
        t.topic,
        t.event,
        t.scope,
        t.createdAt,
        t.updatedAt,
        JSON.stringify(t),
      ],
    );
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    throw new ConflictError(
      `Duplicate entry for EventTrigger ['exchange', 'topic', 'event', 'workflow_id', 'project_id']: ` +
        `${t.exchange}, ${t.topic}, ${t.event}, ${t.workflowId}, None`,
      { cause: err },
    );
  }
}

export async function getEventTrigger(db: Queryable, id: string): Promise<EventTriggerRow | null> {
  const { rows } = await db.query('SELECT record FROM event_triggers WHERE id = $1', [id]);
  return rows[0] ? eventTriggerFromRow(rows[0]) : null;
}

export async function listEventTriggers(
  db: Queryable,
  f: EventTriggerFilter = {},
): Promise<EventTriggerRow[]> {
  const w = new Where();
  const p = await page(db, w, 'event_triggers', f, EVENT_TRIGGER_SORT);
  w.eq('name', f.name)
    .eq('workflow_id', f.workflowId)
    .eq('exchange', f.exchange)
    .eq('topic', f.topic)
    .eq('event', f.event)
    .eq('scope', f.scope);
  const { rows } = await db.query(
    `SELECT record FROM event_triggers ${w.sql} ${p.order} ${p.limit}`,
    w.params,
  );
  return rows.map(eventTriggerFromRow);
}

export async function updateEventTrigger(db: Queryable, t: EventTriggerRow): Promise<boolean> {
  const r = await db.query(
    'UPDATE event_triggers SET name = $1, workflow_id = $2, scope = $3, updated_at = $4, record = $5 WHERE id = $6',
    [t.name, t.workflowId, t.scope, t.updatedAt, JSON.stringify(t), t.id],
  );
  return r.rowCount === 1;
}

export function deleteEventTrigger(pool: pg.Pool, id: string): Promise<boolean> {
  return transaction(pool, async (db) => {
    await db.query('DELETE FROM trigger_messages WHERE trigger_id = $1', [id]);
    return (await db.query('DELETE FROM event_triggers WHERE id = $1', [id])).rowCount === 1;
  });
}

export async function getReceipt(
  db: Queryable,
  triggerId: string,
  messageId: string,
): Promise<MessageReceipt | null> {
  const { rows } = await db.query(
    'SELECT * FROM trigger_messages WHERE trigger_id = $1 AND message_id = $2',
    [triggerId, messageId],
  );
  return rows[0] ? receiptFromRow(rows[0]) : null;
}

export async function pruneReceipts(db: Queryable, before: number): Promise<number> {
  return (await db.query('DELETE FROM trigger_messages WHERE created_at < $1', [before])).rowCount ?? 0;
}

/** The `EventTriggerStore` over a pool: each method one of the operations above. */
export function postgresEventTriggers(pool: pg.Pool): EventTriggerStore {
  return {
    create: (t) => createEventTrigger(pool, t),
    get: (id) => getEventTrigger(pool, id),
    list: (f) => listEventTriggers(pool, f),
    update: (t) => updateEventTrigger(pool, t),
    delete: (id) => deleteEventTrigger(pool, id),
    getReceipt: (triggerId, messageId) => getReceipt(pool, triggerId, messageId),
    recordReceipt: (r) => insertReceipts(pool, [r]),
    pruneReceipts: (before) => pruneReceipts(pool, before),
  };
}
