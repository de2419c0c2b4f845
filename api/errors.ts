/**
 * The one place where errors become HTTP responses. Every 4xx and 5xx carries Mistral's `faultstring` (what
 * python-mistralclient prints) and our stable `code`; a field-level problem also names the `field`.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { TramError, DslError, InvalidInputError, type ErrorCode } from '../common/index.js';

const STATUS: Record<ErrorCode, number> = {
  DSL_INVALID: 400,
  EXPRESSION_SYNTAX: 400,
  EXPRESSION_EVAL: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 400,
  INVALID_INPUT: 400,
  ACTION_NOT_FOUND: 400,
  ACTION_FAILED: 500,
  STORE: 500,
  STORE_UNAVAILABLE: 503,
  CONFIG: 500,
  INTERNAL: 500,
};

export class HttpError extends TramError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

export interface ErrorBody {
  faultstring: string;
  code: string;
  field?: string;
  issues?: unknown[];
}

export function errorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError)
    return { status: err.status, body: { faultstring: err.message, code: err.code } };
  if (err instanceof TramError) {
    const body: ErrorBody = { faultstring: err.message, code: err.code };
    // InvalidInputError's field, or one another error was given (the action an ad-hoc run could not find).
    const field = (err as { field?: unknown }).field;
    if (typeof field === 'string' && (field || err instanceof InvalidInputError)) body.field = field;
    if (err instanceof DslError) body.issues = err.issues;
    return { status: STATUS[err.code] ?? 500, body };
  }
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser errors: malformed JSON, oversized bodies.
  if (e?.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: {
        faultstring: `invalid JSON in request body: ${e.message}`,
        code: 'INVALID_INPUT',
        field: 'body',
      },
    };
  }
  if (e?.type === 'entity.too.large') {
    return {
      status: 413,
      body: { faultstring: 'request body too large', code: 'INVALID_INPUT', field: 'body' },
    };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, body: { faultstring: e.message ?? 'bad request', code: 'INVALID_INPUT' } };
  }
  return { status: 500, body: { faultstring: 'internal server error', code: 'INTERNAL' } };
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const { status, body } = errorBody(err);
  if (status >= 500) req.log?.error({ err }, 'request failed');
  res.status(status).json(body);
};

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ faultstring: `no such resource: ${req.method} ${req.path}`, code: 'NOT_FOUND' });
};
