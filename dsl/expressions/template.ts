/**
 * How a string evaluates: its "plan", computed once per distinct string and cached.
 *
 * Expressions are found the way Mistral finds them: YAQL with `<%.*?%>` (the first `%>` closes, even inside a
 * quoted string), Jinja with `{{ ... }}` or `{% ... %}`; unlike Mistral, expressions may span lines. A string
 * with both languages is a syntax error ("Mixing expression types in a single line is not allowed"). A string
 * that is one expression, give or take surrounding whitespace, evaluates to that expression's value with its
 * type; otherwise the string renders to text.
 */
import { LruCache } from './cache.js';
import { SyntaxFailure } from './failure.js';
import { compileJinja } from './jinja/index.js';
import type { CompiledJinja } from './jinja/index.js';
import type { ExpressionIssue } from './types.js';
import type { Node } from './yaql/ast.js';
import { parse } from './yaql/parser.js';

export interface CompiledYaql {
  /** The expression text between `<%` and `%>`. */
  readonly source: string;
  readonly ast: Node;
}

export type Plan =
  | { readonly kind: 'text' }
  | { readonly kind: 'yaql'; readonly single: boolean; readonly parts: readonly (string | CompiledYaql)[] }
  | { readonly kind: 'jinja'; readonly compiled: CompiledJinja }
  | { readonly kind: 'invalid'; readonly issues: readonly ExpressionIssue[] };

const YAQL_PATTERN = /<%([\s\S]*?)%>/g;
/** Non-global twin for searching: a global regex would carry `lastIndex` from one use to the next. */
const YAQL_SEARCH = /<%[\s\S]*?%>/;
const JINJA_PATTERN = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/;
export const MIXED_MESSAGE = 'Mixing expression types in a single line is not allowed';

/** Cheap pre-check: a string without these delimiters holds no expression. */
export function mayHoldExpression(s: string): boolean {
  return s.includes('<%') || s.includes('{{') || s.includes('{%');
}

function firstYaql(s: string): number {
  return s.search(YAQL_SEARCH);
}

function firstJinja(s: string): number {
  return s.search(JINJA_PATTERN);
}

/** Whether `s` contains at least one YAQL or Jinja expression. */
export function containsExpression(s: string): boolean {
  return mayHoldExpression(s) && (firstYaql(s) >= 0 || firstJinja(s) >= 0);
}

const TEXT: Plan = { kind: 'text' };
const yaqlCache = new LruCache<string, CompiledYaql | SyntaxFailure>(5000);

function compileYaql(source: string): CompiledYaql | SyntaxFailure {
  return yaqlCache.getOrCreate(source, () => {
    try {
      return { source, ast: parse(source) };
    } catch (err) {
      if (err instanceof SyntaxFailure) return err;
      if (err instanceof RangeError) return new SyntaxFailure('Expression is nested too deeply', 0);
      throw err;
    }
  });
}

function planYaql(s: string): Plan {
  const parts: (string | CompiledYaql)[] = [];
  const issues: ExpressionIssue[] = [];
  let last = 0;
  for (const m of s.matchAll(YAQL_PATTERN)) {
    const inner = m[1] ?? '';
    const innerStart = m.index + 2;
    if (m.index > last) parts.push(s.slice(last, m.index));
    const compiled = compileYaql(inner);
    if (compiled instanceof SyntaxFailure) {
      issues.push({
        message: `YAQL syntax error: ${compiled.message}`,
        offset: innerStart + compiled.offset,
      });
    } else {
      parts.push(compiled);
    }
    last = m.index + m[0].length;
  }
  if (last < s.length) parts.push(s.slice(last));
  if (issues.length > 0) return { kind: 'invalid', issues };
  const expressions = parts.filter((p) => typeof p !== 'string').length;
  const single = expressions === 1 && parts.every((p) => typeof p !== 'string' || p.trim() === '');
  return { kind: 'yaql', single, parts };
}

function computePlan(s: string): Plan {
  if (!mayHoldExpression(s)) return TEXT;
  const yaqlAt = firstYaql(s);
  const jinjaAt = firstJinja(s);
  if (yaqlAt >= 0 && jinjaAt >= 0) {
    return { kind: 'invalid', issues: [{ message: MIXED_MESSAGE, offset: Math.max(yaqlAt, jinjaAt) }] };
  }
  if (yaqlAt >= 0) return planYaql(s);
  if (jinjaAt < 0) return TEXT;
  const compiled = compileJinja(s);
  return Array.isArray(compiled) ? { kind: 'invalid', issues: compiled } : { kind: 'jinja', compiled };
}

/** Long strings are planned every time rather than cached: they are rarely repeated and would bloat the cache. */
const MAX_CACHED_LENGTH = 64 * 1024;
const plans = new LruCache<string, Plan>(5000);

export function planFor(s: string): Plan {
  if (!mayHoldExpression(s)) return TEXT;
  if (s.length > MAX_CACHED_LENGTH) return computePlan(s);
  return plans.getOrCreate(s, computePlan);
}
