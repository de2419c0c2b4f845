import { expect } from 'chai';
import { DslError } from '../../../common/index.js';
import { parseInlineCall } from '../../../dsl/index.js';
import { isExpression, scanExpressions } from '../../../dsl/syntax/expr-scan.js';
import { scanInlineCall } from '../../../dsl/syntax/inline-call.js';
import { scanWithItem } from '../../../dsl/syntax/with-items.js';

function issues(s: string): string[] {
  return scanInlineCall(s).issues.map((i) => `${i.offset} ${i.message}`);
}

describe('DSL syntax: inline calls', () => {
  it('reads every kind of value Mistral accepts', () => {
    const call = parseInlineCall(
      `std.echo output="hello" delay=1 list=[1,2] obj={"a":1} flag=true n=null ` +
        `expr=<% $.x + 1 %> j={{ _.y }} single='quoted' f=0.5 neg=-2 empty=""`,
    );
    expect(call).to.deep.equal({
      name: 'std.echo',
      input: {
        output: 'hello',
        delay: 1,
        list: [1, 2],
        obj: { a: 1 },
        flag: true,
        n: null,
        expr: '<% $.x + 1 %>',
        j: '{{ _.y }}',
        single: 'quoted',
        f: 0.5,
        neg: -2,
        empty: '',
      },
    });
  });

  it('keeps spaces, = and quotes inside quoted strings, expressions and JSON', () => {
    expect(parseInlineCall(`a x="b = 'c' d" y=<% "e f" = $.g %> z={"h i": "j=k"}`).input).to.deep.equal({
      x: "b = 'c' d",
      y: '<% "e f" = $.g %>',
      z: { 'h i': 'j=k' },
    });
  });

  it('reads a name alone, a name computed by an expression, and the function form', () => {
    expect(parseInlineCall('std.noop')).to.deep.equal({ name: 'std.noop', input: {} });
    expect(parseInlineCall('<% $.action %> x=1')).to.deep.equal({ name: '<% $.action %>', input: { x: 1 } });
    expect(parseInlineCall(`fail(msg="it failed, sadly", code=3)`)).to.deep.equal({
      name: 'fail',
      input: { msg: 'it failed, sadly', code: 3 },
    });
    expect(parseInlineCall(`fail(msg='quoted')`).input).to.deep.equal({ msg: 'quoted' });
  });

  it('reports an unquoted word value instead of dropping it as Mistral does', () => {
    expect(issues('wf tag=short other="ok"')).to.deep.equal([
      `7 unquoted value 'short' for 'tag': quote it (tag="short")`,
    ]);
    expect(scanInlineCall('wf tag=short other="ok"').params.map((p) => p.name)).to.deep.equal(['other']);
  });

  it('reports malformed parameters with their offsets', () => {
    expect(issues('std.echo hello')).to.deep.equal(["9 'hello' is not a name=value parameter"]);
    expect(issues('std.echo a=')).to.deep.equal([
      "11 parameter 'a' has no value (a blank after '=' ends it), so it is not passed",
    ]);
    expect(issues('std.echo a="x')).to.deep.equal(["11 unterminated \" string in 'a'"]);
    expect(issues('std.echo a=[a, b]')).to.deep.equal([
      "11 the value of 'a' is not valid JSON: [a, b] (quote strings with \")",
    ]);
    expect(issues('std.echo a=[1, 2')).to.deep.equal(["11 '[' in 'a' is never closed"]);
    expect(issues('std.echo a="x"y')).to.deep.equal(["14 unexpected 'y' after the value of 'a'"]);
    expect(issues('std.echo a=1 a=2')).to.deep.equal([
      "13 parameter 'a' is given twice (the last value is used)",
    ]);
    expect(scanInlineCall('std.echo a=1 a=2').params.map((p) => p.value)).to.deep.equal([2]);
    expect(issues('output="x"')).to.deep.equal(['0 expected a name before the parameters']);
    expect(issues('fail(msg="x"')).to.deep.equal(["4 '(' after 'fail' has no closing ')' at the end"]);
    expect(issues('std.echo a=<% 1')).to.deep.equal([
      "11 unterminated YAQL expression: '<%' has no closing '%>'",
    ]);
  });

  it('throws a DslError located in the call text from parseInlineCall', () => {
    try {
      parseInlineCall('std.echo output=hi');
      expect.fail('expected a DslError');
    } catch (err) {
      expect(err).to.be.instanceOf(DslError);
      expect((err as DslError).issues).to.deep.equal([
        {
          file: '<inline>',
          line: 1,
          col: 17,
          message: `unquoted value 'hi' for 'output': quote it (output="hi")`,
        },
      ]);
    }
  });
});

describe('DSL syntax: with-items entries', () => {
  it('reads expressions and JSON lists', () => {
    expect(scanWithItem('x in <% $.xs %>').spec).to.deep.equal({ variable: 'x', source: '<% $.xs %>' });
    expect(scanWithItem('  my-var   in   {{ _.ys }}  ').spec).to.deep.equal({
      variable: 'my-var',
      source: '{{ _.ys }}',
    });
    expect(scanWithItem('label in ["a", "b"]').spec).to.deep.equal({ variable: 'label', source: ['a', 'b'] });
  });

  it('rejects other forms with the offset of the problem', () => {
    const problem = (s: string) => scanWithItem(s).issues.map((i) => `${i.offset} ${i.message}`);
    expect(problem('x in [a, b]')).to.deep.equal([
      `5 [a, b] is not a JSON list (quote strings with ", e.g. ["a", "b"])`,
    ]);
    expect(problem('x in {"a": 1}')).to.deep.equal([
      "5 expected 'var in <% expr %>', 'var in {{ expr }}' or 'var in [JSON list]'",
    ]);
    expect(problem('x in $.xs')[0]).to.match(/^5 expected 'var in/);
    expect(problem('x <% $.xs %>')[0]).to.match(/^0 expected 'var in/);
    expect(problem('x in <% $.xs %> extra')).to.deep.equal(["16 unexpected 'extra' after the expression"]);
  });
});

describe('DSL syntax: expression delimiters', () => {
  it('finds expressions and mixed languages; an unterminated one is text', () => {
    expect(scanExpressions('a <% 1 %> b <% 2 %>').segments.map((s) => [s.start, s.end])).to.deep.equal([
      [2, 9],
      [12, 19],
    ]);
    expect(scanExpressions('a {% if %} {{ x }}').issues).to.deep.equal([]);
    expect(scanExpressions('x <% 1')).to.deep.equal({ segments: [], issues: [] });
    expect(scanExpressions('50% <% done {{ x }}').segments).to.deep.equal([
      { lang: 'jinja', start: 12, end: 19 },
    ]);
    expect(scanExpressions('<% 1 %>{{ 2 }}').issues[0]!.offset).to.equal(7);
  });

  it('tells a whole-value expression from text around one', () => {
    expect(isExpression(' <% $.x %> ')).to.equal(true);
    expect(isExpression('{{ _.x }}')).to.equal(true);
    expect(isExpression('a <% $.x %>')).to.equal(false);
    expect(isExpression('<% $.x')).to.equal(false);
    expect(isExpression(3)).to.equal(false);
  });
});
