/** Jinja's operators, `%`-formatting and namespaces with Jinja2's (Python's) semantics, within the budget. */
import { expect } from 'chai';
import { checkSyntax, evaluateString } from '../../../dsl/expressions/index.js';
import { evalError, jinja, syntaxError } from './helpers.js';

const render = (template: string, data: unknown = {}): unknown => evaluateString(template, { data });

describe('Jinja operators with Python semantics', () => {
  const cases: [string, unknown][] = [
    ["'ab' * 3", 'ababab'],
    ["3 * 'ab'", 'ababab'],
    ["'ab' * 0", ''],
    ['[1, 2] * 2', [1, 2, 1, 2]],
    ["'%s-%d' % ('a', 2)", 'a-2'],
    ["'%s' % 'x'", 'x'],
    ["'%s' % [1, 2]", '[1, 2]'],
    ["'%05.1f|%-3d|%x|%r|%%' % (3.14159, 7, 255, 'q')", "003.1|7  |ff|'q'|%"],
    ['-7 % 3', 2],
    ['[1] + [2]', [1, 2]],
    ['(1, 2)', [1, 2]],
  ];
  for (const [expr, expected] of cases) {
    it(`{{ ${expr} }} = ${JSON.stringify(expected)}`, () => expect(jinja(expr)).to.deep.equal(expected));
  }

  it('formats with a dict on the right of %', () => {
    expect(jinja("'%(a)s and %(b)d' % _", { a: 'x', b: 2 })).to.equal('x and 2');
  });

  it("fails with Python's TypeErrors instead of NaN", () => {
    expect(evalError(() => jinja("'a' * 2.5")).reason).to.equal(
      "can't multiply sequence by non-int of type 'float'",
    );
    expect(evalError(() => jinja("'a' + 1")).reason).to.equal('can only concatenate str (not "int") to str');
    expect(evalError(() => jinja("'%s %s' % 'a'")).reason).to.equal('not enough arguments for format string');
    expect(evalError(() => jinja('7 % 0')).reason).to.equal('integer division or modulo by zero');
  });
});

describe('Jinja size limits of operators and filters', () => {
  it('refuses string and list repetition past the limits before building them', () => {
    expect(evalError(() => jinja("'a' * 100000000")).reason).to.equal(
      'a string of 100000000 characters exceeds maxStringLength (10000000)',
    );
    expect(evalError(() => jinja('[1, 2] * 10000000')).reason).to.match(/exceeds maxCollectionSize/);
  });

  it('refuses huge %-format widths, with the operator and the format filter', () => {
    expect(evalError(() => jinja("'%999999999s' % 1")).reason).to.match(/exceeds maxStringLength/);
    expect(evalError(() => jinja("'%999999999s' | format(1)")).reason).to.match(/exceeds maxStringLength/);
    expect(evalError(() => jinja("'%9000000s%9000000s' | format(1, 2)")).reason).to.match(
      /exceeds maxStringLength/,
    );
  });

  it('refuses precisions and code points JavaScript cannot format, clearly', () => {
    expect(evalError(() => jinja("'%.200f' % 1.5")).reason).to.equal(
      'a precision of 200 digits is not supported (at most 100)',
    );
    expect(evalError(() => jinja("'%c' % 1114112")).reason).to.equal('%c arg not in range(0x110000)');
  });

  it('declares what replace, indent, join, wordwrap, tojson and ~ build before building it', () => {
    const over = /exceeds maxStringLength|exceeds the evaluation limits/;
    expect(evalError(() => jinja("'aaaa' | replace('a', 'b' * 9000000)")).reason).to.match(over);
    expect(evalError(() => jinja("'aaaa'.replace('a', 'b' * 9000000)")).reason).to.match(over);
    expect(evalError(() => jinja("'x\ny\nz' | indent(9000000)")).reason).to.match(over);
    expect(evalError(() => jinja("(['a' * 9000000] * 100) | join")).reason).to.match(over);
    expect(evalError(() => jinja("'a b c' | wordwrap(1, true, 'x' * 9000000)")).reason).to.match(over);
    expect(evalError(() => jinja('[[1]] | tojson(999999999)')).reason).to.match(over);
    expect(evalError(() => jinja("'x' | center('999999999')")).reason).to.match(over);
    const doubling =
      "{% set s = 'a' * 9000000 %}{% for i in range(10) %}{% set s = s ~ s %}{% endfor %}{{ s }}";
    expect(evalError(() => render(doubling)).reason).to.match(over);
  });

  it('refuses to render a list holding a long string many times', () => {
    expect(evalError(() => render("x{{ ['a' * 9000000] * 100 }}")).reason).to.match(/exceed maxStringLength/);
    expect(evalError(() => jinja("'%s' % (['a' * 9000000] * 100)")).reason).to.match(/maxStringLength/);
  });
});

describe('Jinja namespaces and assignment targets', () => {
  it('accumulates in a loop through namespace() and {% set ns.attr %}', () => {
    const template =
      '{% set ns = namespace(total=0) %}{% for x in _.items %}{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}';
    expect(render(template, { items: [1, 2, 3] })).to.equal('6');
    expect(
      render('{% set ns = namespace({"a": 1}) %}{% set ns.b %}x{{ ns.a }}{% endset %}{{ ns.b }}'),
    ).to.equal('x1');
  });

  it('assigns attributes only on namespaces, as Jinja2', () => {
    expect(evalError(() => render('{% set d = {} %}{% set d.x = 1 %}')).reason).to.equal(
      'cannot assign attribute on non-namespace object',
    );
    expect(checkSyntax('{% set ns[0] = 1 %}')[0]?.message).to.match(/namespace attribute/);
  });

  it('refuses quoted names where nunjucks pastes them into code, instead of running them', () => {
    const g = globalThis as { PWNED?: number };
    const payloads = [
      '{% set "a\\"),(globalThis.PWNED=1),(\\"" = 1 %}ok',
      '{% set x %}{{ 1 is "defined\\"),(globalThis.PWNED=1),(\\"" }}{% endset %}{{ x }}',
      '{% for a, "b\\"+(globalThis.PWNED=1)+\\"" in [[1, 2]] %}{% endfor %}',
      '{% macro f("a\\"+(globalThis.PWNED=1)+\\"") %}{% endmacro %}',
    ];
    for (const payload of payloads) syntaxError(() => render(payload));
    expect(g.PWNED).to.equal(undefined);
  });

  it('reports malformed templates without JavaScript internals', () => {
    for (const template of ['{% set 1 = 2 %}', '{{ [1][} }}', '{% for a, 1 in [[1, 2]] %}{% endfor %}']) {
      const message = checkSyntax(template)[0]?.message ?? '';
      expect(message).to.not.match(/charAt|split|typename|assertType|undefined|null/);
      expect(message).to.not.equal('');
    }
  });

  it('applies Python truthiness inside a block set', () => {
    expect(render('{% set x %}{{ [] or 5 }}{% endset %}{{ x }}')).to.equal('5');
  });
});
