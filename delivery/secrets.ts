/**
 * Listener credentials are write-only: header values (`Authorization`, `X-Api-Key`) and the password of a
 * transport URL (`amqp://user:password@host`) are stored and used, but every answer shows them as `***`.
 *
 * A client that reads a listener, changes one field and sends the transport back sends those `***` too:
 * `keepMasked` puts the stored values back in their place, so only a real new value replaces a credential.
 */
import type { TransportSpec } from './types.js';

export const MASK = '***';

/** `url` with its password (if any) replaced by `***`; text that is not a URL is returned unchanged. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = MASK;
    return u.toString();
  } catch {
    return url;
  }
}

/** The transport as an answer shows it: header values and the URL's password masked. */
export function maskTransport<T extends TransportSpec>(t: T): T {
  if (t.type === 'http') {
    const headers = Object.fromEntries(Object.keys(t.headers).map((k) => [k, MASK]));
    return { ...t, url: maskUrl(t.url), headers };
  }
  return { ...t, url: t.url === null ? null : maskUrl(t.url) };
}

/** `next` with every `***` a client echoed back replaced by the value `current` holds in that place. */
export function keepMasked(next: TransportSpec, current: TransportSpec): TransportSpec {
  const url = next.url === null ? null : keepPassword(next.url, current.url);
  if (next.type !== 'http') return { ...next, url };
  const stored = current.type === 'http' ? current.headers : {};
  const byLower = new Map(Object.entries(stored).map(([k, v]) => [k.toLowerCase(), v]));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(next.headers)) {
    const old = byLower.get(k.toLowerCase());
    headers[k] = v === MASK && old !== undefined ? old : v;
  }
  return { ...next, url: url ?? next.url, headers };
}

function keepPassword(url: string, currentUrl: string | null): string {
  if (currentUrl === null) return url;
  try {
    const u = new URL(url);
    const old = new URL(currentUrl);
    if (decodeURIComponent(u.password) !== MASK || !old.password) return url;
    u.password = old.password;
    return u.toString();
  } catch {
    return url;
  }
}

/** `text` with the password of every URL in it masked (an error message that quotes a broker URL). */
export function maskUrlsIn(text: string): string {
  return text.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/g, `$1${MASK}@`);
}
