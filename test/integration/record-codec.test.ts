/**
 * The runtime record layout (`store/records.ts`, `store/record-codec.ts`): a record read back equals the one
 * written, whether its fields hold their usual values (left out on disk) or not; a row written whole by an older
 * version reads the same; and an engine run through a real SQLite store reads back what it wrote, in fewer bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import type { ActionExecutionRecord, ExecutionRecord, TaskRecord } from '../../model/index.js';
import { Engine } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';
import { SpecRefs } from '../../store/spec-refs.js';
import type { ExecutionRuntime } from '../../store/types.js';
import type { WorkflowSpec } from '../../dsl/spec.js';
import {
  actionRecordFromRow,
  actionRecordText,
  actionRowOf,
  execRecordFromRow,
  execRecordText,
  execRowOf,
  taskRecordFromRow,
  taskRecordText,
  taskRowOf,
} from '../../store/records.js';

const exec: ExecutionRecord = {
  id: 'e1',
  workflowName: 'hello',
  workflowId: 'wf-1',
  workflowNamespace: '',
  description: '',
  tags: [],
  params: {},
  input: { name: 'x' },
  output: { greeting: 'hi' },
  state: 'SUCCESS',
  stateInfo: null,
  taskExecutionId: null,
  parentExecutionId: null,
  rootExecutionId: null,
  publishedGlobal: {},
  createdAt: 1,
  updatedAt: 2,
};
const task: TaskRecord = {
  id: 't1',
  name: 'greet',
  workflowExecutionId: 'e1',
  workflowName: 'hello',
  workflowId: 'wf-1',
  workflowNamespace: '',
  state: 'SUCCESS',
  stateInfo: null,
  type: 'ACTION',
  inContext: { name: 'x' },
  published: {},
  result: null,
  runtimeContext: { pause_before_done: true, run_started_at: 5, action_name: 'std.echo', with_items: 1 },
  processed: true,
  createdAt: 3,
  updatedAt: 4,
  startedAt: 3,
  finishedAt: null,
};
const action: ActionExecutionRecord = {
  id: 'a1',
  name: 'std.echo',
  taskExecutionId: 't1',
  workflowExecutionId: 'e1',
  workflowName: 'hello',
  taskName: 'greet',
  state: 'SUCCESS',
  stateInfo: null,
  input: {},
  output: { result: 'hi' },
  kind: 'action',
  index: 0,
  accepted: true,
  attempt: 1,
  createdAt: 5,
  updatedAt: 6,
};

/** A record's row with another stored JSON (as an older version wrote it). */
const withRecord = (row: Record<string, unknown>, record: string) => ({ ...row, record });
const execRow = (r: ExecutionRecord, record: string) => withRecord(execRowOf(r), record);
/** A task's row as read, with its execution's workflow id (`TASK_RECORD_COLUMNS`). */
const taskRow = (r: TaskRecord, record: string) => ({
  ...withRecord(taskRowOf(r), record),
  exec_workflow_id: r.workflowId,
});
/** An action's row as read, with its task's names (`ACTION_RECORD_COLUMNS`) when it has a task. */
const actionRow = (r: ActionExecutionRecord, record: string) => ({
  ...withRecord(actionRowOf(r), record),
  ...(r.taskExecutionId ? { task_workflow_name: r.workflowName, task_name: r.taskName } : {}),
});

describe('runtime record layout', () => {
  it('reads back records whose fields hold their usual values, and leaves those values off the disk', () => {
    const text = execRecordText(exec);
    expect(execRecordFromRow(execRow(exec, text))).to.deep.equal(exec);
    expect(text).to.not.match(/publishedGlobal|description|tags|"params"|stateInfo/);
    expect(taskRecordFromRow(taskRow(task, taskRecordText(task)))).to.deep.equal(task);
    expect(actionRecordFromRow(actionRow(action, actionRecordText(action)))).to.deep.equal(action);
    expect(actionRecordText(action)).to.not.match(/kind/);
    const hook: ActionExecutionRecord = { ...action, kind: 'hook' };
    expect(actionRecordFromRow(actionRow(hook, actionRecordText(hook)))).to.deep.equal(hook);
  });

  it('reads back records whose fields differ from the usual values', () => {
    const e: ExecutionRecord = {
      ...exec,
      workflowNamespace: 'ns',
      description: 'd',
      tags: ['a'],
      params: { env: { x: 1 } },
      stateInfo: 'boom',
      taskExecutionId: 't0',
      parentExecutionId: 'e0',
      rootExecutionId: 'e0',
      publishedGlobal: { g: 1 },
    };
    expect(execRecordFromRow(execRow(e, execRecordText(e)))).to.deep.equal(e);
    const t: TaskRecord = {
      ...task,
      type: 'WORKFLOW',
      published: { a: 1 },
      result: [1, 2],
      processed: false,
      finishedAt: 9,
      // A key of the engine's own that looks like an alias: the context is stored as it is.
      runtimeContext: { p: 1, has_next: true },
    };
    expect(taskRecordFromRow(taskRow(t, taskRecordText(t)))).to.deep.equal(t);
    const a: ActionExecutionRecord = {
      ...action,
      input: { x: 1 },
      index: 3,
      accepted: false,
      attempt: 2,
      isAsync: true,
    };
    expect(actionRecordFromRow(actionRow(a, actionRecordText(a)))).to.deep.equal(a);
  });

  it('reads rows written whole by an older version the same', () => {
    expect(execRecordFromRow(execRow(exec, JSON.stringify(exec)))).to.deep.equal(exec);
    expect(taskRecordFromRow(taskRow(task, JSON.stringify(task)))).to.deep.equal(task);
    expect(actionRecordFromRow(actionRow(action, JSON.stringify(action)))).to.deep.equal(action);
  });

  it("writes a task's start and finish as milliseconds after its creation and last update, and reads them back", () => {
    const t: TaskRecord = { ...task, createdAt: 1_796_000_000_000, updatedAt: 1_796_000_000_009 };
    const done: TaskRecord = { ...t, startedAt: 1_796_000_000_004, finishedAt: 1_796_000_000_009 };
    const text = taskRecordText(done);
    expect(JSON.parse(text)).to.include({ '~b': 4, '~e': 0 });
    expect(text).to.not.match(/1796/);
    expect(taskRecordFromRow(taskRow(done, text))).to.deep.equal(done);
    // Not started yet: null stays the usual value, left out.
    const fresh: TaskRecord = { ...t, startedAt: null, finishedAt: null };
    expect(taskRecordFromRow(taskRow(fresh, taskRecordText(fresh)))).to.deep.equal(fresh);
    // Written before the relative form (aliased, absolute): read the same.
    const { '~b': _b, '~e': _e, ...rest } = JSON.parse(text) as Record<string, unknown>;
    const old = JSON.stringify({ ...rest, '~a': done.startedAt, '~f': done.finishedAt });
    expect(taskRecordFromRow(taskRow(done, old))).to.deep.equal(done);
  });

  it("writes the context's true flags as one string and its run start relative to the task's start", () => {
    const runtimeContext = {
      pause_before_done: true,
      wait_before_done: true,
      wait_after_done: false,
      has_next: true,
      run_started_at: 1_796_000_000_007,
      action_name: 'std.echo',
    };
    const t: TaskRecord = { ...task, startedAt: 1_796_000_000_005, runtimeContext };
    const text = taskRecordText(t);
    expect(JSON.parse(text)['~x']).to.deep.equal({ '!': 'pbh', a: false, S: 2, n: 'std.echo' });
    expect(taskRecordFromRow(taskRow(t, text))).to.deep.equal(t);
    // No start time to be relative to: the run start is kept as it is.
    const unstarted: TaskRecord = { ...t, startedAt: null };
    expect(taskRecordFromRow(taskRow(unstarted, taskRecordText(unstarted)))).to.deep.equal(unstarted);
    // A context with keys of its own named like the flags' or the run start's alias is stored as it is.
    for (const own of [{ '!': 'p' }, { S: 1, run_started_at: 2 }]) {
      const o: TaskRecord = { ...t, runtimeContext: own };
      expect(taskRecordFromRow(taskRow(o, taskRecordText(o)))).to.deep.equal(o);
    }
    // Written before the flags: one alias per key, read the same.
    const old = JSON.stringify({
      '~x': { p: true, b: true, a: false, h: true, s: 1_796_000_000_007, n: 'std.echo' },
    });
    const read = taskRecordFromRow(taskRow(t, old));
    expect(read.runtimeContext).to.deep.equal(runtimeContext);
  });

  it("leaves a top-level execution's root column NULL and reads older rows holding its own id the same", () => {
    const row = execRowOf(exec);
    expect(row.root_execution_id).to.equal(null);
    expect(execRecordFromRow(row)).to.deep.equal(exec);
    expect(execRecordFromRow({ ...row, root_execution_id: exec.id })).to.deep.equal(exec);
    const sub: ExecutionRecord = { ...exec, id: 'e2', taskExecutionId: 't0', rootExecutionId: 'e1' };
    expect(execRowOf(sub).root_execution_id).to.equal('e1');
    expect(execRecordFromRow(execRowOf(sub))).to.deep.equal(sub);
    // A root naming the execution itself stays in the JSON, which wins over the column.
    const self: ExecutionRecord = { ...exec, rootExecutionId: 'e1' };
    expect(execRecordFromRow(execRowOf(self))).to.deep.equal(self);
  });

  it("leaves out an execution's initial context when it is its input, and reads it back as a copy", () => {
    const specs = new SpecRefs();
    const spec = { name: 'hello' } as unknown as WorkflowSpec;
    const input = { name: 'x', n: { deep: 1 } };
    const rt: ExecutionRuntime = {
      initialContext: { ...input },
      seq: 3,
      machine: {},
      deferred: [],
      spec,
      env: {},
      lastError: null,
    };
    const { runtime } = specs.encode(rt, input);
    expect(runtime).to.equal('{"seq":3,"~L":null}');
    const { spec: _spec, ...stored } = rt;
    const read = specs.decode(runtime, null, input);
    expect(read).to.deep.equal(stored);
    expect(read.initialContext).to.not.equal(input);
    // With vars (or any value other than the input's own), it is stored.
    for (const initialContext of [{ ...input, v: 1 }, { name: 'x' }, { ...input, n: { deep: 1 } }]) {
      const r = { ...rt, initialContext };
      const text = specs.encode(r, input).runtime;
      expect(text).to.match(/initialContext/);
      expect(specs.decode(text, null, input)).to.deep.equal({ ...stored, initialContext });
    }
    // Written before: the context and lastError by their names, read the same.
    const old = JSON.stringify({ initialContext: { ...input }, seq: 3, lastError: null });
    expect(specs.decode(old, null, input)).to.deep.equal(stored);
  });

  it("leaves an action's workflow and task names to its task's row, and keeps a standalone action's", () => {
    const text = actionRecordText(action);
    expect(text).to.not.match(/hello|greet/);
    expect(actionRecordFromRow(actionRow(action, text))).to.deep.equal(action);
    for (const taskExecutionId of [null, '']) {
      const standalone: ActionExecutionRecord = {
        ...action,
        taskExecutionId,
        workflowName: '',
        taskName: null,
      };
      expect(actionRecordFromRow(actionRow(standalone, actionRecordText(standalone)))).to.deep.equal(
        standalone,
      );
    }
    // Written before: the names in the JSON win over the task's.
    const old = JSON.stringify({ ...JSON.parse(text), '~W': 'hello', '~k': 'greet' });
    const row = { ...actionRow(action, old), task_workflow_name: 'other', task_name: 'other' };
    expect(actionRecordFromRow(row)).to.deep.equal(action);
  });

  it("leaves a task's workflow id to its execution's row, and reads older rows holding it the same", () => {
    const text = taskRecordText(task);
    expect(text).to.not.match(/wf-1/);
    expect(taskRecordFromRow(taskRow(task, text))).to.deep.equal(task);
    const old = JSON.stringify({ ...JSON.parse(text), '~w': 'wf-1' });
    expect(taskRecordFromRow({ ...taskRow(task, old), exec_workflow_id: 'other' })).to.deep.equal(task);
  });

  it('gives a fresh object for each usual empty value (a reader may change its copy)', () => {
    const text = taskRecordText(task);
    const one = taskRecordFromRow(taskRow(task, text));
    one.published.x = 1;
    expect(taskRecordFromRow(taskRow(task, text)).published).to.deep.equal({});
  });

  it('stores what an engine run writes in the compact layout and reads it back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-records-'));
    const file = path.join(dir, 'tram.db');
    const engine = await Engine.start({ store: new SqliteStore({ path: file }) });
    try {
      await engine.load(`
version: '2.0'
hello:
  input: [name]
  tasks:
    t1:
      action: std.echo output="Hello, <% $.name %>"
      publish: {greeting: <% task().result %>}
      on-success: [t2]
    t2:
      action: std.noop
`);
      const ex = await engine.startExecution({ workflow: 'hello', input: { name: 'x' } });
      await engine.waitFor(ex.id);
      expect((await engine.store.getExecution(ex.id))?.record.state).to.equal('SUCCESS');
      const tasks = await engine.store.listTasks({ workflowExecutionId: ex.id });
      // By name: both tasks may be created in the same millisecond, and ids within one are random.
      tasks.sort((a, b) => a.name.localeCompare(b.name));
      expect(tasks.map((t) => [t.name, t.state, t.published])).to.deep.equal([
        ['t1', 'SUCCESS', { greeting: 'Hello, x' }],
        ['t2', 'SUCCESS', {}],
      ]);
      const raw = new Database(file, { readonly: true });
      const text = raw
        .prepare(`SELECT record FROM task_executions WHERE workflow_execution_id = ? AND name = 't2'`)
        .pluck()
        .get(ex.id) as string;
      raw.close();
      expect(text).to.not.match(/workflowNamespace|stateInfo|pause_before_done/);
    } finally {
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
