/**
 * `std.test_dict`: builds `{<key_prefix>0: val, <key_prefix>1: val, ...}` with `size` entries. Mistral's helper
 * for tests about large published values and `with-items` over big inputs.
 */

import { defineAction } from '../define.js';

export const testDictAction = defineAction<{ size: unknown; key_prefix: unknown; val: unknown }>({
  name: 'std.test_dict',
  description: 'Returns a dict of `size` entries named `<key_prefix><i>`, each holding `val`.',
  input: [
    { name: 'size', default: 0 },
    { name: 'key_prefix', default: '' },
    { name: 'val', default: '' },
  ],
  run({ size, key_prefix, val }) {
    const n = typeof size === 'string' && size.trim() !== '' ? Number(size) : size;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      return {
        ok: false,
        error: `std.test_dict: size must be a non-negative integer, got ${JSON.stringify(size)}`,
      };
    }
    const prefix = String(key_prefix ?? '');
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) out[`${prefix}${i}`] = val;
    return { ok: true, data: out };
  },
});
