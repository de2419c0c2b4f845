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

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { id: t };
  },
  clearTimeout(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};

/** Formats epoch milliseconds as Mistral does: `2026-11-23 10:51:11`. */
export function mistralTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
