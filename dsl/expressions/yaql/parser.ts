/**
 * YAQL parser: tokens to the syntax tree of `ast.ts`, by precedence climbing over yaql's operator table.
 *
 * Every problem is a `SyntaxFailure` carrying the offset of the offending token; nesting is bounded so that a
 * pathological input (ten thousand parentheses) is a syntax error rather than a stack overflow.
 */
import { SyntaxFailure } from '../failure.js';
import { BINARY, CONSTANTS, POSTFIX_PREC, UNARY, WORD_OPERATORS, isBinaryOp } from './ast.js';
import type { Arg, Mapping, Node, UnaryOp } from './ast.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';

const MAX_DEPTH = 200;

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of expression';
  if (t.kind === 'string') return 'string literal';
  if (t.kind === 'func') return `'${t.text}('`;
  if (t.kind === 'dollar') return `'$${t.text}'`;
  return `'${t.text}'`;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isOp(t: Token, text: string): boolean {
    return t.kind === 'op' && t.text === text;
  }

  private unexpected(t: Token): never {
    throw new SyntaxFailure(`Unexpected ${describe(t)}`, t.pos);
  }

  parseAll(): Node {
    if (this.peek().kind === 'eof') throw new SyntaxFailure('Empty expression', 0);
    const node = this.parseExpression(0);
    const rest = this.peek();
    if (rest.kind !== 'eof') this.unexpected(rest);
    return node;
  }

  private parseExpression(minPrec: number): Node {
    if (++this.depth > MAX_DEPTH) throw new SyntaxFailure('Expression is nested too deeply', this.peek().pos);
    let left = this.parsePrefix();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '.' || t.text === '?.') && POSTFIX_PREC >= minPrec) {
        this.next();
        left = this.parseMember(left, t.text === '?.');
        continue;
      }
      if (this.isOp(t, '[') && POSTFIX_PREC >= minPrec) {
        this.next();
        left = { type: 'index', target: left, args: this.parseArgs(']', false) as Node[], pos: left.pos };
        continue;
      }
      const text = t.kind === 'op' || (t.kind === 'ident' && WORD_OPERATORS.has(t.text)) ? t.text : '';
      if (!isBinaryOp(text)) break;
      const { prec, right } = BINARY[text];
      if (prec < minPrec) break;
      this.next();
      const rhs = this.parseExpression(right ? prec : prec + 1);
      left = { type: 'binary', op: text, left, right: rhs, pos: left.pos };
    }
    this.depth--;
    return left;
  }

  private parseUnary(op: UnaryOp, pos: number): Node {
    return { type: 'unary', op, operand: this.parseExpression(UNARY[op] + 1), pos };
  }

  private parsePrefix(): Node {
    const t = this.next();
    const pos = t.pos;
    switch (t.kind) {
      case 'number':
        return { type: 'literal', value: t.value ?? 0, pos };
      case 'string':
        return { type: 'literal', value: t.text, pos };
      case 'dollar':
        return { type: 'variable', name: t.text, pos };
      case 'func':
        return {
          type: 'call',
          name: t.text,
          args: this.parseArgs(')', true),
          receiver: null,
          nullSafe: false,
          pos,
        };
      case 'ident':
        if (Object.hasOwn(CONSTANTS, t.text))
          return { type: 'literal', value: CONSTANTS[t.text] ?? null, pos };
        if (t.text === 'not') return this.parseUnary('not', pos);
        if (WORD_OPERATORS.has(t.text)) return this.unexpected(t);
        return { type: 'keyword', name: t.text, pos };
      case 'op':
        return this.parseBracketed(t);
      default:
        return this.unexpected(t);
    }
  }

  private parseBracketed(t: Token): Node {
    const pos = t.pos;
    switch (t.text) {
      case '(': {
        const inner = this.parseExpression(0);
        const close = this.next();
        if (!this.isOp(close, ')'))
          throw new SyntaxFailure(`Expected ')' but found ${describe(close)}`, close.pos);
        return inner;
      }
      case '[':
        return { type: 'list', items: this.parseArgs(']', false) as Node[], pos };
      case '{': {
        const args = this.parseArgs('}', true);
        const entries = args.filter((a): a is Mapping => a.type === 'mapping');
        if (entries.length !== args.length) {
          const bad = args.find((a) => a.type !== 'mapping');
          throw new SyntaxFailure('Map literal entries must be key => value', bad?.pos ?? pos);
        }
        return { type: 'map', entries, pos };
      }
      case '-':
      case '+':
        return this.parseUnary(t.text, pos);
      default:
        return this.unexpected(t);
    }
  }

  private parseMember(target: Node, nullSafe: boolean): Node {
    const t = this.next();
    if (t.kind === 'func') {
      return {
        type: 'call',
        name: t.text,
        args: this.parseArgs(')', true),
        receiver: target,
        nullSafe,
        pos: target.pos,
      };
    }
    // Any word is a key here, even one that is an operator elsewhere (`$.in`, `$.not`).
    if (t.kind === 'ident') return { type: 'member', target, name: t.text, nullSafe, pos: target.pos };
    throw new SyntaxFailure(
      `Expected a name after '${nullSafe ? '?.' : '.'}' but found ${describe(t)}`,
      t.pos,
    );
  }

  /** Comma-separated arguments up to `close`; `name => value` only where `allowMappings`. */
  private parseArgs(close: string, allowMappings: boolean): Arg[] {
    const args: Arg[] = [];
    if (this.isOp(this.peek(), close)) {
      this.next();
      return args;
    }
    let named = false;
    for (;;) {
      const value = this.parseExpression(0);
      const arrow = this.peek();
      if (this.isOp(arrow, '=>')) {
        if (!allowMappings)
          throw new SyntaxFailure("'=>' is only allowed in function arguments and maps", arrow.pos);
        this.next();
        args.push({ type: 'mapping', key: value, value: this.parseExpression(0), pos: value.pos });
        named = true;
      } else {
        if (named && close === ')') {
          throw new SyntaxFailure('Positional argument follows a named argument', value.pos);
        }
        args.push(value);
      }
      const sep = this.next();
      if (this.isOp(sep, close)) return args;
      if (!this.isOp(sep, ','))
        throw new SyntaxFailure(`Expected ',' or '${close}' but found ${describe(sep)}`, sep.pos);
    }
  }
}

/** Parses one YAQL expression (the text between `<%` and `%>`). Throws `SyntaxFailure`. */
export function parse(src: string): Node {
  return new Parser(tokenize(src)).parseAll();
}
