import { expect } from 'chai';
import { NotFoundError, TramError } from '../../../common/index.js';
import {
  ExpressionError,
  checkSyntax,
  evaluate,
  evaluateString,
  hasExpressions,
  isExpression,
  truthy,
} from '../../../dsl/expressions/index.js';
import type { ExpressionHost } from '../../../dsl/expressions/index.js';
import { evalError, stubHost, syntaxError } from './helpers.js';

const data = { a: 1, name: 'x', list: [1, 2] };

describe('expressions API', () => {
  describe('evaluate (deep)', () => {
    it('returns values without expressions as they are, without copying', () => {
      const value = { a: [1, { b: 'plain' }], c: null, d: true };
      expect(evaluate(value, { data })).to.equal(value);
      expect(evaluate(42, { data })).to.equal(42);
      expect(evaluate('text', { data })).to.equal('text');
    });

    it('copies only the containers on the path to an expression', () => {
      const untouched = { deep: ['x'] };
      const value = { keep: untouched, list: ['<% $.a %>', 'b'], n: 2 };
      const out = evaluate(value, { data }) as typeof value;
      expect(out).to.deep.equal({ keep: { deep: ['x'] }, list: [1, 'b'], n: 2 });
      expect(out).not.to.equal(value);
      expect(out.keep).to.equal(untouched);
      expect(value.list[0]).to.equal('<% $.a %>');
    });

    it('evaluates dict keys, keeping the key order', () => {
      const out = evaluate({ first: 1, '<% $.name %>_key': 2, '{{ _.a }}': 3, last: 4 }, { data });
      expect(out).to.deep.equal({ first: 1, x_key: 2, '1': 3, last: 4 });
      expect(Object.keys(out as object)).to.deep.equal(['1', 'first', 'x_key', 'last']);
    });

    it('writes non-string key results the way JSON would', () => {
      expect(evaluate({ '<% null %>': 1, '<% true %>': 2 }, { data })).to.deep.equal({ null: 1, true: 2 });
    });

    it('refuses a list as a key', () => {
      expect(evalError(() => evaluate({ '<% [1] %>': 1 }, { data })).reason).to.equal(
        'a list cannot be a dict key',
      );
    });
  });

  describe('evaluateString', () => {
    it('returns plain text unchanged', () => {
      expect(evaluateString('no expression <% here', { data })).to.equal('no expression <% here');
    });

    it('evaluates expressions spanning lines', () => {
      expect(evaluateString('<% $.list\n  .select($ * 2) %>', { data })).to.deep.equal([2, 4]);
    });

    it('refuses a string mixing YAQL and Jinja', () => {
      const e = syntaxError(() => evaluateString('<% $.a %> and {{ _.a }}', { data }));
      expect(e.code).to.equal('EXPRESSION_SYNTAX');
      expect(e.message).to.match(/^Mixing expression types in a single line is not allowed/);
      expect(e).to.be.instanceOf(TramError);
    });

    it('ends a YAQL expression at the first %>, like Mistral, even inside quotes', () => {
      expect(checkSyntax('<% "%>" %>')).to.have.length(1);
    });
  });

  describe('isExpression / hasExpressions', () => {
    it('detects YAQL and Jinja in strings', () => {
      expect(isExpression('a <% $ %>')).to.equal(true);
      expect(isExpression('{{ x }}')).to.equal(true);
      expect(isExpression('{% if x %}y{% endif %}')).to.equal(true);
      expect(isExpression('50% <%')).to.equal(false);
      expect(isExpression('{ {x} }')).to.equal(false);
    });

    it('searches values deeply, dict keys included', () => {
      expect(hasExpressions({ a: [1, { b: 'x' }] })).to.equal(false);
      expect(hasExpressions({ a: [1, { b: '<% $ %>' }] })).to.equal(true);
      expect(hasExpressions({ '{{ k }}': 1 })).to.equal(true);
      expect(hasExpressions(null)).to.equal(false);
    });
  });

  describe('checkSyntax', () => {
    it('finds nothing wrong in plain text and valid expressions', () => {
      expect(checkSyntax('hello')).to.deep.equal([]);
      expect(checkSyntax('<% $.a + 1 %> and <% $.b %>')).to.deep.equal([]);
      expect(checkSyntax('{{ _.a | upper }}')).to.deep.equal([]);
    });

    it('reports every bad YAQL expression with its offset in the string', () => {
      const s = 'x <% $.a + %> y <% len( %>';
      expect(checkSyntax(s)).to.deep.equal([
        { message: 'YAQL syntax error: Unexpected end of expression', offset: 11 },
        { message: 'YAQL syntax error: Unexpected end of expression', offset: 24 },
      ]);
      expect(s.slice(11)).to.equal('%> y <% len( %>');
    });

    it('reports an empty expression', () => {
      expect(checkSyntax('<% %>')).to.deep.equal([
        { message: 'YAQL syntax error: Empty expression', offset: 2 },
      ]);
    });

    it('reports mixing at the first expression of the second language', () => {
      expect(checkSyntax('{{ a }} <% b %>')).to.deep.equal([
        { message: 'Mixing expression types in a single line is not allowed', offset: 8 },
      ]);
    });

    it('points into multi-line strings', () => {
      const s = 'line one\n{{ _.a +* 2 }}';
      const [issue] = checkSyntax(s);
      expect(issue?.offset).to.be.at.least(9);
    });
  });

  describe('truthy (Python truthiness)', () => {
    const falsy = [null, undefined, false, 0, '', [], {}];
    const truthyValues = [true, 1, -1, 0.5, 'x', ' ', [0], { a: null }, NaN];
    for (const v of falsy) it(`${JSON.stringify(v)} is falsy`, () => expect(truthy(v)).to.equal(false));
    for (const v of truthyValues)
      it(`${JSON.stringify(v)} is truthy`, () => expect(truthy(v)).to.equal(true));
  });

  describe('errors', () => {
    it('gives ExpressionError a code, the language, the expression and the reason', () => {
      const e = evalError(() => evaluateString('<% $.a.b %>', { data }));
      expect(e).to.be.instanceOf(TramError);
      expect(e.code).to.equal('EXPRESSION_EVAL');
      expect(e.language).to.equal('yaql');
      expect(e.expression).to.equal(' $.a.b ');
      expect(e.reason).to.equal("cannot read 'b' of integer");
      expect(e.message).to.equal(
        "Can not evaluate YAQL expression [expression=$.a.b, error=cannot read 'b' of integer, " +
          'data={"a": 1, "name": "x", "list": [1, 2]}]',
      );
    });

    it('lets errors raised by the host through unchanged', () => {
      const failure = new NotFoundError('task execution', 't1');
      const host: ExpressionHost = {
        ...stubHost({}),
        task: () => {
          throw failure;
        },
      };
      for (const s of ['<% task(t1) %>', "{{ task('t1') }}"]) {
        try {
          evaluateString(s, { data, host });
          expect.fail('expected the host error');
        } catch (err) {
          expect(err).to.equal(failure);
        }
      }
    });

    it('wraps other host exceptions as ExpressionError', () => {
      const host: ExpressionHost = {
        ...stubHost({}),
        env: () => {
          throw new Error('boom');
        },
      };
      expect(evalError(() => evaluateString('<% env() %>', { data, host })).reason).to.equal('boom');
      expect(evalError(() => evaluateString('{{ env() }}', { data, host }))).to.be.instanceOf(
        ExpressionError,
      );
    });
  });

  describe('compile cache', () => {
    it('evaluates a repeated expression quickly', () => {
      const ctx = { data: { xs: [1, 2, 3, 4, 5] } };
      const started = Date.now();
      for (let i = 0; i < 20000; i++) evaluateString('<% $.xs.where($ > 2).select($ * 2).sum() %>', ctx);
      expect(Date.now() - started).to.be.below(3000);
    });
  });
});
