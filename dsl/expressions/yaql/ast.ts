/**
 * The YAQL syntax tree, and the operator table that gives YAQL its precedence.
 *
 * The table is yaql 1.x's (`yaql/language/factory.py`), from loosest to tightest binding:
 * `->` (right-assoc), `or`, `and`, prefix `not`, the comparisons `< > <= >= = != in` (one level), `+ -`,
 * `* / mod`, `=~ !~`, prefix `+ -`, the indexer `[...]`, and member access `.` / `?.`. Named arguments
 * (`name => value`, also `condition => value` in `switch`) bind loosest of all and exist only inside argument
 * lists. There is no node for parentheses: they only group.
 */
import type { PyFloat } from '../values.js';

interface At {
  /** Offset of the node's first token in the expression text. */
  pos: number;
}

export interface Literal extends At {
  type: 'literal';
  value: null | boolean | number | string | PyFloat;
}

/** A bare identifier: a string constant (`[a, b]` is `["a", "b"]`), a key after `.`, or a named argument. */
export interface Keyword extends At {
  type: 'keyword';
  name: string;
}

/** `$` (name '') or `$name`; `$` and `$1` are the same variable. */
export interface Variable extends At {
  type: 'variable';
  name: string;
}

export interface ListLiteral extends At {
  type: 'list';
  items: Node[];
}

/** `{key => value, ...}`. */
export interface MapLiteral extends At {
  type: 'map';
  entries: Mapping[];
}

/** `key => value` inside an argument list or a map literal. */
export interface Mapping extends At {
  type: 'mapping';
  key: Node;
  value: Node;
}

/** `name(args)`, or `receiver.name(args)` / `receiver?.name(args)` when `receiver` is set. */
export interface Call extends At {
  type: 'call';
  name: string;
  args: Arg[];
  receiver: Node | null;
  nullSafe: boolean;
}

/** `target.name` / `target?.name`. */
export interface Member extends At {
  type: 'member';
  target: Node;
  name: string;
  nullSafe: boolean;
}

/** `target[args]`. */
export interface Index extends At {
  type: 'index';
  target: Node;
  args: Node[];
}

export type UnaryOp = '-' | '+' | 'not';

export interface Unary extends At {
  type: 'unary';
  op: UnaryOp;
  operand: Node;
}

export type BinaryOp =
  | '->'
  | 'or'
  | 'and'
  | '<'
  | '>'
  | '<='
  | '>='
  | '='
  | '!='
  | 'in'
  | '+'
  | '-'
  | '*'
  | '/'
  | 'mod'
  | '=~'
  | '!~';

export interface Binary extends At {
  type: 'binary';
  op: BinaryOp;
  left: Node;
  right: Node;
}

export type Node =
  Literal | Keyword | Variable | ListLiteral | MapLiteral | Call | Member | Index | Unary | Binary;
export type Arg = Node | Mapping;

/** Binding power of each binary operator (higher binds tighter) and whether it is right-associative. */
export const BINARY: Readonly<Record<BinaryOp, { prec: number; right?: true }>> = {
  '->': { prec: 1, right: true },
  or: { prec: 2 },
  and: { prec: 3 },
  '<': { prec: 5 },
  '>': { prec: 5 },
  '<=': { prec: 5 },
  '>=': { prec: 5 },
  '=': { prec: 5 },
  '!=': { prec: 5 },
  in: { prec: 5 },
  '+': { prec: 6 },
  '-': { prec: 6 },
  '*': { prec: 7 },
  '/': { prec: 7 },
  mod: { prec: 7 },
  '=~': { prec: 8 },
  '!~': { prec: 8 },
};

/** Binding power of the prefix operators: their operand absorbs only tighter operators. */
export const UNARY: Readonly<Record<UnaryOp, number>> = { not: 4, '-': 9, '+': 9 };

/** The indexer and member access bind tighter than every other operator. */
export const POSTFIX_PREC = 10;

/** Words that are operators, not keyword strings. */
export const WORD_OPERATORS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'mod']);

/** Words that are constants. */
export const CONSTANTS: Readonly<Record<string, null | boolean>> = { true: true, false: false, null: null };

export function isBinaryOp(text: string): text is BinaryOp {
  return Object.hasOwn(BINARY, text);
}
