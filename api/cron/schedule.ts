/**
 * Cron patterns through node-cron: validation, and the next run time after a given instant, in UTC (Mistral
 * evaluates patterns on UTC time).
 *
 * node-cron only computes next runs from the current time, so `nextFireTime` walks the calendar itself: the
 * second, minute and hour lists come from `cron.parse`, and a day is tested with node-cron's own matcher
 * (`ScheduledTask.match` at the day's first allowed time), which keeps its day-of-month and day-of-week
 * syntax (`L`, `L-2`, `15W`, `1#2`, `5L`) without re-implementing it.
 *
 * Differences from Mistral's croniter, all from node-cron: a sixth field is the *first* field (seconds), not the
 * last; when both day of month and day of week are restricted, a day must match both (croniter: either).
 */
import cron from 'node-cron';

const DAY_MS = 86_400_000;
/** How far ahead a next run is looked for, in days (as node-cron does): a pattern with none is refused. */
const HORIZON_DAYS = 366 * 100;

/** Why `pattern` is not a valid cron pattern, or null when it is. */
export function patternError(pattern: string): string | null {
  const result = cron.validateDetailed(pattern);
  if (result.valid) return null;
  return result.errors.map((e) => e.message).join('; ') || 'invalid cron pattern';
}

function numbers(values: (number | string)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
}

/** The first time of `pattern` strictly after `after` (epoch ms, whole seconds), or null if there is none. */
export function nextFireTime(pattern: string, after: number): number | null {
  const fields = cron.parse(pattern);
  const seconds = numbers(fields.second);
  const minutes = numbers(fields.minute);
  const hours = numbers(fields.hour);
  const months = new Set(numbers(fields.month));
  const [h0, m0, s0] = [hours[0], minutes[0], seconds[0]];
  if (h0 === undefined || m0 === undefined || s0 === undefined) return null;
  const firstInDay = ((h0 * 60 + m0) * 60 + s0) * 1000;
  // A stopped task is only a matcher: it arms no timer. It is registered globally, so it is destroyed after use.
  const matcher = cron.createTask(pattern, () => undefined, { timezone: 'UTC' });
  try {
    let day = Math.floor(after / DAY_MS) * DAY_MS;
    for (let i = 0; i < HORIZON_DAYS; i++, day += DAY_MS) {
      if (!months.has(new Date(day).getUTCMonth() + 1)) continue;
      if (!matcher.match(new Date(day + firstInDay))) continue;
      for (const h of hours) {
        if (day + (h + 1) * 3_600_000 <= after) continue;
        for (const m of minutes) {
          for (const s of seconds) {
            const t = day + ((h * 60 + m) * 60 + s) * 1000;
            if (t > after) return t;
          }
        }
      }
    }
    return null;
  } finally {
    void matcher.destroy();
  }
}
