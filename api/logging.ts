/**
 * The server's logger. Readable lines on a terminal (pino-pretty when stdout is a TTY), JSON lines otherwise
 * (for a log collector). Request lines carry the method, the URL and the status, not the headers (unless
 * `TRAM_LOG_HEADERS` asks for them); whatever is logged passes through pino's `redact`, so API tokens
 * (`X-Auth-Token`, `Authorization`, `?token=`), cookies, listener header values, passwords and signing secrets
 * never reach the log, even inside an error's fields.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { MASK, maskUrlsIn } from '../delivery/index.js';

/** Field paths whose values are replaced by `***` wherever they appear in a log line. */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-auth-token"]',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'token',
  '*.token',
  'transport.headers.*',
  '*.transport.headers.*',
];

/** Query parameters whose values are credentials. */
const SECRET_QUERY = /([?&](?:token|access_token|auth_token|api_key|apikey|secret|password)=)[^&#]*/gi;

/** A URL (or a path with a query) as it may be logged: credential query values and a password masked. */
export function redactUrl(url: string): string {
  return maskUrlsIn(url.replace(SECRET_QUERY, `$1${MASK}`));
}

export function createLogger(level: string, tty: boolean = process.stdout.isTTY === true): Logger {
  const options = { level, redact: { paths: [...REDACT_PATHS], censor: MASK } };
  return tty ? pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l' })) : pino(options);
}

/** The request as its log line shows it (the shape pino-std-serializers gives). */
interface SerialisedReq {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
}
interface SerialisedRes {
  statusCode?: number;
  headers?: Record<string, unknown>;
}

interface HttpLogSerializers {
  req: (req: SerialisedReq) => Record<string, unknown>;
  res: (res: SerialisedRes) => Record<string, unknown>;
}

/** What each request line holds: no headers unless `logHeaders` (and then redacted). */
export function httpLogSerializers(logHeaders: boolean): HttpLogSerializers {
  return {
    req: (req: SerialisedReq) => {
      const out: Record<string, unknown> = { id: req.id, method: req.method, url: redactUrl(req.url ?? '') };
      if (logHeaders) out.headers = req.headers;
      return out;
    },
    res: (res: SerialisedRes) => {
      const out: Record<string, unknown> = { statusCode: res.statusCode };
      if (logHeaders) out.headers = res.headers;
      return out;
    },
  };
}

declare module 'http' {
  interface IncomingMessage {
    /** The request id (`X-Request-Id`, or a new one), echoed in the response and in every log line. */
    id?: string;
    /** A logger bound to this request (its log lines carry the request). */
    log?: Logger;
  }
}

/**
 * One log line per request, when it ends (`request completed`, `request errored` for a 5xx, `request aborted`
 * when the client left first), as pino-http wrote them, and a request id in `X-Request-Id`. Written by hand
 * because pino-http builds a child logger per request (serialising the request into its bindings) whether or not
 * anything is logged: about a tenth of the time of a small `POST`. Here the line is built only when it is written,
 * and the request's own logger (`req.log`, for errors) only when asked for. The logger's `redact` applies as
 * before.
 */
export function requestLogging(logger: Logger, logHeaders: boolean): RequestHandler {
  const serializers = httpLogSerializers(logHeaders);
  return (req, res, next) => {
    const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    res.setHeader('x-request-id', id);
    req.id = id;
    const started = Date.now();
    const url = req.originalUrl || req.url;
    const serialisedReq = () => serializers.req({ id, method: req.method, url, headers: req.headers });
    let bound: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (bound ??= logger.child({ req: serialisedReq() })),
    });
    if (logger.isLevelEnabled('info')) {
      const done = () => {
        res.removeListener('close', done);
        res.removeListener('finish', done);
        const line: Record<string, unknown> = {
          req: serialisedReq(),
          res: serializers.res({
            statusCode: res.statusCode,
            headers: logHeaders ? res.getHeaders() : undefined,
          }),
          responseTime: Date.now() - started,
        };
        if (res.statusCode >= 500) {
          line.err = new Error(`failed with status code ${res.statusCode}`);
          logger.info(line, 'request errored');
        } else {
          logger.info(
            line,
            !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted',
          );
        }
      };
      res.on('close', done);
      res.on('finish', done);
    }
    next();
  };
}
