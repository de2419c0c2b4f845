/**
 * Jinja2's `namespace()` and `{% set ns.attr = value %}` (Jinja2 >= 2.10), the way templates carry a value out
 * of a loop: `{% set ns = namespace(total=0) %}{% for x in _.items %}{% set ns.total = ns.total + x %}{% endfor %}`.
 * nunjucks has neither; its compiler fails on an attribute target with an internal error.
 *
 * A namespace is a plain dict (so reading `ns.total`, `ns | tojson` and returning it work as for any dict)
 * remembered as a namespace: only those accept attribute assignment, as in Jinja2, so an assignment never
 * changes the data or any other dict. `check.ts` lets a `set` target be a name or `name.attribute`, nothing else.
 */
import { fail } from '../failure.js';
import { pyStr } from '../pystr.js';
import { isDict, setKey } from '../values.js';
import type { Dict } from '../values.js';
import { splitKwargs } from './methods.js';
import { nodeClass } from './nunjucks.js';
import type { CompileMethod, NjNode } from './nunjucks.js';

const namespaces = new WeakSet<Dict>();

/** Jinja2's `namespace(dict_or_pairs, **attrs)`. */
export function namespace(...args: unknown[]): Dict {
  const [positional, kwargs] = splitKwargs(args);
  if (positional.length > 1)
    return fail(`namespace() takes at most 1 positional argument (${positional.length} given)`);
  const [initial] = positional;
  const ns: Dict = {};
  for (const [key, value] of initialEntries(initial)) setKey(ns, key, value);
  for (const [key, value] of Object.entries(kwargs)) setKey(ns, key, value);
  namespaces.add(ns);
  return ns;
}

function isPair(p: unknown): p is [unknown, unknown] {
  return Array.isArray(p) && p.length === 2;
}

function initialEntries(initial: unknown): [string, unknown][] {
  if (initial === undefined) return [];
  if (isDict(initial)) return Object.entries(initial);
  if (Array.isArray(initial) && initial.every(isPair)) return initial.map(([k, v]) => [pyStr(k), v]);
  return fail('namespace() expects a dict or a list of (key, value) pairs');
}

/** `{% set ns.attr = value %}` at run time; Jinja2's error for anything but a namespace. */
export function pySetAttr(target: unknown, attr: string, value: unknown): void {
  if (!isDict(target) || !namespaces.has(target)) fail('cannot assign attribute on non-namespace object');
  setKey(target, attr, value);
}

/** A `set` whose one target is `name.attr` (validated by `check.ts`). */
const SetAttrNode = nodeClass('Set').extend('SetAttr');

/** Whether `node` is a valid namespace assignment target: `name.attr`. */
export function isAttributeTarget(node: NjNode): boolean {
  const target = node.target as NjNode | undefined;
  const val = node.val as NjNode | undefined;
  return (
    node.typename === 'LookupVal' &&
    target?.typename === 'Symbol' &&
    val?.typename === 'Literal' &&
    typeof val.value === 'string' &&
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(val.value)
  );
}

/** Rewrites `{% set ns.attr = ... %}` into a node our compile method handles. */
export function pythonizeAssignment(node: NjNode): NjNode | undefined {
  const targets = node.targets as NjNode[] | undefined;
  if (node.typename !== 'Set' || targets?.[0]?.typename !== 'LookupVal') return undefined;
  const out = new SetAttrNode(node.lineno, node.colno, targets, node.value) as NjNode &
    Record<string, unknown>;
  out.body = node.body;
  return out;
}

export const namespaceCompileMethods: Readonly<Record<string, CompileMethod>> = {
  compileSetAttr(node, frame) {
    const [target] = node.targets as NjNode[];
    if (!target) return;
    const attr = (target.val as NjNode).value as string;
    this._emit('runtime.pySetAttr(');
    this.compile(target.target, frame);
    // The name is an identifier (checked), so it is safe in generated code; JSON quoting keeps it a string.
    this._emit(`, ${JSON.stringify(attr)}, `);
    // `{% set ns.x = value %}` or the block form `{% set ns.x %}...{% endset %}`.
    this.compile(node.value ?? node.body, frame);
    this._emit(');\n');
  },
};
