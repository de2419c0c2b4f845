/**
 * Time helpers. Mistral's wire format for timestamps is `YYYY-MM-DD HH:MM:SS` in UTC; the store keeps
 * milliseconds since the epoch. The `Clock` lets tests drive time without sleeping.
 */

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: unknown;
}

/** The longest delay Node's `setTimeout` honours (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_NODE_TIMER_MS = 2_147_483_647;

/**
 * The longest delay any timer of the engine waits (wait-before, wait-after, retry delays, timeouts, `std.sleep`):
 * a longer one is clamped to it. One year, in seconds.
 */
export const MAX_DELAY_SECONDS = 365 * 24 * 3600;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    // A delay beyond what Node's timer holds is waited in steps, re-armed until it is due, instead of
    // overflowing into a timer that fires every millisecond.
    const due = Date.now() + Math.min(Math.max(0, ms), MAX_DELAY_SECONDS * 1000);
    const handle: { id: NodeJS.Timeout | undefined } = { id: undefined };
    const arm = () => {
      const left = Math.max(0, due - Date.now());
      handle.id = left > MAX_NODE_TIMER_MS ? setTimeout(arm, MAX_NODE_TIMER_MS) : setTimeout(fn, left);
      handle.id.unref?.();
    };
    arm();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle.id as NodeJS.Timeout | undefined);
  },
};

let lastSecond = NaN;
let lastText = '';

/**
 * Formats epoch milliseconds as Mistral does: `2026-11-23 10:51:11`. Every event payload and API resource carries
 * a few of these, mostly of the same second, so the text of the last second formatted is reused (a `Date` and
 * an ISO string per call cost more than the rest of a task step).
 */
export function mistralTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().slice(0, 19).replace('T', ' ');
    lastSecond = second;
  }
  return lastText;
}
