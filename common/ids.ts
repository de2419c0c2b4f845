/** Identifiers: Mistral uses UUIDv4 strings for every execution, task and action execution. */
import { randomUUID } from 'node:crypto';

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
