/**
 * A JSON answer written in one piece, for the hot write routes (`POST /v2/executions`). Express's `res.json`
 * turns the text into a Buffer, hashes it for an ETag and parses its own Content-Type back, and Node then writes
 * the head and the body as two chunks; here the head and the text leave in one write. No ETag: no conditional
 * request applies to the answer of a POST, and Mistral sends none.
 */
import type { Response } from 'express';

export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
