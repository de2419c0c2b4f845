/**
 * Mistral's wire conventions, kept exactly so existing clients work: `input`, `output`, `params`, `published`
 * (and similar) are JSON *strings* inside the JSON document, and timestamps read `YYYY-MM-DD HH:MM:SS` (UTC).
 */
import { InvalidInputError, mistralTime } from '../common/index.js';

export const time = mistralTime;

/** A JSON value as Mistral sends it: a JSON string, or null. */
export function jsonString(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

/**
 * Reads a field that Mistral clients send either as a JSON string or as an object. Names the field when the
 * value is neither valid JSON nor of the expected kind.
 */
export function parseJsonField(v: unknown, field: string, kind: 'object' | 'any' = 'object'): unknown {
  if (v === undefined || v === null || v === '') return undefined;
  let value = v;
  if (typeof v === 'string') {
    try {
      value = JSON.parse(v);
    } catch {
      throw new InvalidInputError(`'${field}' must be a JSON object (as a JSON string or an object)`, field);
    }
  }
  if (kind === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new InvalidInputError(`'${field}' must be a JSON object`, field);
  }
  return value;
}

/** Checks an optional string field of a request body. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidInputError(`'${field}' must be a string`, field);
  return v;
}
