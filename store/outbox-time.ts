/**
 * Reading the outbox from a point in time, at any outbox size. Pages follow the id (commit order), so "events
 * created after T" would walk every older event first. Ids and creation times follow each other closely (an
 * event is created, then committed within its batch, and batches commit in order), so the read seeks instead:
 * it starts at the first event created after `T - OUTBOX_TIME_SLACK_MS` (one step down the `created_at` index),
 * then filters on `created_at` exactly, so it reads at most the events of the slack before T it does not return.
 * An event created after T but committed before an event created more than the slack earlier would be missed:
 * that takes a commit held up for seconds after its events were made, nodes' clocks that far apart, or a clock
 * stepped back. Only the events API's `after` filter reads this way; the cursor walks (fan-out, WebSocket
 * replay) follow ids only.
 */

/** How far, at most, commit order and creation order are assumed to disagree. */
export const OUTBOX_TIME_SLACK_MS = 5_000;

/** Past every id: where the read starts when no event is recent enough (nothing to return). */
const END = '9223372036854775807';

/**
 * The lower bound of a read after id `afterParam` of events created after a time: one bound (both databases
 * seek on a single range, not on the tighter of two), `sinceParam` bound to `createdAfter - OUTBOX_TIME_SLACK_MS`.
 */
export function idsFromTime(dialect: 'sqlite' | 'postgres', afterParam: string, sinceParam: string): string {
  const first = `COALESCE((SELECT id FROM outbox WHERE created_at > ${sinceParam} ORDER BY created_at LIMIT 1), ${END})`;
  return `id > ${dialect === 'sqlite' ? 'max' : 'GREATEST'}(${afterParam}, ${first} - 1)`;
}
