/**
 * Documents of tens of thousands of tasks are checked in one pass whose cost grows with their size, not its
 * square: locating a path is a lookup, not a scan of its mapping. Behaviour only (no timed assertions): the
 * issues and positions of the last tasks are the right ones.
 */
import { expect } from 'chai';
import { analyseDocument } from '../../../dsl/index.js';
import { YamlSource } from '../../../dsl/source/yaml-source.js';
import { STD_ONLY, yaml } from './helpers.js';

const N = 40_000;

function validTasks(n: number): string {
  const lines = ["version: '2.0'", 'wf:', '  tasks:'];
  for (let i = 0; i < n; i++) lines.push(`    t${i}: {action: std.noop}`);
  return lines.join('\n') + '\n';
}

/** `tasks: {0: {}, 1: {}, ...}` on one line: every task is an error. */
function emptyTasks(n: number): { text: string; cols: number[] } {
  const prefix = '  tasks: {';
  const parts: string[] = [];
  const cols: number[] = [];
  let col = prefix.length + 1;
  for (let i = 0; i < n; i++) {
    const part = `${i}: {}`;
    cols.push(col);
    parts.push(part);
    col += part.length + 2;
  }
  return { text: `version: '2.0'\nwf:\n${prefix}${parts.join(', ')}}\n`, cols };
}

describe('DSL: large documents', () => {
  it('checks 40,000 valid tasks, each at its own line', () => {
    const { document, issues } = analyseDocument(validTasks(N), 'big.yaml', STD_ONLY);
    expect(issues).to.deep.equal([]);
    const tasks = document!.workflows['wf']!.tasks;
    expect(Object.keys(tasks)).to.have.length(N);
    for (const i of [N - 3, N - 2, N - 1]) {
      expect(tasks[`t${i}`]!.pos).to.deep.equal({ file: 'big.yaml', line: 4 + i, col: 5 });
    }
  });

  it('reports each of 40,000 empty tasks at its own column', () => {
    const { text, cols } = emptyTasks(N);
    const { issues } = analyseDocument(text, 'big.yaml', STD_ONLY);
    expect(issues).to.have.length(N);
    for (const i of [N - 3, N - 2, N - 1]) {
      expect(issues[i]).to.deep.equal({
        file: 'big.yaml',
        line: 3,
        col: cols[i],
        message: `task '${i}' must not be empty`,
        path: `/wf/tasks/${i}`,
      });
    }
  });

  it('reports 40,000 transitions to unknown tasks, each at its value', () => {
    const lines = ["version: '2.0'", 'wf:', '  tasks:'];
    for (let i = 0; i < N; i++) lines.push(`    t${i}: {on-success: x${i}}`);
    const { issues } = analyseDocument(lines.join('\n') + '\n', 'big.yaml', STD_ONLY);
    expect(issues).to.have.length(N);
    const last = issues[N - 1]!;
    expect(last).to.include({ line: 3 + N, col: `    t${N - 1}: {on-success: `.length + 1 });
    expect(last.message).to.match(new RegExp(`^task 't${N - 1}': transition to unknown task 'x${N - 1}'`));
    expect(issues[0]!.message).to.equal("task 't0': transition to unknown task 'x0' (did you mean 't0'?)");
  });

  it('locates keys as the data reads them: the last duplicate, else the first merge source having the key', () => {
    const src = new YamlSource(
      yaml`
        a: &a {x: 1, y: 1}
        b: &b {x: 2, z: 2}
        m:
          <<: [*a, *b]
          w: 1
          w: 2
      `,
      'm.yaml',
    );
    expect(src.locate(['m', 'w'])).to.deep.equal({ line: 6, col: 3 });
    expect(src.locate(['m', 'x'])).to.deep.equal({ line: 1, col: 8 });
    expect(src.locate(['m', 'z'])).to.deep.equal({ line: 2, col: 14 });
    expect(src.locate(['m', 'nope'])).to.deep.equal({ line: 3, col: 1 });
  });
});
