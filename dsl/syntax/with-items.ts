/**
 * One `with-items` entry: `var in <% expr %>`, `var in {{ expr }}` or `var in [JSON list]` (Mistral's
 * WITH_ITEMS_PTRN). An inline list must be JSON: Mistral rejects `x in [a, b]` at upload, so do we.
 */
import type { WithItemsSpec } from '../spec.js';
import type { ScanIssue } from './expr-scan.js';
import { expressionAt, startsExpression } from './expr-scan.js';

const HEAD = /^(\s*)([\w-]+)\s+in\s+/;
const FORMAT = "expected 'var in <% expr %>', 'var in {{ expr }}' or 'var in [JSON list]'";

export interface WithItemSyntax {
  spec?: WithItemsSpec;
  /** Offset of the source (expression or list) in the entry, for locating problems inside it. */
  sourceOffset: number;
  issues: ScanIssue[];
}

export function scanWithItem(s: string): WithItemSyntax {
  const head = HEAD.exec(s);
  if (!head) return { sourceOffset: 0, issues: [{ offset: 0, message: FORMAT }] };
  const variable = head[2]!;
  const at = head[0].length;
  const rest = s.slice(at).trimEnd();
  const fail = (offset: number, message: string): WithItemSyntax => ({
    sourceOffset: at,
    issues: [{ offset, message }],
  });
  if (startsExpression(rest)) {
    const expr = expressionAt(rest, 0)!;
    if (expr.issue) return fail(at, expr.issue.message);
    const end = expr.segment!.end;
    if (end !== rest.length) {
      const extra = rest.slice(end).trimStart();
      return fail(at + rest.length - extra.length, `unexpected '${extra}' after the expression`);
    }
    return { spec: { variable, source: rest }, sourceOffset: at, issues: [] };
  }
  if (rest.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(rest);
    } catch {
      return fail(at, `${rest} is not a JSON list (quote strings with ", e.g. ["a", "b"])`);
    }
    if (!Array.isArray(list)) return fail(at, `${rest} is not a JSON list`);
    return { spec: { variable, source: list }, sourceOffset: at, issues: [] };
  }
  return fail(at, FORMAT);
}
