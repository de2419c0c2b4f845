/**
 * The server's logger. Readable lines on a terminal (pino-pretty when stdout is a TTY), JSON lines otherwise
 * (for a log collector). Request lines carry the method, the URL and the status, not the headers (unless
 * `TRAM_LOG_HEADERS` asks for them); whatever is logged passes through pino's `redact`, so API tokens
 * (`X-Auth-Token`, `Authorization`, `?token=`), cookies, listener header values, passwords and signing secrets
 * never reach the log, even inside an error's fields.
 */
import { pino, type Logger } from 'pino';
import type { Options as HttpLogOptions } from 'pino-http';
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

/** pino-http's serialised request and response (pino-std-serializers), as its serializers receive them. */
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

/** What pino-http writes for each request: no headers unless `logHeaders` (and then redacted). */
export function httpLogSerializers(logHeaders: boolean): HttpLogOptions['serializers'] {
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
