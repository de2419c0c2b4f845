/**
 * Waiting that the engine can interrupt: `std.sleep` and a delayed `std.echo` end early when the task times out
 * or the execution is cancelled (`ctx.signal`), instead of holding a timer the engine no longer wants.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_DELAY_SECONDS, MAX_NODE_TIMER_MS } from '../../common/time.js';

/**
 * Resolves `true` after `seconds` (at most `MAX_DELAY_SECONDS`), or `false` as soon as `signal` aborts (already
 * aborted: at once). A delay longer than Node's timer holds is slept in steps rather than overflowing.
 */
export async function interruptibleDelay(seconds: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  const due = Date.now() + Math.min(seconds, MAX_DELAY_SECONDS) * 1000;
  try {
    for (let left = due - Date.now(); left > 0; left = due - Date.now())
      await sleep(Math.min(left, MAX_NODE_TIMER_MS), undefined, { signal });
    return true;
  } catch {
    // The only rejection of timers/promises' sleep is the abort.
    return false;
  }
}

/**
 * Reads a number of seconds the way Mistral's `float(delay)` does: numbers and numeric strings are accepted;
 * anything else, and negative values, mean 0.
 */
export function toSeconds(value: unknown): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}
