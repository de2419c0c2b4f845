/**
 * YAML as PyYAML (Mistral's reader) takes it: the indentation it tolerates inside flow collections and quoted
 * scalars, with positions still in the user's own text; and what no reader should take (alias bombs, undefined
 * or self-referencing aliases, bad merges) refused with a position instead of an exception or a hang.
 */
import { expect } from 'chai';
import { parse, issuesOf, yaml } from './helpers.js';

/** A workflow `main` whose task `t1` is the template (lines 1-4 are the header, the task's keys start on line 5). */
function inTask(strings: TemplateStringsArray, ...values: unknown[]): string {
  const body = yaml(strings, ...values)
    .split('\n')
    .map((l) => (l === '' ? l : `      ${l}`))
    .join('\n');
  return `version: '2.0'\nmain:\n  tasks:\n    t1:\n${body}`;
}

describe('DSL: YAML read as PyYAML reads it', () => {
  it('reads flow collections whose lines sit at (or left of) the column of their key', () => {
    const text = inTask`
            action: std.echo
            input:
              output: [
              {
                "name": "web",
                "ports": [
                80, 443
                ]
              }
              ]
    `;
    expect(issuesOf(text)).to.deep.equal([]);
    expect(parse(text).workflows['main']!.tasks['t1']!.input).to.deep.equal({
      output: [{ name: 'web', ports: [80, 443] }],
    });
  });

  it('reads escaped line breaks in double-quoted scalars continued at the column of their dash', () => {
    const text = inTask`
            action: std.echo
            input:
              output:
                - "<% $.get(first_value,\
                \ 'fallback') %>"
                - "two \
                lines"
    `;
    expect(issuesOf(text)).to.deep.equal([]);
    expect(parse(text).workflows['main']!.tasks['t1']!.input).to.deep.equal({
      output: ["<% $.get(first_value, 'fallback') %>", 'two lines'],
    });
  });

  it('keeps positions in the user text on lines it had to re-indent', () => {
    const text = inTask`
            action: std.echo
            input:
              output: [
            "{{ _.x | nosuchfilter }}"
              ]
    `;
    // Line 8 is read one column deeper than written; the column is still the one in the text above.
    expect(issuesOf(text)).to.deep.equal([
      "8:17 warning: task 't1': 'input.output[0]': unknown filter 'nosuchfilter'",
    ]);
  });

  it('points at a mis-indented key, in plain words', () => {
    const text = yaml`
      version: '2.0'
      name: shop
      workflows:
        order:
          tasks:
            pay:
              action: std.noop
             on-success: ship
            ship:
              action: std.noop
    `;
    expect(issuesOf(text)).to.deep.equal([
      '8:8 bad indentation: this line does not line up with the keys of the mapping it belongs to ' +
        '(indent it like its siblings, or check the line above)',
    ]);
  });

  it('names an unterminated quoted string', () => {
    const text = inTask`
            action: "std.noop
    `;
    expect(issuesOf(text)[0]).to.equal(
      '5:15 unterminated double-quoted string: its closing quote is missing',
    );
  });
});

describe('DSL: anchors and aliases', () => {
  it('refuses an alias bomb at the alias that goes over the limit, quickly', () => {
    const rows = ['version: "2.0"', 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      rows.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const issues = issuesOf(rows.join('\n'));
    expect(issues).to.have.length(1);
    expect(issues[0]).to.match(
      /^8:8 aliases expand to more than 200000 values \(refused, as a YAML alias bomb\)$/,
    );
  });

  it('refuses an alias of an anchor not defined before it', () => {
    expect(issuesOf(`version: '2.0'\nmain:\n  tasks: *nothing\n`)).to.deep.equal([
      "3:10 alias '*nothing' refers to no anchor defined before it",
    ]);
  });

  it('refuses a mapping that merges itself, and a list that contains itself', () => {
    expect(issuesOf(`version: '2.0'\nmain: &m\n  tasks: {}\n  <<: *m\n`)).to.deep.equal([
      "4:7 alias '*m' is inside the node it refers to: the value would never end",
    ]);
    expect(issuesOf(`version: '2.0'\nmain:\n  vars:\n    a: &l [1, *l]\n`)[0]).to.equal(
      "4:15 alias '*l' is inside the node it refers to: the value would never end",
    );
  });

  it('refuses a merge of something that is not a mapping', () => {
    expect(issuesOf(`version: '2.0'\nmain:\n  <<: 3\n  tasks: {}\n`)).to.deep.equal([
      "3:7 '<<' merges only mappings, aliases of mappings, or a list of them",
    ]);
  });

  it('still reads ordinary anchors, aliases and merges', () => {
    const text = yaml`
      version: '2.0'
      base: &defaults
        type: direct
        tasks:
          t1:
            action: std.echo output=<% $.x %>
      main:
        <<: *defaults
        input: [x]
    `;
    expect(issuesOf(text)).to.deep.equal([]);
    expect(parse(text).workflows['main']!.input.map((p) => p.name)).to.deep.equal(['x']);
  });
});
