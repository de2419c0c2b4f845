/**
 * Resuming a subscription (`after_sequence`): the subscription is already registered, holding back live events;
 * this reads the execution's events from the store page by page and feeds them to it (it skips sequences at or
 * below `after_sequence`), waiting for the connection's queue to drain between pages so that a long history
 * does not overflow a slow client. Then the subscription goes live and releases what it held back. Because the
 * live registration comes before the first store read, every event is either in the store or held back (or
 * both, deduplicated by sequence): no gap, no duplicate.
 */
import type { OutboxEvent } from '../../engine/index.js';
import type { Subscription } from './subscriptions.js';

export type EventReader = (filter: {
  executionId: string;
  afterId: number;
  limit: number;
}) => Promise<OutboxEvent[]>;

export async function replay(
  sub: Subscription,
  read: EventReader,
  queue: { drained(): Promise<void> },
  pageSize: number,
): Promise<void> {
  const executionId = sub.executionId;
  if (executionId === undefined) throw new Error('replay needs an execution scope');
  let afterId = 0;
  for (;;) {
    const page = await read({ executionId, afterId, limit: pageSize });
    if (sub.isEnded) return;
    for (const ev of page) {
      sub.replayed(ev);
      afterId = ev.id;
    }
    if (page.length < pageSize) break;
    await queue.drained();
    if (sub.isEnded) return;
  }
  sub.goLive();
}
