/**
 * Property-based tests: whatever text arrives, the YAQL parser either builds a tree or reports a typed syntax
 * failure (never another exception, never a hang); checkSyntax and evaluateString never fail with anything but
 * the typed expression errors; and printing a generated tree and parsing it back gives the same tree.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  ExpressionError,
  ExpressionSyntaxError,
  checkSyntax,
  evaluateString,
} from '../../../dsl/expressions/index.js';
import { SyntaxFailure } from '../../../dsl/expressions/failure.js';
import { BINARY, CONSTANTS, WORD_OPERATORS } from '../../../dsl/expressions/yaql/ast.js';
import type { Arg, BinaryOp, Mapping, Node, UnaryOp } from '../../../dsl/expressions/yaql/ast.js';
import { parse } from '../../../dsl/expressions/yaql/parser.js';
import { print } from '../../../dsl/expressions/yaql/printer.js';
import { PyFloat } from '../../../dsl/expressions/values.js';
import { fuzzRuns } from '../../support/fuzz.js';

const FRAGMENTS = [
  '$',
  '$.',
  '$x',
  '$1',
  '.',
  '?.',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  ',',
  '=>',
  '->',
  '+',
  '-',
  '*',
  '/',
  'mod',
  '=',
  '!=',
  '<',
  '>=',
  '=~',
  'and',
  'or',
  'not',
  'in',
  'true',
  'null',
  '1',
  '2.5',
  '"s"',
  "'t'",
  '`v`',
  'a',
  'len(',
  'where(',
  'select(',
  'dict(',
  'range(',
  'switch(',
  'let(',
  ' ',
  '\\',
  '"',
  "'",
  '%',
  '#',
  'é',
];

/** Strings made of YAQL-looking pieces: far more likely to reach deep parser states than random text. */
const tokenSoup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((parts) => parts.join(''));
const anyText = fc.oneof(tokenSoup, fc.string({ unit: 'binary', maxLength: 60 }));

const JINJA_FRAGMENTS = [
  '{{',
  '}}',
  '{%',
  '%}',
  ' ',
  '_',
  '.',
  'a',
  'x1',
  '"',
  "'",
  '\\',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '|',
  'upper',
  'is',
  'not',
  'defined',
  'in',
  'if',
  'else',
  'for',
  'endfor',
  'set',
  '=',
  '==',
  '+',
  '~',
  '*',
  '1',
  '2.5',
  'none',
  'true',
  'range',
  'loop',
  'macro',
  'endmacro',
  'call',
  'endcall',
  'raw',
  'endraw',
  'r/a/',
  '-',
  'filter',
  'endfilter',
  '#',
  '$',
  ';',
  '`',
  'é',
  '\n',
];
const jinjaSoup = fc
  .array(fc.constantFrom(...JINJA_FRAGMENTS), { maxLength: 25 })
  .map((parts) => parts.join(''));

const DATA = { a: 1, s: 'x', l: [1, 2, 3], d: { k: 'v' } };
const LIMITS = { timeoutMs: 200, maxCollectionSize: 10_000, maxStringLength: 100_000 };

function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ExpressionError) && !(err instanceof ExpressionSyntaxError)) throw err;
  }
}

const word = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/);
const keywordName = word.filter((w) => !WORD_OPERATORS.has(w) && !Object.hasOwn(CONSTANTS, w));
const binaryOps = Object.keys(BINARY) as BinaryOp[];
const unaryOps: UnaryOp[] = ['-', '+', 'not'];

const literal: fc.Arbitrary<Node> = fc
  .oneof(
    fc.constantFrom(null, true, false),
    fc.integer({ min: 0, max: 1_000_000_000 }),
    fc.integer({ min: 1, max: 99_999 }).map((n) => (n % 100 === 0 ? new PyFloat(n / 100) : n / 100)),
    fc.string({ unit: 'binary', maxLength: 8 }),
  )
  .map((value): Node => ({ type: 'literal', value, pos: 0 }));

const { node } = fc.letrec<{ node: Node; arg: Arg }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    keywordName.map((name): Node => ({ type: 'keyword', name, pos: 0 })),
    fc
      .oneof(fc.constant(''), word, fc.integer({ min: 1, max: 9 }).map(String))
      .map((name): Node => ({ type: 'variable', name, pos: 0 })),
    fc.array(tie('node'), { maxLength: 3 }).map((items): Node => ({ type: 'list', items, pos: 0 })),
    fc.array(fc.tuple(tie('node'), tie('node')), { maxLength: 2 }).map((pairs): Node => ({
      type: 'map',
      entries: pairs.map(([key, value]) => mapping(key, value)),
      pos: 0,
    })),
    fc
      .record({
        name: word,
        positional: fc.array(tie('node'), { maxLength: 2 }),
        named: fc.array(fc.tuple(tie('node'), tie('node')), { maxLength: 1 }),
        receiver: fc.option(tie('node'), { nil: null }),
        nullSafe: fc.boolean(),
      })
      .map(({ name, positional, named, receiver, nullSafe }): Node => ({
        type: 'call',
        name,
        args: [...positional, ...named.map(([k, v]) => mapping(k, v))],
        receiver,
        nullSafe: receiver !== null && nullSafe,
        pos: 0,
      })),
    fc
      .record({ target: tie('node'), name: word, nullSafe: fc.boolean() })
      .map((r): Node => ({ type: 'member', ...r, pos: 0 })),
    fc
      .record({ target: tie('node'), args: fc.array(tie('node'), { minLength: 1, maxLength: 2 }) })
      .map((r): Node => ({ type: 'index', ...r, pos: 0 })),
    fc
      .record({ op: fc.constantFrom(...unaryOps), operand: tie('node') })
      .map((r): Node => ({ type: 'unary', ...r, pos: 0 })),
    fc
      .record({ op: fc.constantFrom(...binaryOps), left: tie('node'), right: tie('node') })
      .map((r): Node => ({ type: 'binary', ...r, pos: 0 })),
  ),
  arg: tie('node'),
}));

function mapping(key: Node, value: Node): Mapping {
  return { type: 'mapping', key, value, pos: 0 };
}

/** The tree without source positions, for comparing a reparsed tree with a generated one. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value instanceof PyFloat || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'pos')
      .map(([k, v]) => [k, shape(v)]),
  );
}

describe('expression fuzzing', function () {
  this.timeout(60_000);

  it('the YAQL parser returns a tree or throws a SyntaxFailure, for any text', () => {
    fc.assert(
      fc.property(anyText, (src) => {
        try {
          parse(src);
        } catch (err) {
          if (!(err instanceof SyntaxFailure)) throw err;
          expect(err.offset).to.be.within(0, src.length);
        }
      }),
      fuzzRuns(2000),
    );
  });

  it('checkSyntax never throws and positions every issue inside the string', () => {
    const wrapped = anyText.chain((inner) =>
      fc.constantFrom(`<% ${inner} %>`, `x {{ ${inner} }} y`, `{% ${inner} %}`, inner),
    );
    fc.assert(
      fc.property(wrapped, (s) => {
        for (const issue of checkSyntax(s)) expect(issue.offset).to.be.within(0, s.length);
      }),
      fuzzRuns(1000),
    );
  });

  it('our Jinja checks, not the JavaScript compiler, reject what nunjucks would miscompile', () => {
    fc.assert(
      fc.property(jinjaSoup, (s) => {
        for (const issue of checkSyntax(s)) {
          expect(issue.message, s).not.to.match(/cannot be compiled/);
          expect(issue.offset).to.be.within(0, s.length);
        }
        onlyTypedErrors(() => evaluateString(s, { data: DATA, limits: LIMITS }));
      }),
      fuzzRuns(3000),
    );
    expect((globalThis as Record<string, unknown>).pwned).to.equal(undefined);
  });

  it('evaluateString fails only with typed expression errors', () => {
    const wrapped = tokenSoup.chain((inner) => fc.constantFrom(`<% ${inner} %>`, `{{ ${inner} }}`));
    fc.assert(
      fc.property(wrapped, (s) => onlyTypedErrors(() => evaluateString(s, { data: DATA, limits: LIMITS }))),
      fuzzRuns(1000),
    );
  });

  it('printing a generated tree and parsing it back gives the same tree', () => {
    fc.assert(
      fc.property(node, (tree) => {
        expect(shape(parse(print(tree)))).to.deep.equal(shape(tree));
      }),
      fuzzRuns(1000),
    );
  });

  it('evaluating generated expressions fails only with typed errors', () => {
    fc.assert(
      fc.property(node, (tree) =>
        onlyTypedErrors(() => evaluateString(`<% ${print(tree)} %>`, { data: DATA, limits: LIMITS })),
      ),
      fuzzRuns(500),
    );
  });
});
