import { expect } from 'chai';
import { STD_ONLY, issuesOf, yaml } from './helpers.js';

describe('DSL semantic checks', () => {
  it('counts inbound tasks of a join through task-defaults, never from the task itself', () => {
    const text = yaml`
      version: '2.0'
      main:
        task-defaults:
          on-complete: [merge]
        tasks:
          start:
            on-success: [a]
          a:
            action: std.noop
          merge:
            join: 3
    `;
    // start and a reach merge through the default clause; merge's own default is dropped.
    expect(issuesOf(text)).to.deep.equal([
      "10:5 warning: join task 'merge' waits for 3 tasks but only 2 transition to it",
    ]);
  });

  it('reports a direct workflow without a start task', () => {
    const text = yaml`
      version: '2.0'
      loop:
        tasks:
          a:
            on-success: b
          b:
            on-success: a
    `;
    expect(issuesOf(text)).to.deep.equal([
      "2:1 workflow 'loop' has no start task: every task is the target of a transition",
    ]);
  });

  it('reports transitions of task-defaults to unknown tasks', () => {
    const text = yaml`
      version: '2.0'
      main:
        task-defaults:
          on-error: [handlr]
        tasks:
          handler:
            action: std.noop
    `;
    expect(issuesOf(text)).to.deep.equal([
      "4:16 task-defaults of workflow 'main': transition to unknown task 'handlr' (did you mean 'handler'?)",
    ]);
  });

  it('reports keys of the other workflow type', () => {
    const text = yaml`
      version: '2.0'
      direct_wf:
        tasks:
          a:
            requires: [b]
          b:
            action: std.noop
      reverse_wf:
        type: reverse
        tasks:
          a:
            on-error: b
            on-complete: b
          b:
            action: std.noop
    `;
    expect(issuesOf(text)).to.deep.equal([
      "5:7 task 'a': 'requires' is only allowed in reverse workflows",
      "12:7 task 'a': 'on-error' is only allowed in direct workflows (this one is reverse)",
      "13:7 task 'a': 'on-complete' is only allowed in direct workflows (this one is reverse)",
    ]);
  });

  it('reports requires of unknown tasks, in tasks and task-defaults', () => {
    const text = yaml`
      version: '2.0'
      main:
        type: reverse
        task-defaults:
          requires: init
        tasks:
          setup:
            action: std.noop
          run:
            requires: [setup, stup]
    `;
    expect(issuesOf(text)).to.deep.equal([
      "5:15 task-defaults of workflow 'main': requires unknown task 'init'",
      "10:25 task 'run': requires unknown task 'stup' (did you mean 'setup'?)",
    ]);
  });

  it('reports workflow names shaped like a UUID and task names over the length limits', () => {
    const long = 'x'.repeat(256);
    const longJoin = 'j'.repeat(209);
    const text = yaml`
      version: '2.0'
      123e4567-e89b-12d3-a456-426614174000:
        tasks:
          ${long}:
            on-success: ${longJoin}
          ${longJoin}:
            join: all
    `;
    expect(issuesOf(text)).to.deep.equal([
      "2:1 workflow name '123e4567-e89b-12d3-a456-426614174000' must not have the form of a UUID",
      `4:5 task name '${'x'.repeat(20)}…' is 256 characters long (at most 255)`,
      `6:5 join task name '${'j'.repeat(20)}…' is 209 characters long (at most 208)`,
    ]);
  });

  it('reports duplicate workflows and tasks with the line of the first definition', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            action: std.noop
          t1:
            action: std.echo output=1
      main:
        tasks:
          t1:
            action: std.noop
    `;
    expect(issuesOf(text)).to.deep.equal([
      "6:5 duplicate task 't1' (first defined at line 4)",
      "8:1 duplicate workflow 'main' (first defined at line 2)",
    ]);
  });

  it('resolves workflows locally, then asks the caller; expression names are not checked', () => {
    const text = yaml`
      version: '2.0'
      name: wb
      workflows:
        main:
          tasks:
            local:
              workflow: helper
              on-success: [stored, computed, missing]
            stored:
              workflow: shared.stored
            computed:
              workflow: <% $.which %>
            missing:
              workflow: helpr
        helper:
          tasks:
            t:
              action: <% $.action %> x=1
    `;
    const opts = { isKnownAction: () => false, isKnownWorkflow: (n: string) => n === 'shared.stored' };
    expect(issuesOf(text, opts)).to.deep.equal([
      "14:19 warning: task 'missing': unknown workflow 'helpr' (did you mean 'helper'?)",
    ]);
  });

  it('skips a reference check when the caller cannot tell', () => {
    const text = yaml`
      version: '2.0'
      main:
        on-enter: acme.start
        tasks:
          t1:
            action: acme.anything
            on-success: t2
          t2:
            workflow: anywhere
    `;
    expect(issuesOf(text, {})).to.deep.equal([]);
    expect(issuesOf(text, { isKnownAction: () => false })).to.deep.equal([
      "3:13 warning: workflow 'main': unknown action 'acme.start'",
      "6:15 warning: task 't1': unknown action 'acme.anything'",
    ]);
  });

  it('reports unknown hook actions, ad-hoc bases and ad-hoc cycles', () => {
    const text = yaml`
      version: '2.0'
      name: wb
      actions:
        a:
          base: b
        b:
          base: wb.a
        c:
          base: std.ecoh
      workflows:
        main:
          tasks:
            t1:
              action: c
              on-exit:
                - std.nope: <% true %>
    `;
    expect(issuesOf(text)).to.deep.equal([
      '5:11 ad-hoc action cycle: wb.a -> wb.b -> wb.a',
      "9:11 warning: action 'c': unknown base action 'std.ecoh'",
      "16:13 warning: task 't1': unknown action 'std.nope'",
    ]);
  });

  it('reports names declared twice in input and with-items', () => {
    const text = yaml`
      version: '2.0'
      main:
        input:
          - x
          - x: 1
        tasks:
          t1:
            with-items:
              - i in [1]
              - i in [2]
    `;
    expect(issuesOf(text)).to.deep.equal([
      "5:7 workflow 'main': 'input': 'x' is declared twice",
      "10:11 task 't1': 'with-items[1]': variable 'i' is used twice",
    ]);
  });

  it('reports a task input that is neither a mapping nor an expression', () => {
    const text = yaml`
      version: '2.0'
      main:
        tasks:
          t1:
            input: hello
            on-success: t2
          t2:
            input: <% $.computed %>
    `;
    expect(issuesOf(text)).to.deep.equal(["5:14 task 't1': 'input' must be a mapping or an expression"]);
  });

  it('reads any document that is not a workbook as actions when asked, and names what it lacks', () => {
    const asActions = { ...STD_ONLY, asActions: true };
    expect(issuesOf("version: '2.0'\n", asActions)).to.deep.equal(['1:1 document defines no action']);
    expect(issuesOf('greet:\n  base: std.noop\n', asActions)).to.deep.equal(["1:1 document needs 'version'"]);
    expect(issuesOf("version: '2.0'\nbroken:\n  bse: std.echo\n", asActions)).to.deep.equal([
      "2:1 action 'broken' needs 'base'",
      "3:3 unknown key 'bse' in action 'broken' (did you mean 'base'?)",
    ]);
    expect(issuesOf("version: '2.0'\nname: wb\n", asActions)).to.deep.equal([]);
  });

  it('reports documents of the wrong shape', () => {
    expect(issuesOf("version: '2.0'\n")).to.deep.equal(['1:1 document defines no workflow']);
    expect(issuesOf('- a\n')).to.deep.equal([
      "1:1 document must be a mapping: a workbook (with 'name') or workflows keyed by name",
    ]);
    expect(
      issuesOf("version: '3.0'\nname: wb\nworkflows:\n  bad.name:\n    tasks: {t: {action: std.noop}}\n"),
    ).to.deep.equal([
      "1:10 workbook: 'version' must be '2.0'",
      "4:3 workbook: 'workflows': invalid name 'bad.name' (use letters, digits, '_' and '-')",
    ]);
    expect(issuesOf("version: '2.0'\nmain:\n  type: sideways\n  tasks: []\n")).to.deep.equal([
      "3:9 workflow 'main': 'type' must be 'direct' or 'reverse'",
      "4:3 workflow 'main': 'tasks' must be a mapping of task names to tasks",
    ]);
  });
});
