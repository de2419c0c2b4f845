import { expect } from 'chai';
import { checkSyntax, evaluateString } from '../../../dsl/expressions/index.js';
import { evalError, jinja, stubHost, syntaxError } from './helpers.js';

const data = {
  user: 'ada',
  n: 3,
  items: ['x', 'y'],
  d: { b: 2, a: 1 },
  nil: null,
  people: [{ name: 'ann' }],
};

function render(template: string, d: unknown = data): unknown {
  return evaluateString(template, { data: d });
}

describe('Jinja expressions', () => {
  describe('a single {{ expression }} keeps its type', () => {
    const cases: [string, unknown][] = [
      ['_.n + 1', 4],
      ['_.n / 2', 1.5],
      ['_.n // 2', 1],
      ['[1, _.n]', [1, 3]],
      ['{"a": _.n}', { a: 3 }],
      ['_.nil', null],
      ['None', null],
      ['True and not False', true],
      ['_.user ~ "!"', 'ada!'],
      ['_.d', { b: 2, a: 1 }],
      ['"x" if _.n > 5 else None', null],
    ];
    for (const [expr, expected] of cases) {
      it(`{{ ${expr} }} = ${JSON.stringify(expected)}`, () =>
        expect(jinja(expr, data)).to.deep.equal(expected));
    }

    it('returns the data itself, not a copy', () => {
      expect(jinja('_.d', data)).to.equal(data.d);
    });

    it('allows whitespace around the expression', () => {
      expect(render('  {{ _.n }}\n')).to.equal(3);
    });
  });

  describe('mixed text renders with Python str()', () => {
    it('renders None, booleans, lists and dicts the Python way', () => {
      expect(render('{{ _.nil }}|{{ True }}|{{ _.items }}|{{ _.d }}')).to.equal(
        "None|True|['x', 'y']|{'b': 2, 'a': 1}",
      );
    });

    it('renders two expressions without text between them as text', () => {
      expect(render('{{ _.n }}{{ _.n }}')).to.equal('33');
    });

    it('runs statements: for loops, set, and if (which Mistral 15 breaks)', () => {
      expect(render('{% for i in _.items %}{{ loop.index }}:{{ i }} {% endfor %}')).to.equal('1:x 2:y ');
      expect(render('{% set x = _.n * 2 %}{{ x }}')).to.equal('6');
      expect(render('{% if _.n > 2 %}big{% else %}small{% endif %}')).to.equal('big');
    });
  });

  describe('undefined values (StrictUndefined)', () => {
    it('fails on a missing key with Jinja2-like wording', () => {
      const e = evalError(() => jinja('_.nope', data));
      expect(e.reason).to.equal("'dict object' has no attribute 'nope'");
      expect(e.message).to.match(/^Can not evaluate Jinja expression \[expression=\{\{ _\.nope \}\}, error=/);
    });

    it('fails on an undefined variable in mixed text', () => {
      expect(evalError(() => render('x={{ nope }}')).reason).to.equal("'nope' is undefined");
    });

    it('allows default() and "is defined" on undefined values', () => {
      expect(jinja('_.nope | default("dflt")', data)).to.equal('dflt');
      expect(jinja('_.nope is defined', data)).to.equal(false);
      expect(jinja('_.nope.deeper is defined', data)).to.equal(false);
    });
  });

  describe('Python-style methods and data keys', () => {
    it('prefers a data key over a method of the same name (documented deviation)', () => {
      expect(jinja('_.items', data)).to.deep.equal(['x', 'y']);
    });

    it('offers dict, string and list methods', () => {
      expect(jinja('_.d.items() | list', data)).to.deep.equal([
        ['b', 2],
        ['a', 1],
      ]);
      expect(jinja('_.d.keys() | list', data)).to.deep.equal(['b', 'a']);
      expect(jinja('_.d.get("zz", 0)', data)).to.equal(0);
      expect(jinja('_.user.upper()', data)).to.equal('ADA');
      expect(jinja('"a,b".split(",")', data)).to.deep.equal(['a', 'b']);
      expect(jinja('" x ".strip()', data)).to.equal('x');
      expect(jinja('"{} {n}".format(1, n=2)', data)).to.equal('1 2');
      expect(jinja('"-".join(_.items)', data)).to.equal('x-y');
      expect(jinja('_.items.index("y")', data)).to.equal(1);
    });

    it('indexes lists from the end with negative numbers', () => {
      expect(jinja('_.items[-1]', data)).to.equal('y');
    });
  });

  describe('filters', () => {
    const cases: [string, unknown][] = [
      ['_.user | upper', 'ADA'],
      ['_.items | length', 2],
      ['_.items | join(",")', 'x,y'],
      ['[1, None] | join(",")', '1,None'],
      ['_.d | tojson', '{"a": 1, "b": 2}'],
      ['_.d | json_dump', '{\n    "b": 2,\n    "a": 1\n}'],
      ['"[1]" | json_parse', [1]],
      [
        '_.d | items | list',
        [
          ['b', 2],
          ['a', 1],
        ],
      ],
      ['_.people | map(attribute="name") | list', ['ann']],
      ['["a", "b"] | map("upper") | list', ['A', 'B']],
      ['["a", "A", "b"] | unique | list', ['a', 'b']],
      ['[3, 1, 2] | max', 3],
      ['[3, 1, 2] | min', 1],
      ['"42" | int + 1', 43],
      ['"x" | int', 0],
      ['"2.5" | float', 2.5],
      ['_.n | string', '3'],
      ['_.d | list', ['b', 'a']],
      ['none is none', true],
      ['_.nil is none', true],
      ['_.n is not none', true],
      ['(_.n > 1) is true', true],
      ['_.n is integer', true],
    ];
    for (const [expr, expected] of cases) {
      it(`{{ ${expr} }} = ${JSON.stringify(expected)}`, () =>
        expect(jinja(expr, data)).to.deep.equal(expected));
    }
  });

  describe('Mistral functions', () => {
    const host = stubHost({
      tasks: { t1: { name: 't1', result: 'ada' } },
      current: 't1',
      env: { region: 'eu' },
      execution: { name: 'wf', input: { x: 1 } },
      globals: { g: 'G' },
    });

    it('calls the host for task(), execution(), env(), global() and tasks()', () => {
      const ctx = { data, host };
      expect(evaluateString("{{ task('t1').result }}", ctx)).to.equal('ada');
      expect(evaluateString('{{ task().result }}', ctx)).to.equal('ada');
      expect(evaluateString('{{ execution().input.x }}', ctx)).to.equal(1);
      expect(evaluateString('{{ env().region }}', ctx)).to.equal('eu');
      expect(evaluateString("{{ global('g') }}", ctx)).to.equal('G');
      expect(evaluateString("{{ tasks(state='SUCCESS') | length }}", ctx)).to.equal(1);
      expect(host.calls).to.deep.include(['tasks', undefined, undefined, 'SUCCESS', undefined]);
    });

    it('offers uuid(), json_dump() and yaml_parse() as functions', () => {
      expect(jinja('uuid()', data)).to.match(/^[0-9a-f-]{36}$/);
      expect(jinja('json_dump([1])', data)).to.equal('[\n    1\n]');
      expect(jinja('yaml_parse("a: 1")', data)).to.deep.equal({ a: 1 });
    });

    it('fails clearly without a host', () => {
      expect(evalError(() => jinja('task()', data)).reason).to.equal(
        'task() is not available here: no workflow execution context',
      );
    });
  });

  describe('syntax', () => {
    it('reports nunjucks syntax errors at their offset', () => {
      const [issue] = checkSyntax('ok {{ _.a + }}');
      expect(issue?.message).to.match(/^Jinja syntax error: /);
      expect(issue?.offset).to.be.within(3, 14);
    });

    it('reports unknown filters before running, as warnings (Mistral fails them only when run)', () => {
      expect(checkSyntax('{{ _.a | nosuchfilter }}')).to.deep.equal([
        { message: "unknown filter 'nosuchfilter'", offset: 9, severity: 'warning' },
      ]);
    });

    it('refuses tags that load templates', () => {
      expect(checkSyntax('{% include "x.html" %}')[0]?.message).to.equal(
        "'include' is not supported in expressions",
      );
      expect(syntaxError(() => render('{% extends "base" %}')).code).to.equal('EXPRESSION_SYNTAX');
    });

    it('reports an attribute, index or call of nothing as a syntax problem, not a compiler failure', () => {
      // Found by the fuzzer: nunjucks parses these with an empty operand and then fails to compile them.
      expect(checkSyntax('{{}.$}}')).to.deep.equal([
        { message: 'an expression is missing before the attribute or index', offset: 3 },
      ]);
      expect(checkSyntax('{{}[1]}}')[0]?.message).to.equal(
        'an expression is missing before the attribute or index',
      );
      expect(checkSyntax('{{.() }}')).to.deep.equal([
        { message: 'an expression is missing before the call', offset: 3 },
      ]);
    });

    it('reads () as the empty tuple, which leaves Jinja as an empty list', () => {
      expect(checkSyntax('{{ () }}')).to.deep.equal([]);
      expect(jinja('()', {})).to.deep.equal([]);
      expect(jinja('() | length', {})).to.equal(0);
      expect(render('{% if () %}a{% else %}b{% endif %}')).to.equal('b');
    });

    it('refuses regular expression literals', () => {
      expect(checkSyntax('{{ r/a+/ }}')[0]?.message).to.equal(
        'regular expression literals are not supported',
      );
    });
  });
});

describe('Jinja known limitations (nunjucks)', () => {
  it('cannot read a key named like a constant with a dot; the bracket form works', () => {
    expect(checkSyntax('{{ _.none }}')).to.have.length(1);
    expect(jinja('_["none"]', { none: 1 })).to.equal(1);
  });
});

describe('Jinja conditions use Python truthiness', () => {
  const cases: [string, unknown][] = [
    ["'a' if [] else 'b'", 'b'],
    ["'a' if {} else 'b'", 'b'],
    ["'a' if [0] else 'b'", 'a'],
    ['not []', true],
    ['not {"k": 1}', false],
    ['not 1 == 2', true],
    ["[] or 'x'", 'x'],
    ["[1] and 'y'", 'y'],
    ['0 or []', []],
    ['{} and 1', {}],
    ['_.nope is defined and _.nope.x', false],
  ];
  for (const [expr, expected] of cases) {
    it(`{{ ${expr} }} = ${JSON.stringify(expected)}`, () => expect(jinja(expr, {})).to.deep.equal(expected));
  }

  it('applies to if/elif statements', () => {
    const t = '{% if _.l %}list{% elif _.d %}dict{% else %}none{% endif %}';
    expect(render(t, { l: [], d: {} })).to.equal('none');
    expect(render(t, { l: [], d: { a: 1 } })).to.equal('dict');
  });

  it('short-circuits: the right side of and/or runs only when needed', () => {
    expect(jinja('1 or task()', {})).to.equal(1);
    expect(jinja('[] and task()', {})).to.deep.equal([]);
  });
});
