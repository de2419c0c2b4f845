import { expect } from 'chai';
import { SyntaxFailure } from '../../../dsl/expressions/failure.js';
import { tokenize } from '../../../dsl/expressions/yaql/lexer.js';
import { PyFloat } from '../../../dsl/expressions/values.js';

function kinds(src: string): string[] {
  return tokenize(src)
    .filter((t) => t.kind !== 'eof')
    .map((t) => `${t.kind}:${t.text}`);
}

function lexError(src: string): SyntaxFailure {
  try {
    tokenize(src);
  } catch (err) {
    expect(err).to.be.instanceOf(SyntaxFailure);
    return err as SyntaxFailure;
  }
  throw new Error('expected a SyntaxFailure');
}

describe('YAQL lexer', () => {
  it('reads ints, floats and integral floats', () => {
    const [a, b, c] = tokenize('42 3.25 2.0');
    expect(a?.value).to.equal(42);
    expect(b?.value).to.equal(3.25);
    expect(c?.value).to.be.instanceOf(PyFloat);
    expect((c?.value as PyFloat).value).to.equal(2);
  });

  it('treats a dot after an int without digits as member access (1.str())', () => {
    expect(kinds('1.str()')).to.deep.equal(['number:1', 'op:.', 'func:str', 'op:)']);
  });

  it('marks identifiers followed by ( as function names, others as keywords', () => {
    expect(kinds('len(x) foo and')).to.deep.equal(['func:len', 'ident:x', 'op:)', 'ident:foo', 'ident:and']);
  });

  it('reads $, $name and $1 as variables', () => {
    expect(kinds('$ $foo $1')).to.deep.equal(['dollar:', 'dollar:foo', 'dollar:1']);
  });

  it('matches the longest operator', () => {
    expect(kinds('a => b >= c ?. d =~ e != f -> g')).to.deep.equal([
      'ident:a',
      'op:=>',
      'ident:b',
      'op:>=',
      'ident:c',
      'op:?.',
      'ident:d',
      'op:=~',
      'ident:e',
      'op:!=',
      'ident:f',
      'op:->',
      'ident:g',
    ]);
  });

  it('decodes Python escapes in single- and double-quoted strings', () => {
    const [a, b] = tokenize(`'it\\'s\\n\\t\\x41\\u00e9' "say \\"hi\\" \\\\"`);
    expect(a?.text).to.equal("it's\n\tAé");
    expect(b?.text).to.equal('say "hi" \\');
  });

  it('keeps unknown escapes verbatim, so regular expressions stay readable', () => {
    expect(tokenize(`'\\d+\\.\\w'`)[0]?.text).to.equal('\\d+\\.\\w');
  });

  it('reads backtick strings verbatim', () => {
    expect(tokenize('`a\\nb\\``')[0]?.text).to.equal('a\\nb`');
  });

  it('accepts unicode identifiers', () => {
    expect(kinds('$.größe')).to.deep.equal(['dollar:', 'op:.', 'ident:größe']);
  });

  it('reports an unterminated string at its opening quote', () => {
    const e = lexError('1 + "abc');
    expect(e.offset).to.equal(4);
    expect(e.message).to.match(/Unterminated string/);
  });

  it('reports an unexpected character at its offset', () => {
    const e = lexError('$.a # 1');
    expect(e.offset).to.equal(4);
    expect(e.message).to.equal("Unexpected character '#'");
  });
});
