/**
 * Where expression problems are reported. A fake `checkSyntax` flags every `!`, so each test shows that an offset
 * inside a string becomes the right line and column of the YAML text, whatever the scalar style and wherever the
 * string sits (inline parameter, guard, with-items, retry line, hook, output...).
 */
import { expect } from 'chai';
import { checkExpressions } from '../../../dsl/checks/expressions.js';
import { IssueSink } from '../../../dsl/issues.js';
import { NormaliseContext } from '../../../dsl/normalise/context.js';
import { readDocument } from '../../../dsl/normalise/document.js';
import { documentKind } from '../../../dsl/source/paths.js';
import { YamlSource } from '../../../dsl/source/yaml-source.js';
import { issuesOf, short, yaml } from './helpers.js';

const bangs = (s: string) => [...s.matchAll(/!/g)].map((m) => ({ offset: m.index, message: 'bang' }));

/** The expression issues of a document, as checked with the fake checker. */
function expressionIssues(text: string): string[] {
  const src = new YamlSource(text, 'wb.yaml');
  const sink = new IssueSink(src, documentKind(src.data));
  const ctx = new NormaliseContext(sink);
  const doc = readDocument(ctx, src.data);
  checkExpressions({ doc, sink, origins: ctx.origins, options: {} }, ctx.sites, bangs);
  return sink.issues().map((i) => short(i).replace(/ .*: /, ' '));
}

describe('DSL: expression problems, located inside their scalar', () => {
  it('locates in plain, double-quoted (escapes) and single-quoted (doubled quotes) scalars', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.echo output=<% $.a! %> other="<% ! %>"
            publish:
              d: "\t<% ! %>"
              s: 'it''s <% ! %>'
    `;
    expect(expressionIssues(text)).to.deep.equal(['5:37 bang', '5:52 bang', '7:18 bang', '8:22 bang']);
  });

  it('locates in literal blocks line by line; other multi-line scalars give their start', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            input:
              literal: |
                first
                <% ! %>
              folded: >
                <% $.a
                ! %>
    `;
    expect(expressionIssues(text)).to.deep.equal(['8:14 bang', '9:17 bang']);
  });

  it('locates in guards, engine command messages, with-items and one-line retry', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            with-items: x in <% $.xs! %>
            retry: count=<% ! %> delay=1
            on-success:
              - fail(msg="<% ! %>"): <% $.ok %>
              - t2: <% ! %>
          t2:
            action: std.noop
    `;
    expect(expressionIssues(text)).to.deep.equal(['5:31 bang', '6:23 bang', '8:24 bang', '9:18 bang']);
  });

  it('locates in hooks, workflow output, vars and input defaults, and ad-hoc actions', () => {
    const text = yaml`
      version: '2.0'
      name: wb
      actions:
        a1:
          base: std.echo output=<% ! %>
          base-input:
            x: <% ! %>
          output: <% ! %>
      workflows:
        main:
          input:
            - n: <% ! %>
          vars:
            v: <% ! %>
          on-exit:
            - std.echo output="<% ! %>": <% ! %>
          tasks:
            t1:
              action: a1
          output:
            o: <% ! %>
    `;
    expect(expressionIssues(text)).to.deep.equal([
      '5:30 bang',
      '7:13 bang',
      '8:16 bang',
      '12:15 bang',
      '14:13 bang',
      '16:29 bang',
      '16:39 bang',
      '21:13 bang',
    ]);
  });

  it('does not look for expressions in descriptions, tags or names', () => {
    const text = yaml`
      version: '2.0'
      main:
        description: <% ! %>
        tags: ["<% ! %>"]
        tasks:
          t1:
            description: <% ! %>
    `;
    expect(expressionIssues(text)).to.deep.equal([]);
  });

  it('reports mixed YAQL and Jinja in one string, and does not pass it to the checker', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            publish:
              x: <% 1 %> and {{ 2 }}
    `;
    expect(issuesOf(text)).to.deep.equal([
      "6:24 task 't1': 'publish.x': YAQL (<% %>) and Jinja ({{ }}) cannot be mixed in one string",
    ]);
    expect(expressionIssues(text)).to.have.length(1);
  });

  it('checks each inline parameter separately, so languages may differ between parameters', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.echo output=<% 1 %> delay={{ 2 }}
    `;
    expect(issuesOf(text)).to.deep.equal([]);
  });
});
