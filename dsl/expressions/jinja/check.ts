/**
 * Static checks of a Jinja template, run once when a string is compiled (and by `checkSyntax`), each problem
 * positioned at a 0-based offset of the string:
 * - nunjucks' own syntax errors;
 * - anything nunjucks would paste unescaped into the JavaScript it generates. nunjucks 3.2.4 compiles templates
 *   to code and inserts variable, filter and test names verbatim, and its lexer lets quotes into names, so
 *   `{{ 1 is "defined\"),evil(),(\"" }}` runs `evil()`. Names must therefore be plain identifiers, the right side
 *   of `is` a known test, and the literal parts of a called expression free of quotes and backslashes;
 * - names that lead to JavaScript prototypes (`x.constructor`, `x['__proto__']`, a variable named
 *   `prototype`), refused here already so that the well-known template injection is a validation error; the
 *   runtime refuses computed names too (see `runtime.ts`);
 * - tags that load other templates (`include`, `import`, `extends`...), which expressions have no use for,
 *   and regular-expression literals, which could backtrack without bound;
 * - unknown filters, which nunjucks would only report when the template runs.
 */
import type { ExpressionIssue } from '../types.js';
import { FORBIDDEN_KEYS } from '../values.js';
import { env, hasFilter, hasTest } from './filters.js';
import { isAttributeTarget } from './namespace.js';
import { childFields, isNode, njParser } from './nunjucks.js';
import type { NjNode } from './nunjucks.js';

const UNSUPPORTED: Readonly<Record<string, string>> = {
  Include: 'include',
  Import: 'import',
  FromImport: 'from ... import',
  Extends: 'extends',
  Block: 'block',
  Super: 'super()',
  CallExtension: 'extension',
  CallExtensionAsync: 'extension',
};

const MAX_DEPTH = 300;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What nunjucks can safely embed in a double-quoted string of generated code without escaping it. */
const SAFE_IN_CODE = /^[^"\\\r\n\u2028\u2029]*$/;

/** The offset of a 0-based (line, column) position in `source`. */
export function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = source.indexOf('\n', offset);
    if (nl < 0) return source.length;
    offset = nl + 1;
  }
  return Math.min(source.length, offset + Math.max(0, column));
}

function forbiddenName(node: unknown): string | undefined {
  if (!isNode(node) || (node.typename !== 'Literal' && node.typename !== 'Symbol')) return undefined;
  const value = node.value;
  return typeof value === 'string' && FORBIDDEN_KEYS.has(value) ? value : undefined;
}

/** Whether the name nunjucks builds for a call's error message (Compiler._getNodeName) is safe to embed. */
function safeCallTarget(node: unknown): boolean {
  if (!isNode(node)) return true;
  switch (node.typename) {
    case 'Literal':
      return typeof node.value !== 'string' || SAFE_IN_CODE.test(node.value);
    case 'LookupVal':
      return safeCallTarget(node.target) && safeCallTarget(node.val);
    case 'FunCall':
      return safeCallTarget(node.name);
    default:
      return true;
  }
}

/**
 * The test name on the right of `x is test` / `x is test(args)`, if it is a plain name. `none`, `true` and
 * `false` arrive as constants, which nunjucks turns into the names "null", "true" and "false".
 */
function testName(node: unknown): string | undefined {
  const name = isNode(node) && node.typename === 'FunCall' ? node.name : node;
  if (!isNode(name)) return undefined;
  if (name.typename === 'Symbol' && typeof name.value === 'string') return name.value;
  const constant = name.value;
  const isConstant = name.typename === 'Literal' && (constant === null || typeof constant === 'boolean');
  return isConstant ? String(constant) : undefined;
}

/**
 * The operand nunjucks' parser leaves empty where Jinja would report a syntax error (`{{}.x}}` is a lookup on
 * nothing, `{{.()}}` a call of nothing), and which its compiler then fails on.
 */
const REQUIRED_OPERAND: Readonly<Record<string, { field: string; missing: string }>> = {
  LookupVal: { field: 'target', missing: 'attribute or index' },
  FunCall: { field: 'name', missing: 'call' },
};

/**
 * What `{% set %}` may assign to: names, or one namespace attribute (`ns.attr`, Jinja2 >= 2.10). nunjucks pastes
 * a target's name into generated code unchecked (a quoted "name" would run as code) and fails with an internal
 * error on any other target, so everything else is refused here, as Jinja2 refuses it.
 */
function setTargetProblem(node: NjNode): string | undefined {
  const targets = (node.targets as unknown[]).filter(isNode);
  if (targets.length === 1 && targets[0] && isAttributeTarget(targets[0])) return undefined;
  const wrong = targets.find((t) => t.typename !== 'Symbol');
  if (!wrong) return undefined;
  return wrong.typename === 'LookupVal'
    ? "'set' can assign one namespace attribute (ns.attr), not an index or several targets"
    : `cannot assign to ${wrong.typename === 'Literal' ? 'a constant' : 'an expression'} in 'set'`;
}

/**
 * The names a `for` loop or a macro binds: nunjucks pastes them into generated code like `set` targets (a quoted
 * name would run as code, a number fails inside its compiler), so they must be plain names.
 */
function boundNamesProblem(node: NjNode): string | undefined {
  const bound =
    node.typename === 'For' ? [node.name] : ((node.args as NjNode | undefined)?.children as unknown[]);
  const names = (bound ?? []).flatMap((n) =>
    isNode(n) && n.typename === 'Array' ? (n.children as unknown[]) : [n],
  );
  const ok = names.every((n) => isNode(n) && (n.typename === 'Symbol' || n.typename === 'KeywordArgs'));
  return ok ? undefined : `'${node.typename === 'For' ? 'for' : 'macro'}' can only bind plain names`;
}

function problem(node: NjNode): string | undefined {
  if (node.typename === 'LookupVal' && !isNode(node.val)) return 'an attribute or index is missing';
  const operand = REQUIRED_OPERAND[node.typename];
  if (operand && !isNode(node[operand.field]))
    return `an expression is missing before the ${operand.missing}`;
  const unsupported = UNSUPPORTED[node.typename];
  if (unsupported) return `'${unsupported}' is not supported in expressions`;
  switch (node.typename) {
    case 'Symbol': {
      if (typeof node.value !== 'string' || !IDENTIFIER.test(node.value))
        return `invalid name '${String(node.value)}'`;
      const name = forbiddenName(node);
      return name && `access to '${name}' is not allowed`;
    }
    case 'Is': {
      const name = testName(node.right);
      if (name === undefined) return "the right side of 'is' must be a test name";
      return hasTest(name) ? undefined : `unknown test '${name}'`;
    }
    case 'FunCall':
      return safeCallTarget(node.name)
        ? undefined
        : 'quotes and backslashes are not allowed in the name of a call';
    case 'LookupVal': {
      const name = forbiddenName(node.val);
      return name && `access to '${name}' is not allowed`;
    }
    case 'Pair': {
      const name = forbiddenName(node.key);
      return name && `'${name}' is not allowed as a key`;
    }
    case 'Set':
      return setTargetProblem(node);
    case 'For':
    case 'Macro':
      return boundNamesProblem(node);
    case 'Literal':
      return node.value instanceof RegExp ? 'regular expression literals are not supported' : undefined;
    case 'Filter':
    case 'FilterAsync': {
      const name = isNode(node.name) ? String(node.name.value) : '';
      return hasFilter(name) ? undefined : `unknown filter '${name}'`;
    }
    default:
      return undefined;
  }
}

/** A filter or test name that is only unknown (not unsafe): Mistral refuses it when it runs, not at upload. */
function unknownName(node: NjNode): boolean {
  if (node.typename === 'Filter' || node.typename === 'FilterAsync') return true;
  return node.typename === 'Is' && testName(node.right) !== undefined;
}

/** Problems of an already parsed template. */
function checkAst(ast: NjNode, source: string): ExpressionIssue[] {
  const issues: ExpressionIssue[] = [];
  const walk = (node: NjNode, depth: number): void => {
    const at = offsetOf(source, node.lineno, node.colno);
    if (depth > MAX_DEPTH) {
      issues.push({ message: 'Expression is nested too deeply', offset: at });
      return;
    }
    const message = problem(node);
    if (message)
      issues.push(unknownName(node) ? { message, offset: at, severity: 'warning' } : { message, offset: at });
    for (const field of childFields(node)) {
      const value = node[field];
      if (isNode(value)) walk(value, depth + 1);
      else if (Array.isArray(value)) for (const child of value) if (isNode(child)) walk(child, depth + 1);
    }
  };
  walk(ast, 0);
  return issues;
}

/** Parses `source` with our environment's options; problems instead of the tree when it does not parse. */
export function parseTemplate(source: string): NjNode | ExpressionIssue[] {
  let ast: NjNode;
  try {
    ast = njParser.parse(source, undefined, (env as unknown as { opts: object }).opts);
  } catch (err) {
    const e = err as { message?: string; lineno?: number; colno?: number };
    if (err instanceof RangeError) return [{ message: 'Expression is nested too deeply', offset: 0 }];
    // Parser errors carry 1-based positions.
    const offset = e.lineno ? offsetOf(source, e.lineno - 1, (e.colno ?? 1) - 1) : 0;
    return [{ message: `Jinja syntax error: ${e.message ?? String(err)}`, offset }];
  }
  const issues = checkAst(ast, source);
  return issues.length > 0 ? issues : ast;
}
