import { expect } from 'chai';
import { resolveAction, resolveWorkflow, validateDocument } from '../../../dsl/index.js';
import { HAS_SHARED, STD_ONLY, corpus, corpusDoc } from './helpers.js';

describe('DSL: the conformance corpora', () => {
  const files = corpus();

  it('finds the corpus', () => {
    expect(files.length).to.be.greaterThan(HAS_SHARED ? 30 : 0);
  });

  for (const { name, file, text } of files) {
    // Without errors: the cases that run unknown actions or workflows (as Mistral accepts them) get warnings.
    it(`accepts ${name} without errors`, () => {
      expect(validateDocument(text, file, STD_ONLY).filter((i) => i.severity !== 'warning')).to.deep.equal(
        [],
      );
    });
  }
});

// How the shared corpus (../shared/conformance, when present beside the project) reads, construct by construct.
if (HAS_SHARED) describeShared();

function describeShared(): void {
  describe('DSL: the shared conformance corpus', () => {
    it('reads inline parameters, publish, output and positions (001)', () => {
      const doc = corpusDoc('001');
      expect(doc.kind).to.equal('workflows');
      const wf = doc.workflows['cf_echo_sequence']!;
      expect(wf).to.include({ name: 'cf_echo_sequence', shortName: 'cf_echo_sequence', type: 'direct' });
      expect(wf.workbook).to.equal(undefined);
      expect(wf.pos).to.deep.include({ line: 4, col: 1 });
      expect(Object.keys(wf.tasks)).to.deep.equal(['greet', 'idle', 'shout']);
      const greet = wf.tasks['greet']!;
      expect(greet).to.deep.include({ kind: 'action', target: 'std.echo', inlineInput: { output: 'hello' } });
      expect(greet.publish).to.deep.equal({ greeting: '<% task().result %>' });
      expect(greet.onSuccess!.next).to.deep.equal([
        { kind: 'task', task: 'idle', pos: greet.onSuccess!.next[0]!.pos },
      ]);
      expect(greet.pos).to.deep.include({ line: 7, col: 5 });
      expect(greet.keepResult).to.equal(true);
      expect(wf.tasks['shout']!.input).to.deep.equal({ output: '<% $.greeting + " world" %>' });
      expect(wf.output).to.have.keys('greeting', 'message', 'noop_result');
    });

    it('reads input declarations with and without defaults (002)', () => {
      const wf = corpusDoc('002').workflows['cf_input_defaults']!;
      expect(wf.input).to.deep.equal([
        { name: 'name', hasDefault: false },
        { name: 'greeting', hasDefault: true, default: 'Hello' },
        { name: 'count', hasDefault: true, default: 3 },
        { name: 'tags', hasDefault: true, default: ['alpha', 'beta'] },
        { name: 'options', hasDefault: true, default: { verbose: false, level: 1 } },
      ]);
    });

    it('reads guarded transitions in order (007)', () => {
      const next = corpusDoc('007').workflows['cf_guarded_transitions']!.tasks['check']!.onSuccess!.next;
      expect(next.map(({ pos: _pos, ...t }) => t)).to.deep.equal([
        { kind: 'task', task: 'big', guard: '<% $.val > 3 %>' },
        { kind: 'task', task: 'small', guard: '<% $.val <= 3 %>' },
        { kind: 'task', task: 'always' },
        { kind: 'task', task: 'never', guard: '<% false %>' },
      ]);
      expect(next[0]!.pos).to.deep.include({ line: 13, col: 11 });
    });

    it('reads engine commands: fail(msg) guarded, succeed, pause (020, 021, 022)', () => {
      const fail = corpusDoc('020').workflows['cf_engine_fail_msg']!.tasks['measure']!.onSuccess!.next[0]!;
      expect(fail).to.deep.include({ kind: 'command', command: 'fail', msg: 'value too large' });
      expect(fail.guard).to.equal('<% $.value > $.limit %>');
      const succeed = corpusDoc('021').workflows['cf_engine_succeed']!.tasks['probe']!.onSuccess!.next[0]!;
      expect(succeed).to.deep.include({
        kind: 'command',
        command: 'succeed',
        guard: '<% $.status = "found" %>',
      });
      const step1 = corpusDoc('022').workflows['cf_engine_pause_resume']!.tasks['step1']!;
      expect(step1.onComplete!.next.map((t) => (t.kind === 'task' ? t.task : t.command))).to.deep.equal([
        'pause',
        'step2',
      ]);
      expect(step1.onComplete!.next[0]!.kind).to.equal('command');
    });

    it('reads join all, one and N (008, 009, 010)', () => {
      expect(corpusDoc('008').workflows['cf_join_all']!.tasks['merge']!.join).to.equal('all');
      expect(corpusDoc('009').workflows['cf_join_one']!.tasks['first']!.join).to.equal(1);
      expect(corpusDoc('010').workflows['cf_join_count']!.tasks['quorum']!.join).to.equal(2);
      expect(corpusDoc('008').workflows['cf_join_all']!.tasks['a']!.join).to.equal(undefined);
    });

    it('reads with-items from expressions and JSON lists, and concurrency (011, 012, 013)', () => {
      expect(corpusDoc('011').workflows['cf_with_items_single']!.tasks['greet']!.withItems).to.deep.equal([
        { variable: 'name', source: '<% $.names %>' },
      ]);
      expect(corpusDoc('012').workflows['cf_with_items_multi']!.tasks['combine']!.withItems).to.deep.equal([
        { variable: 'x', source: '<% $.xs %>' },
        { variable: 'y', source: '<% $.ys %>' },
        { variable: 'label', source: ['a', 'b', 'c'] },
      ]);
      expect(corpusDoc('013').workflows['cf_with_items_concurrency']!.tasks['work']!.concurrency).to.equal(2);
    });

    it('reads retry with count, delay, break-on and continue-on (014, 015, 016)', () => {
      expect(corpusDoc('014').workflows['cf_retry_count_delay']!.tasks['flaky']!.retry).to.deep.equal({
        count: 2,
        delay: 1,
      });
      expect(corpusDoc('015').workflows['cf_retry_break_on']!.tasks['fatal']!.retry).to.deep.equal({
        count: 3,
        delay: 1,
        breakOn: '<% task().result = "fatal" %>',
      });
      expect(corpusDoc('016').workflows['cf_retry_continue_on']!.tasks['poll']!.retry).to.deep.equal({
        count: 2,
        delay: 0,
        continueOn: '<% task().result < $.threshold %>',
      });
    });

    it('reads the other policies as written (017, 018, 019, 032)', () => {
      expect(corpusDoc('017').workflows['cf_timeout']!.tasks['slow']!.timeout).to.equal(1);
      const wait = corpusDoc('018').workflows['cf_wait_before_after']!.tasks;
      expect([wait['first']!.waitAfter, wait['second']!.waitBefore]).to.deep.equal([1, 1]);
      expect(corpusDoc('019').workflows['cf_pause_before_resume']!.tasks['gate']!.pauseBefore).to.equal(true);
      expect(corpusDoc('032').workflows['cf_fail_on']!.tasks['degraded']!.failOn).to.equal(
        '<% task().result.code >= 500 %>',
      );
    });

    it('reads task-defaults next to a task’s own clauses and policies (035)', () => {
      const wf = corpusDoc('035').workflows['cf_task_defaults']!;
      expect(wf.taskDefaults.retry).to.deep.equal({ count: 1, delay: 0 });
      expect(wf.taskDefaults.onError!.next.map((t) => t.kind === 'task' && t.task)).to.deep.equal([
        'handler',
      ]);
      const own = wf.tasks['bad_own']!;
      expect(own.retry).to.deep.equal({ count: 2, delay: 0 });
      expect(own.onError!.next.map((t) => t.kind === 'task' && t.task)).to.deep.equal(['own_handler']);
      expect(wf.tasks['bad_default']!.onError).to.equal(undefined);
    });

    it('reads a reverse workflow with requires as a string or a list (025)', () => {
      const wf = corpusDoc('025').workflows['cf_reverse_requires']!;
      expect(wf.type).to.equal('reverse');
      expect(wf.tasks['combine']!.requires).to.deep.equal(['fetch_a', 'fetch_b']);
      expect(wf.tasks['report']!.requires).to.deep.equal(['combine']);
      expect(wf.tasks['fetch_a']!.requires).to.deep.equal([]);
    });

    it('qualifies workbook names and keeps short names (023, 026)', () => {
      const doc = corpusDoc('023');
      expect(doc).to.include({ kind: 'workbook', name: 'cf_subwf' });
      expect(Object.keys(doc.workflows)).to.deep.equal(['cf_subwf.main', 'cf_subwf.summer']);
      const main = doc.workflows['cf_subwf.main']!;
      expect(main).to.include({ shortName: 'main', workbook: 'cf_subwf' });
      expect(main.tasks['call_sum']).to.deep.include({ kind: 'workflow', target: 'summer' });
      expect(main.tasks['call_default']!.inlineInput).to.deep.equal({ values: '<% [4, 5] %>' });
      expect(doc.workflows['cf_subwf.summer']!.input).to.deep.equal([
        { name: 'values', hasDefault: false },
        { name: 'scale', hasDefault: true, default: 1 },
      ]);
      expect(resolveWorkflow(doc, 'summer', 'cf_subwf')).to.equal('cf_subwf.summer');

      const ns = corpusDoc('026').workflows['cf_wbns.main']!.tasks;
      expect(ns['short_ref']).to.deep.include({ target: 'helper', inlineInput: { tag: 'short' } });
      expect(ns['full_ref']).to.deep.include({ target: 'cf_wbns.helper', inlineInput: { tag: 'full' } });
    });

    it('reads ad-hoc actions: base with inline parameters, base-input, input defaults, output (024)', () => {
      const doc = corpusDoc('024');
      expect(Object.keys(doc.actions)).to.deep.equal(['cf_adhoc.greet', 'cf_adhoc.wrap', 'cf_adhoc.boxed']);
      const greet = doc.actions['cf_adhoc.greet']!;
      expect(greet).to.deep.include({ shortName: 'greet', workbook: 'cf_adhoc', base: 'std.echo' });
      expect(greet.description).to.equal('formats a greeting');
      expect(greet.input).to.deep.equal([
        { name: 'name', hasDefault: false },
        { name: 'punctuation', hasDefault: true, default: '!' },
      ]);
      expect(greet.baseInput).to.deep.equal({ output: '<% "Hello, " + $.name + $.punctuation %>' });
      expect(doc.actions['cf_adhoc.boxed']!.baseInput).to.deep.equal({ output: '<% [$.value, $.value] %>' });
      expect(doc.actions['cf_adhoc.wrap']!.output).to.equal('<% $.wrapped %>');
      expect(doc.workflows['cf_adhoc.main']!.tasks['t4']!.inlineInput).to.deep.equal({ value: 7 });
      expect(resolveAction(doc, 'greet', 'cf_adhoc')).to.equal('cf_adhoc.greet');
      expect(resolveAction(doc, 'cf_adhoc.greet', 'cf_adhoc')).to.equal('cf_adhoc.greet');
      expect(resolveAction(doc, 'std.echo', 'cf_adhoc')).to.equal(undefined);
    });
  });
}
