/**
 * `POST /graphql`: `{query, variables?, operationName?}` as JSON, answered as `{data, errors?}`.
 *
 * - A request GraphQL cannot run (malformed body, syntax error, a query the schema refuses, variables that do
 *   not fit their types, e.g. an unknown enum value) is a 400 with `errors` only (`extensions.code`:
 *   BAD_REQUEST, GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED or BAD_USER_INPUT).
 * - A resolver's failure is a 200 with `data` and `errors`: `extensions.code` NOT_FOUND, CONFLICT,
 *   BAD_USER_INPUT (with `extensions.field`) or INTERNAL_SERVER_ERROR (message hidden).
 *
 * Depth and size are limited before parsing and validation (`limits.ts`): a refused query is a 400 too.
 *
 * Mounted after the authentication middleware, like the REST API.
 */
import type { Request, RequestHandler } from 'express';
import {
  GraphQLError,
  execute,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { InvalidInputError, TramError } from '../../common/index.js';
import type { StatusRecord } from '../../delivery/types.js';
import type { ApiContext } from '../context.js';
import { readStatusUpdate } from '../delivery/status-input.js';
import { getStatus } from '../routes/statuses.js';
import { costProblem, nestingProblem } from './limits.js';
import { statusSchema } from './schema.js';

interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

interface UpdateStatusArgs {
  input: { id: string; status: string; conclusion?: string | null; output?: Record<string, unknown> | null };
}

function requestError(code: string, message: string): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message, extensions: { code } }] };
}

class BadRequest extends Error {}

function readRequest(req: Request): GraphQLRequest {
  const b: unknown = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw new BadRequest('the request body must be a JSON object {query, variables, operationName}');
  }
  const { query, variables, operationName } = b as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') throw new BadRequest(`'query' must be a string`);
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  )
    throw new BadRequest(`'variables' must be a JSON object`);
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    throw new BadRequest(`'operationName' must be a string`);
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName ?? undefined,
  };
}

function statusObject(s: StatusRecord): Record<string, unknown> {
  return {
    id: s.id,
    status: s.status,
    conclusion: s.conclusion,
    output: s.output ? { title: s.output.title ?? null, summary: s.output.summary ?? null } : null,
  };
}

function resolvers(ctx: ApiContext): Record<string, unknown> {
  return {
    status: async ({ id }: { id: string }) => statusObject(await getStatus(ctx, id)),
    updateStatus: async ({ input }: UpdateStatusArgs) => {
      const update = readStatusUpdate({
        status: input.status,
        conclusion: input.conclusion,
        output: input.output,
      });
      return statusObject(await ctx.delivery.updateStatus(input.id, update));
    },
  };
}

const CODES: Partial<Record<string, string>> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_INPUT: 'BAD_USER_INPUT',
  INVALID_STATE: 'BAD_USER_INPUT',
};

/** A resolver's error, with a stable `extensions.code`; unexpected failures are logged and not described. */
function formatResolverError(req: Request, e: GraphQLError): GraphQLFormattedError {
  const original = e.originalError;
  const base = e.toJSON();
  if (original instanceof TramError) {
    const code = CODES[original.code];
    if (code) {
      const extensions: Record<string, unknown> = { code };
      if (original instanceof InvalidInputError && original.field) extensions.field = original.field;
      return { ...base, message: original.message, extensions };
    }
  }
  if (original && !(original instanceof GraphQLError)) {
    req.log?.error({ err: original }, 'graphql resolver failed');
    return { ...base, message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  return { ...base, extensions: { code: 'BAD_USER_INPUT', ...base.extensions } };
}

export function graphqlHandler(ctx: ApiContext): RequestHandler {
  const root = resolvers(ctx);
  return async (req, res) => {
    let request: GraphQLRequest;
    try {
      request = readRequest(req);
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      res.status(400).json(requestError('BAD_REQUEST', err.message));
      return;
    }
    const schema = statusSchema();
    const tooDeep = nestingProblem(request.query);
    if (tooDeep) {
      res.status(400).json(requestError('GRAPHQL_PARSE_FAILED', tooDeep));
      return;
    }
    let document: DocumentNode;
    try {
      document = parse(request.query, { maxTokens: 10_000 });
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      res.status(400).json({ errors: [{ ...err.toJSON(), extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
      return;
    }
    const tooCostly = costProblem(document);
    if (tooCostly) {
      res.status(400).json(requestError('GRAPHQL_VALIDATION_FAILED', tooCostly));
      return;
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      res.status(400).json({
        errors: invalid.map((e) => ({ ...e.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
      });
      return;
    }
    const result: ExecutionResult = await execute({
      schema,
      document,
      rootValue: root,
      contextValue: ctx,
      variableValues: request.variables,
      operationName: request.operationName,
    });
    // No `data` at all: the request could not start (variables that do not fit, an unknown operation name).
    if (!('data' in result) || result.data === undefined) {
      res.status(400).json({
        errors: (result.errors ?? []).map((e) => ({ ...e.toJSON(), extensions: { code: 'BAD_USER_INPUT' } })),
      });
      return;
    }
    const out: Record<string, unknown> = { data: result.data };
    if (result.errors?.length) out.errors = result.errors.map((e) => formatResolverError(req, e));
    res.json(out);
  };
}
