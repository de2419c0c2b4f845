/**
 * Every expression of the conformance cases 027-yaql-scalars, 028-yaql-collections, 029-yaql-context-funcs and
 * 030-jinja-expressions (/work/shared/conformance/cases), with the value Mistral 15 recorded for it. The data
 * is what the workflow sees: the case input merged over the workflow's input defaults.
 */
import { expect } from 'chai';
import { evaluate, evaluateString } from '../../../dsl/expressions/index.js';
import { stubHost } from './helpers.js';

function table(data: unknown, rows: Record<string, [string, unknown]>): void {
  for (const [name, [expression, expected]] of Object.entries(rows)) {
    it(`${name}: ${expression} = ${JSON.stringify(expected)}`, () => {
      expect(evaluateString(expression, { data })).to.deep.equal(expected);
    });
  }
}

describe('conformance corpus expressions (recorded from Mistral 15)', () => {
  describe('027-yaql-scalars', () => {
    // Defaults a: 7, b: 2, s: "mist", f: 2.5; the case input sets f: 1.5.
    table(
      { a: 7, b: 2, s: 'mist', f: 1.5 },
      {
        add: ['<% $.a + $.b %>', 9],
        sub: ['<% $.a - $.b %>', 5],
        mul: ['<% $.a * $.b %>', 14],
        div: ['<% $.a / $.b %>', 3],
        mod: ['<% $.a mod $.b %>', 1],
        neg: ['<% -$.a %>', -7],
        precedence: ['<% $.a + $.b * 3 %>', 13],
        parens: ['<% ($.a + $.b) * 3 %>', 27],
        float_mul: ['<% $.f * 2 %>', 3],
        gt: ['<% $.a > $.b %>', true],
        le: ['<% $.a <= $.b %>', false],
        eq: ['<% $.a = 7 %>', true],
        ne: ['<% $.a != 7 %>', false],
        and_or: ['<% $.a > 1 and ($.b > 5 or $.s = "mist") %>', true],
        not_op: ['<% not ($.a > 1) %>', false],
        in_list: ['<% $.b in [1, 2, 3] %>', true],
        not_in: ['<% not (9 in [1, 2, 3]) %>', true],
        concat: ['<% $.s + "-" + "ral" %>', 'mist-ral'],
        len_s: ['<% len($.s) %>', 4],
        str_concat: ['<% str($.a) + str($.b) %>', '72'],
        int_parse: ['<% int("42") + 1 %>', 43],
        upper: ['<% $.s.toUpper() %>', 'MIST'],
        missing_is_null: ['<% $.get("nothing") = null %>', true],
        or_default: ['<% $.get("nothing") or "fallback" %>', 'fallback'],
        get_default: ['<% $.get("nothing", "dflt") %>', 'dflt'],
        int_div_neg: ['<% -7 / 2 %>', -4],
        float_div: ['<% 7 / 2.0 %>', 3.5],
        str_repeat: ['<% $.s * 2 %>', 'mistmist'],
        substring: ['<% $.s.substring(1, 2) %>', 'is'],
        split: ['<% "a,b,c".split(",") %>', ['a', 'b', 'c']],
        switch: ['<% switch($.a > 5 => "big", true => "small") %>', 'big'],
      },
    );
  });

  describe('028-yaql-collections', () => {
    const data = {
      nums: [3, 1, 4, 1, 5, 9, 2, 6],
      people: [
        { name: 'ann', age: 31, team: 'red' },
        { name: 'bob', age: 25, team: 'blue' },
        { name: 'cid', age: 42, team: 'red' },
      ],
      cfg: { b: 2, a: 1, c: 3 },
    };
    describe('lists', () => {
      table(data, {
        list_literal: ['<% [1, "two", [3]] %>', [1, 'two', [3]]],
        where: ['<% $.nums.where($ > 3) %>', [4, 5, 9, 6]],
        select: ['<% $.nums.select($ * 10) %>', [30, 10, 40, 10, 50, 90, 20, 60]],
        sum: ['<% $.nums.sum() %>', 31],
        max: ['<% $.nums.max() %>', 9],
        min: ['<% $.nums.min() %>', 1],
        joined: ['<% $.people.select($.name).join(",") %>', 'ann,bob,cid'],
        distinct: ['<% $.nums.distinct() %>', [3, 1, 4, 5, 9, 2, 6]],
        ordered: ['<% $.nums.orderBy($) %>', [1, 1, 2, 3, 4, 5, 6, 9]],
        count: ['<% len($.nums) %>', 8],
        red_count: ['<% len($.people.where($.team = "red")) %>', 2],
        first: ['<% $.nums.first() %>', 3],
        contains: ['<% 9 in $.nums %>', true],
        names_by_age: ['<% $.people.orderBy($.age).select($.name) %>', ['bob', 'ann', 'cid']],
        older: ['<% $.people.where($.age > 30).select($.name) %>', ['ann', 'cid']],
        skip_take: ['<% $.nums.skip(2).take(3) %>', [4, 1, 5]],
        range_doubled: ['<% range(1, 4).select($ * 2) %>', [2, 4, 6]],
        list_concat: ['<% [1, 2] + [3] %>', [1, 2, 3]],
      });
    });
    describe('dicts', () => {
      table(data, {
        dict_literal: ['<% dict(x => 1, y => "two") %>', { x: 1, y: 'two' }],
        keys: ['<% $.cfg.keys().orderBy($) %>', ['a', 'b', 'c']],
        values: ['<% $.cfg.values().orderBy($) %>', [1, 2, 3]],
        get_default: ['<% $.cfg.get("z", 0) %>', 0],
        get_existing: ['<% $.cfg.get("a") %>', 1],
        set_key: ['<% $.cfg.set("d", 4) %>', { b: 2, a: 1, c: 3, d: 4 }],
        merged: ['<% dict(x => 1).set(dict(y => 2)) %>', { x: 1, y: 2 }],
        from_pairs: ['<% dict($.people.select([$.name, $.age])) %>', { ann: 31, bob: 25, cid: 42 }],
        has_key: ['<% "b" in $.cfg.keys() %>', true],
        index: ['<% $.cfg["c"] %>', 3],
      });
    });

    it('keeps the key order of set() (insertion order, the new key last)', () => {
      const out = evaluateString('<% $.cfg.set("d", 4) %>', { data });
      expect(Object.keys(out as object)).to.deep.equal(['b', 'a', 'c', 'd']);
    });
  });

  describe('029-yaql-context-funcs', () => {
    const first = {
      name: 'first',
      state: 'SUCCESS',
      result: { a: 1, b: [2, 3] },
      published: { own_a: 1, own_name: 'first', own_state: 'SUCCESS' },
    };
    const host = stubHost({
      tasks: { first, second: { name: 'second', state: 'SUCCESS', result: { first_b: [2, 3] } } },
      execution: { name: 'cf_yaql_context_funcs', input: { label: 'given', items: [1, 2] } },
    });

    it("evaluates the first task's publish with task() meaning the current task", () => {
      const publish = {
        own_a: '<% task().result.a %>',
        own_name: '<% task().name %>',
        own_state: '<% task().state %>',
      };
      const current = stubHost({ tasks: { first }, current: 'first' });
      expect(evaluate(publish, { data: {}, host: current })).to.deep.equal(first.published);
    });

    it("evaluates the second task's input (bare task names, unknown task, execution())", () => {
      const input = {
        first_b: '<% task(first).result.b %>',
        first_state: '<% task(first).state %>',
        first_published: '<% task(first).published %>',
        label: '<% execution().input.label %>',
        input_items: '<% execution().input.items %>',
        wf_name: '<% execution().name %>',
        missing_task: '<% task(nope) = null %>',
      };
      expect(evaluate(input, { data: {}, host })).to.deep.equal({
        first_b: [2, 3],
        first_state: 'SUCCESS',
        first_published: { own_a: 1, own_name: 'first', own_state: 'SUCCESS' },
        label: 'given',
        input_items: [1, 2],
        wf_name: 'cf_yaql_context_funcs',
        missing_task: true,
      });
    });

    it('evaluates task(name) in the workflow output', () => {
      expect(evaluateString('<% task(second).result.first_b %>', { data: {}, host })).to.deep.equal([2, 3]);
    });
  });

  describe('030-jinja-expressions', () => {
    describe('t1 (input user: ada, n: 3)', () => {
      table(
        { user: 'ada', n: 3 },
        {
          action_output: ['{{ _.user }}', 'ada'],
          upper: ['{{ _.user | upper }}', 'ADA'],
          n_plus: ['{{ _.n + 1 }}', 4],
          mixed: ['user={{ _.user }} n={{ _.n }}', 'user=ada n=3'],
          lst: ['{{ [1, 2, _.n] }}', [1, 2, 3]],
          cond: ["{{ 'yes' if _.n > 2 else 'no' }}", 'yes'],
        },
      );
    });

    it('t2 reads task results through task() (current) and task(name)', () => {
      const host = stubHost({
        tasks: { t1: { name: 't1', result: 'ada' }, t2: { name: 't2', result: 'ada-done' } },
        current: 't2',
      });
      expect(evaluateString("{{ task('t1').result }}-done", { data: {}, host })).to.equal('ada-done');
      expect(evaluateString('{{ task().result }}', { data: {}, host })).to.equal('ada-done');
      expect(evaluateString("{{ task('t1').result }}", { data: {}, host })).to.equal('ada');
    });

    it('the workflow output keeps the published types', () => {
      const published = { upper: 'ADA', n_plus: 4, mixed: 'user=ada n=3', lst: [1, 2, 3], cond: 'yes' };
      const output = {
        upper: '{{ _.upper }}',
        n_plus: '{{ _.n_plus }}',
        mixed: '{{ _.mixed }}',
        lst: '{{ _.lst }}',
        cond: '{{ _.cond }}',
      };
      expect(evaluate(output, { data: published })).to.deep.equal(published);
    });
  });
});
