/**
 * `std.sleep`: waits `seconds` (default 1, as in Mistral) and returns `null`. Fractions are honoured (Mistral
 * truncates to whole seconds); unparsable or negative values mean no wait. An abort of `ctx.signal` (task
 * timeout, cancellation) ends the wait early with a failure.
 */

import { defineAction } from '../define.js';
import type { ActionOutcome } from '../types.js';
import { interruptibleDelay, toSeconds } from './delay.js';

export const sleepAction = defineAction<{ seconds: unknown }>({
  name: 'std.sleep',
  description: 'Sleeps for `seconds`; the result is null.',
  input: [{ name: 'seconds', default: 1 }],
  async run({ seconds }, ctx): Promise<ActionOutcome> {
    const done = await interruptibleDelay(toSeconds(seconds), ctx.signal);
    return done ? { ok: true, data: null } : { ok: false, error: 'std.sleep was cancelled' };
  },
});
