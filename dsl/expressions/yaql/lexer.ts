/**
 * YAQL tokenizer, following the token rules of yaql 1.x (`yaql/language/lexer.py`):
 * - numbers are `\d+` or `\d+.\d+` (no exponent, no leading dot); a dot after an int not followed by a digit
 *   is the member operator, so `1.str()` is a method call on 1;
 * - strings are '...' or "..." with Python escapes (unknown escapes keep their backslash, which keeps regular
 *   expressions readable), or `...` verbatim;
 * - `$name` is a context variable (`$` alone is the current data); an identifier immediately followed by `(` is
 *   a function name; other identifiers are keywords (`true`, `and`, `mod`, or a bare name used as a string);
 * - operators are matched longest first (`=>` before `=`, `?.` before `.`).
 */
import { SyntaxFailure } from '../failure.js';
import { makeFloat } from '../values.js';
import type { PyFloat } from '../values.js';

export type TokenKind = 'number' | 'string' | 'ident' | 'func' | 'dollar' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier, function or variable name (without `$`), operator text, or the decoded string. */
  text: string;
  /** Numeric value of a number token. */
  value?: number | PyFloat;
  /** Offset of the first character in the source. */
  pos: number;
}

const OPERATORS = ['?.', '=~', '!~', '>=', '<=', '!=', '->', '=>', '.', '+', '-', '*', '/', '>', '<', '=']
  .concat(['(', ')', '[', ']', '{', '}', ','])
  .sort((a, b) => b.length - a.length);

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_]/u;
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Decodes a Python escape sequence starting at `body[i] === '\\'`; returns the text and the next index. */
function decodeEscape(body: string, i: number): [string, number] {
  const c = body[i + 1];
  if (c === undefined) return ['\\', i + 1];
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, i + 2];
  const hexLength = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexLength > 0) {
    const hex = body.slice(i + 2, i + 2 + hexLength);
    const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength ? parseInt(hex, 16) : NaN;
    if (!Number.isNaN(code) && code <= 0x10ffff) return [String.fromCodePoint(code), i + 2 + hexLength];
    return ['\\' + c, i + 2];
  }
  const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4));
  if (octal) return [String.fromCharCode(parseInt(octal[0], 8)), i + 1 + octal[0].length];
  return ['\\' + c, i + 2];
}

function readString(src: string, start: number): [string, number] {
  const quote = src[start];
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === quote) return [out, i + 1];
    if (c === '\\') {
      if (quote === '`') {
        // Verbatim strings only unescape the backtick itself.
        if (src[i + 1] === '`') {
          out += '`';
          i += 2;
        } else {
          out += c;
          i++;
        }
        continue;
      }
      const [text, next] = decodeEscape(src, i);
      out += text;
      i = next;
      continue;
    }
    out += c;
    i++;
  }
  throw new SyntaxFailure('Unterminated string literal', start);
}

function readNumber(src: string, start: number): [Token, number] {
  let i = start;
  while (isDigit(src[i])) i++;
  if (src[i] === '.' && isDigit(src[i + 1])) {
    i++;
    while (isDigit(src[i])) i++;
    const text = src.slice(start, i);
    return [{ kind: 'number', text, value: makeFloat(parseFloat(text)), pos: start }, i];
  }
  const text = src.slice(start, i);
  return [{ kind: 'number', text, value: Number(text), pos: start }, i];
}

function readName(src: string, start: number): number {
  let i = start;
  while (i < src.length) {
    const cp = src.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    if (!IDENT_PART.test(ch)) break;
    i += ch.length;
  }
  return i;
}

function startsIdent(src: string, i: number): boolean {
  const cp = src.codePointAt(i);
  return cp !== undefined && IDENT_START.test(String.fromCodePoint(cp));
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (isDigit(c)) {
      const [tok, next] = readNumber(src, i);
      tokens.push(tok);
      i = next;
    } else if (c === "'" || c === '"' || c === '`') {
      const [text, next] = readString(src, i);
      tokens.push({ kind: 'string', text, pos: i });
      i = next;
    } else if (c === '$') {
      const end = readName(src, i + 1);
      tokens.push({ kind: 'dollar', text: src.slice(i + 1, end), pos: i });
      i = end;
    } else if (startsIdent(src, i)) {
      const end = readName(src, i);
      const isCall = src[end] === '(';
      tokens.push({ kind: isCall ? 'func' : 'ident', text: src.slice(i, end), pos: i });
      // The opening parenthesis belongs to the function token, as in yaql's FUNC rule.
      i = isCall ? end + 1 : end;
    } else {
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      if (op === undefined) throw new SyntaxFailure(`Unexpected character '${c}'`, i);
      tokens.push({ kind: 'op', text: op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: src.length });
  return tokens;
}
