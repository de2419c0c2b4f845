/**
 * Python truthiness for Jinja conditions. nunjucks compiles `{% if %}`, `x if c else y`, `not`, `and` and `or`
 * to JavaScript operators, for which `[]` and `{}` are true; in Jinja they are false, and templates written for
 * Mistral rely on it (`{{ 'none' if not _.items else _.items | join(',') }}`).
 *
 * Before compiling, `pythonize` wraps every condition and `not` operand in a truthiness node, and replaces
 * `and`/`or` by nodes compiled to lazy runtime helpers (`runtime.pyOr(a, () => b)`), which keep Python's
 * semantics: the right side runs only when needed and the result is one of the operands. The new classes
 * derive from nunjucks' `Not`, `Or` and `And` so that the compiler accepts them wherever those are allowed.
 */
import { childFields, isNode, nodeClass } from './nunjucks.js';
import { operatorCompileMethods, pythonizeOperator } from './operators.js';
import { namespaceCompileMethods, pythonizeAssignment } from './namespace.js';
import type { CompileMethod, NjNode } from './nunjucks.js';

const PyTruthy = nodeClass('Not').extend('PyTruthy');
const PyOr = nodeClass('Or').extend('PyOr');
const PyAnd = nodeClass('And').extend('PyAnd');

type Mutable = Record<string, unknown> & NjNode;

function truthyNode(node: unknown): NjNode {
  const n = node as NjNode;
  return new PyTruthy(n.lineno, n.colno, n);
}

/** Rewrites `node` and its descendants for Python truthiness; returns the node that replaces it. */
export function pythonize(node: NjNode): NjNode {
  const n = node as Mutable;
  for (const field of childFields(n)) {
    const value = n[field];
    if (isNode(value)) n[field] = pythonize(value);
    else if (Array.isArray(value)) n[field] = value.map((c: unknown) => (isNode(c) ? pythonize(c) : c));
  }
  switch (n.typename) {
    case 'If':
    case 'IfAsync':
    case 'InlineIf':
      n.cond = truthyNode(n.cond);
      return n;
    case 'Not':
      n.target = truthyNode(n.target);
      return n;
    case 'Or':
      return new PyOr(n.lineno, n.colno, n.left, n.right);
    case 'And':
      return new PyAnd(n.lineno, n.colno, n.left, n.right);
    default:
      return pythonizeOperator(n) ?? pythonizeAssignment(n) ?? n;
  }
}

function lazyBinary(helper: string): CompileMethod {
  return function (node, frame) {
    this._emit(`runtime.${helper}(`);
    this.compile(node.left, frame);
    this._emit(', () => (');
    this.compile(node.right, frame);
    this._emit('))');
  };
}

/** Compile methods for the node classes `pythonize` introduces. */
export const pythonCompileMethods: Readonly<Record<string, CompileMethod>> = {
  compilePyTruthy(node, frame) {
    this._emit('runtime.pyTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  },
  compilePyOr: lazyBinary('pyOr'),
  compilePyAnd: lazyBinary('pyAnd'),
  // Not truthiness, but the same kind of Python semantics: operators and namespace assignments.
  ...operatorCompileMethods,
  ...namespaceCompileMethods,
};
