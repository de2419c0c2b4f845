import { expect } from 'chai';
import type { TransitionSpec } from '../../../dsl/index.js';
import { issuesOf, parse, yaml } from './helpers.js';

/** Transitions without their positions, for comparison. */
const bare = (ts: readonly TransitionSpec[]) => ts.map(({ pos: _pos, ...t }) => t);

describe('DSL normalisation', () => {
  it('reads every form of engine command, and a command even where a task has its name (as Mistral 15 does)', () => {
    const doc = parse(yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            on-success:
              - fail msg="plain form"
              - fail(msg="function form")
              - fail(msg='single quotes'): <% $.x > 1 %>
              - succeed msg=<% $.why %>
              - pause
              - noop
              - noop(msg="ignored?")
            on-error: pause
          pause:
            action: std.noop
    `);
    const t1 = doc.workflows['main']!.tasks['t1']!;
    expect(bare(t1.onSuccess!.next)).to.deep.equal([
      { kind: 'command', command: 'fail', msg: 'plain form' },
      { kind: 'command', command: 'fail', msg: 'function form' },
      { kind: 'command', command: 'fail', msg: 'single quotes', guard: '<% $.x > 1 %>' },
      { kind: 'command', command: 'succeed', msg: '<% $.why %>' },
      { kind: 'command', command: 'pause' },
      { kind: 'command', command: 'noop' },
      { kind: 'command', command: 'noop', msg: 'ignored?' },
    ]);
    expect(bare(t1.onError!.next)).to.deep.equal([{ kind: 'command', command: 'pause' }]);
  });

  it('rejects parameters other than msg on a command, and any on a task transition', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            on-success:
              - fail code=3
              - t2 x=1
          t2:
            action: std.noop
    `;
    expect(issuesOf(text)).to.deep.equal([
      "6:16 task 't1': 'on-success[0]': engine command 'fail' takes only 'msg'",
      "7:14 task 't1': 'on-success[1]': a transition to task 't2' takes no parameters",
    ]);
  });

  it('reads the advanced clause form with publish scopes and next', () => {
    const doc = parse(yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            on-complete:
              publish:
                branch: {a: 1}
                global: {b: <% $.x %>}
              next:
                - t2: <% $.a = 1 %>
            on-error:
              publish:
                global: {c: 3}
          t2:
            action: std.noop
    `);
    const t1 = doc.workflows['main']!.tasks['t1']!;
    expect(t1.onComplete).to.deep.include({ publish: { a: 1 }, publishGlobal: { b: '<% $.x %>' } });
    expect(bare(t1.onComplete!.next)).to.deep.equal([{ kind: 'task', task: 't2', guard: '<% $.a = 1 %>' }]);
    expect(t1.onError).to.deep.equal({ publishGlobal: { c: 3 }, next: [] });
  });

  it('splits task publish into branch and global scopes only in the scoped form', () => {
    const doc = parse(yaml`
      version: '2.0'
      main:
        tasks:
          scoped:
            publish:
              branch: {a: 1}
              global: {b: 2}
            publish-on-error:
              global: {e: 1}
          plain:
            publish:
              global: 3
              x: 4
    `);
    const { scoped, plain } = doc.workflows['main']!.tasks;
    // A task's own publish is never scoped in Mistral 15: `branch` and `global` are variables there.
    expect(scoped).to.deep.include({
      publish: { branch: { a: 1 }, global: { b: 2 } },
      publishOnError: { global: { e: 1 } },
    });
    expect(scoped!.publishGlobal).to.equal(undefined);
    expect(plain!.publish).to.deep.equal({ global: 3, x: 4 });
    expect(plain!.publishGlobal).to.equal(undefined);
  });

  it('reads the one-line retry and holds it to the same rules as the mapping', () => {
    const doc = parse(yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            retry: count=10 delay=5 break-on=<% $.fatal %> continue-on=<% $.again %>
    `);
    expect(doc.workflows['main']!.tasks['t1']!.retry).to.deep.equal({
      count: 10,
      delay: 5,
      breakOn: '<% $.fatal %>',
      continueOn: '<% $.again %>',
    });
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            retry: count=-1 dealy=5 break-on=true
    `;
    expect(issuesOf(text)).to.deep.equal([
      "5:14 unknown key 'dealy' in task 't1': 'retry' (did you mean 'delay'?)",
      "5:14 task 't1': 'retry.count' must be an integer ≥ 0 or an expression",
      "5:14 task 't1': 'retry.break-on' must be an expression (<% ... %> or {{ ... }})",
      "5:14 task 't1': 'retry' needs 'delay'",
    ]);
  });

  it('defaults a task to std.noop with keep-result true, and reads workflow tasks with inline input', () => {
    const doc = parse(yaml`
      version: '2.0'
      main:
        tasks:
          idle:
            on-success: sub
          sub:
            workflow: other x=1
            keep-result: false
            target: <% $.host %>
            safe-rerun: true
            description: calls another workflow
            tags: [a]
      other:
        input: [x]
        tasks:
          t:
            action: std.noop
    `);
    const { idle, sub } = doc.workflows['main']!.tasks;
    expect(idle).to.deep.include({ kind: 'action', target: 'std.noop', inlineInput: {}, keepResult: true });
    expect(sub).to.deep.include({
      kind: 'workflow',
      target: 'other',
      inlineInput: { x: 1 },
      keepResult: false,
      targetHost: '<% $.host %>',
      safeRerun: true,
      description: 'calls another workflow',
      tags: ['a'],
    });
  });

  it('reads task-defaults: policies, clauses and requires', () => {
    const doc = parse(yaml`
      version: '2.0'
      main:
        task-defaults:
          wait-before: 1
          timeout: <% $.t %>
          on-complete: [audit]
          retry: count=1 delay=0
        tasks:
          work:
            action: std.noop
          audit:
            action: std.noop
    `);
    const defaults = doc.workflows['main']!.taskDefaults;
    expect(defaults).to.deep.include({ waitBefore: 1, timeout: '<% $.t %>', retry: { count: 1, delay: 0 } });
    expect(bare(defaults.onComplete!.next)).to.deep.equal([{ kind: 'task', task: 'audit' }]);
  });

  it('reads hooks on workflows and tasks, single or listed, guarded or not', () => {
    const doc = parse(yaml`
      version: '2.0'
      main:
        on-enter: std.echo output="start"
        on-exit:
          - std.echo output="bye"
          - std.echo output=<% $.error %>: <% $.error != null %>
        tasks:
          t1:
            on-enter: std.noop
            on-exit: [std.noop]
    `);
    const wf = doc.workflows['main']!;
    expect(wf.onEnter).to.deep.equal([
      { action: 'std.echo', input: { output: 'start' }, pos: wf.onEnter[0]!.pos },
    ]);
    expect(wf.onEnter[0]!.pos).to.deep.include({ line: 3, col: 13 });
    expect(wf.onExit.map(({ pos: _p, ...h }) => h)).to.deep.equal([
      { action: 'std.echo', input: { output: 'bye' } },
      { action: 'std.echo', input: { output: '<% $.error %>' }, guard: '<% $.error != null %>' },
    ]);
    expect(wf.onExit[1]!.pos).to.deep.include({ line: 6, col: 7 });
    expect(wf.tasks['t1']!.onEnter.map((h) => h.action)).to.deep.equal(['std.noop']);
    expect(wf.tasks['t1']!.onExit.map((h) => h.action)).to.deep.equal(['std.noop']);
  });

  it('merges an ad-hoc action’s inline base parameters with base-input, base-input winning', () => {
    const doc = parse(yaml`
      version: '2.0'
      name: wb
      actions:
        a1:
          base: std.echo output="inline" delay=1
          base-input:
            output: <% $.x %>
        a2:
          base: a1
      workflows:
        main:
          tasks:
            t1:
              action: a2
    `);
    expect(doc.actions['wb.a1']!.baseInput).to.deep.equal({ output: '<% $.x %>', delay: 1 });
    expect(doc.actions['wb.a2']).to.deep.include({ base: 'a1', baseInput: {} });
  });

  it('keeps the listeners of a workbook as the bodies POST /v2/listeners takes', () => {
    const doc = parse(yaml`
      version: '2.0'
      name: wb
      listeners:
        hook:
          url: http://example.test/hook
          events: [WORKFLOW_SUCCEEDED]
          scope:
            workflow: main
        queue:
          transport:
            type: amqp
            routing_key: wb.events
          retry: [5, 60]
      workflows:
        main:
          tasks:
            t1:
              action: std.noop
    `);
    expect(doc.listeners).to.deep.equal({
      hook: {
        name: 'hook',
        url: 'http://example.test/hook',
        events: ['WORKFLOW_SUCCEEDED'],
        scope: { workflow: 'wb.main', workbook: 'wb' },
      },
      queue: {
        name: 'queue',
        transport: { type: 'amqp', routing_key: 'wb.events' },
        retry: [5, 60],
        scope: { workbook: 'wb' },
      },
    });
  });

  it('has no listeners without a listeners section', () => {
    const doc = parse(yaml`
      version: '2.0'
      name: wb
      workflows:
        main:
          tasks:
            t1:
              action: std.noop
    `);
    expect(doc.listeners).to.equal(undefined);
  });

  it('accepts version 2.0 written as a number and YAML merge keys', () => {
    const doc = parse(yaml`
      version: 2.0
      base: &base
        tasks:
          t1:
            action: std.noop
      derived:
        <<: *base
        description: reuses the tasks of base
    `);
    expect(Object.keys(doc.workflows)).to.deep.equal(['base', 'derived']);
    expect(doc.workflows['derived']!.tasks['t1']!.target).to.equal('std.noop');
  });
});
