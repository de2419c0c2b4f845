/**
 * The example workbooks in `workbooks/`: each one must parse, and each documented run must end as documented.
 *
 * The table below lists, per workbook, the run its header comment documents (`# Run: tram run ...`, checked to be
 * in the table) and the other paths it describes, with the expected final state and output values. Each run gets
 * its own engine on an in-memory store; executions that pause are resumed as often as the table says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseDocument } from '../../dsl/index.js';
import {
  Engine,
  type ActionExecutionRecord,
  type ExecutionRecord,
  type WorkflowState,
} from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = path.join(ROOT, 'workbooks');
const SETTLED: WorkflowState[] = ['PAUSED', 'SUCCESS', 'ERROR', 'CANCELLED'];

interface Run {
  file: string;
  /** What the run shows (the test title). */
  title: string;
  workflow: string;
  input: Record<string, unknown>;
  params?: Record<string, unknown>;
  /** How many times the execution pauses (and is resumed). */
  pauses?: number;
  state: 'SUCCESS' | 'ERROR';
  stateInfo?: string | RegExp;
  /** Expected output entries: deep equality per key, or a pattern for strings. */
  output: Record<string, unknown>;
  /** Further checks on the finished execution. */
  check?: (x: Finished) => Promise<void>;
}

interface Finished {
  engine: Engine;
  ex: ExecutionRecord;
  /** Outputs of the hook runs of a task (by name) or, without a name, of the workflow itself; sorted. */
  hooks(task?: string): Promise<unknown[]>;
  /** The action executions (kind `action`) of the last execution of a task. */
  actions(task: string): Promise<ActionExecutionRecord[]>;
  /** Task names, one entry per task execution, sorted. */
  taskNames(): Promise<string[]>;
  /** Event types of one entity (a task name, or the workflow), in sequence order. */
  events(task?: string): Promise<string[]>;
}

const RUNS: Run[] = [
  // ---- order-pipeline.yaml (npm run demo)
  {
    file: 'order-pipeline.yaml',
    title: 'reserves, charges in a sub-workflow and ships',
    workflow: 'order_pipeline.process',
    input: { order_id: 'A-100', items: ['tea', 'milk'] },
    state: 'SUCCESS',
    output: {
      order_id: 'A-100',
      reserved: ['tea@main', 'milk@main'],
      total: 6,
      payment: 'PAY-A-100',
      shipment: 'A-100: 2 parcel(s) via post',
    },
    async check(x) {
      expect(await x.hooks()).to.deep.equal(['order A-100 ended in state SUCCESS', 'order A-100 received']);
      expect(await x.hooks('reserve')).to.deep.equal(['reservation SUCCESS', 'reserving 2 item(s)']);
      expect((await x.actions('reserve')).map((a) => a.output)).to.have.deep.members([
        { result: 'tea@main' },
        { result: 'milk@main' },
      ]);
      expect(await x.taskNames()).to.deep.equal(['pay', 'price', 'reserve', 'ship', 'validate']);
      expect(await x.events('pay')).to.deep.equal(['TASK_RESUMED', 'TASK_SUCCEEDED']);
    },
  },
  {
    file: 'order-pipeline.yaml',
    title: 'refuses an empty order with the fail command',
    workflow: 'order_pipeline.process',
    input: { order_id: 'A-101', items: [] },
    state: 'ERROR',
    stateInfo: 'an order needs at least one item',
    output: { result: 'an order needs at least one item' },
    async check(x) {
      expect(await x.hooks()).to.deep.equal(['order A-101 ended in state ERROR', 'order A-101 received']);
      expect(await x.taskNames()).to.deep.equal(['validate']);
    },
  },
  // ---- welcome-email.yaml
  {
    file: 'welcome-email.yaml',
    title: 'composes a message with YAQL, Jinja and env()',
    workflow: 'welcome.compose',
    input: { user: 'ada', interests: ['sailing', 'weather', 'maps'] },
    params: { env: { team: 'the Tramontane team' } },
    state: 'SUCCESS',
    output: {
      subject: 'Hello, Ada!',
      topics: ['sailing', 'weather'],
      topic_count: 2,
      body: 'We picked sailing, weather for you.',
      signed_by: 'the Tramontane team',
      envelope: { to: 'ada', subject: 'Hello, Ada!' },
      message_id_length: 36,
      workflow: 'welcome.compose',
      steps: 3,
    },
  },
  {
    file: 'welcome-email.yaml',
    title: 'falls back on input defaults and an empty env',
    workflow: 'welcome.compose',
    input: { user: 'ada', lang: 'fr' },
    state: 'SUCCESS',
    output: {
      subject: 'Bonjour, Ada!',
      topics: [],
      topic_count: 0,
      body: 'Tell us what you like.',
      signed_by: 'The Team',
    },
  },
  // ---- inventory-sync.yaml
  {
    file: 'inventory-sync.yaml',
    title: 'breaks off retries, polls with continue-on, handles errors by task-defaults',
    workflow: 'inventory.sync',
    input: { sku: 'tea' },
    state: 'SUCCESS',
    output: {
      sku: 'tea',
      source: 'mirror',
      primary_error: '403 forbidden',
      stock: 3,
      reorder_qty: 2,
      alert: 'operators not paged - pager offline',
    },
    async check(x) {
      expect(await x.actions('fetch_primary')).to.have.length(1); // break-on: no retry
      expect(await x.actions('wait_for_stock')).to.have.length(3); // continue-on: first run + 2 retries
      expect(await x.actions('page_operators')).to.have.length(2); // task-defaults retry count=1
      expect(await x.taskNames()).to.deep.equal([
        'alert',
        'fetch_mirror',
        'fetch_primary',
        'page_operators',
        'reorder',
        'wait_for_stock',
      ]);
    },
  },
  // ---- build-release.yaml
  {
    file: 'build-release.yaml',
    title: 'runs exactly what the target task requires',
    workflow: 'build.release',
    input: { version: '2.4.0' },
    params: { task_name: 'package' },
    state: 'SUCCESS',
    output: {
      artifact: 'app-2.4.0+b42.tgz',
      build_number: 42,
      checks: ['lint ok', '128 tests passed'],
      ran: ['checkout', 'compile', 'install_deps', 'lint', 'package', 'unit_tests'],
    },
  },
  {
    file: 'build-release.yaml',
    title: 'stops at an intermediate target',
    workflow: 'build.release',
    input: { version: '2.4.0' },
    params: { task_name: 'compile' },
    state: 'SUCCESS',
    output: { artifact: null, build_number: 42, checks: [], ran: ['checkout', 'compile', 'install_deps'] },
  },
  // ---- nightly-report.yaml
  {
    file: 'nightly-report.yaml',
    title: 'fans out with-items, waits, and publishes on a 2-of-3 join',
    workflow: 'reports.nightly',
    input: { date: '2024-05-31' },
    state: 'SUCCESS',
    output: {
      date: '2024-05-31',
      totals: [120, 80, 45],
      total: 245,
      best_region: 'emea',
      title: 'Sales 2024-05-31 - 245 orders',
      uploaded_to: ['s3', 'sftp'],
      backup_error: 'backup bucket full',
      status: 'published',
    },
    async check(x) {
      expect(await x.taskNames()).to.include('note_backup_failure');
      expect(await x.actions('collect')).to.have.length(3);
      // Mistral's event quirks: wait-before launches twice, wait-after succeeds twice, a join task resumes.
      expect(await x.events('render')).to.deep.equal(['TASK_LAUNCHED', 'TASK_LAUNCHED', 'TASK_SUCCEEDED']);
      expect(await x.events('published')).to.deep.equal(['TASK_RESUMED', 'TASK_SUCCEEDED', 'TASK_SUCCEEDED']);
    },
  },
  // ---- release-gate.yaml
  {
    file: 'release-gate.yaml',
    title: 'deploys once the veto window times out',
    workflow: 'release_gate.promote',
    input: { version: '3.1.0' },
    state: 'SUCCESS',
    output: {
      version: '3.1.0',
      staged_at: 'staging/3.1.0',
      deployed_to: 'production/3.1.0',
      announcement: 'Released 3.1.0',
      vetoed_by: null,
    },
    async check(x) {
      const veto = (await x.engine.listTasks(x.ex.id)).find((t) => t.name === 'veto_window');
      expect(veto?.state).to.equal('ERROR');
      expect(veto?.stateInfo).to.match(/timed out/i);
    },
  },
  {
    file: 'release-gate.yaml',
    title: 'fails with the gate message and output-on-error',
    workflow: 'release_gate.promote',
    input: { version: '3.1.0', coverage: 70 },
    state: 'ERROR',
    stateInfo: 'coverage below the 80 percent gate',
    output: { result: 'coverage below the 80 percent gate', version: '3.1.0', coverage: 70 },
  },
  {
    file: 'release-gate.yaml',
    title: 'ends a dry run early with succeed',
    workflow: 'release_gate.promote',
    input: { version: '3.1.0', dry_run: true },
    state: 'SUCCESS',
    stateInfo: 'dry run - nothing was deployed',
    output: { version: '3.1.0', staged_at: null, deployed_to: null },
  },
  {
    file: 'release-gate.yaml',
    title: 'pauses after staging and before deploying',
    workflow: 'release_gate.promote',
    input: { version: '3.1.0', manual_check: true },
    pauses: 2,
    state: 'SUCCESS',
    output: { deployed_to: 'production/3.1.0', announcement: 'Released 3.1.0' },
    async check(x) {
      expect(await x.events()).to.deep.equal([
        'WORKFLOW_LAUNCHED',
        'WORKFLOW_PAUSED',
        'WORKFLOW_RESUMED',
        'WORKFLOW_PAUSED',
        'WORKFLOW_RESUMED',
        'WORKFLOW_SUCCEEDED',
      ]);
    },
  },
  // ---- backup-audit.yaml
  {
    file: 'backup-audit.yaml',
    title: 'records every hook run; a failing on-exit hook changes nothing',
    workflow: 'backup.volume',
    input: { volume: 'data-01' },
    state: 'SUCCESS',
    output: { volume: 'data-01', snapshot: 'snap-data-01', archive: 'snap-data-01.tar', lock_error: null },
    async check(x) {
      expect(await x.hooks()).to.deep.equal([
        'audit - backup of data-01 ended SUCCESS',
        'audit - backup of data-01 started',
      ]);
      expect(await x.hooks('check_quota')).to.deep.equal(['checking 40 GB against a quota of 100']);
      expect(await x.hooks('snapshot')).to.deep.equal(['locking data-01', 'unlocking data-01 after SUCCESS']);
      expect(await x.hooks('upload')).to.deep.equal([
        'metrics endpoint unreachable',
        'uploaded snap-data-01.tar',
      ]);
      const upload = (await x.engine.listTasks(x.ex.id)).find((t) => t.name === 'upload');
      expect(upload?.state).to.equal('SUCCESS');
    },
  },
  {
    file: 'backup-audit.yaml',
    title: 'a failing on-enter hook fails its task before the action runs',
    workflow: 'backup.volume',
    input: { volume: 'locked-01' },
    state: 'SUCCESS',
    output: {
      volume: 'locked-01',
      snapshot: null,
      archive: null,
      lock_error: /^on-enter hook 'std\.fail' failed: .*lock held by another job/,
    },
    async check(x) {
      expect(await x.actions('snapshot')).to.have.length(0);
      expect(await x.hooks('snapshot')).to.deep.equal([
        'lock held by another job',
        'locking locked-01',
        'unlocking locked-01 after ERROR',
      ]);
      const hooks = await x.hooks();
      expect(hooks).to.have.length(3);
      expect(hooks.slice(0, 2)).to.deep.equal([
        'audit - backup of locked-01 ended SUCCESS',
        'audit - backup of locked-01 started',
      ]);
      expect(hooks[2]).to.match(/^audit - last task error - on-enter hook 'std\.fail' failed: .*lock held/);
      expect(await x.taskNames()).to.deep.equal(['check_quota', 'report_lock', 'snapshot']);
    },
  },
  // ---- listeners.yaml (its listeners are created by a server; the engine alone runs the workflow)
  {
    file: 'listeners.yaml',
    title: 'builds and tests a commit',
    workflow: 'listeners.build',
    input: { commit: 'a1b2c3d' },
    state: 'SUCCESS',
    output: { artifact: 'build-a1b2c3d.tar.gz', tests: '12 passed' },
  },
  {
    file: 'listeners.yaml',
    title: 'fails the build when the tests fail',
    workflow: 'listeners.build',
    input: { commit: 'a1b2c3d', break_tests: true },
    state: 'ERROR',
    stateInfo: 'tests failed for a1b2c3d',
    output: { result: 'tests failed for a1b2c3d', tests: '3 of 12 failed' },
    async check(x) {
      expect(await x.events('test')).to.include('TASK_FAILED');
    },
  },
];

/** The `tram run` command in a workbook's header comment, as arguments. */
function documentedRun(text: string): { workflow: string; input: unknown; params: unknown } | null {
  const line = text.split('\n').find((l) => /^#\s+tram run /.test(l));
  if (!line) return null;
  const workflow = /--workflow (\S+)/.exec(line)?.[1];
  const input = /--input '([^']*)'/.exec(line)?.[1];
  const params = /--params '([^']*)'/.exec(line)?.[1];
  return { workflow: workflow ?? '', input: JSON.parse(input ?? '{}'), params: JSON.parse(params ?? '{}') };
}

async function execute(run: Run, text: string): Promise<void> {
  const engine = await Engine.start({ store: new SqliteStore({ path: ':memory:' }) });
  try {
    await engine.load(text, { file: path.join('workbooks', run.file) });
    const started = await engine.startExecution({
      workflow: run.workflow,
      input: run.input,
      params: run.params ?? {},
    });
    let ex = await engine.waitFor(started.id, SETTLED);
    let pauses = 0;
    while (ex.state === 'PAUSED' && pauses < 10) {
      pauses++;
      await engine.setExecutionState(ex.id, 'RUNNING');
      ex = await engine.waitFor(ex.id, SETTLED);
    }
    await engine.idle(); // workflow on-exit hooks run after the terminal state is committed
    expect(pauses, 'pauses').to.equal(run.pauses ?? 0);
    expect(ex.state, `state (${ex.stateInfo ?? ''})`).to.equal(run.state);
    if (typeof run.stateInfo === 'string') expect(ex.stateInfo).to.equal(run.stateInfo);
    else if (run.stateInfo) expect(ex.stateInfo).to.match(run.stateInfo);
    const output = (ex.output ?? {}) as Record<string, unknown>;
    for (const [key, want] of Object.entries(run.output)) {
      if (want instanceof RegExp) expect(output[key], `output.${key}`).to.be.a('string').and.match(want);
      else expect(output[key], `output.${key}`).to.deep.equal(want);
    }
    if (!run.check) return;
    const tasks = await engine.listTasks(ex.id);
    const lastTask = (name: string) => {
      const t = tasks.filter((x) => x.name === name).at(-1);
      if (!t) throw new Error(`no task '${name}' ran`);
      return t;
    };
    const outputs = (acts: ActionExecutionRecord[]) =>
      acts
        .filter((a) => a.kind === 'hook')
        .map((a) => (a.output as { result?: unknown } | null)?.result)
        .sort();
    const events = await engine.readEvents({ executionId: ex.id });
    await run.check({
      engine,
      ex,
      async hooks(task) {
        if (task) return outputs(await engine.listActionExecutions(lastTask(task).id));
        const all = await engine.store.listActionExecutions({ workflowExecutionId: ex.id });
        return outputs(all.filter((a) => a.taskExecutionId === null));
      },
      async actions(task) {
        return (await engine.listActionExecutions(lastTask(task).id)).filter((a) => a.kind === 'action');
      },
      async taskNames() {
        return tasks.map((t) => t.name).sort();
      },
      async events(task) {
        const ids = task ? new Set(tasks.filter((t) => t.name === task).map((t) => t.id)) : new Set([ex.id]);
        return events
          .filter((e) => ids.has(e.entityId))
          .sort((a, b) => a.sequence - b.sequence)
          .map((e) => e.eventType);
      },
    });
  } finally {
    await engine.close();
  }
}

describe('example workbooks (workbooks/*.yaml)', function () {
  this.timeout(30_000);
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  it('has 6 to 8 workbooks, each with runs in the table', () => {
    expect(files.length).to.be.within(6, 8);
    for (const f of files)
      expect(
        RUNS.some((r) => r.file === f),
        f,
      ).to.equal(true);
    for (const r of RUNS) expect(files, r.file).to.include(r.file);
  });

  it('npm run demo runs the documented order pipeline', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { demo: string };
    };
    const header = fs.readFileSync(path.join(DIR, 'order-pipeline.yaml'), 'utf8');
    const line = header.split('\n').find((l) => /^#\s+tram run /.test(l))!;
    expect(pkg.scripts.demo.replace(/^node dist\/cli\/main\.js /, '')).to.equal(
      line.replace(/^#\s+tram /, ''),
    );
  });

  for (const file of files) {
    describe(file, () => {
      const text = fs.readFileSync(path.join(DIR, file), 'utf8');

      it('parses', () => {
        const doc = parseDocument(text, path.join('workbooks', file));
        expect(doc.kind).to.equal('workbook');
      });

      it('documents a `tram run` command that the table runs', () => {
        const doc = documentedRun(text);
        expect(doc, 'a "# tram run ..." line in the header').to.not.equal(null);
        expect(text).to.include(`tram run workbooks/${file} `);
        const runs = RUNS.filter((r) => r.file === file && r.workflow === doc!.workflow);
        expect(runs.map((r) => ({ input: r.input, params: r.params ?? {} }))).to.deep.include({
          input: doc!.input,
          params: doc!.params,
        });
      });

      for (const run of RUNS.filter((r) => r.file === file)) {
        it(`${run.workflow}: ${run.title}`, () => execute(run, text));
      }
    });
  }
});
