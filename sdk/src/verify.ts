/**
 * Webhook verification, for both signatures the server sends with one secret (`whsec_` + base64; the HMAC key
 * is the decoded bytes):
 *
 * - Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>`
 *   (several, space-separated, during a key rotation: one match is enough);
 * - GitHub style: `x-tram-signature-256: sha256=<hex HMAC-SHA256(key, body)>`.
 *
 * Every signature present must match, and at least one must be present. The timestamp (`webhook-timestamp`,
 * unix seconds) must lie within the tolerance of now, either way: an old request replayed is refused. Compare
 * the raw bytes as received: a body parsed and serialised again no longer matches.
 */
import crypto from 'node:crypto';

export type VerificationCode =
  | 'missingSignature'
  | 'missingHeader'
  | 'badSecret'
  | 'badSignature'
  | 'timestampTooOld'
  | 'timestampTooNew'
  | 'badTimestamp';

export class WebhookVerificationError extends Error {
  constructor(
    readonly code: VerificationCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export type HeaderBag =
  Record<string, string | string[] | undefined> | { get(name: string): string | null | undefined };

export interface VerifyOptions {
  /** Largest distance between `webhook-timestamp` and now, in seconds. @default 300 (as Standard Webhooks) */
  toleranceSec?: number;
  /** Now, in ms. @default Date.now() */
  now?: number;
}

export interface VerifiedWebhook {
  /** The delivery id (`webhook-id`): the same on every retry; use it to drop duplicates. */
  id: string | null;
  /** `webhook-timestamp`, unix seconds (null when only the GitHub-style signature came). */
  timestamp: number | null;
  /** The body, parsed as JSON when it is JSON. */
  payload: unknown;
}

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function')
    return (headers as { get(n: string): string | null | undefined }).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  for (const [k, v] of Object.entries(bag)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

function keyOf(secret: string): Buffer {
  const b64 = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
    throw new WebhookVerificationError('badSecret', 'a webhook secret is "whsec_" followed by base64 bytes');
  return Buffer.from(b64, 'base64');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Checks the signatures and the timestamp of one request; throws `WebhookVerificationError` with a code. */
export function verifyWebhook(
  headers: HeaderBag,
  body: Uint8Array | string,
  secret: string,
  opts: VerifyOptions = {},
): VerifiedWebhook {
  const key = keyOf(secret);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const standard = header(headers, 'webhook-signature');
  const github = header(headers, 'x-tram-signature-256');
  if (!standard && !github)
    throw new WebhookVerificationError(
      'missingSignature',
      'no webhook-signature nor x-tram-signature-256 header',
    );
  const id = header(headers, 'webhook-id') ?? null;
  const tsText = header(headers, 'webhook-timestamp');
  if (standard) {
    if (!id || !tsText)
      throw new WebhookVerificationError(
        'missingHeader',
        'webhook-signature needs webhook-id and webhook-timestamp',
      );
    const signed = Buffer.concat([Buffer.from(`${id}.${tsText}.`, 'utf8'), bytes]);
    const expected = crypto.createHmac('sha256', key).update(signed).digest('base64');
    const given = standard.split(' ').filter((s) => s.startsWith('v1,'));
    if (!given.some((s) => same(s.slice(3), expected)))
      throw new WebhookVerificationError('badSignature', 'webhook-signature does not match');
  }
  if (github) {
    const expected = `sha256=${crypto.createHmac('sha256', key).update(bytes).digest('hex')}`;
    if (!same(github, expected))
      throw new WebhookVerificationError('badSignature', 'x-tram-signature-256 does not match');
  }
  let timestamp: number | null = null;
  if (tsText !== undefined) {
    timestamp = Number(tsText);
    if (!/^\d+$/.test(tsText) || !Number.isSafeInteger(timestamp))
      throw new WebhookVerificationError('badTimestamp', `webhook-timestamp is not unix seconds: ${tsText}`);
    const tolerance = opts.toleranceSec ?? 300;
    const nowSec = Math.floor((opts.now ?? Date.now()) / 1000);
    if (timestamp < nowSec - tolerance)
      throw new WebhookVerificationError(
        'timestampTooOld',
        `webhook-timestamp is more than ${tolerance} s old`,
      );
    if (timestamp > nowSec + tolerance)
      throw new WebhookVerificationError(
        'timestampTooNew',
        `webhook-timestamp is more than ${tolerance} s ahead`,
      );
  }
  const text = bytes.toString('utf8');
  let payload: unknown = text;
  try {
    payload = JSON.parse(text);
  } catch {
    // not JSON: handed over as text
  }
  return { id, timestamp, payload };
}
