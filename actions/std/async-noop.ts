/**
 * `std.async_noop`: starts and does nothing else. The action stays RUNNING until something completes it from
 * outside (`PUT /v2/action_executions/{id}` with `{state, output}`), which makes it the test double for the
 * asynchronous-action protocol.
 */

import { defineAction } from '../define.js';

export const asyncNoopAction = defineAction<Record<string, never>>({
  name: 'std.async_noop',
  description: 'Does nothing and stays running until completed through the API.',
  input: [],
  run: () => ({ async: true }),
});
