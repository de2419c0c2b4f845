/**
 * An Express (or Connect-style) middleware for webhook receivers: reads the raw body, verifies it
 * (`verifyWebhook`), parses it (`parseEvent`, when it is a `mistral`-format event) and drops duplicates.
 *
 * On success it sets `req.tram` and calls `next()`. It answers itself:
 * - 401 `{error: <code>, message}` when verification fails (nothing reaches your handler);
 * - 200 `{duplicate: true}` for a delivery id already handled within the window (a delivery counts as handled
 *   once your handler answered it with a 2xx).
 *
 * Mount it before any body parser on that route, or after `express.raw()`: the signature is over the bytes as
 * sent, which a JSON parser no longer has.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Dedupe } from './dedupe.js';
import { parseEvent, type TramEvent } from './events.js';
import { verifyWebhook, WebhookVerificationError, type VerifyOptions } from './verify.js';

export interface WebhookMiddlewareOptions extends VerifyOptions {
  secret: string;
  /** How long a handled delivery id is remembered, in ms. @default 600000 */
  dedupeWindowMs?: number;
  /** Largest body read, in bytes. @default 1048576 */
  maxBytes?: number;
}

export interface TramRequestInfo {
  /** The delivery id (`webhook-id`). */
  id: string | null;
  /** The event, when the body is a `mistral`-format event; null for other formats (see `payload`). */
  event: TramEvent | null;
  payload: unknown;
  /** `X-Tram-Status-Id`, for `reportStatus`. */
  statusId: string | null;
  eventType: string | null;
}

type Req = IncomingMessage & { body?: unknown; tram?: TramRequestInfo };
type Next = (err?: unknown) => void;

function rawBody(req: Req, maxBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body);
  if (typeof req.body === 'string') return Promise.resolve(Buffer.from(req.body, 'utf8'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new Error(`body larger than ${maxBytes} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

function one(v: string | string[] | undefined): string | null {
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

export function webhookMiddleware(
  opts: WebhookMiddlewareOptions,
): (req: Req, res: ServerResponse, next: Next) => void {
  const dedupe = new Dedupe({ windowMs: opts.dedupeWindowMs });
  return (req, res, next) => {
    rawBody(req, opts.maxBytes ?? 1_048_576).then(
      (body) => {
        let verified;
        try {
          verified = verifyWebhook(req.headers, body, opts.secret, opts);
        } catch (err) {
          if (err instanceof WebhookVerificationError)
            return answer(res, 401, { error: err.code, message: err.message });
          return next(err);
        }
        const id = verified.id;
        if (id && dedupe.has(id)) return answer(res, 200, { duplicate: true });
        let event: TramEvent | null = null;
        try {
          event = parseEvent(verified.payload);
        } catch {
          event = null;
        }
        req.tram = {
          id,
          event,
          payload: verified.payload,
          statusId: one(req.headers['x-tram-status-id']),
          eventType: one(req.headers['x-tram-event-type']),
        };
        res.on('finish', () => {
          if (id && res.statusCode >= 200 && res.statusCode < 300) dedupe.add(id);
        });
        next();
      },
      (err: unknown) => answer(res, 413, { error: 'badBody', message: (err as Error).message }),
    );
  };
}
