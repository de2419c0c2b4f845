import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Command } from 'commander';
import { registerValidate } from '../../../cli/commands/validate.js';

/** Runs `tram validate ...files` and returns what it printed and the exit code it set. */
async function runValidate(files: string[]): Promise<{ out: string; err: string; exitCode: unknown }> {
  const program = new Command().exitOverride();
  registerValidate(program);
  const out: string[] = [];
  const err: string[] = [];
  const { stdout, stderr } = process;
  const writeOut = stdout.write.bind(stdout);
  const writeErr = stderr.write.bind(stderr);
  stdout.write = (s: string) => out.push(s) > 0;
  stderr.write = (s: string) => err.push(s) > 0;
  const before = process.exitCode;
  try {
    await program.parseAsync(['node', 'tram', 'validate', ...files]);
    return { out: out.join(''), err: err.join(''), exitCode: process.exitCode };
  } finally {
    stdout.write = writeOut;
    stderr.write = writeErr;
    process.exitCode = before;
  }
}

describe('tram validate', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-validate-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints FILE: ok for valid documents and leaves the exit code alone', async () => {
    const good = file(
      'good.yaml',
      'version: \'2.0\'\nmain:\n  tasks:\n    t1:\n      action: std.echo output="x"\n',
    );
    const result = await runValidate([good]);
    expect(result).to.deep.equal({ out: `${good}: ok\n`, err: '', exitCode: undefined });
  });

  it('prints every issue as file:line:col: message and sets exit code 1', async () => {
    const good = file('good.yaml', "version: '2.0'\nmain:\n  tasks:\n    t1:\n      action: std.noop\n");
    const bad = file(
      'bad.yaml',
      "version: '2.0'\nmain:\n  tasks:\n    t1:\n      action: acme.x\n      on-success: t9\n",
    );
    const missing = path.join(dir, 'missing.yaml');
    const result = await runValidate([bad, good, missing]);
    expect(result.exitCode).to.equal(1);
    expect(result.out).to.equal(`${good}: ok\n`);
    expect(result.err.split('\n')).to.deep.equal([
      `${bad}:5:15: warning: task 't1': unknown action 'acme.x'`,
      `${bad}:6:19: task 't1': transition to unknown task 't9' (did you mean 't1'?)`,
      `${missing}: cannot read: ENOENT: no such file or directory, open '${missing}'`,
      '',
    ]);
  });

  describe('warnings: what Mistral accepts at upload but fails (or never runs) at run time', () => {
    const text = [
      "version: '2.0'",
      'main:',
      '  tasks:',
      '    fetch:',
      '      action: acme.fetch_order',
      '      on-success: [notify]',
      '    notify:',
      '      action: std.echo outptu="done"',
      '      on-success: [archive]',
      '    archive:',
      '      workflow: archive_orders',
      '    cleanup:',
      '      action: std.noop',
      '      on-complete: [cleanup]',
      '',
    ].join('\n');

    it('prints four positioned warnings for an unknown action, a misspelt parameter, a missing sub-workflow and an unreachable task, and exits 0', async () => {
      const f = file('warnings.yaml', text);
      const result = await runValidate([f]);
      expect(result.err.split('\n')).to.deep.equal([
        `${f}:5:15: warning: task 'fetch': unknown action 'acme.fetch_order'`,
        `${f}:8:24: warning: task 'notify': action 'std.echo' has no parameter 'outptu' (did you mean 'output'?)`,
        `${f}:11:17: warning: task 'archive': unknown workflow 'archive_orders'`,
        `${f}:12:5: warning: task 'cleanup' is unreachable: only 'cleanup' transition to it, and no start task leads there`,
        '',
      ]);
      expect(result.out).to.equal(`${f}: ok (4 warnings)\n`);
      expect(result.exitCode).to.equal(undefined);
    });

    it('exits 1 on the same warnings with --strict', async () => {
      const f = file('warnings.yaml', text);
      const result = await runValidate(['--strict', f]);
      expect(result.err.split('\n').filter((l) => l.includes(': warning: '))).to.have.length(4);
      expect(result.exitCode).to.equal(1);
    });
  });

  describe('action documents (mistral action-create), also several in one file', () => {
    it('checks each document of a file as what it is: actions, then workflows using them', async () => {
      const f = file(
        'ops.yaml',
        [
          '---',
          "version: '2.0'",
          'ops.say:',
          '  base: std.echo',
          '  input: [words]',
          '  base-input:',
          '    outptu: <% $.words %>',
          'ops.shout:',
          '  base: ops.say words="HI"',
          '  colour: red',
          '---',
          "version: '2.0'",
          'greet:',
          '  tasks:',
          '    hello:',
          '      action: ops.say wrds="hello"',
          '',
        ].join('\n'),
      );
      const result = await runValidate([f]);
      expect(result.err.split('\n')).to.deep.equal([
        `${f}:7:5: warning: action 'ops.say': action 'std.echo' has no parameter 'outptu' (did you mean 'output'?)`,
        `${f}:10:3: unknown key 'colour' in action 'ops.shout'`,
        `${f}:16:23: warning: task 'hello': action 'ops.say' has no parameter 'wrds' (did you mean 'words'?)`,
        '',
      ]);
      expect(result.exitCode).to.equal(1);
    });

    it('reads an actions document on its own as actions, not as workflows', async () => {
      const f = file(
        'actions.yaml',
        "version: '2.0'\nnotify:\n  base: std.noop\n  description: does nothing\n",
      );
      expect(await runValidate([f])).to.deep.equal({ out: `${f}: ok\n`, err: '', exitCode: undefined });
    });
  });
});
