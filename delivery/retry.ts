/**
 * When to try a failed delivery again. The listener's `retry` array holds the delays, in seconds, before the
 * 2nd, 3rd... attempt (Svix's explicit schedule); once it is used up the delivery is given up. Delays get ±20 %
 * jitter so that a receiver coming back is not hit by every queue at the same instant, and a receiver's
 * `Retry-After` (429, 503) is honoured: we never come back sooner than it asked.
 */

import { DEFAULT_RETRY } from '../model/index.js';

/** Svix's default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (one definition, in `model/listener-rules.ts`). */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = DEFAULT_RETRY;

/**
 * The longest wait before an attempt (one day): a larger scheduled delay (a listener stored before the input
 * check refused them) or `Retry-After` is treated as this, so a receiver cannot park a queue for days and no
 * delay overflows Node's timer (2^31 ms, which would fire it every millisecond).
 */
export const MAX_RETRY_DELAY_MS = 24 * 3600 * 1000;

export const JITTER = 0.2;

/**
 * The delay before the next attempt after `attemptsMade` failed attempts, or null when the schedule is used up.
 * `random` is injectable for tests.
 */
export function nextRetryDelayMs(
  schedule: readonly number[],
  attemptsMade: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | null {
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return null;
  const jittered = Math.min(base * 1000 * (1 - JITTER + 2 * JITTER * random()), MAX_RETRY_DELAY_MS);
  if (retryAfterMs === undefined) return Math.round(jittered);
  return Math.round(Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_DELAY_MS)));
}
