/**
 * Internal failure signals of the expression languages. They carry only the reason (and, for syntax, the offset)
 * and never leave `dsl/expressions`: the public entry points wrap them into `ExpressionError` or
 * `ExpressionSyntaxError`, adding the expression text and a preview of the data. This module has no imports so
 * that every other module (values, lexer, evaluator) can throw them without import cycles.
 */

/** A failure while evaluating (missing key, wrong type, limit exceeded...). */
export class EvalFailure extends Error {
  override readonly name = 'EvalFailure';
}

/** A syntax problem at `offset` (0-based) inside the source that was being parsed. */
export class SyntaxFailure extends Error {
  override readonly name = 'SyntaxFailure';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function fail(reason: string): never {
  throw new EvalFailure(reason);
}
