/**
 * Who may open `/v2/ws`: the REST API's rule. With tokens configured, the upgrade request needs one, as a header
 * (`X-Auth-Token`, `Authorization: Bearer`) or, since browsers cannot set headers on a WebSocket, as the query
 * parameter `?token=`; otherwise it is refused with HTTP 401 before any WebSocket is opened. Without tokens the
 * server listens on loopback only, and a browser page of another origin is refused (403): WebSockets are not
 * covered by CORS, so any page open in a local browser could otherwise read the stream.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { matches, tokenOf } from '../auth.js';

export interface Denied {
  status: 401 | 403 | 404;
  body: { faultstring: string; code: string };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function checkAccess(req: IncomingMessage, url: URL, tokens: Buffer[]): Denied | null {
  if (tokens.length > 0) {
    const given = tokenOf(req.headers) ?? (url.searchParams.get('token') || undefined);
    if (!given) {
      return {
        status: 401,
        body: {
          faultstring: 'authentication required: send X-Auth-Token, Authorization: Bearer or ?token=',
          code: 'UNAUTHORIZED',
        },
      };
    }
    if (!matches(given, tokens)) {
      return { status: 401, body: { faultstring: 'invalid authentication token', code: 'UNAUTHORIZED' } };
    }
    return null;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !sameHost(origin, req.headers.host)) {
    return {
      status: 403,
      body: {
        faultstring: `cross-origin WebSocket refused (${origin}): configure authentication tokens to allow it`,
        code: 'FORBIDDEN',
      },
    };
  }
  return null;
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function rejectUpgrade(socket: Duplex, denied: Denied): void {
  const body = JSON.stringify(denied.body);
  socket.on('error', () => undefined);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${denied.status} ${STATUS_CODES[denied.status] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
