/**
 * PLACEHOLDER (replaced by the expressions work): the public entry point of the expression languages.
 */
import type { EvalContext, ExpressionIssue } from './types.js';
export type { EvalContext, ExpressionHost, ExpressionIssue, EvalLimits } from './types.js';

export function checkSyntax(_s: string): ExpressionIssue[] {
  return [];
}

export function evaluate(_value: unknown, _ctx: EvalContext): unknown {
  throw new Error('expressions not implemented yet');
}
