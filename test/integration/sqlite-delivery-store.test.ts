/**
 * What only the SQLite store has: migrations 3, 6, 11 and 12 applied to a database created before them. The behaviour both
 * stores share is the store contract (`store-contract/`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SqliteStore } from '../../store/index.js';
import type { SqliteDeliveryStore } from '../../store/sqlite/delivery.js';
import { MIGRATIONS } from '../../store/sqlite/migrations.js';
import { changes, delivery, event, execRow, fanOut, listener } from './store-contract/fixtures.js';

/** A database as an earlier release left it: the migrations up to `version` only. */
function databaseAt(file: string, version: number): Database.Database {
  const db = new Database(file);
  db.exec(`CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  for (const m of MIGRATIONS.filter((x) => x.version <= version)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      m.version,
      m.name,
      1,
    );
  }
  return db;
}

/** An event of a top-level execution, written as an earlier release did (migration 1's columns). */
function insertEvent(db: Database.Database, execution: string, sequence: number): void {
  db.prepare(
    `INSERT INTO outbox (execution_id, root_execution_id, sequence, entity, entity_id, event_type, state,
       previous_state, payload, duplicate, created_at) VALUES (?, ?, ?, 'execution', ?,
       'WORKFLOW_LAUNCHED', 'RUNNING', 'IDLE', '{}', 0, 1)`,
  ).run(execution, execution, sequence, execution);
}

describe('SqliteStore migrations', () => {
  let dir: string;
  let file: string;
  let store: SqliteStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-delivery-'));
    file = path.join(dir, 'tram.db');
    store = new SqliteStore({ path: file });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('migration', () => {
    it('applies migration 3 to a database created at version 2, once', async () => {
      await store.close();
      fs.rmSync(file);
      // A database as the previous release left it: migrations 1 and 2 only, with data in it.
      const db = databaseAt(file, 2);
      insertEvent(db, 'old', 1);
      db.close();
      store = new SqliteStore({ path: file });
      expect((await store.getEvent(1))?.executionId).to.equal('old');
      await store.commit(changes({ events: [event(1)] }));
      await store.delivery.createListener(listener('l1'));
      await store.delivery.applyFanOut(fanOut({ deliveries: [delivery(1, 'l1')], cursor: 1 }));
      await store.close();

      store = new SqliteStore({ path: file });
      expect(await store.delivery.fanOutCursor()).to.equal(1);
      expect((await store.delivery.getListener('l1'))?.name).to.equal('name-l1');
      expect(await store.delivery.listPending({ eventId: 0, id: '' }, 10)).to.have.length(1);
      const check = new Database(file, { readonly: true });
      const versions = check.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
      check.close();
      expect(versions).to.deep.equal(MIGRATIONS.map((m) => ({ version: m.version })));
    });

    it('applies migration 6 to a database at version 5: executions keep their inline spec, tasks get their workflow', async () => {
      await store.close();
      fs.rmSync(file);
      const db = databaseAt(file, 5);
      const old = execRow('old', 'RUNNING', 1);
      db.prepare(
        `INSERT INTO workflow_executions (id, workflow_name, state, parent_task_id, root_execution_id, created_at,
           updated_at, record, runtime) VALUES ('old', 'wf', 'RUNNING', NULL, 'old', 1, 1, ?, ?)`,
      ).run(JSON.stringify(old.record), JSON.stringify(old.runtime));
      db.prepare(
        `INSERT INTO task_executions (id, workflow_execution_id, name, state, created_at, updated_at, record, machine)
         VALUES ('t', 'old', 't', 'RUNNING', 1, 1, '{"id":"t","workflowName":"wf"}', '{}')`,
      ).run();
      db.close();
      store = new SqliteStore({ path: file });
      expect((await store.getExecution('old'))?.runtime.spec).to.deep.equal(old.runtime.spec);
      expect((await store.loadUnfinished()).executions[0]?.runtime).to.deep.equal(old.runtime);
      expect((await store.listTasks({ workflowName: 'wf' })).map((t) => t.id)).to.deep.equal(['t']);
    });

    it('applies migrations 11 and 12 to a database at version 10: executions list, page and number the same', async () => {
      await store.close();
      fs.rmSync(file);
      const db = databaseAt(file, 10);
      const insert = db.prepare(
        `INSERT INTO workflow_executions (id, workflow_name, state, parent_task_id, root_execution_id, created_at,
           updated_at, record, runtime) VALUES (?, 'wf', 'SUCCESS', ?, ?, ?, 1, ?, ?)`,
      );
      for (const [id, parent, created] of [
        ['b', null, 1],
        ['a', null, 1],
        ['c', 'task', 2],
      ] as const) {
        const row = execRow(id, 'SUCCESS', created);
        insert.run(
          id,
          parent,
          parent ? 'a' : id,
          created,
          JSON.stringify(row.record),
          JSON.stringify(row.runtime),
        );
      }
      insertEvent(db, 'a', 4);
      db.close();
      store = new SqliteStore({ path: file });
      const ids = async (f: Parameters<SqliteStore['listExecutions']>[0]) =>
        (await store.listExecutions(f)).map((e) => e.id);
      // Ties on created_at still break by id (ascending unless asked), and pages go on from a marker.
      expect(await ids({})).to.deep.equal(['a', 'b', 'c']);
      expect(await ids({ sort: [{ key: 'created_at', dir: 'desc' }] })).to.deep.equal(['c', 'a', 'b']);
      expect(await ids({ marker: 'a', limit: 1 })).to.deep.equal(['b']);
      expect(await ids({ parentTaskId: 'task' })).to.deep.equal(['c']);
      expect(await ids({ topLevel: true })).to.deep.equal(['a', 'b']);
      expect((await store.loadExecutions(['a', 'b'])).sequences).to.deep.equal({ a: 4, b: 0 });
    });
  });

  it('counts a pending backlog a chunk at a time, whatever its size against the chunk', async () => {
    const deliveries = [
      ...[1, 2, 3, 4, 5, 6, 7].map((e) => delivery(e, 'la')),
      ...[1, 2, 3, 4].map((e) => delivery(e, 'lb')),
      delivery(8, 'la', { state: 'failed' }),
      delivery(9, 'la', { state: 'succeeded' }),
    ];
    await store.delivery.applyFanOut(fanOut({ deliveries, cursor: 9 }));
    const sqlite = store.delivery as SqliteDeliveryStore;
    for (const chunk of [1, 2, 4, 7, 100]) {
      expect(await sqlite.countPending(['la', 'lb', 'none'], chunk), `chunk ${chunk}`).to.deep.equal({
        la: 7,
        lb: 4,
        none: 0,
      });
    }
  });
});
