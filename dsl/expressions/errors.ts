/**
 * The public errors of the expression languages. `ExpressionError` (EXPRESSION_EVAL) is an evaluation that
 * failed; its message follows Mistral's ("Can not evaluate YAQL expression [expression=..., error=...,
 * data=...]") so that users and the conformance corpus recognise it, but every part is clipped so that a large
 * context cannot produce a megabyte-long state_info. `ExpressionSyntaxError` (EXPRESSION_SYNTAX) is a string
 * whose expressions do not parse, or that mixes YAQL and Jinja.
 */
import { TramError } from '../../common/index.js';
import { preview } from './pystr.js';
import type { ExpressionIssue } from './types.js';

export type ExpressionLanguage = 'yaql' | 'jinja';

const LANGUAGE_NAME: Record<ExpressionLanguage, string> = { yaql: 'YAQL', jinja: 'Jinja' };

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

export class ExpressionError extends TramError {
  readonly language: ExpressionLanguage;
  /** The expression text: without its delimiters for YAQL, the whole string for Jinja (as Mistral quotes them). */
  readonly expression: string;
  /** Why it failed, without the Mistral-style framing. */
  readonly reason: string;

  constructor(
    language: ExpressionLanguage,
    expression: string,
    reason: string,
    data: unknown,
    options?: { cause?: unknown },
  ) {
    super(
      'EXPRESSION_EVAL',
      `Can not evaluate ${LANGUAGE_NAME[language]} expression [expression=${clip(expression.trim(), 200)}, ` +
        `error=${clip(reason, 500)}, data=${preview(data, 300)}]`,
      options,
    );
    this.language = language;
    this.expression = expression;
    this.reason = reason;
  }
}

export class ExpressionSyntaxError extends TramError {
  /** The string that was checked. */
  readonly source: string;
  readonly issues: readonly ExpressionIssue[];

  constructor(source: string, issues: readonly ExpressionIssue[]) {
    const first = issues[0];
    const where = first ? ` at offset ${first.offset}` : '';
    super('EXPRESSION_SYNTAX', `${first?.message ?? 'Invalid expression'}${where} in '${clip(source, 200)}'`);
    this.source = source;
    this.issues = issues;
  }
}
