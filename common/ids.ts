/** Identifiers: Mistral uses UUIDv4 strings for every execution, task and action execution. */
import { createHash, hash, randomFillSync, randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

let lastMs = NaN;
let lastPrefix = '';
let stableMs = NaN;
let stablePrefix = '';

/** Random bytes drawn in bulk for time ids: one `randomFillSync` per 512 ids instead of a UUID's worth each. */
const POOL = Buffer.alloc(10 * 512);
let poolAt = POOL.length;
const VARIANT = ['8', '9', 'a', 'b'];

/** The first 15 characters of a UUIDv7: 48 bits of milliseconds, then the version digit. */
function timePrefix(ms: number): string {
  const hex = ms.toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits. Rows keyed by these ids are inserted at the end
 * of their indexes instead of at random places, which keeps append-heavy tables (deliveries, attempts) fast as
 * they grow, and sorts them by creation time.
 */
export function newTimeId(now: number = Date.now()): string {
  // Ids come in bursts of the same millisecond: its text is kept. The random part is one hex string cut in
  // three (a UUID string built and then sliced cost a dozen intermediate strings per id, two ids per step).
  const ms = Math.floor(now);
  if (ms !== lastMs) {
    lastPrefix = timePrefix(ms);
    lastMs = ms;
  }
  if (poolAt === POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  // 80 bits: 18 hex digits of randomness, and two bits for the variant nibble (10xx: 8, 9, a or b).
  const r = POOL.toString('hex', poolAt, poolAt + 10);
  const variant = VARIANT[(POOL[poolAt + 9] ?? 0) & 3] as string;
  poolAt += 10;
  return `${lastPrefix}${r.slice(0, 3)}-${variant}${r.slice(3, 6)}-${r.slice(6, 18)}`;
}

/**
 * A UUIDv7 whose every bit is fixed by its inputs: the milliseconds `ms`, then 74 bits of the SHA-1 of `kind` and
 * `key`. For a row that may be created twice, after a crash, and must get the same id both times (a delivery sent
 * before it was stored is created again from its event: receivers dedupe on its id), while still sorting by time.
 */
export function stableTimeId(ms: number, kind: string, key: string): string {
  // One-shot hash to hex: no Hash object, no digest buffer. A fan-out step makes one id per delivery, and their
  // events share milliseconds in bursts: the time prefix is kept, as `newTimeId` does.
  const h = hash('sha1', `tramontane:${kind}:${key}`, 'hex');
  const t = Math.floor(ms);
  if (t !== stableMs) {
    stablePrefix = timePrefix(t);
    stableMs = t;
  }
  // The variant takes the two low bits of the hash's 11th byte (its second hex digit, the 22nd).
  const variant = VARIANT[parseInt(h.charAt(21), 16) & 3] as string;
  return `${stablePrefix}${h.slice(0, 3)}-${variant}${h.slice(3, 6)}-${h.slice(6, 18)}`;
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
