/**
 * Webhook signatures. Every request carries two, computed from one listener secret:
 *
 * - Standard Webhooks (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` (unix seconds) and
 *   `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. Receivers can verify it with
 *   the `standardwebhooks` or `svix` npm packages.
 * - GitHub style: `x-tram-signature-256: sha256=<hex HMAC-SHA256(key, body)>`, for receivers written against
 *   GitHub's `X-Hub-Signature-256`.
 *
 * The secret is `whsec_` followed by base64 of 32 random bytes. The HMAC key of BOTH signatures is the
 * base64-DECODED part after `whsec_` (the raw 32 bytes), never the secret string itself: that is what Standard
 * Webhooks mandates, and using the same bytes for the GitHub-style header lets one secret serve both. A GitHub-style
 * receiver must therefore configure its HMAC with `Buffer.from(secret.slice(6), 'base64')`, not with the text.
 *
 * The body is signed exactly as it is sent: callers pass the serialised string (or bytes) that goes on the wire,
 * and strings are signed as their UTF-8 bytes (what the HTTP transport sends).
 */
import crypto from 'node:crypto';
import { InvalidInputError } from '../common/index.js';

export const SECRET_PREFIX = 'whsec_';

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'x-tram-signature-256': string;
  [name: string]: string;
}

/** A new listener secret: `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(32).toString('base64');
}

/** The HMAC key of a secret: the base64-decoded bytes after the `whsec_` prefix (the prefix is optional). */
export function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(b64, 'base64');
  if (!b64 || key.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
    throw new InvalidInputError('a webhook secret is "whsec_" followed by base64 bytes', 'secret');
  return key;
}

/** Hex HMAC-SHA256 of `body` with raw key bytes (the GitHub-style signature, without its `sha256=` prefix). */
export function hmacHex(key: Uint8Array | string, body: string | Uint8Array): string {
  return crypto.createHmac('sha256', key).update(body).digest('hex');
}

/** Base64 HMAC-SHA256 of `body` with raw key bytes. */
export function hmacBase64(key: Uint8Array | string, body: string | Uint8Array): string {
  return crypto.createHmac('sha256', key).update(body).digest('base64');
}

/**
 * The signature headers of one request. `msgId` is the delivery's stable id (the same on every retry, so that
 * receivers can de-duplicate); it must not contain a `.` (it is a separator of the signed content).
 */
export function signHeaders(
  secret: string,
  msgId: string,
  timestampSec: number,
  body: string | Uint8Array,
): SignatureHeaders {
  if (!msgId || msgId.includes('.')) throw new Error(`invalid webhook message id ${JSON.stringify(msgId)}`);
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0)
    throw new Error(`invalid webhook timestamp ${timestampSec}`);
  const key = secretKey(secret);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const ts = String(timestampSec);
  const signed = Buffer.concat([Buffer.from(`${msgId}.${ts}.`, 'utf8'), bytes]);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': ts,
    'webhook-signature': `v1,${hmacBase64(key, signed)}`,
    'x-tram-signature-256': `sha256=${hmacHex(key, bytes)}`,
  };
}
