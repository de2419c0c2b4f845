/**
 * Prints a YAQL syntax tree back to source text. Operators are fully parenthesised, so that parsing the output
 * gives back the same tree; this is what the parser's round-trip property tests rely on, and it gives error
 * messages a canonical spelling of sub-expressions.
 */
import { pyFloatRepr } from '../pystr.js';
import { PyFloat } from '../values.js';
import type { Arg, Literal, Node } from './ast.js';

function quote(s: string): string {
  return JSON.stringify(s);
}

function literal(value: Literal['value']): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return quote(value);
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
}

function args(list: readonly Arg[]): string {
  return list
    .map((a) => (a.type === 'mapping' ? `${print(a.key)} => ${print(a.value)}` : print(a)))
    .join(', ');
}

export function print(node: Node): string {
  switch (node.type) {
    case 'literal':
      return literal(node.value);
    case 'keyword':
      return node.name;
    case 'variable':
      return `$${node.name}`;
    case 'list':
      return `[${args(node.items)}]`;
    case 'map':
      return `{${args(node.entries)}}`;
    case 'call': {
      const call = `${node.name}(${args(node.args)})`;
      if (node.receiver === null) return call;
      return `${print(node.receiver)}${node.nullSafe ? '?.' : '.'}${call}`;
    }
    case 'member':
      return `${print(node.target)}${node.nullSafe ? '?.' : '.'}${node.name}`;
    case 'index':
      return `${print(node.target)}[${args(node.args)}]`;
    case 'unary':
      return node.op === 'not' ? `(not ${print(node.operand)})` : `(${node.op}${print(node.operand)})`;
    case 'binary':
      return `(${print(node.left)} ${node.op} ${print(node.right)})`;
  }
}
