/**
 * Runtime reads on PostgreSQL: executions, tasks and action executions for the API, and the recovery set the
 * engine loads at start-up (or when it re-opens a finished execution). Rows are mapped by the SQLite store's
 * mappers: both stores keep the same columns.
 */
import type { ActionExecutionRecord, ExecutionRecord, TaskRecord } from '../../model/index.js';
import {
  ACTION_SORT,
  EXEC_COLUMNS,
  EXEC_SORT,
  TASK_SORT,
  UNFINISHED_WF,
  execFromRow,
  taskFromRow,
  timerFromRow,
} from '../sqlite/sqlite-store.js';
import type {
  ActionFilter,
  ExecutionFilter,
  ExecutionRow,
  ListOptions,
  RecoverySet,
  TaskFilter,
  TaskRow,
} from '../types.js';
import { transaction, Where, type Queryable, type Row } from './db.js';
import { page } from './paging.js';
import { actionsOfExecution, actionsOfTasksOf, type Cond } from '../sqlite/actions-of.js';
import type pg from 'pg';
import type { SpecRefs } from '../spec-refs.js';
import { ACTIONS, EXECUTIONS, EXEC_RECORD_COLUMNS, POSTGRES_TASKS, type RecordTable } from '../records.js';

/** The columns a task row is read with (`taskFromRow`), with PostgreSQL's JSON access. */
const TASK_COLUMNS = `${POSTGRES_TASKS.columns}, machine`;

const COMPLETED_TASK = `('SUCCESS','ERROR','CANCELLED','SKIPPED')`;

/** One page of a runtime table's records: equality filters on columns (undefined = no filter), keyset paging. */
async function listRecords<T>(
  db: Queryable,
  { table, columns, fromRow }: RecordTable<T>,
  sort: ReadonlyMap<string, string>,
  opts: ListOptions,
  equals: Record<string, string | undefined>,
  extra: Cond[] = [],
): Promise<T[]> {
  const w = new Where();
  const p = await page(db, w, table, opts, sort);
  for (const [column, value] of Object.entries(equals)) w.eq(column, value);
  for (const [sql, ...values] of extra) w.add(sql, ...values);
  const { rows } = await db.query(`SELECT ${columns} FROM ${table} ${w.sql} ${p.order} ${p.limit}`, w.params);
  return rows.map(fromRow);
}

/** Execution rows as the engine sees them, reading the specs they refer to that `specs` has not parsed yet. */
async function execRows(db: Queryable, rows: Row[], specs: SpecRefs): Promise<ExecutionRow[]> {
  const missing = [...new Set(rows.map((r) => (r.spec_id as number | null) ?? null))].filter((id) =>
    specs.needs(id),
  );
  if (missing.length) {
    const found = await db.query('SELECT id, spec FROM workflow_specs WHERE id = ANY($1::bigint[])', [
      missing,
    ]);
    for (const r of found.rows) specs.add(r.id as number, r.spec as string);
  }
  return rows.map((r) => execFromRow(r, specs));
}

export async function getExecution(db: Queryable, id: string, specs: SpecRefs): Promise<ExecutionRow | null> {
  const { rows } = await db.query(`SELECT ${EXEC_COLUMNS} FROM workflow_executions WHERE id = $1`, [id]);
  return (await execRows(db, rows, specs))[0] ?? null;
}

export function listExecutions(db: Queryable, f: ExecutionFilter = {}): Promise<ExecutionRecord[]> {
  return listRecords(
    db,
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

export function deleteExecution(pool: pg.Pool, id: string): Promise<boolean> {
  return transaction(pool, async (db) => {
    await db.query(`DELETE FROM action_executions WHERE ${actionsOfTasksOf('$1')}`, [id]);
    await db.query('DELETE FROM task_executions WHERE workflow_execution_id = $1', [id]);
    await db.query('DELETE FROM timers WHERE execution_id = $1', [id]);
    const r = await db.query('DELETE FROM workflow_executions WHERE id = $1', [id]);
    return (r.rowCount ?? 0) > 0;
  });
}

export async function getTask(db: Queryable, id: string): Promise<TaskRow | null> {
  const { rows } = await db.query(`SELECT ${TASK_COLUMNS} FROM task_executions WHERE id = $1`, [id]);
  return rows[0] ? taskFromRow(rows[0]) : null;
}

export function listTasks(db: Queryable, f: TaskFilter = {}): Promise<TaskRecord[]> {
  return listRecords(db, POSTGRES_TASKS, TASK_SORT, f, {
    workflow_execution_id: f.workflowExecutionId,
    workflow_name: f.workflowName,
    state: f.state,
    name: f.name,
  });
}

export async function getActionExecution(db: Queryable, id: string): Promise<ActionExecutionRecord | null> {
  const { rows } = await db.query(`SELECT ${ACTIONS.columns} FROM action_executions WHERE id = $1`, [id]);
  return rows[0] ? ACTIONS.fromRow(rows[0]) : null;
}

export function listActionExecutions(db: Queryable, f: ActionFilter = {}): Promise<ActionExecutionRecord[]> {
  return listRecords(
    db,
    ACTIONS,
    ACTION_SORT,
    f,
    { task_execution_id: f.taskExecutionId, workflow_execution_id: f.workflowExecutionId, state: f.state },
    actionsOfExecution(f.workflowExecutionId),
  );
}

// Each recovery query takes the execution ids as one array and keeps their order (then creation order).
const LOAD_EXECUTIONS = `SELECT ${EXEC_COLUMNS} FROM workflow_executions WHERE id = ANY($1::text[])
  ORDER BY array_position($1::text[], id)`;
const LOAD_TASKS = `SELECT ${TASK_COLUMNS} FROM task_executions WHERE workflow_execution_id = ANY($1::text[])
  ORDER BY array_position($1::text[], workflow_execution_id), created_at, id`;
const LOAD_ACTIONS = `SELECT ${ACTIONS.columns} FROM action_executions
  WHERE ${actionsOfTasksOf('SELECT unnest($1::text[])')} AND workflow_execution_id = ANY($1::text[])
  ORDER BY array_position($1::text[], workflow_execution_id), created_at, id`;
/** The newest sequence of each execution: its newest event's, or the one compaction recorded on its row. */
const LOAD_SEQUENCES = `SELECT w.id AS execution_id, GREATEST(w.last_sequence,
    (SELECT MAX(o.sequence) FROM outbox o WHERE o.execution_id = w.id)) AS seq
  FROM workflow_executions w WHERE w.id = ANY($1::text[])`;
const LOAD_TIMERS = `SELECT * FROM timers WHERE execution_id = ANY($1::text[])
  ORDER BY array_position($1::text[], execution_id), due_at, id`;
/** Finished sub-workflows of the loaded executions' unfinished tasks (with-items items already done). */
const LOAD_FINISHED_CHILDREN = `SELECT ${EXEC_RECORD_COLUMNS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ')} FROM workflow_executions e
  JOIN task_executions t ON e.parent_task_id = t.id
  WHERE t.workflow_execution_id = ANY($1::text[]) AND t.state NOT IN ${COMPLETED_TASK}
    AND e.state NOT IN ${UNFINISHED_WF}
  ORDER BY array_position($1::text[], t.workflow_execution_id), e.created_at, e.id`;

export async function loadExecutions(db: Queryable, ids: string[], specs: SpecRefs): Promise<RecoverySet> {
  const found = await execRows(db, (await db.query(LOAD_EXECUTIONS, [ids])).rows, specs);
  const loaded = found.map((e) => e.record.id);
  const set: RecoverySet = {
    executions: found,
    tasks: [],
    actions: [],
    timers: [],
    sequences: {},
    finishedChildren: [],
  };
  if (!loaded.length) return set;
  set.tasks = (await db.query(LOAD_TASKS, [loaded])).rows.map(taskFromRow);
  set.actions = (await db.query(LOAD_ACTIONS, [loaded])).rows.map(ACTIONS.fromRow);
  for (const id of loaded) set.sequences[id] = 0;
  for (const r of (await db.query(LOAD_SEQUENCES, [loaded])).rows) {
    set.sequences[r.execution_id as string] = (r.seq as number | null) ?? 0;
  }
  set.timers = (await db.query(LOAD_TIMERS, [loaded])).rows.map(timerFromRow);
  set.finishedChildren = (await db.query(LOAD_FINISHED_CHILDREN, [loaded])).rows.map(EXECUTIONS.fromRow);
  return set;
}

/** Terminal executions can still have tasks finishing (a cancelled execution lets running tasks complete), so
 * recovery takes every execution that has unfinished tasks too. */
const UNFINISHED_IDS = `SELECT id FROM workflow_executions WHERE owner_node = $1 AND (state IN ${UNFINISHED_WF}
  OR id IN (SELECT workflow_execution_id FROM task_executions WHERE state NOT IN ${COMPLETED_TASK}))
  ORDER BY created_at, id`;

/** The unfinished executions node `owner` owns, with the timers of them. */
export async function loadUnfinished(db: Queryable, owner: string, specs: SpecRefs): Promise<RecoverySet> {
  const ids = (await db.query(UNFINISHED_IDS, [owner])).rows.map((r) => r.id as string);
  const set = await loadExecutions(db, ids, specs);
  set.timers.sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id));
  return set;
}
