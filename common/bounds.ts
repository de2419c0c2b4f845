/**
 * Bounds on the values that enter the store: expression results, action results, inputs, outputs, published
 * values and API bodies. A value nested too deep cannot be serialised (`JSON.stringify` recurses: 100,000 nested
 * lists overflow the stack in the middle of a store commit), and one too large bloats every row that carries it.
 * Each entry point checks what it accepts with `valueProblem` and turns a problem into its own error (a failed
 * task, a 400 naming the field), so a bad value never reaches a commit.
 *
 * The walk is iterative (it cannot overflow the stack itself), stops at the first limit crossed, and treats a
 * cycle as infinitely deep.
 */

export interface ValueLimits {
  /** Deepest nesting of lists and objects. @default 100 */
  maxDepth: number;
  /** Largest size, counted as the JSON text would be (roughly). @default 16777216 (16 MiB) */
  maxBytes: number;
}

export const VALUE_LIMITS: Readonly<ValueLimits> = Object.freeze({
  maxDepth: 100,
  maxBytes: 16 * 1024 * 1024,
});

/** Why `value` is out of bounds, or undefined when it is within them. */
export function valueProblem(
  value: unknown,
  limits: Readonly<ValueLimits> = VALUE_LIMITS,
): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let bytes = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') bytes += v.length + 2;
    else if (v === null || typeof v !== 'object') bytes += 8;
    else {
      if (depth >= limits.maxDepth) return `nests deeper than ${limits.maxDepth} levels`;
      if (Array.isArray(v)) {
        bytes += 2 + v.length;
        for (const item of v as unknown[]) stack.push([item, depth + 1]);
      } else {
        bytes += 2;
        for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
          bytes += k.length + 4;
          stack.push([item, depth + 1]);
        }
      }
    }
    if (bytes > limits.maxBytes) return `is larger than ${limits.maxBytes} bytes`;
  }
  return undefined;
}
