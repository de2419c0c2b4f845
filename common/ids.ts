/** Identifiers: Mistral uses UUIDv4 strings for every execution, task and action execution. */
import { createHash, randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

let lastMs = NaN;
let lastPrefix = '';

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits. Rows keyed by these ids are inserted at the end
 * of their indexes instead of at random places, which keeps append-heavy tables (deliveries, attempts) fast as
 * they grow, and sorts them by creation time.
 */
export function newTimeId(now: number = Date.now()): string {
  // randomUUID draws from Node's pooled entropy: far cheaper than a randomBytes call per id. Its first 48 bits
  // become the time, the version nibble becomes 7; the variant bits are already RFC 9562's. Ids come in bursts
  // of the same millisecond: its text is kept.
  const ms = Math.floor(now);
  if (ms !== lastMs) {
    const hex = ms.toString(16).padStart(12, '0').slice(-12);
    lastPrefix = `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
    lastMs = ms;
  }
  return lastPrefix + randomUUID().slice(15);
}

/**
 * A stable UUID (version 5 layout) for things keyed by name: workbooks, the standard actions, the system
 * workflows. The same name always gets the same id, across restarts, so ids work as list markers.
 */
export function stableId(kind: string, key: string): string {
  const h = createHash('sha1').update(`tramontane:${kind}:${key}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
