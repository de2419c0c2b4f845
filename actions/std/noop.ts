/** `std.noop`: does nothing and returns `null`, synchronously. The most common action in Mistral's own tests. */

import { defineAction } from '../define.js';

export const noopAction = defineAction<Record<string, never>>({
  name: 'std.noop',
  description: 'Does nothing; the result is null.',
  input: [],
  inline: true,
  run: () => ({ ok: true, data: null }),
});
