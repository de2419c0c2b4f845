/**
 * Refuses a parsed JSON body nested too deep or too large for the store (`common/bounds.ts`) with a 400 naming
 * `body`, before any route sees it: `JSON.parse` builds 100,000 nested lists happily, and the first recursive
 * walk over them (a serialisation in a store commit) would overflow the stack.
 */
import type { RequestHandler } from 'express';
import { InvalidInputError, valueProblem } from '../common/index.js';

/** The 400 for a parsed body nested too deep or too large; undefined when it is within bounds. */
export function bodyBoundError(body: unknown): InvalidInputError | undefined {
  const problem = typeof body === 'object' && body !== null ? valueProblem(body) : undefined;
  return problem ? new InvalidInputError(`the request body ${problem}`, 'body') : undefined;
}

export const boundedBody: RequestHandler = (req, _res, next) => {
  next(bodyBoundError(req.body));
};
