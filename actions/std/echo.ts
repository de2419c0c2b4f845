/**
 * `std.echo`: returns `output` unchanged, optionally after `delay` seconds (a float; Mistral's parsing rules:
 * unparsable or negative means no delay). Without a delay it answers synchronously, the engine's fast path.
 */

import { defineAction } from '../define.js';
import type { ActionOutcome } from '../types.js';
import { interruptibleDelay, toSeconds } from './delay.js';

export const echoAction = defineAction<{ output: unknown; delay: unknown }>({
  name: 'std.echo',
  description: 'Returns `output` as the result, after an optional `delay` in seconds.',
  input: [
    { name: 'output', default: null },
    { name: 'delay', default: 0 },
  ],
  inline: true,
  run({ output, delay }, ctx) {
    const seconds = toSeconds(delay);
    if (seconds === 0) return { ok: true, data: output };
    return interruptibleDelay(seconds, ctx.signal).then((done): ActionOutcome =>
      done ? { ok: true, data: output } : { ok: false, error: 'std.echo was cancelled' },
    );
  },
});
