/**
 * The inline call syntax of the language: `std.echo output="hello" delay=1`, used by `action:`, `workflow:`, an
 * ad-hoc action's `base:`, hooks, engine commands in clauses (`fail msg="x"`, also `fail(msg="x")`) and, without a
 * name, the one-line `retry: count=3 delay=1`.
 *
 * Values may be "double" or 'single' quoted strings (no escapes, as in Mistral), expressions (`<% ... %>`,
 * `{{ ... }}`, which may contain spaces), JSON arrays and objects, true/false/null and numbers. Mistral silently
 * drops a parameter it cannot read (an unquoted word `tag=short`, a space after the `=` in `output= "x"`, an
 * unterminated quote or expression) and reads `0.2` as `0`. We drop the same parameters, so the call runs as on
 * Mistral, but report each as a warning; and we read numbers as JSON does.
 * Every parameter keeps the offset of its value so that errors inside it can be located in the YAML text.
 */
import { DslError } from '../../common/index.js';
import type { Expr } from '../spec.js';
import type { ScanIssue } from './expr-scan.js';
import { expressionAt, startsExpression } from './expr-scan.js';

export interface InlineParam {
  name: string;
  /** Offset of the name in the scanned string. */
  nameOffset: number;
  value: Expr;
  /** The value as written (quotes and delimiters included). */
  raw: string;
  /** Offset of `raw` in the scanned string. */
  offset: number;
}

export interface InlineCallSyntax {
  name: string;
  nameOffset: number;
  params: InlineParam[];
  issues: ScanIssue[];
}

const PARAM_NAME = /[-\w]+/y;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const LITERALS: Record<string, Expr> = { true: true, false: false, null: null };

/**
 * Splits `name k=v ...` (or `name(k=v, ...)`) into the name and its parameters. The name may be an expression.
 * Never throws: problems are returned as issues and the parameters that could be read are kept.
 */
export function scanInlineCall(s: string): InlineCallSyntax {
  const issues: ScanIssue[] = [];
  const nameOffset = skipBlanks(s, 0);
  let i = nameOffset;
  if (startsExpression(s, i)) {
    const at = expressionAt(s, i)!;
    if (at.issue) return { name: s.slice(i).trim(), nameOffset, params: [], issues: [at.issue] };
    i = at.segment!.end;
  } else {
    while (i < s.length && !/[\s=("]/.test(s[i]!)) i++;
  }
  const name = s.slice(nameOffset, i);
  if (name === '' || s[i] === '=') {
    issues.push({ offset: nameOffset, message: 'expected a name before the parameters' });
    return { name, nameOffset, params: scanParams(s, nameOffset, s.length, false, issues), issues };
  }
  if (s[i] === '(') {
    const close = s.trimEnd().length - 1;
    if (s[close] !== ')' || close <= i) {
      issues.push({ offset: i, message: `'(' after '${name}' has no closing ')' at the end` });
      return { name, nameOffset, params: [], issues };
    }
    return { name, nameOffset, params: scanParams(s, i + 1, close, true, issues), issues };
  }
  return { name, nameOffset, params: scanParams(s, i, s.length, false, issues), issues };
}

/** `k=v k2=v2` between `from` and `to`; in the function form (`cmd(k=v, k2=v2)`) commas also separate. */
export function scanParams(
  s: string,
  from: number,
  to: number,
  commas: boolean,
  issues: ScanIssue[],
): InlineParam[] {
  const firstIssue = issues.length;
  const params: InlineParam[] = [];
  const separator = commas ? /[\s,]/ : /\s/;
  const skip = (j: number): number => {
    while (j < to && separator.test(s[j]!)) j++;
    return j;
  };
  const endOfToken = (j: number): number => {
    while (j < to && !separator.test(s[j]!)) j++;
    return j;
  };
  let i = skip(from);
  while (i < to) {
    PARAM_NAME.lastIndex = i;
    const name = PARAM_NAME.exec(s)?.[0];
    if (name === undefined || s[i + name.length] !== '=') {
      const end = endOfToken(i);
      issues.push({ offset: i, message: `'${s.slice(i, end)}' is not a name=value parameter` });
      i = skip(end);
      continue;
    }
    const valueOffset = i + name.length + 1;
    const read = readValue(s, valueOffset, to, name, separator, issues);
    if (read.ok) {
      const earlier = params.findIndex((p) => p.name === name);
      // As in Mistral (a dict), the last value given wins.
      if (earlier >= 0) {
        issues.push({ offset: i, message: `parameter '${name}' is given twice (the last value is used)` });
        params.splice(earlier, 1);
      }
      params.push({ name, nameOffset: i, value: read.value, raw: read.raw, offset: valueOffset });
    }
    let next = valueOffset + read.raw.length;
    if (next < to && !separator.test(s[next]!)) {
      const end = endOfToken(next);
      issues.push({
        offset: next,
        message: `unexpected '${s.slice(next, end)}' after the value of '${name}'`,
      });
      next = end;
    }
    i = skip(next);
  }
  // Mistral skips what its parameter pattern does not match: these never refuse a document.
  for (let k = firstIssue; k < issues.length; k++) issues[k] = { ...issues[k]!, severity: 'warning' };
  return params;
}

interface ReadValue {
  raw: string;
  value: Expr;
  ok: boolean;
}

function readValue(
  s: string,
  i: number,
  to: number,
  name: string,
  sep: RegExp,
  issues: ScanIssue[],
): ReadValue {
  const c = s[i];
  const fail = (raw: string, message: string): ReadValue => {
    issues.push({ offset: i, message });
    return { raw, value: undefined, ok: false };
  };
  if (i >= to || sep.test(c!)) {
    return fail('', `parameter '${name}' has no value (a blank after '=' ends it), so it is not passed`);
  }
  if (c === '"' || c === "'") {
    const close = s.indexOf(c, i + 1);
    if (close < 0 || close >= to) return fail(s.slice(i, to), `unterminated ${c} string in '${name}'`);
    return { raw: s.slice(i, close + 1), value: s.slice(i + 1, close), ok: true };
  }
  if (startsExpression(s, i)) {
    const at = expressionAt(s.slice(0, to), i)!;
    if (at.issue) return fail(s.slice(i, to), at.issue.message);
    const raw = s.slice(i, at.segment!.end);
    return { raw, value: raw, ok: true };
  }
  if (c === '[' || c === '{') {
    const end = matchBracket(s, i, to);
    if (end < 0) return fail(s.slice(i, to), `'${c}' in '${name}' is never closed`);
    const raw = s.slice(i, end);
    try {
      return { raw, value: JSON.parse(raw) as Expr, ok: true };
    } catch {
      return fail(raw, `the value of '${name}' is not valid JSON: ${raw} (quote strings with ")`);
    }
  }
  let end = i;
  while (end < to && !sep.test(s[end]!)) end++;
  const raw = s.slice(i, end);
  if (raw in LITERALS) return { raw, value: LITERALS[raw], ok: true };
  if (NUMBER.test(raw)) return { raw, value: Number(raw), ok: true };
  return fail(raw, `unquoted value '${raw}' for '${name}': quote it (${name}="${raw}")`);
}

/** The offset just after the bracket closing the one at `i`, skipping JSON strings; -1 if unbalanced. */
function matchBracket(s: string, i: number, to: number): number {
  let depth = 0;
  for (let j = i; j < to; j++) {
    const c = s[j];
    if (c === '"') {
      j++;
      while (j < to && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
    } else if (c === '[' || c === '{') {
      depth++;
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function skipBlanks(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i]!)) i++;
  return i;
}

/** The parameters of a call as a plain object. */
export function paramsToInput(params: readonly InlineParam[]): Record<string, Expr> {
  return Object.fromEntries(params.map((p) => [p.name, p.value]));
}

/**
 * Parses an inline call such as `std.echo output="x" delay=1` (a hook, a task's `action:`) into its name and
 * input. Throws a DslError (file `<inline>`, line 1, the column of the problem) when the text is malformed.
 */
export function parseInlineCall(s: string): { name: string; input: Record<string, Expr> } {
  const call = scanInlineCall(s);
  if (call.issues.length > 0) {
    throw new DslError(
      call.issues.map((i) => ({ file: '<inline>', line: 1, col: i.offset + 1, message: i.message })),
    );
  }
  return { name: call.name, input: paramsToInput(call.params) };
}
