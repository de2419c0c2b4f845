/**
 * How runtime records are stored, shared by the SQL stores. Each row keeps the few fields lists filter and sort
 * on as columns (id, state, times, parent ids) beside the record as JSON; the JSON leaves those fields out, and
 * reading puts them back from the columns. Every commit of a step rewrites its rows, so what a record repeats
 * costs bytes on disk and serialisation time on every step. Rows written before (with the fields in their JSON)
 * read the same: the columns always hold the same values.
 *
 * A row is read with the table's `*_COLUMNS`; records come out with the columns' fields first (key order is
 * not part of a record's meaning: the API's serialisers name every field). The JSON itself is written compactly
 * (`record-codec.ts`). Building a record on the columns' object (rather than spreading the parsed JSON and
 * adding the columns) keeps reads cheap: V8 took ten times as long for the spread.
 */
import type { ActionExecutionRecord, ExecutionRecord, TaskRecord } from '../model/index.js';
import { ACTION_LAYOUT, EXEC_LAYOUT, TASK_LAYOUT, decodeRecord, encodeRecord } from './record-codec.js';

type Row = Record<string, unknown>;

/** The columns an execution record is read from. */
export const EXEC_RECORD_COLUMNS =
  'id, workflow_name, state, parent_task_id, root_execution_id, created_at, updated_at, record';
/** SQL reading a top-level field of a JSON text column as text: each database has its own. */
export type JsonField = (column: string, key: string) => string;
export const SQLITE_JSON: JsonField = (column, key) => `json_extract(${column}, '$."${key}"')`;
export const POSTGRES_JSON: JsonField = (column, key) => `(${column}::json ->> '${key}')`;

/** A task's columns, and its execution's workflow id, which its record leaves out (`taskRecordText`): a primary
 * key look-up, from the execution's record (aliased, or by name in a row written before the aliases). */
function taskRecordColumns(json: JsonField): string {
  const workflowId = `coalesce(${json('e.record', '~w')}, ${json('e.record', 'workflowId')})`;
  return (
    'id, workflow_execution_id, workflow_name, name, state, created_at, updated_at, record, ' +
    `(SELECT ${workflowId} FROM workflow_executions e WHERE e.id = task_executions.workflow_execution_id) ` +
    'AS exec_workflow_id'
  );
}
/** The columns a task record is read from, on SQLite and on PostgreSQL. */
export const TASK_RECORD_COLUMNS = taskRecordColumns(SQLITE_JSON);
export const POSTGRES_TASK_RECORD_COLUMNS = taskRecordColumns(POSTGRES_JSON);
/** The task's columns an action of a task takes its workflow and task names from (`actionRecordText`): a primary
 * key look-up each, in SQL both databases share. */
const OF_TASK = (column: string) =>
  `(SELECT t.${column} FROM task_executions t WHERE t.id = action_executions.task_execution_id)`;
export const ACTION_RECORD_COLUMNS =
  'id, task_execution_id, workflow_execution_id, state, created_at, updated_at, record, ' +
  `${OF_TASK('workflow_name')} AS task_workflow_name, ${OF_TASK('name')} AS task_name`;

/** The record's fields held by columns, left out of its JSON. */
const COMMON = ['id', 'state', 'createdAt', 'updatedAt'];
const EXEC_IN_COLUMNS = new Set([...COMMON, 'workflowName', 'taskExecutionId']);
const EXEC_IN_COLUMNS_ROOT = new Set([...EXEC_IN_COLUMNS, 'rootExecutionId']);
/** A task's workflow id is its execution's (the engine copies it when it creates the task): read from there. */
const TASK_IN_COLUMNS = new Set([...COMMON, 'workflowExecutionId', 'workflowName', 'name', 'workflowId']);
const ACTION_IN_COLUMNS = new Set([...COMMON, 'taskExecutionId', 'workflowExecutionId']);
/** An action of a task has the task's workflow and task names (the engine copies both from it and its
 * execution): they are read from the task's row. */
const ACTION_OF_TASK_IN_COLUMNS = new Set([...ACTION_IN_COLUMNS, 'workflowName', 'taskName']);

/** The stored JSON of an execution record. The root is a column too (`execRootColumn`) and left out, unless it
 * names the execution itself. */
export function execRecordText(r: ExecutionRecord): string {
  // A root naming itself could not be told from "no root" in the column: kept in the JSON, as it is.
  const skip = r.rootExecutionId === r.id ? EXEC_IN_COLUMNS : EXEC_IN_COLUMNS_ROOT;
  return encodeRecord(r, EXEC_LAYOUT, skip);
}

export function execRecordFromRow(r: Row): ExecutionRecord {
  const id = r.id as string;
  const root = (r.root_execution_id as string | null) ?? null;
  // A stored root (an older row, or a root naming itself) wins over the column's reading. Rows written before
  // `execRootColumn` hold a top-level execution's own id as its root: read as none, as today's NULL is.
  return decodeRecord(r.record as string, EXEC_LAYOUT, {
    id,
    workflowName: r.workflow_name,
    state: r.state,
    taskExecutionId: r.parent_task_id ?? null,
    rootExecutionId: root === id ? null : root,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }) as unknown as ExecutionRecord;
}

export function taskRecordText(r: TaskRecord): string {
  return encodeRecord(r, TASK_LAYOUT, TASK_IN_COLUMNS);
}

export function taskRecordFromRow(r: Row): TaskRecord {
  // Rows from before migration 6 had no workflow_name column, and rows written before `taskRecordText` left the
  // workflow id out have it: their JSON has them, and wins.
  const columns: Row = {
    id: r.id,
    workflowExecutionId: r.workflow_execution_id,
    workflowName: r.workflow_name,
    name: r.name,
    state: r.state,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.exec_workflow_id != null) columns.workflowId = r.exec_workflow_id;
  return decodeRecord(r.record as string, TASK_LAYOUT, columns) as unknown as TaskRecord;
}

export function actionRecordText(r: ActionExecutionRecord): string {
  // A standalone action has no task ('' or null) and keeps its names.
  return encodeRecord(r, ACTION_LAYOUT, r.taskExecutionId ? ACTION_OF_TASK_IN_COLUMNS : ACTION_IN_COLUMNS);
}

export function actionRecordFromRow(r: Row): ActionExecutionRecord {
  const columns: Row = {
    id: r.id,
    taskExecutionId: r.task_execution_id ?? null,
    workflowExecutionId: r.workflow_execution_id,
    state: r.state,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  // Rows written before `actionRecordText` left them out hold the names in their JSON, which wins.
  if (r.task_name != null) {
    columns.workflowName = r.task_workflow_name;
    columns.taskName = r.task_name;
  }
  return decodeRecord(r.record as string, ACTION_LAYOUT, columns) as unknown as ActionExecutionRecord;
}

/**
 * The root column of an execution: NULL for a top-level one (36 bytes fewer per execution than its own id,
 * which older rows hold). SQL reads it only for sub-executions (`root_execution_id = ? AND id <>
 * root_execution_id`, the partial index's condition, which neither form of a top-level row meets).
 */
export function execRootColumn(r: ExecutionRecord): string | null {
  return r.rootExecutionId;
}

/** An execution record as its row's columns (the PostgreSQL store writes rows from these objects). */
export function execRowOf(r: ExecutionRecord): Row {
  return {
    id: r.id,
    workflow_name: r.workflowName,
    state: r.state,
    parent_task_id: r.taskExecutionId,
    root_execution_id: execRootColumn(r),
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    record: execRecordText(r),
  };
}

export function taskRowOf(r: TaskRecord): Row {
  return {
    id: r.id,
    workflow_execution_id: r.workflowExecutionId,
    name: r.name,
    state: r.state,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    record: taskRecordText(r),
    workflow_name: r.workflowName,
  };
}

export function actionRowOf(a: ActionExecutionRecord): Row {
  return {
    id: a.id,
    task_execution_id: a.taskExecutionId,
    workflow_execution_id: a.workflowExecutionId,
    state: a.state,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    record: actionRecordText(a),
  };
}

/** A runtime table read as records: its name, the columns to select, the row mapper. */
export interface RecordTable<T> {
  table: string;
  columns: string;
  fromRow: (r: Row) => T;
}

export const EXECUTIONS: RecordTable<ExecutionRecord> = {
  table: 'workflow_executions',
  columns: EXEC_RECORD_COLUMNS,
  fromRow: execRecordFromRow,
};
export const TASKS: RecordTable<TaskRecord> = {
  table: 'task_executions',
  columns: TASK_RECORD_COLUMNS,
  fromRow: taskRecordFromRow,
};
export const POSTGRES_TASKS: RecordTable<TaskRecord> = { ...TASKS, columns: POSTGRES_TASK_RECORD_COLUMNS };
export const ACTIONS: RecordTable<ActionExecutionRecord> = {
  table: 'action_executions',
  columns: ACTION_RECORD_COLUMNS,
  fromRow: actionRecordFromRow,
};
