/**
 * Finds the expressions embedded in a string (`<% yaql %>`, `{{ jinja }}`, `{% jinja %}`) without parsing them:
 * the DSL needs their extent to split inline parameters (an expression may contain spaces and `=`), to know whether
 * a value *is* an expression, and to report unterminated or mixed delimiters before the expression languages
 * (`dsl/expressions`) check what is inside.
 *
 * Like Mistral's regular expressions (`<%.*?%>`, `{{.*?}}`), a closing delimiter ends the expression at its first
 * occurrence; delimiters do not nest, and an opening delimiter that is never closed is plain text (`50% <% done`
 * is a literal string in Mistral, as it is here).
 */

export type ExprLang = 'yaql' | 'jinja';

export interface ExprSegment {
  lang: ExprLang;
  /** Offset of the opening delimiter. */
  start: number;
  /** Offset just after the closing delimiter. */
  end: number;
}

/** A problem at a character offset of the scanned string. */
export interface ScanIssue {
  message: string;
  offset: number;
  /** `warning`: Mistral accepts the text (and ignores the part in question); it does not refuse the document. */
  severity?: 'warning';
}

const OPENERS: readonly { open: string; close: string; lang: ExprLang }[] = [
  { open: '<%', close: '%>', lang: 'yaql' },
  { open: '{{', close: '}}', lang: 'jinja' },
  { open: '{%', close: '%}', lang: 'jinja' },
];

/** The delimiter pair opening at `offset`, if any. */
function openerAt(s: string, offset: number): (typeof OPENERS)[number] | undefined {
  return OPENERS.find((o) => s.startsWith(o.open, offset));
}

export function startsExpression(s: string, offset = 0): boolean {
  return openerAt(s, offset) !== undefined;
}

/**
 * The expression opening at `offset`: its language and end (just after the closing delimiter), or an issue when
 * it is not closed. Undefined when no expression opens there.
 */
export function expressionAt(
  s: string,
  offset: number,
): { segment?: ExprSegment; issue?: ScanIssue } | undefined {
  const o = openerAt(s, offset);
  if (!o) return undefined;
  const close = s.indexOf(o.close, offset + o.open.length);
  if (close < 0) {
    const name = o.lang === 'yaql' ? 'YAQL' : 'Jinja';
    return {
      issue: { offset, message: `unterminated ${name} expression: '${o.open}' has no closing '${o.close}'` },
    };
  }
  return { segment: { lang: o.lang, start: offset, end: close + o.close.length } };
}

/** Every expression in `s`, with the delimiter problems found (YAQL and Jinja mixed). */
export function scanExpressions(s: string): { segments: ExprSegment[]; issues: ScanIssue[] } {
  const segments: ExprSegment[] = [];
  const issues: ScanIssue[] = [];
  let i = 0;
  while (i < s.length) {
    const at = expressionAt(s, i);
    if (!at || at.issue) {
      // Not an opener, or one never closed: plain text either way.
      i++;
    } else if (at.segment) {
      segments.push(at.segment);
      i = at.segment.end;
    }
  }
  const first = segments[0];
  const other = segments.find((g) => first && g.lang !== first.lang);
  if (other) {
    // Mistral rejects these at upload ("Mixing expression types in a single line is not allowed").
    issues.push({
      offset: other.start,
      message: 'YAQL (<% %>) and Jinja ({{ }}) cannot be mixed in one string',
    });
  }
  return { segments, issues };
}

/** True when the string may hold an expression at all (cheap pre-filter before scanning). */
export function mayContainExpression(s: string): boolean {
  return s.includes('<%') || s.includes('{{') || s.includes('{%');
}

/**
 * True when the whole value is one expression (surrounding blanks allowed), Mistral's test for "this field is an
 * expression" (policies, guards, `input: <% ... %>`, an action name computed at run time).
 */
export function isExpression(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const t = v.trim();
  const at = expressionAt(t, 0);
  return at?.segment !== undefined && t.endsWith(OPENERS.find((o) => t.startsWith(o.open))!.close);
}
