/**
 * Token authentication: when tokens are configured, every request needs `X-Auth-Token: <token>` (what
 * `mistral --os-auth-token` sends) or `Authorization: Bearer <token>`. Tokens are compared in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Whether `given` is one of `tokens`, compared in constant time. */
export function matches(given: string, tokens: Buffer[]): boolean {
  const g = Buffer.from(given);
  let ok = false;
  for (const t of tokens) if (t.length === g.length && timingSafeEqual(t, g)) ok = true;
  return ok;
}

export function tokenOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const x = headers['x-auth-token'];
  if (typeof x === 'string' && x) return x;
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return undefined;
}

export function authMiddleware(tokens: string[]): RequestHandler {
  const buffers = tokens.map((t) => Buffer.from(t));
  return (req, res, next) => {
    if (buffers.length === 0) return next();
    const given = tokenOf(req.headers);
    if (!given) {
      res.status(401).json({
        faultstring: 'authentication required: send X-Auth-Token or Authorization: Bearer',
        code: 'UNAUTHORIZED',
      });
      return;
    }
    if (!matches(given, buffers)) {
      res.status(401).json({ faultstring: 'invalid authentication token', code: 'UNAUTHORIZED' });
      return;
    }
    next();
  };
}
