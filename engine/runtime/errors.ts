/** Turns an action's error value into the one-line `state_info` a person reads. */
export function describeError(value: unknown): string {
  if (value === null || value === undefined) return 'Unknown error';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
