/**
 * The embedded store: SQLite through better-sqlite3, in WAL mode. Zero set-up: the file is created and migrated
 * on open. `synchronous = NORMAL` in WAL mode survives a process crash (kill -9) without losing a committed
 * transaction; only an OS crash or power loss can drop the last commits (set `durability: 'full'` to pay an
 * fsync per commit instead).
 *
 * Writes go through prepared statements inside one transaction per `commit`. better-sqlite3 is synchronous, so
 * the async methods resolve at once; the engine's group commit keeps transactions large enough to be cheap.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TramError } from '../../common/index.js';
import type {
  ActionExecutionRecord,
  ExecutionRecord,
  Listener,
  OutboxEvent,
  TaskRecord,
} from '../../model/index.js';
import type {
  ActionDefinitionRow,
  ActionFilter,
  ChangeSet,
  CronTriggerAdvance,
  CronTriggerFilter,
  CronTriggerRow,
  DeliveryStore,
  EnvironmentRow,
  EventFilter,
  ExecutionFilter,
  ExecutionRow,
  ListOptions,
  RecoverySet,
  Store,
  TaskFilter,
  TaskRow,
  TimerRow,
  WorkbookRow,
  WorkflowDefinitionRow,
} from '../types.js';
import { SqliteCronTriggers } from './cron-triggers.js';
import { SqliteDefinitions } from './definitions.js';
import { SqliteDeliveryStore } from './delivery.js';
import { SqliteEventTriggers } from './event-triggers.js';
import { RETENTION_SQL, SqliteRetention, eventsOfTree } from './retention.js';
import { applyMigrations } from './migrations.js';
import { Checkpointer } from './checkpointer.js';
import { removeWorkbook, saveWorkbook } from './workbook-save.js';
import { pageSql, sortColumns, whereClause } from './paging.js';
import { actionsOfExecution, actionsOfTasksOf, type Cond } from './actions-of.js';
import { SpecRefs } from '../spec-refs.js';
import { decodePayload, encodePayload } from '../event-codec.js';
import { OUTBOX_LOG, OUTBOX_TIME_SLACK_MS, keysFromTime } from '../log-time.js';
import {
  ACTIONS,
  EXECUTIONS,
  EXEC_RECORD_COLUMNS,
  TASKS,
  TASK_RECORD_COLUMNS,
  actionRecordText,
  execRecordFromRow,
  execRecordText,
  execRootColumn,
  taskRecordFromRow,
  taskRecordText,
  type RecordTable,
} from '../records.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** @default 'normal' */
  durability?: 'normal' | 'full';
}

type Row = Record<string, unknown>;
const EXEC_KEYS = ['created_at', 'updated_at', 'id', 'state', 'workflow_name'];
const TASK_KEYS = ['created_at', 'updated_at', 'id', 'name', 'state'];
const ACTION_KEYS = ['created_at', 'updated_at', 'id', 'state'];
// Every sort column of the runtime tables is NOT NULL, which lets paging seek from the marker.
export const EXEC_SORT = sortColumns(EXEC_KEYS, EXEC_KEYS);
export const TASK_SORT = sortColumns(TASK_KEYS, TASK_KEYS);
export const ACTION_SORT = sortColumns(ACTION_KEYS, ACTION_KEYS);
/** The columns an execution row is read with (`execFromRow`). */
export const EXEC_COLUMNS = `${EXEC_RECORD_COLUMNS}, runtime, spec_id`;
/** The columns a task row is read with (`taskFromRow`). */
export const TASK_COLUMNS = `${TASK_RECORD_COLUMNS}, machine`;
/** An action row of kind `action` (not a hook's): its record leaves the usual kind out (`ACTION_LAYOUT`). */
const ACTION_KIND = `coalesce(json_extract(record, '$.kind'), 'action') = 'action'`;
export const UNFINISHED_WF = `('IDLE','RUNNING','PAUSED')`;

/** An execution row (`EXEC_COLUMNS`), its spec already known to `specs`. */
export function execFromRow(r: Row, specs: SpecRefs): ExecutionRow {
  const record = execRecordFromRow(r);
  return {
    record,
    runtime: specs.decode(r.runtime as string, (r.spec_id as number | null) ?? null, record.input),
  };
}
export function taskFromRow(r: Row): TaskRow {
  return { record: taskRecordFromRow(r), machine: JSON.parse(r.machine as string) };
}
/** The outbox columns an event is made of, in the order `eventFromValues` reads them. */
const EVENT_COLUMNS =
  'id, execution_id, root_execution_id, sequence, entity, entity_id, event_type, state, previous_state, payload, ' +
  'duplicate, created_at';

/**
 * An event from its `EVENT_COLUMNS` values, as a raw-mode statement returns them: the fan-out reads every event
 * once, and a row object per event (its columns as keys) cost as much as the rest of the read.
 */
function eventFromValues(v: unknown[]): OutboxEvent {
  const ev: OutboxEvent = {
    id: v[0] as number,
    executionId: v[1] as string,
    rootExecutionId: v[2] as string,
    sequence: v[3] as number,
    entity: v[4] as OutboxEvent['entity'],
    entityId: v[5] as string,
    eventType: v[6] as OutboxEvent['eventType'],
    state: v[7] as OutboxEvent['state'],
    previousState: (v[8] as OutboxEvent['previousState']) ?? null,
    payload: {},
    duplicate: v[10] === 1,
    createdAt: v[11] as number,
  };
  ev.payload = decodePayload(ev.entity, ev, v[9] as string);
  return ev;
}

export function eventFromRow(r: Row): OutboxEvent {
  return eventFromValues([
    r.id,
    r.execution_id,
    r.root_execution_id,
    r.sequence,
    r.entity,
    r.entity_id,
    r.event_type,
    r.state,
    r.previous_state,
    r.payload,
    r.duplicate,
    r.created_at,
  ]);
}
export function timerFromRow(r: Row): TimerRow {
  return {
    id: r.id as string,
    executionId: r.execution_id as string,
    taskExecutionId: (r.task_execution_id as string | null) ?? null,
    kind: r.kind as string,
    dueAt: r.due_at as number,
    payload: JSON.parse(r.payload as string),
  };
}

export class SqliteStore implements Store {
  readonly description: string;
  readonly delivery: DeliveryStore;
  readonly eventTriggers: SqliteEventTriggers;
  readonly retention: SqliteRetention;
  private readonly db: Database.Database;
  private readonly defs: SqliteDefinitions;
  private readonly crons: SqliteCronTriggers;
  private readonly stmts;
  private readonly commitTx: (c: ChangeSet, specs: Map<string, number>) => void;
  private readonly specs = new SpecRefs();
  /** WAL checkpoints off the event loop (none for an in-memory database). */
  private readonly checkpointer: Checkpointer | null;
  /** Statements of dynamic queries (filter combinations), prepared once: preparing costs more than running. */
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(opts: SqliteStoreOptions) {
    if (opts.path !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
    try {
      this.db = new Database(opts.path);
    } catch (err) {
      throw new TramError('STORE', `cannot open SQLite database at ${opts.path}`, { cause: err });
    }
    this.description = `sqlite:${opts.path}`;
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = OFF');
    applyMigrations(this.db);
    this.checkpointer = opts.path === ':memory:' ? null : new Checkpointer(opts.path);
    this.checkpointer?.adoptWriter(this.db);
    this.defs = new SqliteDefinitions(this.db);
    this.crons = new SqliteCronTriggers(this.db);
    this.delivery = new SqliteDeliveryStore(this.db, (rows) => this.checkpointer?.written(rows));
    this.eventTriggers = new SqliteEventTriggers(this.db);
    this.retention = new SqliteRetention(this.db);
    const db = this.db;
    this.stmts = {
      upsertExec: db.prepare(
        `INSERT INTO workflow_executions (id, workflow_name, state, parent_task_id, root_execution_id, created_at,
           updated_at, record, runtime, spec_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
           record = excluded.record, runtime = excluded.runtime, spec_id = excluded.spec_id`,
      ),
      upsertTask: db.prepare(
        `INSERT INTO task_executions (id, workflow_execution_id, name, state, created_at, updated_at, record, machine,
           workflow_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
           record = excluded.record, machine = excluded.machine`,
      ),
      upsertAction: db.prepare(
        `INSERT INTO action_executions (id, task_execution_id, workflow_execution_id, state, created_at, updated_at,
           record) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
           record = excluded.record`,
      ),
      /** `keep-result: false`: the task's action outputs (not its hooks') become `{}`. */
      dropActionOutputs: db.prepare(
        `UPDATE action_executions SET record = json_set(record, '$.output', json('{}'))
         WHERE task_execution_id = ? AND ${ACTION_KIND}`,
      ),
      supersedeActions: db.prepare(
        `UPDATE action_executions SET record = json_set(record, '$.accepted', json('false'))
         WHERE task_execution_id = ? AND ${ACTION_KIND}`,
      ),
      dropChildOutputs: db.prepare(
        `UPDATE workflow_executions SET record = json_set(record, '$.output', json('{}')) WHERE parent_task_id = ?`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO outbox (execution_id, root_execution_id, sequence, entity, entity_id, event_type, state,
           previous_state, payload, duplicate, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertTimer: db.prepare(
        `INSERT INTO timers (id, execution_id, task_execution_id, kind, due_at, payload) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload`,
      ),
      deleteTimer: db.prepare('DELETE FROM timers WHERE id = ?'),
      getEvent: db.prepare('SELECT * FROM outbox WHERE id = ?'),
      insertSpec: db.prepare(
        'INSERT INTO workflow_specs (hash, spec, created_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING',
      ),
      specId: db.prepare('SELECT id FROM workflow_specs WHERE hash = ?').pluck(),
      specText: db.prepare('SELECT spec FROM workflow_specs WHERE id = ?').pluck(),
      getExec: db.prepare(`SELECT ${EXEC_COLUMNS} FROM workflow_executions WHERE id = ?`),
    };
    this.commitTx = db.transaction((c: ChangeSet, specs: Map<string, number>) => this.apply(c, specs));
  }

  /** The number of a spec the database may not hold yet, inserting it (inside the commit's transaction). */
  private specId(hash: string, text: string, specs: Map<string, number>): number {
    let id = specs.get(hash);
    if (id === undefined) {
      this.stmts.insertSpec.run(hash, text, Date.now());
      id = this.stmts.specId.get(hash) as number;
      specs.set(hash, id);
    }
    return id;
  }

  /** An execution row as the engine sees it, its spec read once per process. */
  private execRow(r: Row): ExecutionRow {
    const id = (r.spec_id as number | null) ?? null;
    if (this.specs.needs(id)) {
      const text = this.stmts.specText.get(id) as string | undefined;
      if (text !== undefined) this.specs.add(id, text);
    }
    return execFromRow(r, this.specs);
  }

  private apply(c: ChangeSet, specs: Map<string, number>): void {
    const s = this.stmts;
    // Before the action rows: a re-run's new action executions are in this change set and stay accepted.
    for (const id of c.supersededRuns ?? []) s.supersedeActions.run(id);
    for (const e of c.executions) {
      const r = e.record;
      const stored = this.specs.encode(e.runtime, r.input);
      const specId = stored.pending
        ? this.specId(stored.pending.hash, stored.pending.text, specs)
        : stored.specId;
      s.upsertExec.run(
        r.id,
        r.workflowName,
        r.state,
        r.taskExecutionId,
        execRootColumn(r),
        r.createdAt,
        r.updatedAt,
        execRecordText(r),
        stored.runtime,
        specId,
      );
    }
    for (const t of c.tasks) {
      const r = t.record;
      s.upsertTask.run(
        r.id,
        r.workflowExecutionId,
        r.name,
        r.state,
        r.createdAt,
        r.updatedAt,
        taskRecordText(r),
        JSON.stringify(t.machine),
        r.workflowName,
      );
    }
    for (const a of c.actions) {
      s.upsertAction.run(
        a.id,
        a.taskExecutionId,
        a.workflowExecutionId,
        a.state,
        a.createdAt,
        a.updatedAt,
        actionRecordText(a),
      );
    }
    for (const ev of c.events) {
      s.insertEvent.run(
        ev.executionId,
        ev.rootExecutionId,
        ev.sequence,
        ev.entity,
        ev.entityId,
        ev.eventType,
        ev.state,
        ev.previousState,
        encodePayload(ev.entity, ev, ev.payload),
        ev.duplicate ? 1 : 0,
        ev.createdAt,
      );
    }
    for (const t of c.timersSet) {
      s.upsertTimer.run(t.id, t.executionId, t.taskExecutionId, t.kind, t.dueAt, JSON.stringify(t.payload));
    }
    for (const id of c.timersCleared) s.deleteTimer.run(id);
    for (const id of c.resultsDropped ?? []) {
      s.dropActionOutputs.run(id);
      s.dropChildOutputs.run(id);
    }
    for (const r of c.receipts ?? []) this.eventTriggers.insertReceipt(r);
  }

  async commit(changes: ChangeSet): Promise<void> {
    const specs = new Map<string, number>();
    try {
      this.commitTx(changes, specs);
      this.specs.confirm(specs);
    } catch (err) {
      throw new TramError('STORE', `commit failed: ${(err as Error).message}`, { cause: err });
    }
    this.checkpointer?.written(
      changes.executions.length + changes.tasks.length + changes.actions.length + changes.events.length,
    );
  }

  // ---- definitions (delegated)
  async saveDocument(wb: WorkbookRow | null, wfs: WorkflowDefinitionRow[], acts: ActionDefinitionRow[]) {
    this.defs.saveDocument(wb, wfs, acts);
  }
  async saveWorkbook(
    wb: WorkbookRow,
    wfs: WorkflowDefinitionRow[],
    acts: ActionDefinitionRow[],
    listeners: Listener[],
  ) {
    saveWorkbook(this.db, this.defs, wb, wfs, acts, listeners);
  }
  async removeWorkbook(name: string, namespace: string) {
    return removeWorkbook(this.db, this.defs, name, namespace);
  }
  async getWorkbook(name: string, namespace?: string) {
    return this.defs.getWorkbook(name, namespace);
  }
  async listWorkbooks(opts?: ListOptions) {
    return this.defs.listWorkbooks(opts);
  }
  async deleteWorkbook(name: string, namespace?: string) {
    return this.defs.deleteWorkbook(name, namespace);
  }
  async getWorkflowDefinition(nameOrId: string, namespace?: string) {
    return this.defs.getDefinition<WorkflowDefinitionRow>('workflow_definitions', nameOrId, namespace);
  }
  async listWorkflowDefinitions(opts?: ListOptions) {
    return this.defs.listDefinitions<WorkflowDefinitionRow>('workflow_definitions', opts);
  }
  async deleteWorkflowDefinition(id: string) {
    return this.defs.deleteDefinition('workflow_definitions', id);
  }
  async getActionDefinition(nameOrId: string, namespace?: string) {
    return this.defs.getDefinition<ActionDefinitionRow>('action_definitions', nameOrId, namespace);
  }
  async listActionDefinitions(opts?: ListOptions) {
    return this.defs.listDefinitions<ActionDefinitionRow>('action_definitions', opts);
  }
  async deleteActionDefinition(id: string) {
    return this.defs.deleteDefinition('action_definitions', id);
  }
  async putEnvironment(env: EnvironmentRow) {
    this.defs.putEnvironment(env);
  }
  async getEnvironment(name: string) {
    return this.defs.getEnvironment(name);
  }
  async listEnvironments() {
    return this.defs.listEnvironments();
  }
  async deleteEnvironment(name: string) {
    return this.defs.deleteEnvironment(name);
  }

  // ---- cron triggers (delegated)
  async createCronTrigger(row: CronTriggerRow) {
    this.crons.create(row);
  }
  async getCronTrigger(nameOrId: string) {
    return this.crons.get(nameOrId);
  }
  async listCronTriggers(filter?: CronTriggerFilter) {
    return this.crons.list(filter);
  }
  async deleteCronTrigger(nameOrId: string) {
    return this.crons.delete(nameOrId);
  }
  async listDueCronTriggers(now: number, limit = 100) {
    return this.crons.listDue(now, limit);
  }
  async advanceCronTrigger(id: string, expectedNextTime: number, next: CronTriggerAdvance) {
    return this.crons.advance(id, expectedNextTime, next, Date.now());
  }

  // ---- runtime reads
  async getExecution(id: string): Promise<ExecutionRow | null> {
    const r = this.stmts.getExec.get(id) as Row | undefined;
    return r ? this.execRow(r) : null;
  }

  async listExecutions(f: ExecutionFilter = {}): Promise<ExecutionRecord[]> {
    return this.listRecords(
      EXECUTIONS,
      EXEC_SORT,
      f,
      {
        state: f.state,
        workflow_name: f.workflowName,
        parent_task_id: f.parentTaskId,
        root_execution_id: f.rootExecutionId,
      },
      [
        ...(f.topLevel ? [['parent_task_id IS NULL'] as Cond] : []),
        // A root's row written before `execRootColumn` carries its own id as root (Mistral's root has none, so it is
        // not "under" itself); the partial root index holds only rows meeting this condition.
        ...(f.rootExecutionId !== undefined ? [['id <> root_execution_id'] as Cond] : []),
      ],
    );
  }

  async deleteExecution(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare(`DELETE FROM action_executions WHERE ${actionsOfTasksOf('@id')}`).run({ id });
      this.db.prepare('DELETE FROM task_executions WHERE workflow_execution_id = ?').run(id);
      this.db.prepare('DELETE FROM timers WHERE execution_id = ?').run(id);
      return this.db.prepare('DELETE FROM workflow_executions WHERE id = ?').run(id).changes > 0;
    })();
  }

  async getTask(id: string): Promise<TaskRow | null> {
    const r = this.db.prepare(`SELECT ${TASK_COLUMNS} FROM task_executions WHERE id = ?`).get(id);
    return r ? taskFromRow(r as Row) : null;
  }

  async listTasks(f: TaskFilter = {}): Promise<TaskRecord[]> {
    return this.listRecords(TASKS, TASK_SORT, f, {
      workflow_execution_id: f.workflowExecutionId,
      workflow_name: f.workflowName,
      state: f.state,
      name: f.name,
    });
  }

  async getActionExecution(id: string): Promise<ActionExecutionRecord | null> {
    const r = this.db.prepare(`SELECT ${ACTIONS.columns} FROM action_executions WHERE id = ?`).get(id);
    return r ? ACTIONS.fromRow(r as Row) : null;
  }

  async listActionExecutions(f: ActionFilter = {}): Promise<ActionExecutionRecord[]> {
    const byTasks = actionsOfExecution(f.workflowExecutionId);
    // Without statistics SQLite would walk every action in the state rather than the execution's few: `+state`
    // keeps the state index out of the choice when the execution is known.
    const state: Cond[] = byTasks.length && f.state ? [['+state = ?', f.state]] : [];
    return this.listRecords(
      ACTIONS,
      ACTION_SORT,
      f,
      {
        task_execution_id: f.taskExecutionId,
        workflow_execution_id: f.workflowExecutionId,
        state: state.length ? undefined : f.state,
      },
      [...byTasks, ...state],
    );
  }

  /** One page of a runtime table's records: equality filters on columns (undefined = no filter), keyset paging. */
  private listRecords<T>(
    { table, columns, fromRow }: RecordTable<T>,
    sort: ReadonlyMap<string, string>,
    page: ListOptions,
    equals: Record<string, string | undefined>,
    extra: Cond[] = [],
  ): T[] {
    const p = pageSql(this.db, table, page, sort);
    const conds = [p.where];
    const params = [...p.params];
    for (const [column, value] of Object.entries(equals)) {
      if (value === undefined) continue;
      conds.push(`${column} = ?`);
      params.push(value);
    }
    for (const [sql, ...values] of extra) {
      conds.push(sql);
      params.push(...values);
    }
    const sql = `SELECT ${columns} FROM ${table} ${whereClause(conds)} ${p.order} ${p.limit}`;
    return (this.statement(sql).all(...params) as Row[]).map(fromRow);
  }

  private statement(sql: string): Database.Statement {
    let s = this.prepared.get(sql);
    if (!s) {
      if (this.prepared.size >= 256) this.prepared.clear();
      s = this.db.prepare(sql);
      this.prepared.set(sql, s);
    }
    return s;
  }

  async loadUnfinished(): Promise<RecoverySet> {
    // Terminal executions can still have tasks finishing (a cancelled execution lets running tasks complete),
    // so recovery takes every execution that has unfinished tasks too.
    const rows = this.db
      .prepare(
        `SELECT id FROM workflow_executions WHERE state IN ${UNFINISHED_WF}
         OR id IN (SELECT workflow_execution_id FROM task_executions
                   WHERE state NOT IN ('SUCCESS','ERROR','CANCELLED','SKIPPED'))
         ORDER BY created_at, id`,
      )
      .all() as Row[];
    const set = await this.loadExecutions(rows.map((r) => r.id as string));
    set.timers = (this.db.prepare('SELECT * FROM timers ORDER BY due_at').all() as Row[]).map(timerFromRow);
    return set;
  }

  async loadExecutions(ids: string[]): Promise<RecoverySet> {
    const db = this.db;
    const set: RecoverySet = {
      executions: [],
      tasks: [],
      actions: [],
      timers: [],
      sequences: {},
      finishedChildren: [],
    };
    const execStmt = this.stmts.getExec;
    const taskStmt = db.prepare(
      `SELECT ${TASK_COLUMNS} FROM task_executions WHERE workflow_execution_id = ? ORDER BY created_at, id`,
    );
    const actStmt = db.prepare(
      `SELECT ${ACTIONS.columns} FROM action_executions WHERE ${actionsOfTasksOf('@id')}
         AND workflow_execution_id = @id ORDER BY created_at, id`,
    );
    const seqStmt = db.prepare(RETENTION_SQL.lastSequence(() => '@id'));
    const timerStmt = db.prepare('SELECT * FROM timers WHERE execution_id = ?');
    const childStmt = db.prepare(
      `SELECT ${EXECUTIONS.columns} FROM workflow_executions WHERE state NOT IN ${UNFINISHED_WF} AND parent_task_id IN
         (SELECT id FROM task_executions WHERE workflow_execution_id = ?
            AND state NOT IN ('SUCCESS','ERROR','CANCELLED','SKIPPED'))
       ORDER BY created_at, id`,
    );
    for (const id of ids) {
      const r = execStmt.get(id) as Row | undefined;
      if (!r) continue;
      set.executions.push(this.execRow(r));
      for (const t of taskStmt.all(id) as Row[]) set.tasks.push(taskFromRow(t));
      for (const a of actStmt.all({ id }) as Row[]) set.actions.push(ACTIONS.fromRow(a));
      set.sequences[id] = (seqStmt.get({ id }) as { seq: number }).seq;
      for (const t of timerStmt.all(id) as Row[]) set.timers.push(timerFromRow(t));
      for (const c of childStmt.all(id) as Row[]) set.finishedChildren.push(EXECUTIONS.fromRow(c));
    }
    return set;
  }

  // ---- outbox
  /** Events in id order. An absent field does not filter; an empty `eventTypes` matches nothing. */
  async readEvents(f: EventFilter = {}): Promise<OutboxEvent[]> {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (f.createdAfter === undefined) {
      conds.push('id > ?');
      params.push(f.afterId ?? 0);
    } else {
      conds.push(keysFromTime('sqlite', OUTBOX_LOG, '?', '?'), 'created_at > ?');
      params.push(f.afterId ?? 0, f.createdAfter - OUTBOX_TIME_SLACK_MS, f.createdAfter);
    }
    if (f.beforeId !== undefined) {
      conds.push('id < ?');
      params.push(f.beforeId);
    }
    if (f.executionId) {
      conds.push('execution_id = ?');
      params.push(f.executionId);
    }
    if (f.rootExecutionId) {
      conds.push(eventsOfTree('?'));
      params.push(f.rootExecutionId, f.rootExecutionId, f.rootExecutionId);
    }
    if (f.acked !== undefined) {
      conds.push('acked = ?');
      params.push(f.acked ? 1 : 0);
    }
    if (f.eventTypes) {
      conds.push('event_type IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(f.eventTypes));
    }
    if (f.entity) {
      conds.push('entity = ?');
      params.push(f.entity);
    }
    if (f.createdBefore !== undefined) {
      conds.push('created_at < ?');
      params.push(f.createdBefore);
    }
    // The limit is written into the text, not bound: SQLite 3.53 re-prepares a statement whose LIMIT is a bound
    // parameter at every run (29 against 9 µs for the fan-out's read of an empty tail, measured here).
    const limit = Math.floor(f.limit ?? 1000);
    if (!Number.isSafeInteger(limit)) throw new TramError('INVALID_INPUT', `invalid limit: ${f.limit}`);
    const sql = `SELECT ${EVENT_COLUMNS} FROM outbox ${whereClause(conds)} ORDER BY id LIMIT ${limit}`;
    return (
      this.statement(sql)
        .raw(true)
        .all(...params) as unknown[][]
    ).map(eventFromValues);
  }

  async getEvent(id: number): Promise<OutboxEvent | null> {
    const r = this.stmts.getEvent.get(id) as Row | undefined;
    return r ? eventFromRow(r) : null;
  }

  async ackEvents(ids: number[]): Promise<void> {
    const stmt = this.db.prepare('UPDATE outbox SET acked = 1 WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) stmt.run(id);
    })();
  }

  /**
   * Resolves once no background WAL checkpoint is asked for or running (`checkpointer.ts`): for a benchmark to time
   * a phase without the checkpoint of what an earlier one wrote. Its worker does not keep the process alive.
   */
  checkpointsSettled(): Promise<void> {
    return this.checkpointer?.settled() ?? Promise.resolve();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
