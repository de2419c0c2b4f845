/**
 * JSON answers written in one piece, for the hot routes (`hot-routes.ts`, and `POST /v2/executions` in Express
 * too). Express's `res.json` turns the text into a Buffer, parses its own Content-Type back and hashes the body
 * for an ETag, and Node then writes the head and the body as two chunks; here the head and the text leave in one
 * write. A GET answer keeps Express's weak ETag (computed as the `etag` package does), a POST answer has none: no
 * conditional request applies to it, and Mistral sends none.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, withETag = false): void {
  const text = JSON.stringify(body);
  const length = Buffer.byteLength(text);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', length);
  if (withETag) res.setHeader('ETag', weakETag(text, length));
  res.end(text);
}

/** Express's default ETag of a body: `W/"<length in hex>-<first 27 characters of its base64 SHA-1>"`. */
export function weakETag(text: string, length: number): string {
  const hash = createHash('sha1').update(text, 'utf8').digest('base64').substring(0, 27);
  return `W/"${length.toString(16)}-${hash}"`;
}
