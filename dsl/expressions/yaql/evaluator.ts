/**
 * Evaluates a YAQL syntax tree against data.
 *
 * `$` is the data; `$.key` reads a dict key and is an error when the key is missing (Mistral 15 records this:
 * use `$.get(key)` / `$.get(key, default)` for optional keys); on a list, `.key` collects the key from every
 * element. `and`/`or` return one of their operands, Python-style, and evaluate the right side only when
 * needed. Function arguments reach the standard library unevaluated (see `invocation.ts`).
 *
 * Member access and indexing read only own properties of plain dicts and lists, never JavaScript methods or
 * prototypes, and every node evaluated ticks the budget, which enforces the deadline.
 */
import type { Budget } from '../budget.js';
import { fail } from '../failure.js';
import type { ExpressionHost } from '../types.js';
import { pyStr } from '../pystr.js';
import {
  InternalValue,
  MISSING,
  PyFloat,
  YaqlSet,
  asIterator,
  exoticCount,
  isDict,
  isInt,
  ownGet,
  setKey,
  toKey,
  toPlain,
  truthy,
  typeName,
} from '../values.js';
import type { Dict } from '../values.js';
import type { Binary, Call, Node } from './ast.js';
import { Invocation, LetContext, NO_RECEIVER, Scope } from './invocation.js';
import type { Runtime } from './invocation.js';
import { binary, unaryNumeric } from './operators.js';
import { FUNCTIONS } from './stdlib/index.js';

function missingKey(name: string): never {
  return fail(`key '${name}' not found (use get('${name}') for an optional key)`);
}

/** `value.name`: a dict key, or the key collected from every element of a list. */
function attribute(value: unknown, name: string, rt: Runtime): unknown {
  if (isDict(value)) {
    const v = ownGet(value, name);
    return v === MISSING ? missingKey(name) : v;
  }
  if (Array.isArray(value) || value instanceof YaqlSet) {
    const list: readonly unknown[] = Array.isArray(value) ? value : value.items;
    rt.budget.collection(list.length);
    return asIterator(list.map((x) => attribute(x, name, rt)));
  }
  const hint = value === null ? ' (use ?. for a value that may be null)' : '';
  return fail(`cannot read '${name}' of ${typeName(value)}${hint}`);
}

function position(index: unknown, length: number): number {
  if (!isInt(index)) return fail(`indices must be integers, not ${typeName(index)}`);
  const i = index < 0 ? index + length : index;
  return i >= 0 && i < length ? i : fail('index out of range');
}

/** `value[key]` and `dict[key, default]`. */
function indexValue(value: unknown, args: readonly unknown[]): unknown {
  const [key, fallback] = args;
  if (isDict(value)) {
    if (args.length < 1 || args.length > 2) return fail('a dict index takes a key and an optional default');
    const v = typeof key === 'string' ? ownGet(value, key) : MISSING;
    if (v !== MISSING) return v;
    return args.length === 2 ? fallback : missingKey(typeof key === 'string' ? key : toKey(key));
  }
  if (args.length !== 1) return fail(`a ${typeName(value)} index takes exactly one index`);
  if (Array.isArray(value)) return value[position(key, value.length)];
  if (typeof value === 'string') return value[position(key, value.length)];
  return fail(`${typeName(value)} is not indexable`);
}

function callFunction(node: Call, scope: Scope, rt: Runtime): unknown {
  let receiver: unknown = NO_RECEIVER;
  if (node.receiver !== null) {
    receiver = rt.evaluate(node.receiver, scope);
    if (node.nullSafe && receiver === null) return null;
  }
  const overloads = rt.functions.get(node.name);
  if (overloads === undefined) {
    return fail(node.receiver === null ? `unknown function '${node.name}'` : `unknown method '${node.name}'`);
  }
  const inv = new Invocation(rt, scope, node.name, node.args, receiver);
  for (const o of overloads) {
    if (o.when === undefined || o.when(inv)) return o.run(inv) ?? null;
  }
  return fail(`${node.name}() does not accept (${inv.describeArgs()})`);
}

function evaluateBinary(node: Binary, scope: Scope, rt: Runtime): unknown {
  const left = rt.evaluate(node.left, scope);
  switch (node.op) {
    case 'and':
      return truthy(left) ? rt.evaluate(node.right, scope) : left;
    case 'or':
      return truthy(left) ? left : rt.evaluate(node.right, scope);
    case '->':
      if (!(left instanceof LetContext))
        return fail(`the left side of -> must be let(...), not ${typeName(left)}`);
      return rt.evaluate(node.right, new Scope(scope, left.positional, left.named));
    default:
      return binary(node.op, left, rt.evaluate(node.right, scope), rt.budget);
  }
}

function evaluateNode(node: Node, scope: Scope, rt: Runtime): unknown {
  rt.budget.tick();
  switch (node.type) {
    case 'literal':
      // A fresh box, so that exoticCount() sees it and the result gets converted.
      return node.value instanceof PyFloat ? new PyFloat(node.value.value) : node.value;
    case 'keyword':
      return node.name;
    case 'variable':
      return scope.lookup(node.name);
    case 'list':
      rt.budget.collection(node.items.length);
      return node.items.map((item) => rt.evaluate(item, scope));
    case 'map': {
      const out: Dict = {};
      for (const e of node.entries)
        setKey(out, toKey(rt.evaluate(e.key, scope)), rt.evaluate(e.value, scope));
      return out;
    }
    case 'member': {
      const target = rt.evaluate(node.target, scope);
      return node.nullSafe && target === null ? null : attribute(target, node.name, rt);
    }
    case 'index':
      return indexValue(
        rt.evaluate(node.target, scope),
        node.args.map((a) => rt.evaluate(a, scope)),
      );
    case 'call':
      return callFunction(node, scope, rt);
    case 'unary': {
      const v = rt.evaluate(node.operand, scope);
      return node.op === 'not' ? !truthy(v) : unaryNumeric(node.op, v);
    }
    case 'binary':
      return evaluateBinary(node, scope, rt);
  }
}

/**
 * Evaluates `ast` with `$` = `data`. As a `value` the result is plain JSON-compatible data; as `text` it is
 * rendered with Python's `str()` from the raw value, so that a float such as `1.5 * 2` renders as `3.0`.
 */
export function evaluateYaql(
  ast: Node,
  data: unknown,
  budget: Budget,
  host: ExpressionHost | undefined,
  as: 'value' | 'text' = 'value',
): unknown {
  const rt: Runtime = {
    budget,
    host,
    functions: FUNCTIONS,
    evaluate: (node, scope) => evaluateNode(node, scope, rt),
  };
  const before = exoticCount();
  const result = evaluateNode(ast, new Scope(null, [data === undefined ? null : data]), rt);
  if (as === 'text') {
    if (result instanceof InternalValue)
      return fail(`${result.describe()} is not a value that can be rendered`);
    return pyStr(result);
  }
  // Only walk the result when the evaluation created sets, integral floats or let() contexts.
  return exoticCount() === before ? result : toPlain(result);
}
