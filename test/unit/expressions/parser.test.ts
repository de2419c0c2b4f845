import { expect } from 'chai';
import { SyntaxFailure } from '../../../dsl/expressions/failure.js';
import { parse } from '../../../dsl/expressions/yaql/parser.js';
import { print } from '../../../dsl/expressions/yaql/printer.js';

/** The fully parenthesised form shows how the parser grouped the expression. */
function grouped(src: string): string {
  return print(parse(src));
}

function parseError(src: string): SyntaxFailure {
  try {
    parse(src);
  } catch (err) {
    expect(err).to.be.instanceOf(SyntaxFailure);
    return err as SyntaxFailure;
  }
  throw new Error(`expected a syntax error for ${src}`);
}

describe('YAQL parser', () => {
  describe('precedence (yaql 1.x operator table)', () => {
    const cases: [string, string][] = [
      ['$.a + $.b * 3', '($.a + ($.b * 3))'],
      ['($.a + $.b) * 3', '(($.a + $.b) * 3)'],
      ['-7 / 2', '((-7) / 2)'],
      ['-$.a.b', '(-$.a.b)'],
      ['not $.a > 1', '(not ($.a > 1))'],
      ['not $.a and $.b', '((not $.a) and $.b)'],
      ['$.a or $.b and $.c', '($.a or ($.b and $.c))'],
      ['$.b in [1, 2] and true', '(($.b in [1, 2]) and true)'],
      ['1 < 2 = true', '((1 < 2) = true)'],
      ['$.a mod 2 = 0', '(($.a mod 2) = 0)'],
      ['"a" + "b" =~ "c"', '("a" + ("b" =~ "c"))'],
      ['$.xs[0].y', '$.xs[0].y'],
      ['let(x => 1) -> $x + 1', '(let(x => 1) -> ($x + 1))'],
      ['a -> b -> c', '(a -> (b -> c))'],
      ['1 - 2 - 3', '((1 - 2) - 3)'],
    ];
    for (const [src, expected] of cases) {
      it(`groups ${src} as ${expected}`, () => {
        expect(grouped(src)).to.equal(expected);
      });
    }
  });

  it('parses method calls with lambda arguments, null-safe access and indexers', () => {
    expect(grouped('$.xs.where($ > 1).select($ * 2)')).to.equal('$.xs.where(($ > 1)).select(($ * 2))');
    expect(grouped('$.a?.b?.len()')).to.equal('$.a?.b?.len()');
    expect(grouped('$.d["k", 0]')).to.equal('$.d["k", 0]');
  });

  it('parses named arguments and condition => value mappings', () => {
    expect(grouped('switch($.a > 5 => "big", true => "small")')).to.equal(
      'switch(($.a > 5) => "big", true => "small")',
    );
    expect(grouped('"{x}".format(x => 1)')).to.equal('"{x}".format(x => 1)');
  });

  it('parses list and map literals', () => {
    expect(grouped('[1, "two", [3]]')).to.equal('[1, "two", [3]]');
    expect(grouped('{a => 1, "b" => [2]}')).to.equal('{a => 1, "b" => [2]}');
    expect(grouped('[]')).to.equal('[]');
  });

  it('accepts any word as a key after a dot, even an operator word', () => {
    expect(grouped('$.in.not')).to.equal('$.in.not');
  });

  it('reads bare identifiers as keywords and true/false/null as constants', () => {
    expect(parse('first')).to.deep.include({ type: 'keyword', name: 'first' });
    expect(parse('null')).to.deep.include({ type: 'literal', value: null });
  });

  describe('errors', () => {
    it('reports the offset of the unexpected token', () => {
      const e = parseError('$.a + * 2');
      expect(e.offset).to.equal(6);
      expect(e.message).to.equal("Unexpected '*'");
    });

    it('reports an empty expression', () => {
      expect(parseError('   ').message).to.equal('Empty expression');
    });

    it('reports a missing closing parenthesis at the end', () => {
      const e = parseError('len($.a');
      expect(e.offset).to.equal(7);
      expect(e.message).to.match(/Expected ',' or '\)' but found end of expression/);
    });

    it('reports trailing tokens', () => {
      expect(parseError('$.a $.b').offset).to.equal(4);
    });

    it('refuses a positional argument after a named one', () => {
      expect(parseError('f(a => 1, 2)').message).to.equal('Positional argument follows a named argument');
    });

    it('refuses => in a list literal', () => {
      expect(parseError('[a => 1]').message).to.match(/only allowed in function arguments/);
    });

    it('refuses a map entry without =>', () => {
      expect(parseError('{a => 1, 2}').message).to.equal('Map literal entries must be key => value');
    });

    it('refuses an operator word where a value is expected', () => {
      expect(parseError('and').message).to.equal("Unexpected 'and'");
    });

    it('needs a name after a dot', () => {
      expect(parseError('$.(1)').message).to.match(/Expected a name after '\.'/);
    });

    it('bounds nesting depth instead of overflowing the stack', () => {
      const deep = '('.repeat(5000) + '1' + ')'.repeat(5000);
      expect(parseError(deep).message).to.equal('Expression is nested too deeply');
    });
  });
});
