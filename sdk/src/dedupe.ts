/**
 * Remembers ids for a while: deliveries are at least once, and a delivery sent again carries the same id
 * (`webhook-id` over HTTP, the AMQP `message_id`), so a receiver drops the ones it has seen within the window.
 * Bounded in time and in size (the oldest ids go first).
 */
export interface DedupeOptions {
  /** How long an id is remembered, in ms. @default 600000 (10 minutes) */
  windowMs?: number;
  /** Most ids remembered. @default 100000 */
  maxSize?: number;
  /** @default Date.now */
  now?: () => number;
}

export class Dedupe {
  private readonly seen = new Map<string, number>();
  private readonly windowMs: number;
  private readonly maxSize: number;
  private readonly now: () => number;

  constructor(opts: DedupeOptions = {}) {
    this.windowMs = opts.windowMs ?? 600_000;
    this.maxSize = opts.maxSize ?? 100_000;
    this.now = opts.now ?? Date.now;
  }

  /** True if `id` was remembered within the window. */
  has(id: string): boolean {
    const at = this.seen.get(id);
    return at !== undefined && this.now() - at < this.windowMs;
  }

  /** Remembers `id` as handled now. */
  add(id: string): void {
    const now = this.now();
    this.seen.delete(id);
    this.seen.set(id, now);
    // Insertion order is time order: drop from the front what is too old or too many.
    for (const [k, at] of this.seen) {
      if (this.seen.size <= this.maxSize && now - at < this.windowMs) break;
      this.seen.delete(k);
    }
  }
}
