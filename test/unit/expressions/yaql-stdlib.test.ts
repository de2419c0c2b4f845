import { expect } from 'chai';
import { evalError, stubHost, yaql } from './helpers.js';

describe('YAQL standard library', () => {
  describe('conversions and scalars', () => {
    const cases: [string, unknown][] = [
      ['int("42")', 42],
      ['int(" -7 ")', -7],
      ['int(12.9)', 12],
      ['int(null)', 0],
      ['int(true)', 1],
      ['float("2.5")', 2.5],
      ['float(null)', 0],
      ['str(null)', 'null'],
      ['str(true)', 'true'],
      ['str(3.0)', '3.0'],
      ['str([1, "a"])', "[1, 'a']"],
      ['bool([])', false],
      ['bool("x")', true],
      ['not(0)', true],
      ['abs(-3)', 3],
      ['round(2.5)', 2],
      ['round(3.5)', 4],
      ['round(1.2345, 2)', 1.23],
      ['pow(2, 10)', 1024],
      ['pow(3, 2, 5)', 4],
      ['sign(-4)', -1],
      ['max(3, 8)', 8],
      ['min("b", "a")', 'a'],
      ['isInteger(1)', true],
      ['isInteger(1.0)', false],
      ['isNumber(1.5)', true],
      ['isString("")', true],
      ['isList([])', true],
      ['isDict({})', true],
      ['isSet(set())', true],
      ['isBoolean(false)', true],
      ['coalesce(null, false, 1)', false],
      ['selectCase(false, 1 > 2, true)', 2],
      ['1.switchCase("a", "b", "c")', 'b'],
      ['9.switchCase("a", "b")', 'b'],
      ['switch(false => 1)', null],
    ];
    for (const [expr, expected] of cases) {
      it(`${expr} = ${JSON.stringify(expected)}`, () => expect(yaql(expr)).to.deep.equal(expected));
    }

    it('fails on text that is not an int', () => {
      expect(evalError(() => yaql('int("4.5")')).reason).to.equal("invalid literal for int(): '4.5'");
    });

    it('evaluates switch() and coalesce() lazily', () => {
      expect(yaql('switch(true => 1, $.nope => 2)')).to.equal(1);
      expect(yaql('coalesce(1, $.nope)')).to.equal(1);
    });
  });

  describe('strings', () => {
    const cases: [string, unknown][] = [
      ['"aB".toUpper()', 'AB'],
      ['"aB".toLower()', 'ab'],
      ['"  a b  ".trim()', 'a b'],
      ['"xxaxx".trim("x")', 'a'],
      ['"  a ".trimLeft()', 'a '],
      ['"  a ".trimRight()', '  a'],
      ['"a  b c".split()', ['a', 'b', 'c']],
      ['"a,b,c".split(",", 1)', ['a', 'b,c']],
      ['"a,b,c".split(",", maxSplits => 1)', ['a', 'b,c']],
      ['"a,b,c".rightSplit(",", 1)', ['a,b', 'c']],
      ['"abaab".replace("ab", "x")', 'xax'],
      ['"aaa".replace("a", "b", 2)', 'bba'],
      ['"abc ab".replace({abc => x, ab => y})', 'x y'],
      ['"abcd".substring(1)', 'bcd'],
      ['"abcd".substring(-2, 1)', 'c'],
      ['"cabcdab".indexOf("ab")', 1],
      ['"cabcdab".indexOf("ab", 2)', 5],
      ['"cabcdab".lastIndexOf("ab")', 5],
      ['"abcd".startsWith("x", "ab")', true],
      ['"abcd".endsWith("x")', false],
      ['"ab".toCharArray()', ['a', 'b']],
      ['concat("a", "b", "c")', 'abc'],
      ['["a", 1, null].join("-")', 'a-1-null'],
      ['"-".join(["a", "b"])', 'a-b'],
      ['"{0}+{1}={total}".format(1, 2, total => 3)', '1+2=3'],
      ['format("{} {}", "a", "b")', 'a b'],
      ['"{0:>5}|{1:.2f}|{2:,}".format("x", 3.14159, 1234567)', '    x|3.14|1,234,567'],
      ['"{0[a]} {0[b][0]}".format({a => 1, b => [2]})', '1 2'],
      ['"  ".isEmpty()', true],
      ['null.isEmpty()', true],
      ['"  ".norm()', null],
      ['"abc".matches("b.")', true],
    ];
    for (const [expr, expected] of cases) {
      it(`${expr} = ${JSON.stringify(expected)}`, () => expect(yaql(expr)).to.deep.equal(expected));
    }

    it('refuses an empty separator', () => {
      expect(evalError(() => yaql('"ab".split("")')).reason).to.equal('empty separator');
    });

    it('refuses a format field without an argument', () => {
      expect(evalError(() => yaql('"{2}".format(1)')).reason).to.match(/replacement index 2 out of range/);
    });
  });

  describe('lists and sets', () => {
    const cases: [string, unknown][] = [
      ['list(1, range(2), [3])', [1, 0, 1, [3]]],
      ['range(3)', [0, 1, 2]],
      ['range(5, 0, -2)', [5, 3, 1]],
      ['[1, [2, [3]]].flatten()', [1, 2, 3]],
      ['[1, 2, 3].contains(2)', true],
      ['[1, 2].append(3, 4)', [1, 2, 3, 4]],
      ['[0, 1, 3].insert(2, 2)', [0, 1, 2, 3]],
      ['[0, 1, 3, 4, 2].delete(2, 2)', [0, 1, 2]],
      ['[0, 1, 3, 4, 2].replace(2, 100, 2)', [0, 1, 100, 2]],
      ['[1, 2, 3, 2].indexOf(2)', 1],
      ['[1, 2, 3, 2].lastIndexOf(2)', 3],
      ['[1, 2, 3].reverse()', [3, 2, 1]],
      ['range(1, 6).slice(2)', [[1, 2], [3, 4], [5]]],
      ['[1, 2, 3, 4].splitAt(1)', [[1], [2, 3, 4]]],
      ['1.repeat(3)', [1, 1, 1]],
      ['set(1, 2, 2, 1.0)', [1, 2]],
      ['set([1, 2])', [[1, 2]]],
      ['set(range(3)).len()', 3],
      ['set(1, 2).union(set(2, 3))', [1, 2, 3]],
      ['set(1, 2, 3).intersect(set(2, 3, 4))', [2, 3]],
      ['set(1, 2, 3).difference(set(2))', [1, 3]],
      ['set(1, 2).symmetricDifference(set(2, 3))', [1, 3]],
      ['set(1) < set(1, 2)', true],
      ['set(1, 2) + set(3)', [1, 2, 3]],
      ['[1, 1, 2].toSet()', [1, 2]],
    ];
    for (const [expr, expected] of cases) {
      it(`${expr} = ${JSON.stringify(expected)}`, () => expect(yaql(expr)).to.deep.equal(expected));
    }
  });

  describe('dicts', () => {
    const d = { d: { a: 1, b: 2 } };
    const cases: [string, unknown][] = [
      ['{a => 1}.a', 1],
      ['dict([["a", 1], ["b", 2]])', { a: 1, b: 2 }],
      ['dict()', {}],
      [
        '$.d.items()',
        [
          ['a', 1],
          ['b', 2],
        ],
      ],
      ['$.d.keys()', ['a', 'b']],
      ['$.d.values()', [1, 2]],
      ['$.d.len()', 2],
      ['$.d.containsKey("a")', true],
      ['$.d.containsValue(2)', true],
      ['$.d.delete("a")', { b: 2 }],
      ['$.d.deleteAll(["a", "b"])', {}],
      ['$.d.set(c => 3)', { a: 1, b: 2, c: 3 }],
      ['$.d.set("a", 9)', { a: 9, b: 2 }],
      ['[1, 2].toDict($, $ * 10)', { '1': 10, '2': 20 }],
      ['{a => {x => 1}, l => [1]}.mergeWith({a => {y => 2}, l => [1, 2]})', { a: { x: 1, y: 2 }, l: [1, 2] }],
    ];
    for (const [expr, expected] of cases) {
      it(`${expr} = ${JSON.stringify(expected)}`, () => expect(yaql(expr, d)).to.deep.equal(expected));
    }

    it('never modifies its input', () => {
      const data = { d: { a: 1 } };
      yaql('$.d.set("b", 2)', data);
      expect(data).to.deep.equal({ d: { a: 1 } });
    });
  });

  describe('queries', () => {
    const people = {
      p: [
        { n: 'ann', age: 31, team: 'red' },
        { n: 'bob', age: 25, team: 'blue' },
        { n: 'cid', age: 31, team: 'blue' },
      ],
    };
    const cases: [string, unknown][] = [
      ['$.p.orderByDescending($.age).thenBy($.n).select($.n)', ['ann', 'cid', 'bob']],
      ['$.p.orderBy($.team).thenByDescending($.age).select($.n)', ['cid', 'bob', 'ann']],
      [
        '$.p.groupBy($.team, $.n)',
        [
          ['red', ['ann']],
          ['blue', ['bob', 'cid']],
        ],
      ],
      [
        '$.p.groupBy($.team, $.age, $.sum())',
        [
          ['red', 31],
          ['blue', 56],
        ],
      ],
      ['$.p.distinct($.age).select($.n)', ['ann', 'bob']],
      ['$.p.selectMany([$.n, $.team]).take(3)', ['ann', 'red', 'bob']],
      ['$.p.any($.age > 30)', true],
      ['$.p.all($.age > 30)', false],
      ['[].any()', false],
      ['[1, 0].all()', false],
      ['$.p.count()', 3],
      ['$.p.first().n', 'ann'],
      ['[].first(7)', 7],
      ['$.p.last().n', 'cid'],
      ['[5].single()', 5],
      ['[1, 2, 3, 4].skipWhile($ < 3)', [3, 4]],
      ['[1, 2, 3, 4].takeWhile($ < 3)', [1, 2]],
      [
        '[1, 2, 3].zip([4, 5], [6, 7])',
        [
          [1, 4, 6],
          [2, 5, 7],
        ],
      ],
      [
        '[1, 2].zipLongest([3], default => 0)',
        [
          [1, 3],
          [2, 0],
        ],
      ],
      [
        '["a", "b"].enumerate(1)',
        [
          [1, 'a'],
          [2, 'b'],
        ],
      ],
      ['["a", "b"].sum("c")', 'cab'],
      ['[[1], [2]].sum()', [1, 2]],
      ['[3, 1, 2].max()', 3],
      ['["b", "a"].min()', 'a'],
      ['[1, 2, 3].accumulate($1 + $2)', [1, 3, 6]],
      ['[1, 2, 3].aggregate($1 * $2, 10)', 60],
      ['[1, 2, 3, 2].indexWhere($ > 1)', 1],
      ['[1, 2, 3, 2].lastIndexWhere($ = 2)', 3],
      ['[1].concat([2, 3], [4])', [1, 2, 3, 4]],
      ['[1, 2, 3].limit(2)', [1, 2]],
    ];
    for (const [expr, expected] of cases) {
      it(`${expr} = ${JSON.stringify(expected)}`, () => expect(yaql(expr, people)).to.deep.equal(expected));
    }

    it('fails on aggregates of an empty collection without a seed', () => {
      expect(evalError(() => yaql('[].sum()')).reason).to.equal(
        'sum() of an empty collection needs an initial value',
      );
      expect(evalError(() => yaql('[].first()')).reason).to.equal('first() of an empty collection');
    });

    it('refuses thenBy() without orderBy()', () => {
      expect(evalError(() => yaql('[1].thenBy($)')).reason).to.match(/must follow orderBy/);
    });

    it('refuses to query a dict as a collection (use items(), keys() or values())', () => {
      expect(evalError(() => yaql('{a => 1}.select($)')).reason).to.equal(
        'select() expects a list or set as argument 1, got dict',
      );
    });
  });

  describe('Mistral functions', () => {
    const host = stubHost({
      tasks: { t1: { name: 't1', result: 5 } },
      env: { region: 'eu' },
      execution: { id: 'ex-1' },
      globals: { g: 1 },
    });

    it('asks the host for task(), tasks(), execution(), env() and global()', () => {
      expect(yaql('task(t1).result', {}, { host })).to.equal(5);
      expect(yaql('task("t1").result', {}, { host })).to.equal(5);
      expect(yaql('tasks().len()', {}, { host })).to.equal(1);
      expect(yaql('execution().id', {}, { host })).to.equal('ex-1');
      expect(yaql('env().region', {}, { host })).to.equal('eu');
      expect(yaql('global(g)', {}, { host })).to.equal(1);
      expect(host.calls).to.deep.include(['task', 't1']);
    });

    it('fails clearly without a host', () => {
      expect(evalError(() => yaql('task()')).reason).to.equal(
        'task() is not available here: no workflow execution context',
      );
    });

    it('parses and dumps JSON and YAML', () => {
      expect(yaql('json_parse("{\\"a\\": [1, 2.5]}")')).to.deep.equal({ a: [1, 2.5] });
      expect(yaql('json_dump({a => [1]})')).to.equal('{\n    "a": [\n        1\n    ]\n}');
      expect(yaql('yaml_parse("a: 1\\nb: [x]")')).to.deep.equal({ a: 1, b: ['x'] });
      expect(yaql('yaml_dump({b => 1, a => 2})')).to.equal('a: 2\nb: 1\n');
      expect(evalError(() => yaql('json_parse("{")')).reason).to.match(/^json_parse\(\): /);
    });

    it('generates UUIDs', () => {
      expect(yaql('uuid()')).to.match(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });
  });
});
