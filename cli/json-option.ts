/** Parses a JSON object given on the command line, naming the option when it is not one. */
export function parseJsonOption(text: string, option: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`${option} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`${option} must be a JSON object`);
  return v as Record<string, unknown>;
}
