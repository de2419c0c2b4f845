/**
 * Jinja expressions (`{{ ... }}`, `{% ... %}`), through nunjucks. `_` is the data.
 *
 * A string that is a single `{{ expression }}` keeps the expression's type (`"{{ _.n + 1 }}"` is the number 4,
 * `"{{ [1, _.n] }}"` a list): the template still runs through nunjucks, but its one output is captured by our
 * runtime instead of being rendered. Any other string renders to text, values converted with Python's `str()`.
 *
 * Conditions follow Python truthiness (`[]` and `{}` are false; see `truthiness.ts`). As with Mistral's
 * StrictUndefined, using a missing variable or key is an error ("'dict object' has no
 * attribute 'nope'"), while `_.nope | default('x')` and `_.nope is defined` work.
 */
import type nunjucks from 'nunjucks';
import type { Budget } from '../budget.js';
import { EvalFailure, fail } from '../failure.js';
import type { ExpressionHost, ExpressionIssue } from '../types.js';
import { parseTemplate } from './check.js';
import { withEvaluation } from './evaluation.js';
import type { JinjaEvaluation } from './evaluation.js';
import { env } from './filters.js';
import { compileTemplate, isNode, isSafeString } from './nunjucks.js';
import type { NjNode } from './nunjucks.js';
import { safeRuntime } from './runtime.js';
import { pythonCompileMethods, pythonize } from './truthiness.js';

export interface CompiledJinja {
  readonly source: string;
  /** What error messages quote: the inner expression of a single `{{ }}`, else the whole template. */
  readonly expression: string;
  /** A single `{{ expression }}` whose value keeps its type. */
  readonly single: boolean;
  readonly template: nunjucks.Template;
}

/** The AST of `source` when it is exactly one output of one expression (then its value keeps its type). */
function singleExpression(source: string): NjNode | undefined {
  const trimmed = source.trim();
  if (!trimmed.startsWith('{{') || !trimmed.endsWith('}}')) return undefined;
  const ast = parseTemplate(trimmed);
  if (!isNode(ast)) return undefined;
  const [output, ...rest] = ast.children as unknown[];
  if (rest.length > 0 || !isNode(output) || output.typename !== 'Output') return undefined;
  const children = output.children as unknown[];
  return children.length === 1 && isNode(children[0]) && children[0].typename !== 'TemplateData'
    ? ast
    : undefined;
}

/** Parses, checks and compiles; the problems instead when the string is not valid Jinja. */
export function compileJinja(source: string): CompiledJinja | ExpressionIssue[] {
  const checked = parseTemplate(source);
  if (!isNode(checked)) return checked;
  const single = singleExpression(source);
  let template: nunjucks.Template;
  try {
    template = compileTemplate(pythonize(single ?? checked), env, safeRuntime, pythonCompileMethods);
  } catch (err) {
    // The checks above should leave nothing that nunjucks cannot compile; if one slips through, nunjucks' own
    // message is about its JavaScript internals ("Cannot read properties of null"), useless to a user.
    void err;
    return [
      { message: 'Jinja syntax error: this template uses a construct that cannot be compiled', offset: 0 },
    ];
  }
  const expression = single ? source.trim().slice(2, -2).trim() : source;
  return { source, expression, single: single !== undefined, template };
}

function typedResult(evaluation: JinjaEvaluation): unknown {
  const v = evaluation.captured;
  if (v === undefined) return fail(evaluation.missing ?? 'the expression is undefined');
  if (isSafeString(v)) return String(v);
  if (typeof v === 'function') return fail('the expression is a function, not a value');
  if (typeof v === 'number' && Number.isNaN(v)) return fail('the expression is not a number (NaN)');
  return v;
}

export function evaluateJinja(
  compiled: CompiledJinja,
  data: unknown,
  budget: Budget,
  host: ExpressionHost | undefined,
): unknown {
  const evaluation: JinjaEvaluation = {
    budget,
    host,
    capture: compiled.single,
    captured: undefined,
    missing: undefined,
  };
  // Python's spellings of the constants, which nunjucks' lexer does not know.
  const context = { _: data === undefined ? null : data, True: true, False: false, None: null };
  return withEvaluation(evaluation, () => {
    let text: string;
    try {
      text = compiled.template.render(context);
    } catch (err) {
      throw lengthFailure(err, budget) ?? err;
    }
    return compiled.single ? typedResult(evaluation) : text;
  });
}

/**
 * The budget's error for a string or list JavaScript could not hold. Everything that builds strings declares
 * them first; this is the backstop for what still slips through (a rendering of a list holding one huge string
 * many times), so that the user reads a limit and not "Invalid string length".
 */
function lengthFailure(err: unknown, budget: Budget): EvalFailure | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof EvalFailure) return undefined;
    if (e instanceof RangeError && /Invalid (string|array) length/.test(e.message)) {
      const { maxStringLength, maxCollectionSize } = budget.limits;
      return new EvalFailure(
        /string/.test(e.message)
          ? `the expression built a string longer than maxStringLength (${maxStringLength})`
          : `the expression built a collection larger than maxCollectionSize (${maxCollectionSize})`,
      );
    }
  }
  return undefined;
}

/** The failure behind an error thrown by a render: ours when there is one, else nunjucks' message. */
export function renderFailure(err: unknown): Error {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof EvalFailure) return e;
  }
  const message = err instanceof Error ? err.message : String(err);
  // Drop nunjucks' "(expression) [Line 1, Column 4]" framing and "Error: " prefixes.
  return new EvalFailure(message.replace(/^\([^)]*\)( \[[^\]]*\])?\s*/, '').replace(/^(\w*Error: )+/, ''));
}
