/** The embedded store on a real SQLite file: atomic commits, migrations, recovery reads, paging. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ChangeSet, ExecutionRow } from '../../store/index.js';
import { SqliteStore } from '../../store/index.js';
import type { OutboxEvent } from '../../engine/index.js';

function execRow(id: string, state: ExecutionRow['record']['state'], createdAt: number): ExecutionRow {
  return {
    record: {
      id,
      workflowName: 'wf',
      workflowId: 'wf-id',
      workflowNamespace: '',
      description: '',
      tags: [],
      params: {},
      input: {},
      output: null,
      state,
      stateInfo: null,
      taskExecutionId: null,
      parentExecutionId: null,
      rootExecutionId: null,
      publishedGlobal: {},
      createdAt,
      updatedAt: createdAt,
    },
    runtime: {
      initialContext: {},
      seq: 0,
      machine: {},
      deferred: [],
      env: {},
      spec: { name: 'wf' } as ExecutionRow['runtime']['spec'],
    },
  };
}

function event(executionId: string, sequence: number): Omit<OutboxEvent, 'id'> {
  return {
    executionId,
    rootExecutionId: executionId,
    sequence,
    entity: 'execution',
    entityId: executionId,
    eventType: 'WORKFLOW_LAUNCHED',
    state: 'RUNNING',
    previousState: 'IDLE',
    payload: { id: executionId, event: 'WORKFLOW_LAUNCHED' },
    duplicate: false,
    createdAt: 1,
  };
}

function changes(partial: Partial<ChangeSet>): ChangeSet {
  return { executions: [], tasks: [], actions: [], events: [], timersSet: [], timersCleared: [], ...partial };
}

describe('SqliteStore', () => {
  let dir: string;
  let file: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-store-'));
    file = path.join(dir, 'db', 'tram.db');
    store = new SqliteStore({ path: file });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file and migrates on open, and reopening migrates nothing twice', async () => {
    await store.commit(changes({ executions: [execRow('e1', 'RUNNING', 1)] }));
    await store.close();
    store = new SqliteStore({ path: file });
    expect((await store.getExecution('e1'))?.record.state).to.equal('RUNNING');
  });

  it('commits a change set atomically: a failing event insert rolls the execution back', async () => {
    await store.commit(changes({ executions: [execRow('e1', 'RUNNING', 1)], events: [event('e1', 1)] }));
    let failed = false;
    try {
      // Sequence 1 of e1 exists: the whole commit, including the new execution e2, must be rolled back.
      await store.commit(changes({ executions: [execRow('e2', 'RUNNING', 2)], events: [event('e1', 1)] }));
    } catch (err) {
      failed = true;
      expect((err as { code?: string }).code).to.equal('STORE');
    }
    expect(failed).to.equal(true);
    expect(await store.getExecution('e2')).to.equal(null);
    expect(await store.readEvents()).to.have.length(1);
  });

  it('loads unfinished executions with their last event sequence and timers', async () => {
    await store.commit(
      changes({
        executions: [execRow('run', 'RUNNING', 1), execRow('done', 'SUCCESS', 2)],
        events: [event('run', 1), event('run', 2), event('done', 1)],
        timersSet: [
          { id: 't1', executionId: 'run', taskExecutionId: null, kind: 'retry', dueAt: 5, payload: {} },
        ],
      }),
    );
    const set = await store.loadUnfinished();
    expect(set.executions.map((e) => e.record.id)).to.deep.equal(['run']);
    expect(set.sequences).to.deep.equal({ run: 2 });
    expect(set.timers.map((t) => t.id)).to.deep.equal(['t1']);
    await store.commit(changes({ timersCleared: ['t1'] }));
    expect((await store.loadUnfinished()).timers).to.have.length(0);
  });

  it('pages executions with a marker and no repeats', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => execRow(`e${i}`, 'SUCCESS', 100 + i));
    await store.commit(changes({ executions: rows }));
    const seen: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await store.listExecutions({ limit: 3, marker });
      if (!page.length) break;
      seen.push(...page.map((e) => e.id));
      marker = page[page.length - 1]?.id;
    }
    expect(seen).to.deep.equal(rows.map((r) => r.record.id));
  });

  it('refuses an unknown sort key with the field named', async () => {
    try {
      await store.listExecutions({ sortKey: 'password' });
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as { field?: string }).field).to.equal('sort_keys');
    }
  });
});
