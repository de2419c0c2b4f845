import { expect } from 'chai';
import { evaluateString } from '../../../dsl/expressions/index.js';
import { evalError, yaql } from './helpers.js';

const data = {
  a: 7,
  s: 'mist',
  d: { k: 1, nested: { x: [10, 20, 30] } },
  people: [{ name: 'ann' }, { name: 'bob' }],
  n: null,
};

describe('YAQL evaluation', () => {
  describe('arithmetic (Python semantics)', () => {
    it('floors integer division, including negative operands', () => {
      expect(yaql('7 / 2')).to.equal(3);
      expect(yaql('-7 / 2')).to.equal(-4);
      expect(yaql('7 / -2')).to.equal(-4);
    });

    it('divides exactly when a side is a float, even an integral one', () => {
      expect(yaql('7 / 2.0')).to.equal(3.5);
      expect(yaql('float(7) / 2')).to.equal(3.5);
      expect(yaql('3.0 * 2')).to.equal(6);
    });

    it('takes the sign of the divisor in mod', () => {
      expect(yaql('-7 mod 3')).to.equal(2);
      expect(yaql('7 mod -3')).to.equal(-2);
      expect(yaql('7.5 mod 2')).to.equal(1.5);
    });

    it('fails on division by zero', () => {
      expect(evalError(() => yaql('1 / 0')).reason).to.equal('integer division or modulo by zero');
      expect(evalError(() => yaql('1 mod 0')).reason).to.match(/by zero/);
    });

    it('concatenates strings and lists, merges dicts, repeats strings and lists', () => {
      expect(yaql('"a" + "b"')).to.equal('ab');
      expect(yaql('[1] + [2, 3]')).to.deep.equal([1, 2, 3]);
      expect(yaql('{a => 1} + {b => 2, a => 3}')).to.deep.equal({ a: 3, b: 2 });
      expect(yaql('3 * "ab"')).to.equal('ababab');
      expect(yaql('[0] * 3')).to.deep.equal([0, 0, 0]);
    });

    it('refuses to add a string and a number', () => {
      expect(evalError(() => yaql('"a" + 1')).reason).to.equal(
        'unsupported operand types for +: string and integer',
      );
    });

    it('refuses arithmetic on booleans and null', () => {
      expect(evalError(() => yaql('true + 1')).reason).to.match(/unsupported operand/);
      expect(evalError(() => yaql('-null')).reason).to.match(/bad operand type for unary -/);
    });
  });

  describe('comparison and logic', () => {
    it('compares with Python equality (1 = 1.0, deep lists and dicts)', () => {
      expect(yaql('1 = 1.0')).to.equal(true);
      expect(yaql('[1, {a => [2]}] = [1, {a => [2]}]')).to.equal(true);
      expect(yaql('"1" = 1')).to.equal(false);
      expect(yaql('null != 0')).to.equal(true);
    });

    it('orders numbers, strings, lists and null (null is smallest)', () => {
      expect(yaql('"abc" > "ab"')).to.equal(true);
      expect(yaql('[1, 2] < [1, 3]')).to.equal(true);
      expect(yaql('null < 0')).to.equal(true);
      expect(yaql('1 > null')).to.equal(true);
    });

    it('fails to order values of different kinds', () => {
      expect(evalError(() => yaql('1 < "a"')).reason).to.equal('cannot compare integer with string');
    });

    it('returns an operand from and/or, evaluating the right side only when needed', () => {
      expect(yaql('0 or "x"')).to.equal('x');
      expect(yaql('"a" and 2')).to.equal(2);
      expect(yaql('[] and $.nope')).to.deep.equal([]);
      expect(yaql('1 or $.nope')).to.equal(1);
    });

    it('tests membership in lists, sets, strings and dict keys', () => {
      expect(yaql('2 in [1, 2]')).to.equal(true);
      expect(yaql('2 in set(1, 2)')).to.equal(true);
      expect(yaql('"is" in "mist"')).to.equal(true);
      expect(yaql('"k" in $.d', data)).to.equal(true);
    });

    it('matches regular expressions with =~ and !~', () => {
      expect(yaql('"abc123" =~ "\\\\d+"')).to.equal(true);
      expect(yaql('"abc" !~ "^b"')).to.equal(true);
    });
  });

  describe('data access', () => {
    it('reads nested keys and list indexes, negative ones from the end', () => {
      expect(yaql('$.d.nested.x[1]', data)).to.equal(20);
      expect(yaql('$.d.nested.x[-1]', data)).to.equal(30);
      expect(yaql('$.d["k"]', data)).to.equal(1);
      expect(yaql('"abc"[1]')).to.equal('b');
    });

    it('fails on a missing key, as Mistral 15 does', () => {
      const e = evalError(() => yaql('$.nope', data));
      expect(e.code).to.equal('EXPRESSION_EVAL');
      expect(e.reason).to.equal("key 'nope' not found (use get('nope') for an optional key)");
      expect(e.message).to.match(/^Can not evaluate YAQL expression \[expression=\$\.nope, error=key 'nope'/);
    });

    it('uses a default in dict[key, default]', () => {
      expect(yaql('$.d["zz", 5]', data)).to.equal(5);
    });

    it('fails on an index out of range', () => {
      expect(evalError(() => yaql('$.d.nested.x[3]', data)).reason).to.equal('index out of range');
    });

    it('collects a key from every element of a list', () => {
      expect(yaql('$.people.name', data)).to.deep.equal(['ann', 'bob']);
    });

    it('returns null through ?. instead of failing on null', () => {
      expect(yaql('$.n?.x', data)).to.equal(null);
      expect(yaql('$.n?.len()', data)).to.equal(null);
      expect(evalError(() => yaql('$.n.x', data)).reason).to.match(/cannot read 'x' of null \(use \?\./);
    });

    it('treats a bare identifier as a string', () => {
      expect(yaql('[a, b]')).to.deep.equal(['a', 'b']);
    });

    it('evaluates $ as the whole data, and unknown variables as null (as yaql does)', () => {
      expect(yaql('$', data)).to.equal(data);
      expect(yaql('$a', data)).to.equal(null);
    });

    it('returns the data itself, not a copy', () => {
      expect(yaql('$.d', data)).to.equal(data.d);
    });
  });

  describe('lambdas and context variables', () => {
    it('rebinds $ per element inside lambda arguments', () => {
      expect(yaql('$.people.where($.name != "ann").select($.name)', data)).to.deep.equal(['bob']);
    });

    it('passes several lambda arguments as $1, $2', () => {
      expect(yaql('[1, 2, 3].aggregate($1 + $2)')).to.equal(6);
      expect(yaql('[1, 2].join([2, 3], $1 = $2, [$1, $2])')).to.deep.equal([[2, 2]]);
    });

    it('binds variables with let(...) -> expression', () => {
      expect(yaql('let(x => 2, y => 3) -> $x * $y')).to.equal(6);
      expect(yaql('let(10) -> $ + $1')).to.equal(20);
      expect(yaql('let(x => 1) -> $.a + $x', data)).to.equal(8);
    });

    it('refuses -> without a let() context on the left', () => {
      expect(evalError(() => yaql('1 -> 2')).reason).to.match(/left side of -> must be let/);
    });

    it('refuses to return a let() context', () => {
      expect(evalError(() => yaql('let(x => 1)')).reason).to.match(/let\(\) context is not a value/);
    });
  });

  describe('functions and methods', () => {
    it('calls the same function as f(x) and x.f()', () => {
      expect(yaql('len("abc")')).to.equal(3);
      expect(yaql('"abc".len()')).to.equal(3);
    });

    it('reports unknown functions and methods', () => {
      expect(evalError(() => yaql('nope(1)')).reason).to.equal("unknown function 'nope'");
      expect(evalError(() => yaql('1.nope()')).reason).to.equal("unknown method 'nope'");
    });

    it('reports wrong argument types and counts', () => {
      expect(evalError(() => yaql('1.toUpper()')).reason).to.equal(
        'toUpper() expects a string as argument 1, got integer',
      );
      expect(evalError(() => yaql('len()')).reason).to.match(/does not accept|takes/);
      expect(evalError(() => yaql('"a".split(",", foo => 1)')).reason).to.match(
        /unexpected named argument 'foo'/,
      );
    });
  });

  describe('templates', () => {
    it('keeps the type of a single expression, surrounding whitespace allowed', () => {
      expect(evaluateString('  <% [1, 2] %>\n', { data: {} })).to.deep.equal([1, 2]);
    });

    it('renders mixed text with Python str() of each value', () => {
      const s = 'n=<% 1 %> f=<% 1.5 * 2 %> none=<% null %> t=<% true %> l=<% [1, "a"] %> d=<% {a => "b"} %>';
      expect(evaluateString(s, { data: {} })).to.equal("n=1 f=3.0 none=None t=True l=[1, 'a'] d={'a': 'b'}");
    });

    it('renders several expressions in one string', () => {
      expect(evaluateString('<% $.a %>-<% $.s %>', { data })).to.equal('7-mist');
    });

    it('returns integral float results as numbers', () => {
      expect(yaql('2.0')).to.equal(2);
      expect(yaql('[2.0, set(1)]')).to.deep.equal([2, [1]]);
    });
  });
});
