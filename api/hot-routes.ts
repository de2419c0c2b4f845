/**
 * The two calls a client makes for every execution, `POST /v2/executions` and `GET /v2/executions/{id}` (create,
 * then poll), served before Express. On these small requests Express's chain (metrics, probes, logging,
 * console, authentication, two body parsers, the body bound, a dozen routers, `res.json`) cost more than the
 * route itself. Here each of its steps is the same code or the same rule (the logging middleware, the token
 * check, the body bound, the route's logic, the error bodies, the metrics), taken directly.
 *
 * Anything unusual goes to Express untouched, which answers it as before: a missing or wrong token, a body that
 * is not plain UTF-8 JSON of a known length up to `HOT_BODY_MAX`, a compressed or chunked body, a query string,
 * an id that needs decoding, a trailing slash, a conditional GET, any other method or path.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import bytes from 'bytes';
import { matches, tokenOf } from './auth.js';
import { bodyBoundError } from './body-bounds.js';
import type { ApiContext } from './context.js';
import { errorBody } from './errors.js';
import { sendJson } from './json-response.js';
import { requestLogging } from './logging.js';
import type { ServerMetrics } from './ops/index.js';
import { createExecution } from './routes/executions.js';
import { objectBody } from './runtime/requests.js';
import { executionResource } from './runtime/serializers.js';

/** Bodies up to this size are read here (a create is about 60 bytes); larger ones go to Express's parser. */
export const HOT_BODY_MAX = 16 * 1024;

const EXECUTION = /^\/v2\/executions\/([A-Za-z0-9._~-]+)$/;
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);

type HotRoute = { kind: 'create'; pattern: string } | { kind: 'get'; pattern: string; id: string };

/** `app`, with the hot routes answered first. */
export function withHotRoutes(
  app: Express,
  ctx: ApiContext,
  logger: Logger,
  metrics?: ServerMetrics,
): RequestListener {
  const tokens = ctx.config.authTokens.map((t) => Buffer.from(t));
  // `maxBody` read by the parser body-parser uses for its limit; unreadable, nothing is read here.
  const bodyMax = Math.min(HOT_BODY_MAX, bytes.parse(ctx.config.maxBody) ?? 0);
  const logRequest = requestLogging(logger, ctx.config.logHeaders);
  const authorised = (req: IncomingMessage): boolean => {
    if (tokens.length === 0) return true;
    const given = tokenOf(req.headers);
    return given !== undefined && matches(given, tokens);
  };
  return (req, res) => {
    const route = hotRoute(req, bodyMax);
    if (!route || !authorised(req)) {
      app(req, res);
      return;
    }
    const started = performance.now();
    if (metrics)
      res.once('finish', () =>
        metrics.observeRequest(req.method ?? '', route.pattern, res.statusCode, started),
      );
    logRequest(req as Request, res as Response, () => undefined);
    serve(ctx, route, req, res).catch((err: unknown) => fail(req, res, err));
  };
}

async function serve(ctx: ApiContext, route: HotRoute, req: IncomingMessage, res: ServerResponse) {
  if (route.kind === 'get') {
    sendJson(res, 200, executionResource(await ctx.engine.getExecution(route.id)), true);
    return;
  }
  const { status, record } = await createExecution(ctx.engine, objectBody(await readJson(req)));
  sendJson(res, status, executionResource(record));
}

function hotRoute(req: IncomingMessage, bodyMax: number): HotRoute | null {
  const url = req.url ?? '';
  if (req.method === 'GET') {
    const id = EXECUTION.exec(url)?.[1];
    if (!id || req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined)
      return null;
    return { kind: 'get', pattern: '/v2/executions/:id', id };
  }
  if (req.method !== 'POST' || url !== '/v2/executions') return null;
  const h = req.headers;
  const length = Number(h['content-length']);
  if (!JSON_TYPES.has(h['content-type']?.toLowerCase() ?? '')) return null;
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return null;
  if (!Number.isInteger(length) || length < 1 || length > bodyMax) return null;
  return { kind: 'create', pattern: '/v2/executions' };
}

/**
 * The body as `express.json({strict: false})` and `boundedBody` give it: parsed, a BOM dropped, a syntax error
 * as body-parser reports it (`entity.parse.failed`, which the error bodies name), a value too deep or too large
 * refused naming `body`. An aborted request answers nothing: its client is gone.
 */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      let text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        reject(
          Object.assign(new Error((err as Error).message), { type: 'entity.parse.failed', status: 400 }),
        );
        return;
      }
      const tooBig = bodyBoundError(body);
      if (tooBig) reject(tooBig);
      else resolve(body);
    });
  });
}

/** What the error middleware answers (`errors.ts`), and its log line for a 5xx. */
function fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, body } = errorBody(err);
  if (status >= 500) req.log?.error({ err }, 'request failed');
  sendJson(res, status, body);
}
