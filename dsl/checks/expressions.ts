/**
 * Checks the syntax of every expression the normalisers found (`NormaliseContext.sites`). Delimiter problems
 * (an unterminated `<%`, YAQL and Jinja mixed) are found here; what is inside the delimiters is checked by the
 * expression languages' `checkSyntax`. Both report an offset in the string, located to a line and column inside
 * the YAML scalar. A string with delimiter problems is not passed on, so one mistake gives one message.
 * Unknown filter and test names are warnings (Mistral fails them at run time only).
 */
import type { ExpressionIssue } from '../expressions/index.js';
import { checkSyntax } from '../expressions/index.js';
import type { ExprSite } from '../normalise/context.js';
import { scanExpressions } from '../syntax/expr-scan.js';
import type { CheckContext } from './context.js';

/** The expression languages' syntax check; a parameter so that tests can see how its offsets are located. */
export type SyntaxChecker = (s: string) => ExpressionIssue[];

export function checkExpressions(
  c: CheckContext,
  sites: readonly ExprSite[],
  check: SyntaxChecker = checkSyntax,
): void {
  for (const site of sites) {
    const scan = scanExpressions(site.text);
    const problems: ExpressionIssue[] =
      scan.issues.length > 0 ? scan.issues : scan.segments.length > 0 ? check(site.text) : [];
    for (const p of problems) {
      const message = `${c.sink.describe(site.path)}: ${p.message}`;
      c.sink.inScalar(site.path, site.offset + p.offset, message, site.anchor, p.severity);
    }
  }
}
