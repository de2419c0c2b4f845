/**
 * The expression languages of the Mistral Workflow Language v2: YAQL (`<% $.x %>`, root `$`) and Jinja
 * (`{{ _.x }}`, `{% ... %}`, root `_`). This is the only module other areas import.
 *
 * - `evaluate` walks any YAML value and evaluates every string (and dict key) holding expressions, returning
 *   the input itself when nothing changed, so that the engine can call it per task without copying data.
 * - `evaluateString`: a string that is one expression keeps the expression's type; mixed text renders to a
 *   string, values converted like Python's `str()` (`None`, `True`, `{'a': 1}`), as Mistral does.
 * - `checkSyntax` lists the problems of a string with their offsets, for the DSL validator.
 * - `truthy` is Python's truthiness, for guards.
 *
 * Evaluation failures are `ExpressionError` (EXPRESSION_EVAL); invalid strings are `ExpressionSyntaxError`
 * (EXPRESSION_SYNTAX). Errors the host raises (a store failure behind `task()`) pass through unchanged.
 * Each evaluation runs under the limits of `EvalLimits` (time, collection and string sizes).
 */
import { TramError, valueProblem } from '../../common/index.js';
import { Budget } from './budget.js';
import { ExpressionError, ExpressionSyntaxError } from './errors.js';
import type { ExpressionLanguage } from './errors.js';
import { EvalFailure } from './failure.js';
import { evaluateJinja, renderFailure } from './jinja/index.js';
import type { CompiledJinja } from './jinja/index.js';
import { containsExpression, mayHoldExpression, planFor } from './template.js';
import type { CompiledYaql } from './template.js';
import type { EvalContext, ExpressionIssue } from './types.js';
import { isDict, setKey, toKey } from './values.js';
import type { Dict } from './values.js';
import { evaluateYaql } from './yaql/evaluator.js';

export type { EvalContext, ExpressionHost, ExpressionIssue, EvalLimits } from './types.js';
export { ExpressionError, ExpressionSyntaxError } from './errors.js';
export type { ExpressionLanguage } from './errors.js';
export { DEFAULT_LIMITS } from './budget.js';
export { truthy } from './values.js';
/** Python's `str()`, `repr()` and `json.dumps`: the one place values are printed the way Mistral's Python does. */
export { jsonDumps, pyRepr, pyStr } from './pystr.js';

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (
    let e: unknown = err;
    e !== undefined && out.length < 10;
    e = e instanceof Error ? e.cause : undefined
  ) {
    out.push(e);
  }
  return out;
}

/** Wraps whatever an evaluation threw; errors of other areas (host, store) pass through. */
function asExpressionError(
  language: ExpressionLanguage,
  expression: string,
  err: unknown,
  data: unknown,
): Error {
  const foreign = causes(err).find((e) => e instanceof TramError);
  if (foreign instanceof TramError) return foreign;
  let failure: Error;
  if (language === 'jinja') failure = renderFailure(err);
  else if (err instanceof EvalFailure) failure = err;
  else if (err instanceof RangeError) failure = new EvalFailure(`expression too complex: ${err.message}`);
  else failure = err instanceof Error ? err : new EvalFailure(String(err));
  return new ExpressionError(language, expression, failure.message, data, { cause: err });
}

function runYaql(expr: CompiledYaql, ctx: EvalContext, budget: Budget, as: 'value' | 'text'): unknown {
  let result: unknown;
  try {
    result = evaluateYaql(expr.ast, ctx.data, budget, ctx.host, as);
  } catch (err) {
    throw asExpressionError('yaql', expr.source, err, ctx.data);
  }
  return bounded('yaql', expr.source, result, ctx.data);
}

/** `source` is the whole string (`{{ ... }}` included): what Mistral's Jinja errors quote as the expression. */
function runJinja(compiled: CompiledJinja, ctx: EvalContext, budget: Budget, source: string): unknown {
  let result: unknown;
  try {
    result = evaluateJinja(compiled, ctx.data, budget, ctx.host);
  } catch (err) {
    throw asExpressionError('jinja', source, err, ctx.data);
  }
  return bounded('jinja', source, result, ctx.data);
}

/** The result, if the store can hold it (see `common/bounds.ts`): a value nested 100,000 deep fails here. */
function bounded(language: ExpressionLanguage, expression: string, result: unknown, data: unknown): unknown {
  if (typeof result !== 'object' || result === null) return result;
  const problem = valueProblem(result);
  if (problem) throw new ExpressionError(language, expression, `the result ${problem}`, data);
  return result;
}

/** Whether `s` contains at least one YAQL or Jinja expression. */
export function isExpression(s: string): boolean {
  return containsExpression(s);
}

/** Whether any string (or dict key) inside `value` contains an expression. */
export function hasExpressions(value: unknown): boolean {
  if (typeof value === 'string') return containsExpression(value);
  if (Array.isArray(value)) return value.some(hasExpressions);
  if (isDict(value)) return Object.keys(value).some((k) => containsExpression(k) || hasExpressions(value[k]));
  return false;
}

/** The syntax problems of the expressions in `s` (none for plain text), with 0-based offsets into `s`. */
export function checkSyntax(s: string): ExpressionIssue[] {
  const plan = planFor(s);
  return plan.kind === 'invalid' ? plan.issues.map((i) => ({ ...i })) : [];
}

/** Evaluates the expressions of one string. */
export function evaluateString(s: string, ctx: EvalContext): unknown {
  const plan = planFor(s);
  switch (plan.kind) {
    case 'text':
      return s;
    case 'invalid':
      throw new ExpressionSyntaxError(s, plan.issues);
    case 'jinja':
      return runJinja(plan.compiled, ctx, new Budget(ctx.limits, ctx.now), s);
    case 'yaql': {
      const budget = new Budget(ctx.limits, ctx.now);
      const [first] = plan.parts.filter((p) => typeof p !== 'string');
      if (plan.single && first !== undefined && typeof first !== 'string')
        return runYaql(first, ctx, budget, 'value');
      let out = '';
      for (const part of plan.parts) {
        const piece = typeof part === 'string' ? part : (runYaql(part, ctx, budget, 'text') as string);
        if (typeof part !== 'string') budget.string(piece.length);
        out += piece;
      }
      return out;
    }
  }
}

/** A dict key holding expressions, evaluated; non-string results become keys the way JSON would write them. */
function evaluateKey(key: string, ctx: EvalContext): string {
  const v = evaluateString(key, ctx);
  if (typeof v === 'string') return v;
  try {
    return toKey(v);
  } catch (err) {
    const language = planFor(key).kind === 'jinja' ? 'jinja' : 'yaql';
    throw asExpressionError(language, key, err, ctx.data);
  }
}

function evaluateDict(value: Dict, ctx: EvalContext): Dict {
  const keys = Object.keys(value);
  let out: Dict | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = value[key];
    const newKey = mayHoldExpression(key) ? evaluateKey(key, ctx) : key;
    const newItem = evaluate(item, ctx);
    if (out === undefined && (newKey !== key || newItem !== item)) {
      // First change: copy what came before, unchanged.
      out = {};
      for (let j = 0; j < i; j++) setKey(out, keys[j]!, value[keys[j]!]);
    }
    if (out !== undefined) setKey(out, newKey, newItem);
  }
  return out ?? value;
}

/**
 * Evaluates every expression inside `value` (strings in lists and dicts, and dict keys). Parts without
 * expressions are returned as they are, and containers are copied only when something inside them changed.
 */
export function evaluate(value: unknown, ctx: EvalContext): unknown {
  if (typeof value === 'string') return evaluateString(value, ctx);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const result = evaluate(item, ctx);
      if (out === undefined && result !== item) out = value.slice(0, i);
      if (out !== undefined) out.push(result);
    }
    return out ?? value;
  }
  if (isDict(value)) return evaluateDict(value, ctx);
  return value;
}
