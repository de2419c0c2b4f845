/**
 * Query parameters of the delivery resources (/v2/listeners, /v2/events, /v2/event_attempts, /v2/statuses):
 * strict like the rest of the API (an unknown or malformed parameter is a 400 naming it), with opaque cursors,
 * bounded limits, lists given comma-separated or repeated, and times given as ISO 8601, Mistral's
 * `YYYY-MM-DD HH:MM:SS` (UTC) or epoch milliseconds.
 */
import { Buffer } from 'node:buffer';
import type { Request } from 'express';
import { InvalidInputError } from '../../common/index.js';

/** Refuses query parameters outside `allowed`, naming the first one. */
export function onlyQuery(req: Request, allowed: readonly string[]): void {
  for (const k of Object.keys(req.query)) {
    if (!allowed.includes(k)) {
      const accepted = allowed.length ? [...allowed].sort().join(', ') : 'none';
      throw new InvalidInputError(`unknown query parameter '${k}' (accepted: ${accepted})`, k);
    }
  }
}

/** Every value of a parameter: repeated (`a=1&a=2`), comma-separated (`a=1,2`) or both; empty parts dropped. */
export function queryList(req: Request, name: string): string[] | undefined {
  const raw = (req.query as Record<string, unknown>)[name];
  if (raw === undefined) return undefined;
  const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const out: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string')
      throw new InvalidInputError(`query parameter '${name}' must be a string`, name);
    out.push(
      ...v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }
  return out.length ? out : undefined;
}

/** One value of a parameter (the first when repeated); an empty value counts as absent. */
export function queryOne(req: Request, name: string): string | undefined {
  let v = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new InvalidInputError(`query parameter '${name}' must be a string`, name);
  return v;
}

/** `limit`: an integer within bounds, or the default. */
export function queryLimit(req: Request, max: number, fallback: number): number {
  const v = queryOne(req, 'limit');
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 1 || n > max) {
    throw new InvalidInputError(`'limit' must be an integer from 1 to ${max}`, 'limit');
  }
  return n;
}

/** A positive integer id (events are numbered by the outbox). */
export function positiveInt(v: string, field: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidInputError(`'${field}' must be a positive integer`, field);
  }
  return n;
}

/** The opaque cursor of a position: base64url of the number. */
export function encodeCursor(position: number): string {
  return Buffer.from(String(position), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, field = 'cursor'): number {
  const bad = () => new InvalidInputError(`'${field}' is not a cursor this API returned`, field);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^(0|[1-9]\d{0,15})$/.test(text)) throw bad();
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw bad();
  return n;
}

/** The `cursor` parameter, decoded; undefined when absent. */
export function queryCursor(req: Request): number | undefined {
  const v = queryOne(req, 'cursor');
  return v === undefined ? undefined : decodeCursor(v);
}

const TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A time as epoch milliseconds: ISO 8601 (`2026-05-01T10:00:00.123Z`, an offset, or none for UTC), Mistral's
 * `YYYY-MM-DD HH:MM:SS` (UTC), a bare date (midnight UTC) or epoch milliseconds (digits only).
 */
export function parseTime(v: string, field: string): number {
  const s = v.trim();
  const bad = () =>
    new InvalidInputError(
      `'${field}' must be a time: ISO 8601, 'YYYY-MM-DD HH:MM:SS' (UTC) or epoch milliseconds`,
      field,
    );
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n > 8.64e15) throw bad();
    return n;
  }
  const m = TIME_RE.exec(s);
  if (!m) throw bad();
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', tz] = m;
  const zone =
    !tz || tz.toUpperCase() === 'Z' ? 'Z' : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${frac.slice(0, 4)}${zone}`);
  if (Number.isNaN(ms)) throw bad();
  // Dates that do not exist (Feb 30) are refused, not rolled over.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) throw bad();
  return ms;
}

/** An optional time parameter. */
export function queryTime(req: Request, name: string): number | undefined {
  const v = queryOne(req, name);
  return v === undefined ? undefined : parseTime(v, name);
}

/** `true` / `false` (also `1` / `0`, `yes` / `no`); undefined when absent. */
export function queryBoolean(req: Request, name: string): boolean | undefined {
  const v = queryOne(req, name)?.toLowerCase();
  if (v === undefined) return undefined;
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new InvalidInputError(`query parameter '${name}' must be true or false`, name);
}
