/** Python renderings and string methods, checked against outputs of CPython 3. */
import { expect } from 'chai';
import { EvalFailure } from '../../../dsl/expressions/failure.js';
import { pyFormat } from '../../../dsl/expressions/format.js';
import { jsonDumps, pyFloatRepr, pyRepr, pyStr, preview } from '../../../dsl/expressions/pystr.js';
import { pyRSplit, pyReplace, pySplit, pyStrip } from '../../../dsl/expressions/pytext.js';
import { PyFloat } from '../../../dsl/expressions/values.js';

describe('Python renderings', () => {
  it("renders str() of containers with the elements' repr", () => {
    const value = [1, 'a', null, true, 1.5, new PyFloat(3), { k: "it's" }];
    expect(pyStr(value)).to.equal(`[1, 'a', None, True, 1.5, 3.0, {'k': "it's"}]`);
  });

  it('renders floats like repr()', () => {
    expect(pyFloatRepr(1e16)).to.equal('1e+16');
    expect(pyFloatRepr(1e-5)).to.equal('1e-05');
    expect(pyFloatRepr(0.0001)).to.equal('0.0001');
    expect(pyFloatRepr(1.2345678901234568e17)).to.equal('1.2345678901234568e+17');
    expect(pyFloatRepr(-0)).to.equal('-0.0');
    expect(pyFloatRepr(NaN)).to.equal('nan');
  });

  it('renders big ints with all their digits', () => {
    expect(pyStr(1e21)).to.equal('1000000000000000000000');
  });

  it('escapes strings in repr()', () => {
    expect(pyRepr('a\nb\\\t\x01')).to.equal("'a\\nb\\\\\\t\\x01'");
  });

  it('dumps JSON like json.dumps (separators, ASCII, indent, sort_keys)', () => {
    expect(jsonDumps({ a: [1, 2.5, null, true], é: 'ü' })).to.equal(
      '{"a": [1, 2.5, null, true], "\\u00e9": "\\u00fc"}',
    );
    expect(jsonDumps({ b: 1, a: {} }, { indent: 4, sortKeys: true })).to.equal(
      '{\n    "a": {},\n    "b": 1\n}',
    );
    expect(jsonDumps(new PyFloat(3))).to.equal('3.0');
  });

  it('previews values within a bound', () => {
    expect(preview({ a: [1, 'x'] })).to.equal('{"a": [1, "x"]}');
    expect(preview('x'.repeat(1000), 50)).to.have.length(53);
  });
});

describe('str.format', () => {
  it('formats strings and numbers with the mini-language', () => {
    const template = '{:>6}|{:<4}|{:^7}|{:08.3f}|{:,}|{:+d}|{:x}|{:.2%}|{!r}|{:e}|{:g}|{:g}';
    const args = ['ab', 'c', 'mid', 3.14159, 1234567, 5, 255, 0.256, 'q', 12345.678, 0.00001234, 1e20];
    expect(pyFormat(template, args, {})).to.equal(
      "    ab|c   |  mid  |0003.142|1,234,567|+5|ff|25.60%|'q'|1.234568e+04|1.234e-05|1e+20",
    );
  });

  it('supports fill, alternate forms, signs and precision', () => {
    const template = '{:^9.2f}|{:*<6}|{:#x}|{:#o}|{:b}|{: d}|{:=+6d}|{:06.1f}|{:.3s}|{:G}|{:e}';
    const args = [3.14159, 'ab', 255, 8, 5, 7, 42, -2.5, 'abcdef', 1.5e-7, 0];
    expect(pyFormat(template, args, {})).to.equal(
      '  3.14   |ab****|0xff|0o10|101| 7|+   42|-002.5|abc|1.5E-07|0.000000e+00',
    );
  });

  it('looks up keys and indexes, and renders None', () => {
    expect(pyFormat('{0[a]} {0[b][0]} {1}', [{ a: 1, b: [2] }, null], {})).to.equal('1 2 None');
    expect(pyFormat('{}|{:.1f}|{:5}|{:5}', [new PyFloat(3), 2, 3, 's'], {})).to.equal('3.0|2.0|    3|s    ');
    expect(pyFormat('{{x}} {name}', [], { name: 'n' })).to.equal('{x} n');
  });

  it('refuses mixing automatic and manual numbering, and stray braces', () => {
    expect(() => pyFormat('{} {0}', [1], {})).to.throw(EvalFailure, /switch between automatic and manual/);
    expect(() => pyFormat('a } b', [], {})).to.throw(EvalFailure, /single '}'/);
    expect(() => pyFormat('{:d}', [1.5], {})).to.throw(EvalFailure, /unknown format code 'd' for a float/);
  });

  it('refuses widths beyond the string limit', () => {
    expect(() => pyFormat('{:99999}', ['x'], {}, 1000)).to.throw(EvalFailure, /exceeds maxStringLength/);
  });
});

describe('Python string methods', () => {
  it('splits like str.split and str.rsplit', () => {
    expect(pySplit('  a b  c ', null, 1)).to.deep.equal(['a', 'b  c ']);
    expect(pySplit('a,,b', ',')).to.deep.equal(['a', '', 'b']);
    expect(pyRSplit('a,b,c', ',', 1)).to.deep.equal(['a,b', 'c']);
    expect(pyRSplit(' a b ', null, 1)).to.deep.equal([' a', 'b']);
  });

  it('replaces like str.replace, with counts and an empty pattern', () => {
    expect(pyReplace('ab', '', '-', 10)).to.equal('-a-b-');
    expect(pyReplace('ab', '', '-')).to.equal('-a-b-');
    expect(pyReplace('aaa', 'a', 'b', 2)).to.equal('bba');
  });

  it('strips a set of characters', () => {
    expect(pyStrip('xyaxy', 'xy')).to.equal('a');
    expect(pyStrip('xya', 'x', 'right')).to.equal('xya');
  });
});
