/**
 * Versioned schema migrations of the SQLite store. A migration is never edited once released: a schema change
 * is a new entry. `applyMigrations` runs the missing ones in order, each in its own transaction, and records
 * them in `schema_migrations`.
 *
 * Runtime rows keep the full record as JSON (`record`) beside the few columns that are filtered or sorted on:
 * one JSON encode per write is cheaper than mapping dozens of columns, and the record shape can grow without a
 * migration.
 */
import type Database from 'better-sqlite3';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Migration 6, for any history size: each distinct workflow spec stored once (`store/spec-refs.ts`), tasks
 * filterable by workflow, and one index per filtered list, leading with the filter columns and ending with the
 * default sort (`created_at`; `id` breaks the rare ties in a small sort), so a page reads only its rows.
 * `outbox (acked, id)` goes: nothing reads the outbox by `acked` on a hot path. `workflowName` is how each
 * dialect reads a field of the JSON record.
 */
export function scaleSql(workflowName: string): string {
  return `
    CREATE TABLE workflow_specs (
      id INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL UNIQUE, spec TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    ALTER TABLE workflow_executions ADD COLUMN spec_id INTEGER;
    ALTER TABLE task_executions ADD COLUMN workflow_name TEXT;
    UPDATE task_executions SET workflow_name = ${workflowName};
    DROP INDEX workflow_executions_state;
    CREATE INDEX workflow_executions_state ON workflow_executions (state, created_at);
    CREATE INDEX workflow_executions_workflow ON workflow_executions (workflow_name, created_at);
    CREATE INDEX workflow_executions_workflow_state ON workflow_executions (workflow_name, state, created_at);
    DROP INDEX task_executions_state;
    CREATE INDEX task_executions_state ON task_executions (state, created_at);
    CREATE INDEX task_executions_workflow ON task_executions (workflow_name, created_at);
    CREATE INDEX task_executions_created ON task_executions (created_at);
    CREATE INDEX action_executions_created ON action_executions (created_at);
    DROP INDEX outbox_unacked;
  `;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE workbooks (
        name TEXT NOT NULL, namespace TEXT NOT NULL DEFAULT '', definition TEXT NOT NULL, spec TEXT NOT NULL,
        tags TEXT NOT NULL, scope TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (name, namespace)
      );
      CREATE TABLE workflow_definitions (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, namespace TEXT NOT NULL DEFAULT '', workbook_name TEXT,
        definition TEXT NOT NULL, spec TEXT NOT NULL, tags TEXT NOT NULL, scope TEXT NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (name, namespace)
      );
      CREATE TABLE action_definitions (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, namespace TEXT NOT NULL DEFAULT '', workbook_name TEXT,
        definition TEXT NOT NULL, spec TEXT NOT NULL, tags TEXT NOT NULL, scope TEXT NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (name, namespace)
      );
      CREATE TABLE environments (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, variables TEXT NOT NULL,
        scope TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
      );
      CREATE TABLE workflow_executions (
        id TEXT PRIMARY KEY, workflow_name TEXT NOT NULL, state TEXT NOT NULL, parent_task_id TEXT,
        root_execution_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        record TEXT NOT NULL, runtime TEXT NOT NULL
      );
      CREATE INDEX workflow_executions_state ON workflow_executions (state);
      CREATE INDEX workflow_executions_parent ON workflow_executions (parent_task_id);
      CREATE INDEX workflow_executions_root ON workflow_executions (root_execution_id);
      CREATE INDEX workflow_executions_created ON workflow_executions (created_at, id);
      CREATE TABLE task_executions (
        id TEXT PRIMARY KEY, workflow_execution_id TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, record TEXT NOT NULL, machine TEXT NOT NULL
      );
      CREATE INDEX task_executions_wf ON task_executions (workflow_execution_id, created_at);
      CREATE INDEX task_executions_state ON task_executions (state);
      CREATE TABLE action_executions (
        id TEXT PRIMARY KEY, task_execution_id TEXT, workflow_execution_id TEXT NOT NULL, state TEXT NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, record TEXT NOT NULL
      );
      CREATE INDEX action_executions_task ON action_executions (task_execution_id, created_at);
      CREATE INDEX action_executions_wf ON action_executions (workflow_execution_id);
      CREATE INDEX action_executions_state ON action_executions (state);
      CREATE TABLE timers (
        id TEXT PRIMARY KEY, execution_id TEXT NOT NULL, task_execution_id TEXT, kind TEXT NOT NULL,
        due_at INTEGER NOT NULL, payload TEXT NOT NULL
      );
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, execution_id TEXT NOT NULL, root_execution_id TEXT NOT NULL,
        sequence INTEGER NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL, event_type TEXT NOT NULL,
        state TEXT NOT NULL, previous_state TEXT, payload TEXT NOT NULL, duplicate INTEGER NOT NULL,
        created_at INTEGER NOT NULL, acked INTEGER NOT NULL DEFAULT 0,
        UNIQUE (execution_id, sequence)
      );
      CREATE INDEX outbox_root ON outbox (root_execution_id, id);
      CREATE INDEX outbox_unacked ON outbox (acked, id);
    `,
  },
  {
    version: 2,
    name: 'cron triggers',
    sql: `
      CREATE TABLE cron_triggers (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, pattern TEXT, workflow_name TEXT NOT NULL,
        workflow_id TEXT NOT NULL, workflow_input TEXT NOT NULL, workflow_params TEXT NOT NULL,
        first_execution_time INTEGER, next_execution_time INTEGER NOT NULL, remaining_executions INTEGER,
        scope TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
      );
      CREATE INDEX cron_triggers_next ON cron_triggers (next_execution_time);
    `,
  },
  {
    version: 3,
    name: 'delivery',
    sql: `
      CREATE TABLE listeners (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, origin TEXT NOT NULL, owner TEXT,
        enabled INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, record TEXT NOT NULL
      );
      CREATE INDEX listeners_owner ON listeners (owner);
      CREATE INDEX listeners_created ON listeners (created_at, id);
      CREATE TABLE fan_out_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1), last_event_id INTEGER NOT NULL
      );
      CREATE TABLE deliveries (
        id TEXT PRIMARY KEY, event_id INTEGER NOT NULL, listener_id TEXT NOT NULL, order_key TEXT NOT NULL,
        state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_code TEXT,
        status_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        UNIQUE (event_id, listener_id)
      );
      CREATE INDEX deliveries_pending ON deliveries (state, event_id);
      CREATE INDEX deliveries_listener ON deliveries (listener_id, state, created_at);
      CREATE TABLE event_attempts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, delivery_id TEXT NOT NULL,
        event_id INTEGER NOT NULL, listener_id TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
        http_status INTEGER, duration_ms REAL NOT NULL, attempt_number INTEGER NOT NULL, trigger TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX event_attempts_created ON event_attempts (created_at);
      CREATE INDEX event_attempts_event ON event_attempts (event_id);
      CREATE INDEX event_attempts_listener ON event_attempts (listener_id, seq);
      CREATE TABLE statuses (
        id TEXT PRIMARY KEY, delivery_id TEXT NOT NULL, event_id INTEGER NOT NULL, listener_id TEXT NOT NULL,
        execution_id TEXT NOT NULL, root_execution_id TEXT NOT NULL, task_execution_id TEXT, task_name TEXT,
        status TEXT NOT NULL, conclusion TEXT, output TEXT, deadline_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
      );
      CREATE INDEX statuses_root ON statuses (root_execution_id);
      CREATE INDEX statuses_execution ON statuses (execution_id);
      CREATE INDEX statuses_task ON statuses (task_execution_id);
      CREATE INDEX statuses_deadline ON statuses (status, deadline_at);
    `,
  },
  {
    version: 4,
    name: 'event triggers',
    sql: `
      CREATE TABLE event_triggers (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, workflow_id TEXT NOT NULL, exchange TEXT NOT NULL,
        topic TEXT NOT NULL, event TEXT NOT NULL, scope TEXT NOT NULL, created_at INTEGER NOT NULL,
        updated_at INTEGER, record TEXT NOT NULL, UNIQUE (exchange, topic, event, workflow_id)
      );
      CREATE INDEX event_triggers_created ON event_triggers (created_at, id);
      CREATE TABLE trigger_messages (
        trigger_id TEXT NOT NULL, message_id TEXT NOT NULL, outcome TEXT NOT NULL, execution_id TEXT,
        reason TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (trigger_id, message_id)
      );
      CREATE INDEX trigger_messages_created ON trigger_messages (created_at);
    `,
  },
  {
    version: 5,
    name: 'retention',
    sql: `
      CREATE INDEX workflow_executions_finished ON workflow_executions (updated_at)
        WHERE parent_task_id IS NULL AND state IN ('SUCCESS', 'ERROR', 'CANCELLED');
      CREATE INDEX outbox_created ON outbox (created_at);
    `,
  },
  {
    version: 6,
    name: 'content-addressed specs, list indexes',
    sql: scaleSql("json_extract(record, '$.workflowName')"),
  },
  {
    version: 7,
    name: 'delivery backlog paging',
    // The dispatcher pages pending deliveries per listener and per queue (listener, root execution) in event
    // order instead of holding them all in memory; partial indexes stay as small as the backlog.
    sql: `
      CREATE INDEX deliveries_pending_listener ON deliveries (listener_id, event_id, id) WHERE state = 'pending';
      CREATE INDEX deliveries_pending_queue ON deliveries (listener_id, order_key, event_id, id)
        WHERE state = 'pending';
    `,
  },
  {
    version: 8,
    name: 'executions by state, by update time',
    // `GET /v2/executions?state=X&sort_keys=updated_at` (a console's "recently finished") sorted every execution
    // in the state. One more entry per execution row written: updated_at changes with every commit of the row,
    // as the state index's entry does on every change of state.
    sql: `CREATE INDEX workflow_executions_state_updated ON workflow_executions (state, updated_at);`,
  },
  {
    version: 9,
    name: 'sub-executions by root',
    // A top-level execution's row names itself as its root, so the root index held an entry (a 36-character
    // key) for every execution though only sub-executions are ever looked up by root: the readers ask for
    // `root_execution_id = ? AND id <> root_execution_id`, which the partial index matches word for word.
    sql: `
      DROP INDEX workflow_executions_root;
      CREATE INDEX workflow_executions_root ON workflow_executions (root_execution_id) WHERE id <> root_execution_id;
    `,
  },
  {
    version: 10,
    name: 'events of sub-executions by root',
    // The same for the outbox: a top-level execution's events name it as their root, and are found by their
    // execution (the unique index) instead; every event paid an entry and a B-tree insert here (326 B per
    // 2-task execution). Readers ask for `execution_id = ? OR (root_execution_id = ? AND <the condition>)`.
    sql: `
      DROP INDEX outbox_root;
      CREATE INDEX outbox_root ON outbox (root_execution_id, id) WHERE root_execution_id <> execution_id;
    `,
  },
  {
    version: 11,
    name: 'sequences kept past outbox compaction',
    // Compaction kept the newest event of every execution for good, only so that recovery could number the
    // next one: about 470 B per execution past the replay window. The execution row keeps that number instead
    // (set by compaction just before it deletes the event; NULL while the outbox has it).
    sql: `ALTER TABLE workflow_executions ADD COLUMN last_sequence INTEGER;`,
  },
  {
    version: 12,
    name: 'smaller execution indexes',
    // Only sub-executions have a parent: every top-level execution paid an index entry for its NULL. The
    // creation index repeated the 36-character id, which only breaks ties between executions created in the
    // same millisecond: both databases sort such a tie group alone (SQLite's "right part of ORDER BY",
    // PostgreSQL's incremental sort), and a page still seeks from its marker. An action execution is found by
    // its task instead of by its workflow execution (`store/sqlite/actions-of.ts`): every action of a workflow
    // has a task, and the task index already leads there.
    sql: `
      DROP INDEX workflow_executions_parent;
      CREATE INDEX workflow_executions_parent ON workflow_executions (parent_task_id) WHERE parent_task_id IS NOT NULL;
      DROP INDEX workflow_executions_created;
      CREATE INDEX workflow_executions_created ON workflow_executions (created_at);
      DROP INDEX action_executions_wf;
    `,
  },
  {
    version: 13,
    name: 'action executions without a task',
    // Not every action of a workflow has a task: a workflow's own on-enter / on-exit hooks do not. Found by
    // their tasks alone (migration 12), they were missing from lists, recovery and deletion. The few rows with no
    // task are indexed by their execution (`store/sqlite/actions-of.ts`).
    sql: `CREATE INDEX action_executions_untasked ON action_executions (workflow_execution_id)
      WHERE task_execution_id IS NULL;`,
  },
];

export function applyMigrations(db: Database.Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}
