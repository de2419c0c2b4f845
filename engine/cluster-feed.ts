/**
 * Every node's committed events, in outbox order, for readers that must see the whole cluster (the WebSocket
 * stream). A node's runtime only announces its own commits; here each commit anywhere (another node's
 * `NOTIFY`, or a local commit) wakes one tail reader that reads the outbox by id from where it stopped and hands
 * the events to the subscribers. Outbox ids become visible in id order (the store inserts events under one lock
 * held to COMMIT), so the tail never passes an event that commits later.
 *
 * Lifecycle: created on the first subscriber; while it has subscribers the cursor follows the outbox, starting at
 * its highest id when the first one comes (a reader that needs older events replays them by sequence, as on one
 * node), and nothing is read while it has none; `close()` stops the wake-ups.
 */
import type { ClusterMembership, Store } from '../store/index.js';
import type { OutboxEvent } from './types.js';
import type { Logger } from './runtime/runtime.js';

const PAGE = 500;

export class ClusterFeed {
  private readonly listeners = new Set<(ev: OutboxEvent) => void>();
  private cursor: Promise<number>;
  private reading = false;
  private again = false;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly cluster: ClusterMembership,
    onLocalCommit: (fn: () => void) => () => void,
    private readonly logger: Logger,
  ) {
    this.cursor = cluster.latestEventId();
    this.stops.push(
      cluster.onRemote('events', () => this.wake()),
      onLocalCommit(() => this.wake()),
    );
  }

  subscribe(fn: (ev: OutboxEvent) => void): () => void {
    // Nothing is read while nobody listens: a first listener starts from the outbox's end.
    if (!this.listeners.size) this.cursor = this.cluster.latestEventId();
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  close(): void {
    for (const stop of this.stops) stop();
    this.listeners.clear();
  }

  private wake(): void {
    if (!this.listeners.size) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    void this.drain()
      .catch((err: unknown) => this.logger.error({ err }, 'reading the cluster outbox failed'))
      .finally(() => {
        this.reading = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    let afterId = await this.cursor;
    for (;;) {
      this.again = false;
      const page = await this.store.readEvents({ afterId, limit: PAGE });
      for (const ev of page) {
        afterId = ev.id;
        for (const fn of this.listeners) fn(ev);
      }
      this.cursor = Promise.resolve(afterId);
      if (page.length < PAGE) return;
    }
  }
}
