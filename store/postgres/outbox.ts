/**
 * Outbox reads on PostgreSQL: the fan-out, the WebSocket replay and the events API walk the outbox by id.
 */
import type { OutboxEvent } from '../../model/index.js';
import { eventFromRow } from '../sqlite/sqlite-store.js';
import type { EventFilter } from '../types.js';
import { Where, type Queryable } from './db.js';
import { eventsOfTree } from '../sqlite/retention.js';
import { OUTBOX_LOG, OUTBOX_TIME_SLACK_MS, keysFromTime } from '../log-time.js';

/** Events in id order. An absent field does not filter; an empty `eventTypes` matches nothing. */
export async function readEvents(db: Queryable, f: EventFilter = {}): Promise<OutboxEvent[]> {
  const w = new Where();
  if (f.createdAfter === undefined) w.add('id > ?', f.afterId ?? 0);
  else
    w.add(
      keysFromTime('postgres', OUTBOX_LOG, '?::bigint', '?::bigint'),
      f.afterId ?? 0,
      f.createdAfter - OUTBOX_TIME_SLACK_MS,
    );
  if (f.beforeId !== undefined) w.add('id < ?', f.beforeId);
  w.eq('execution_id', f.executionId || undefined);
  if (f.rootExecutionId) w.add(eventsOfTree('?'), ...Array<string>(3).fill(f.rootExecutionId));
  if (f.acked !== undefined) w.add('acked = ?', f.acked ? 1 : 0);
  w.in('event_type', f.eventTypes).eq('entity', f.entity);
  if (f.createdAfter !== undefined) w.add('created_at > ?', f.createdAfter);
  if (f.createdBefore !== undefined) w.add('created_at < ?', f.createdBefore);
  const limit = w.param(Math.floor(f.limit ?? 1000));
  const { rows } = await db.query(`SELECT * FROM outbox ${w.sql} ORDER BY id LIMIT ${limit}`, w.params);
  return rows.map(eventFromRow);
}

export async function getEvent(db: Queryable, id: number): Promise<OutboxEvent | null> {
  if (!Number.isSafeInteger(id)) return null;
  const { rows } = await db.query('SELECT * FROM outbox WHERE id = $1', [id]);
  return rows[0] ? eventFromRow(rows[0]) : null;
}

export async function ackEvents(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await db.query('UPDATE outbox SET acked = 1 WHERE id = ANY($1::bigint[])', [ids]);
}
