/**
 * Reading an append-only log from a point in time, at any log size and creation rate: the outbox (events, keyed
 * by `id`) and the delivery attempts (keyed by `seq`). Pages follow the key (commit order), so "rows created after
 * T" would walk every older row first. Keys and creation times follow each other closely (a row is created, then
 * committed within its batch, and batches commit in order), so the read seeks instead: it starts a little before
 * the first row created after T (one step down the `created_at` index), then filters on `created_at` exactly.
 *
 * "A little before" covers rows committed ahead of an earlier-created one (a commit held up, a retried batch,
 * another node's transaction, clocks apart): the read starts at the first row created after
 * `T - OUTBOX_TIME_SLACK_MS`, but at most `LATE_ROWS` keys before the first row created after T. The time bound
 * alone cost the rows of five seconds, which grow with the creation rate (4.5 ms per page at a few hundred
 * executions a second); the key bound keeps the rows read per page constant. A row created after T is missed
 * only if it was committed both more than the slack and more than `LATE_ROWS` rows ahead of the first row created
 * after T. Only the `after` filters of the events and attempts APIs read this way; the cursor walks (fan-out,
 * WebSocket replay) follow keys only, and a page after the first starts at its cursor.
 */

/** How far, at most, commit order and creation order are assumed to disagree. */
export const OUTBOX_TIME_SLACK_MS = 5_000;

/** How many keys, at most, a read looks back from the first row created after T (see above). */
export const LATE_ROWS = 1_000;

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
 * seek on a single range, not on the tighter of several), `sinceParam` bound to
 * `createdAfter - OUTBOX_TIME_SLACK_MS`.
 */
export function keysFromTime(
  dialect: 'sqlite' | 'postgres',
  log: TimedLog,
  afterParam: string,
  sinceParam: string,
): string {
  const first = (after: string) =>
    `COALESCE((SELECT ${log.key} FROM ${log.table} WHERE created_at > ${after} ORDER BY created_at LIMIT 1), ${END})`;
  const max = dialect === 'sqlite' ? 'max' : 'GREATEST';
  // The time is named once (`t.since`), so that each parameter appears once, in order, in the text.
  const bounds = `${afterParam}, ${first('t.since')} - 1, ${first(`t.since + ${OUTBOX_TIME_SLACK_MS}`)} - ${LATE_ROWS + 1}`;
  return `${log.key} > (SELECT ${max}(${bounds}) FROM (SELECT ${sinceParam} AS since) t)`;
}
