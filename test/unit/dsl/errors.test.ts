/**
 * Each kind of mistake is reported with its exact line and column, and all of them in one pass. Line 1 is the
 * first line of each template (see `yaml` in helpers.ts).
 */
import { expect } from 'chai';
import { DslError, formatIssue } from '../../../common/index.js';
import { checkSyntax, parseDocument, validateDocument } from '../../../dsl/index.js';
import { STD_ONLY, issuesOf, yaml } from './helpers.js';

describe('DSL: errors, located exactly', () => {
  it('reports malformed YAML at the parser’s position, without the follow-up cascade', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.echo output={"a": 1}
            on-success: t2
    `;
    expect(issuesOf(text)).to.deep.equal(['5:15 Nested mappings are not allowed in compact mappings']);
  });

  it('reports an unknown key at the key, with the closest allowed key', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.noop
            on-sucess: t2
          t2:
            action: std.noop
    `;
    expect(issuesOf(text)).to.deep.equal([
      "6:7 unknown key 'on-sucess' in task 't1' (did you mean 'on-success'?)",
      // The typo also leaves the workflow with two start tasks, which is valid, so nothing else is reported.
    ]);
  });

  it('reports a value of the wrong kind at the value', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.noop
            timeout: -1
            wait-before: soon
            retry: 3
    `;
    expect(issuesOf(text)).to.deep.equal([
      "6:16 task 't1': 'timeout' must be an integer ≥ 0 or an expression",
      "7:20 task 't1': 'wait-before' must be an integer ≥ 0 or an expression",
      "8:14 task 't1': 'retry' must be a mapping with 'count' and 'delay', or one line 'count=N delay=N'",
    ]);
  });

  it('reports missing keys together, at the mapping’s key', () => {
    const text = yaml`
      name: wb
      workflows:
        main:
          tasks:
            t1:
              retry:
                break-on: <% $.stop %>
    `;
    expect(issuesOf(text)).to.deep.equal([
      "1:1 workbook needs 'version'",
      "6:9 task 't1': 'retry' needs 'count' and 'delay'",
    ]);
  });

  it('reports a transition to an unknown task at the transition', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            on-success: [t2, t3]
          t2:
            action: std.noop
    `;
    expect(issuesOf(text)).to.deep.equal([
      "5:24 task 't1': transition to unknown task 't3' (did you mean 't1'?)",
    ]);
  });

  it('reports an unknown action at its name, suggesting a local ad-hoc action', () => {
    const text = yaml`
      version: '2.0'
      name: wb
      actions:
        greet:
          base: std.echo output="hi"
      workflows:
        main:
          tasks:
            t1:
              action: std.ecoh output="x"
              on-success: t2
            t2:
              action: greeet name="x"
    `;
    expect(issuesOf(text)).to.deep.equal([
      "10:17 warning: task 't1': unknown action 'std.ecoh'",
      "13:17 warning: task 't2': unknown action 'greeet' (did you mean 'greet'?)",
    ]);
  });

  it('reports a requires cycle once, at the requirement that closes it', () => {
    const text = yaml`
      version: '2.0'
      main:
        type: reverse
        tasks:
          a:
            requires: [c]
          b:
            requires: a
          c:
            requires: [b]
    `;
    expect(issuesOf(text)).to.deep.equal(['6:18 requires cycle: a -> c -> b -> a']);
  });

  it('reports a join task nobody transitions to, at the task', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          start:
            on-success: [left]
          left:
            action: std.noop
          merge:
            join: all
    `;
    expect(issuesOf(text)).to.deep.equal([
      "8:5 warning: join task 'merge' is never reached: no task transitions to it",
    ]);
  });

  it('reports a with-items list that is not JSON, at the list', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            with-items:
              - x in <% $.xs %>
              - y in [a, b]
            action: std.echo output=<% $.x %>
    `;
    expect(issuesOf(text)).to.deep.equal([
      '7:16 task \'t1\': \'with-items[1]\': [a, b] is not a JSON list (quote strings with ", e.g. ["a", "b"])',
    ]);
  });

  it('reports an unquoted inline value at the value', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.echo output=short delay=1
    `;
    expect(issuesOf(text)).to.deep.equal([
      `5:31 warning: task 't1': 'action': unquoted value 'short' for 'output': quote it (output="short")`,
    ]);
  });

  it('reads an unterminated expression as text, and warns when it cuts an inline parameter', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.echo output=<% $.x + 1
            publish:
              y: "{{ _.y "
    `;
    // As in Mistral: the inline parameter is dropped, the publish value is the literal text "{{ _.y ".
    expect(issuesOf(text)).to.deep.equal([
      "5:31 warning: task 't1': 'action': unterminated YAQL expression: '<%' has no closing '%>'",
    ]);
    expect(parseDocument(text, 'wb.yaml', STD_ONLY).workflows['main']!.tasks['t1']!).to.deep.include({
      inlineInput: {},
      publish: { y: '{{ _.y ' },
    });
  });

  it('locates what the expression language reports inside an expression', () => {
    // With a real checkSyntax this string has an error; the assertion follows whatever it reports.
    const expr = '<% $.x + %>';
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.echo output=${expr}
    `;
    const expected = checkSyntax(expr).map((e) => `5:${31 + e.offset} task 't1': 'action': ${e.message}`);
    expect(issuesOf(text)).to.deep.equal(expected);
  });

  it('reports every problem of a document in one pass, sorted by position', () => {
    const text = yaml`
      version: '2.0'
      name: wb
      workflows:
        main:
          tasks:
            t1:
              action: std.nope
              on-success: [t9]
              timeout: -5
              colour: red
            merge:
              join: one
        rev:
          type: reverse
          tasks:
            a:
              requires: [a]
              join: all
    `;
    const error = (() => {
      try {
        parseDocument(text, 'wb.yaml', STD_ONLY);
      } catch (err) {
        return err;
      }
      throw new Error('expected a DslError');
    })();
    expect(error).to.be.instanceOf(DslError);
    const dslError = error as DslError;
    expect(dslError.code).to.equal('DSL_INVALID');
    // Errors only: the unknown action and the join nobody reaches are warnings.
    expect(dslError.issues.map((i) => `${i.line}:${i.col} ${i.message}`)).to.deep.equal([
      "8:22 task 't1': transition to unknown task 't9' (did you mean 't1'?)",
      "9:18 task 't1': 'timeout' must be an integer ≥ 0 or an expression",
      "10:9 unknown key 'colour' in task 't1'",
      '17:20 requires cycle: a -> a',
      "18:9 task 'a': 'join' is only allowed in direct workflows (this one is reverse)",
    ]);
    expect(dslError.message.split('\n')[0]).to.equal(
      "wb.yaml:8:22: task 't1': transition to unknown task 't9' (did you mean 't1'?)",
    );
    expect(dslError.issues[0]!.path).to.equal('/workflows/main/tasks/t1/on-success/0');
    const all = validateDocument(text, 'wb.yaml', STD_ONLY);
    expect(all.filter((i) => i.severity === 'warning').map(formatIssue)).to.deep.equal([
      "wb.yaml:7:17: warning: task 't1': unknown action 'std.nope'",
      "wb.yaml:11:7: warning: join task 'merge' is never reached: no task transitions to it",
    ]);
    expect(all.filter((i) => i.severity !== 'warning')).to.deep.equal(dslError.issues);
  });
});
