/**
 * The subscriptions of one connection. A subscription is keyed by (entity, scope, after_sequence): subscribing
 * again with the same key does not create a second one, it only binds the new request_id to the first
 * (an alias, accepted by `unsubscribe_state_change`); events always carry the FIRST request_id.
 *
 * Lifecycle of a subscription: created live, or replaying (with `after_sequence`): while replaying, matching
 * live events are held back (at most `maxPending`) and the replay feeds store events through `replayed`; `goLive`
 * then releases the held events. For an execution scope, delivery skips any sequence at or below the last one
 * delivered or passed over, so nothing is duplicated across the replay/live seam. `end` stops it for good.
 */
import { stateChange, type Entity, type RequestId, type Scope, type StreamEvent } from './protocol.js';
import { matchesScope } from './scope.js';

/** Where a subscription's messages go: the connection. */
export interface Outlet {
  send(frame: string): void;
  /** Too much held back: the connection overflows. */
  overflow(): void;
  readonly maxPending: number;
}

export interface SubscriptionSpec {
  requestId: RequestId;
  key: string;
  entity: Entity;
  entityName: string;
  scope: Scope;
  afterSequence?: number;
}

export class Subscription {
  readonly requestId: RequestId;
  readonly key: string;
  readonly entity: Entity;
  readonly entityName: string;
  readonly scope: Scope;
  readonly afterSequence: number | undefined;
  /** Execution scope: the highest sequence delivered or passed over. */
  private lastSequence: number;
  private live: boolean;
  private pending: StreamEvent[] = [];
  private ended = false;

  constructor(
    spec: SubscriptionSpec,
    private readonly out: Outlet,
  ) {
    this.requestId = spec.requestId;
    this.key = spec.key;
    this.entity = spec.entity;
    this.entityName = spec.entityName;
    this.scope = spec.scope;
    this.afterSequence = spec.afterSequence;
    this.lastSequence = spec.afterSequence ?? 0;
    this.live = spec.afterSequence === undefined;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get executionId(): string | undefined {
    return this.scope.kind === 'execution' ? this.scope.executionId : undefined;
  }

  /** A live event from the engine. */
  offer(ev: StreamEvent): void {
    if (this.ended || ev.entity !== this.entity || !matchesScope(this.scope, ev)) return;
    if (this.live) {
      this.deliver(ev);
      return;
    }
    if (this.pending.length >= this.out.maxPending) {
      this.out.overflow();
      return;
    }
    this.pending.push(ev);
  }

  /** An event of the subscribed execution read from the store during the replay, in sequence order. */
  replayed(ev: StreamEvent): void {
    if (this.ended || ev.sequence <= this.lastSequence) return;
    if (ev.entity === this.entity) this.deliver(ev);
    else this.lastSequence = ev.sequence;
  }

  /** The replay is complete: release the live events held back meanwhile and deliver the next ones directly. */
  goLive(): void {
    if (this.ended) return;
    this.live = true;
    const held = this.pending;
    this.pending = [];
    for (const ev of held) this.deliver(ev);
  }

  end(): void {
    this.ended = true;
    this.pending = [];
  }

  private deliver(ev: StreamEvent): void {
    if (this.scope.kind === 'execution') {
      if (ev.sequence <= this.lastSequence) return;
      this.lastSequence = ev.sequence;
    }
    this.out.send(stateChange(this.requestId, this.entityName, ev));
  }
}

function idKey(id: RequestId): string {
  return typeof id === 'number' ? `n:${id}` : `s:${id}`;
}

export class SubscriptionRegistry {
  private readonly byKey = new Map<string, Subscription>();
  private readonly byRequestId = new Map<string, Subscription>();

  get size(): number {
    return this.byKey.size;
  }

  /** The subscription a request_id names (its first request_id or an alias). */
  byId(requestId: RequestId): Subscription | undefined {
    return this.byRequestId.get(idKey(requestId));
  }

  byParameters(key: string): Subscription | undefined {
    return this.byKey.get(key);
  }

  add(sub: Subscription): void {
    this.byKey.set(sub.key, sub);
    this.byRequestId.set(idKey(sub.requestId), sub);
  }

  /** Binds another request_id to an existing subscription (a repeated subscribe). */
  alias(sub: Subscription, requestId: RequestId): void {
    this.byRequestId.set(idKey(requestId), sub);
  }

  /** Ends the subscription a request_id names and forgets all its request_ids. */
  remove(requestId: RequestId): Subscription | undefined {
    const sub = this.byId(requestId);
    if (!sub) return undefined;
    sub.end();
    this.byKey.delete(sub.key);
    for (const [id, s] of this.byRequestId) if (s === sub) this.byRequestId.delete(id);
    return sub;
  }

  /** Offers a live event to every subscription. */
  offer(ev: StreamEvent): void {
    for (const sub of this.byKey.values()) sub.offer(ev);
  }

  clear(): void {
    for (const sub of this.byKey.values()) sub.end();
    this.byKey.clear();
    this.byRequestId.clear();
  }
}
