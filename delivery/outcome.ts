/**
 * What one attempt's outcome does to its delivery and its listener: the attempt record, the delivery's next
 * state (succeeded, retried on the listener's schedule, or given up), and the listener's health, including
 * disabling it (410 Gone, or failing without a success for too long). Pure bookkeeping on the objects given;
 * the dispatcher writes the result.
 */
import { newTimeId } from '../common/index.js';
import type { OutboxEvent } from '../engine/index.js';
import { nextRetryDelayMs } from './retry.js';
import { maskUrlsIn } from './secrets.js';
import type { SendOutcome } from './send.js';
import type { Attempt, Delivery, Listener } from './types.js';

export interface OutcomeContext {
  now: number;
  disableAfterMs: number;
  random?: () => number;
  logger?: { warn(obj: object, msg: string): void };
}

/** A sender that threw: a connection failure as far as the receiver is concerned. */
export function thrown(err: unknown): SendOutcome {
  return {
    ok: false,
    code: 'badConnection',
    message: err instanceof Error ? err.message : String(err),
    httpStatus: null,
    durationMs: 0,
  };
}

/**
 * Applies `out` to the entry's delivery and to `live` (the registry's current listener object, when it still
 * has one; otherwise a copy of `l`). Resolves with the attempt record and the listener object changed.
 */
export function applyOutcome(
  e: { delivery: Delivery; event: OutboxEvent; once?: boolean },
  l: Listener,
  live: Listener | undefined,
  trigger: Attempt['trigger'],
  out: SendOutcome,
  ctx: OutcomeContext,
): { attempt: Omit<Attempt, 'seq'>; listener: Listener } {
  const d = e.delivery;
  const now = ctx.now;
  d.attempts += 1;
  d.lastCode = out.code;
  d.updatedAt = now;
  const attempt: Omit<Attempt, 'seq'> = {
    id: newTimeId(now),
    deliveryId: d.id,
    eventId: d.eventId,
    listenerId: l.id,
    code: out.code,
    message: out.message,
    httpStatus: out.httpStatus,
    durationMs: Math.round(out.durationMs * 100) / 100,
    attemptNumber: d.attempts,
    trigger,
    createdAt: now,
  };
  const target = live ?? { ...l, health: { ...l.health } };
  const h = target.health;
  target.updatedAt = now;
  const disable = (reason: string) => {
    target.enabled = false;
    target.disabledReason = reason;
    ctx.logger?.warn({ listener: l.id, reason }, 'listener disabled');
  };
  if (out.ok) {
    d.state = 'succeeded';
    h.lastSuccessAt = now;
    h.firstFailureAt = null;
    h.failuresInRow = 0;
    return { attempt, listener: target };
  }
  h.lastFailureAt = now;
  h.firstFailureAt ??= now;
  h.failuresInRow += 1;
  // One line per failed attempt, so an operator sees a failing receiver without asking the API.
  ctx.logger?.warn(
    {
      listener: l.id,
      event: d.eventId,
      attempt: d.attempts,
      code: out.code,
      httpStatus: out.httpStatus,
      reason: maskUrlsIn(out.message),
    },
    'delivery attempt failed',
  );
  if (out.gone) {
    d.state = 'failed';
    disable(`the receiver answered 410 Gone`);
  } else if (trigger === 'scheduled') {
    const delay = e.once ? null : nextRetryDelayMs(l.retry, d.attempts, out.retryAfterMs, ctx.random);
    if (delay === null) d.state = 'failed';
    else d.nextAttemptAt = now + delay;
  }
  if (target.enabled && now - h.firstFailureAt >= ctx.disableAfterMs) {
    disable(`failing without a success since ${new Date(h.firstFailureAt).toISOString()}`);
  }
  return { attempt, listener: target };
}
