/**
 * Waiting that the engine can interrupt: `std.sleep` and a delayed `std.echo` end early when the task times out
 * or the execution is cancelled (`ctx.signal`), instead of holding a timer the engine no longer wants.
 */

import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves `true` after `seconds`, or `false` as soon as `signal` aborts (already aborted: at once). */
export async function interruptibleDelay(seconds: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(seconds * 1000, undefined, { signal });
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
