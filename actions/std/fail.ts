/**
 * `std.fail`: always fails. With `error_data` the failure carries that value (tests use it to drive
 * `publish-on-error`); without it, Mistral's fixed message. "Without" follows Mistral's Python truthiness
 * (`if self.error_data:`), so `{}`, `[]`, `''`, `0` and `false` also give the fixed message.
 */

import { defineAction } from '../define.js';

export const FAIL_ACTION_MESSAGE = 'Fail action expected exception.';

export const failAction = defineAction<{ error_data: unknown }>({
  name: 'std.fail',
  description: 'Always fails, with `error_data` as the error when given.',
  input: [{ name: 'error_data', default: null }],
  inline: true,
  run: ({ error_data }) => ({ ok: false, error: isTruthy(error_data) ? error_data : FAIL_ACTION_MESSAGE }),
});

/** Python's truth test on a JSON value. */
function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}
