import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { checkSyntax, evaluateString } from '../../../dsl/expressions/index.js';
import { evalError, jinja, syntaxError, yaql } from './helpers.js';

const EXPRESSIONS = new URL('../../../dsl/expressions/index.ts', import.meta.url).href;

/** A simulated clock that advances `step` ms every time it is read. */
function steppingClock(step: number): () => number {
  let t = 0;
  return () => (t += step);
}

describe('expression safety', () => {
  describe('no access to JavaScript prototypes (YAQL)', () => {
    const missing = [
      '$["__proto__"]',
      '$["constructor"]',
      '$.constructor',
      '$.prototype',
      '[{a => 1}].select($.constructor)',
    ];
    for (const expr of missing) {
      it(`reads ${expr} as an ordinary key, missing from the data`, () => {
        expect(evalError(() => yaql(expr, { a: 1 })).reason).to.match(
          /key '(__proto__|constructor|prototype)' not found/,
        );
      });
    }

    it('answers null for get() of a prototype name', () => {
      expect(yaql('{}.get("constructor")')).to.equal(null);
    });

    it('reads __proto__ and constructor keys the data holds (a published __proto__, as Mistral keeps)', () => {
      const data = JSON.parse('{"__proto__": 1, "constructor": 2}') as Record<string, unknown>;
      expect(yaql('$.__proto__', data)).to.equal(1);
      expect(yaql('$["constructor"]', data)).to.equal(2);
    });

    it('never calls JavaScript methods of values', () => {
      expect(evalError(() => yaql('"abc".toString()')).reason).to.equal("unknown method 'toString'");
      expect(evalError(() => yaql('"abc".charAt(0)')).reason).to.equal("unknown method 'charAt'");
      expect(evalError(() => yaql('$.hasOwnProperty("a")', { a: 1 })).reason).to.match(/unknown method/);
    });

    it('keeps __proto__ an ordinary key when building dicts', () => {
      const out = yaql('dict("__proto__" => {polluted => true})') as Record<string, unknown>;
      expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
      expect(Object.keys(out)).to.deep.equal(['__proto__']);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it('keeps __proto__ an ordinary key when parsing JSON', () => {
      const out = yaql('json_parse(\'{"__proto__": {"polluted": 1}}\')') as Record<string, unknown>;
      expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
      expect(out.polluted).to.equal(undefined);
    });
  });

  describe('no template injection (Jinja)', () => {
    it('refuses the classic range.constructor escape before running it', () => {
      const payload = '{{ range.constructor("return process")() }}';
      expect(checkSyntax(payload)).to.deep.equal([
        { message: "access to 'constructor' is not allowed", offset: 8 },
      ]);
      expect(syntaxError(() => evaluateString(payload, { data: {} })).code).to.equal('EXPRESSION_SYNTAX');
    });

    const computed = [
      '{{ range["constr" ~ "uctor"]("return process")() }}',
      '{% set c = "constructor" %}{{ cycler[c] }}',
      '{% set p = "__pro" ~ "to__" %}{{ _[p] }}',
      '{{ joiner()["constr" ~ "uctor"] }}',
    ];
    for (const payload of computed) {
      it(`refuses computed names at run time: ${payload}`, () => {
        expect(evalError(() => evaluateString(payload, { data: { a: 1 } })).reason).to.match(/access to '/);
      });
    }

    const literal = [
      '{{ "".constructor }}',
      "{{ _['__proto__'] }}",
      '{{ constructor }}',
      '{{ {"__proto__": 1} }}',
    ];
    for (const payload of literal) {
      it(`refuses literal names in the syntax check: ${payload}`, () => {
        expect(checkSyntax(payload)).to.have.length(1);
      });
    }

    describe('code injection through nunjucks 3.2.4 code generation', () => {
      // nunjucks pastes names into the JavaScript it generates without escaping them; stock nunjucks runs
      // the first payload below (it sets globalThis.pwned).
      const payloads: [string, RegExp][] = [
        ['{{ 1 is "defined\\"),globalThis.pwned=42,(\\"" }}', /right side of 'is' must be a test name/],
        ['{{ x"+1 }}', /invalid name 'x"'/],
        ['{{ _ | upper"+1 }}', /unknown filter 'upper"'/],
        ['{% set a"=1 %}', /invalid name/],
        ['{{ _["\\\\"]() }}', /quotes and backslashes are not allowed/],
        ['{{ 1 is nosuchtest }}', /unknown test 'nosuchtest'/],
      ];
      for (const [payload, reason] of payloads) {
        it(`refuses ${payload}`, () => {
          const [issue] = checkSyntax(payload);
          expect(issue?.message).to.match(reason);
          syntaxError(() => evaluateString(payload, { data: {} }));
          expect((globalThis as Record<string, unknown>).pwned).to.equal(undefined);
        });
      }
    });

    it('never exposes properties of functions', () => {
      expect(evalError(() => jinja('range.call', {})).reason).to.equal("cannot read 'call' of a function");
    });

    it('does not see inherited Object.prototype members as variables', () => {
      expect(evalError(() => jinja('hasOwnProperty("x")', {})).reason).to.equal(
        "'hasOwnProperty' is undefined",
      );
      expect(evalError(() => jinja('toString()', {})).reason).to.equal("'toString' is undefined");
    });

    it('never returns a function as a value', () => {
      expect(evalError(() => jinja('range', {})).reason).to.equal(
        'the expression is a function, not a value',
      );
    });
  });

  describe('time limits (simulated clock)', () => {
    it('stops a long YAQL evaluation at the deadline', () => {
      const e = evalError(() =>
        yaql(
          'range(1000).select(range(1000).where($ > 500).len())',
          {},
          { now: steppingClock(10), limits: { timeoutMs: 100 } },
        ),
      );
      expect(e.reason).to.equal('evaluation took longer than 100 ms (timeoutMs)');
    });

    it('stops long Jinja loops at the deadline', () => {
      const template = '{% for i in range(1000) %}{% for j in range(1000) %}{{ j }}{% endfor %}{% endfor %}';
      const e = evalError(() =>
        evaluateString(template, { data: {}, now: steppingClock(10), limits: { timeoutMs: 100 } }),
      );
      expect(e.reason).to.equal('evaluation took longer than 100 ms (timeoutMs)');
    });

    it('stops a CPU-bound expression on the real clock', () => {
      const started = Date.now();
      const e = evalError(() =>
        yaql('range(1000000).where($ mod 7 = 0).select($ * $).sum()', {}, { limits: { timeoutMs: 30 } }),
      );
      expect(e.reason).to.match(/took longer than 30 ms/);
      expect(Date.now() - started).to.be.below(1000);
    });

    it('turns runaway Jinja recursion into an ExpressionError', () => {
      const template = '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}';
      expect(evalError(() => evaluateString(template, { data: {} })).code).to.equal('EXPRESSION_EVAL');
    });
  });

  describe('size limits', () => {
    it('refuses range(1e12) without allocating', () => {
      const started = Date.now();
      expect(evalError(() => yaql('range(1000000000000)')).reason).to.equal(
        'a collection of 1000000000000 items exceeds maxCollectionSize (1000000)',
      );
      expect(Date.now() - started).to.be.below(200);
    });

    it('refuses huge string and list repetitions', () => {
      expect(evalError(() => yaql('"ab" * 100000000')).reason).to.match(/exceeds maxStringLength/);
      expect(evalError(() => yaql('[1, 2] * 10000000')).reason).to.match(/exceeds maxCollectionSize/);
    });

    it('bounds the total an evaluation builds', () => {
      expect(evalError(() => yaql('range(1000000).select("x" * 5000000)')).reason).to.match(
        /characters in total/,
      );
      expect(evalError(() => yaql('range(1000).select(range(1000000).len())')).reason).to.match(
        /items in total/,
      );
    });

    it('applies the limits of the context', () => {
      expect(evalError(() => yaql('range(11)', {}, { limits: { maxCollectionSize: 10 } })).reason).to.match(
        /exceeds maxCollectionSize \(10\)/,
      );
    });

    it('bounds Jinja helpers that allocate', () => {
      expect(evalError(() => jinja('range(100000000) | length', {})).reason).to.match(
        /exceeds maxCollectionSize/,
      );
      expect(evalError(() => jinja('"x" | indent(1000000000)', {})).reason).to.match(
        /exceeds the evaluation limits/,
      );
      expect(evalError(() => jinja('[1] | batch(1000000000, 0)', {})).reason).to.match(
        /exceeds the evaluation limits/,
      );
    });

    it('keeps error messages short even for large data', () => {
      const big = { blob: 'x'.repeat(100000), list: Array.from({ length: 10000 }, (_, i) => i) };
      const e = evalError(() => yaql('$.nope', big));
      expect(e.message.length).to.be.below(1200);
    });
  });

  describe('regular expressions', () => {
    it('refuses patterns that can backtrack catastrophically', () => {
      expect(evalError(() => yaql('"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" =~ "(a+)+$"')).reason).to.match(
        /backtrack/,
      );
      expect(evalError(() => yaql('"a".matches("(a|aa)*b")')).reason).to.match(/backtrack/);
    });

    it('matches a pattern that backtracks polynomially on a long text in linear time', () => {
      // On the event loop, unbounded, this match ran for minutes (O(n^3) steps): it runs in a child process with
      // a deadline, which kills it if the match does not end.
      const script = `
        import { evaluateString } from ${JSON.stringify(EXPRESSIONS)};
        const text = 'a'.repeat(100000);
        const found = evaluateString('<% $.text =~ "\\\\s*a*\\\\s*a*\\\\s*a*!" %>', { data: { text } });
        const also = evaluateString('<% $.text.matches("a*a*a*a*c") %>', { data: { text } });
        console.log(JSON.stringify([found, also]));
      `;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(JSON.parse(out)).to.deep.equal([false, false]);
    });

    it('runs a pattern with a look-around under a time limit, failing the expression past it', () => {
      const text = 'a'.repeat(100000);
      expect(evalError(() => yaql('$.text =~ "(?=(\\s*a*\\s*a*\\s*a*!))"', { text })).reason).to.match(
        /ran longer than 1000 ms on this text: it may backtrack catastrophically/,
      );
      expect(yaql('"price: 42 EUR" =~ "[0-9]+(?= EUR)"')).to.equal(true);
      expect(yaql('"42 USD".matches("^[0-9]+(?! USD)$")')).to.equal(false);
      expect(yaql('"x-1" =~ "(?<=x-)1"')).to.equal(true);
    });

    it('refuses back-references', () => {
      expect(evalError(() => yaql('"aa" =~ "(a)\\\\1"')).reason).to.match(/back-references/);
    });

    it('accepts ordinary patterns, Python named groups and a leading (?i)', () => {
      expect(yaql('"Order-42" =~ "(?i)^order-(?P<n>[0-9]+)$"')).to.equal(true);
      expect(yaql('"a1b2" =~ "([a-z][0-9])+"')).to.equal(true);
    });
  });
});
