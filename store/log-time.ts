/**
 * Reading an append-only log from a point in time, at any log size: the outbox (events, keyed by `id`) and the
 * delivery attempts (keyed by `seq`). Pages follow the key (commit order), so "rows created after T" would walk
 * every older row first. Keys and creation times follow each other closely (a row is created, then committed
 * within its batch, and batches commit in order), so the read seeks instead: it starts at the first row created
 * after `T - OUTBOX_TIME_SLACK_MS` (one step down the `created_at` index), then filters on `created_at` exactly,
 * so it reads at most the rows of the slack before T it does not return. A row created after T but committed
 * before a row created more than the slack earlier would be missed: that takes a commit held up for seconds
 * after its rows were made, nodes' clocks that far apart, or a clock stepped back. Only the `after` filters of
 * the events and attempts APIs read this way; the cursor walks (fan-out, WebSocket replay) follow keys only.
 */

/** How far, at most, commit order and creation order are assumed to disagree. */
export const OUTBOX_TIME_SLACK_MS = 5_000;

/** Past every key: where the read starts when no row is recent enough (nothing to return). */
const END = '9223372036854775807';

/** A log table read by time: its name and its ascending integer key (it has an index on `created_at`). */
export interface TimedLog {
  table: string;
  key: string;
}

export const OUTBOX_LOG: TimedLog = { table: 'outbox', key: 'id' };
export const ATTEMPTS_LOG: TimedLog = { table: 'event_attempts', key: 'seq' };

/**
 * The lower bound of a read after key `afterParam` of rows created after a time: one bound (both databases
 * seek on a single range, not on the tighter of two), `sinceParam` bound to `createdAfter - OUTBOX_TIME_SLACK_MS`.
 */
export function keysFromTime(
  dialect: 'sqlite' | 'postgres',
  log: TimedLog,
  afterParam: string,
  sinceParam: string,
): string {
  const first = `COALESCE((SELECT ${log.key} FROM ${log.table} WHERE created_at > ${sinceParam} ORDER BY created_at LIMIT 1), ${END})`;
  return `${log.key} > ${dialect === 'sqlite' ? 'max' : 'GREATEST'}(${afterParam}, ${first} - 1)`;
}
