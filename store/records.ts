/**
 * How runtime records are stored, shared by the SQL stores. Each row keeps the few fields lists filter and sort
 * on as columns (id, state, times, parent ids) beside the record as JSON; the JSON leaves those fields out, and
 * reading puts them back from the columns. Every commit of a step rewrites its rows, so what a record repeats
 * costs bytes on disk and serialisation time on every step. Rows written before (with the fields in their JSON)
 * read the same: the columns always hold the same values.
 *
 * A row is read with the table's `*_COLUMNS`; records come out with the columns' fields first (key order is
 * not part of a record's meaning: the API's serialisers name every field).
 */
import type { ActionExecutionRecord, ExecutionRecord, TaskRecord } from '../model/index.js';

type Row = Record<string, unknown>;

/** The columns an execution record is read from. */
export const EXEC_RECORD_COLUMNS =
  'id, workflow_name, state, parent_task_id, root_execution_id, created_at, updated_at, record';
export const TASK_RECORD_COLUMNS =
  'id, workflow_execution_id, workflow_name, name, state, created_at, updated_at, record';
export const ACTION_RECORD_COLUMNS =
  'id, task_execution_id, workflow_execution_id, state, created_at, updated_at, record';

/** The record's fields held by columns, left out of its JSON. */
const COMMON = ['id', 'state', 'createdAt', 'updatedAt'];
const EXEC_IN_COLUMNS = new Set([...COMMON, 'workflowName', 'taskExecutionId']);
const EXEC_IN_COLUMNS_ROOT = new Set([...EXEC_IN_COLUMNS, 'rootExecutionId']);
const TASK_IN_COLUMNS = new Set([...COMMON, 'workflowExecutionId', 'workflowName', 'name']);
const ACTION_IN_COLUMNS = new Set([...COMMON, 'taskExecutionId', 'workflowExecutionId']);

/** A copy of `r` without `keys` (a loop: cheaper than a spread and a delete per key on the commit path). */
function omit(r: object, keys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!keys.has(k)) out[k] = v;
  return out;
}

/** The stored JSON of an execution record. The root is a column too (`rootExecutionId ?? id`): null is left out
 * (read back from the column equal to the id), any other root as well. */
export function execRecordText(r: ExecutionRecord): string {
  // A root naming itself could not be told from "no root" in the column: kept in the JSON, as it is.
  return JSON.stringify(omit(r, r.rootExecutionId === r.id ? EXEC_IN_COLUMNS : EXEC_IN_COLUMNS_ROOT));
}

export function execRecordFromRow(r: Row): ExecutionRecord {
  const rec = JSON.parse(r.record as string) as Partial<ExecutionRecord>;
  const id = r.id as string;
  const root = r.root_execution_id as string;
  return {
    ...rec,
    id,
    workflowName: r.workflow_name as string,
    state: r.state as ExecutionRecord['state'],
    taskExecutionId: (r.parent_task_id as string | null) ?? null,
    rootExecutionId: rec.rootExecutionId !== undefined ? rec.rootExecutionId : root === id ? null : root,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  } as ExecutionRecord;
}

export function taskRecordText(r: TaskRecord): string {
  return JSON.stringify(omit(r, TASK_IN_COLUMNS));
}

export function taskRecordFromRow(r: Row): TaskRecord {
  const rec = JSON.parse(r.record as string) as Partial<TaskRecord>;
  return {
    ...rec,
    id: r.id as string,
    workflowExecutionId: r.workflow_execution_id as string,
    // Rows from before migration 6 had no column: the JSON has it.
    workflowName: (r.workflow_name as string | null) ?? rec.workflowName,
    name: r.name as string,
    state: r.state as TaskRecord['state'],
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  } as TaskRecord;
}

export function actionRecordText(r: ActionExecutionRecord): string {
  return JSON.stringify(omit(r, ACTION_IN_COLUMNS));
}

export function actionRecordFromRow(r: Row): ActionExecutionRecord {
  const rec = JSON.parse(r.record as string) as Partial<ActionExecutionRecord>;
  return {
    ...rec,
    id: r.id as string,
    taskExecutionId: (r.task_execution_id as string | null) ?? null,
    workflowExecutionId: r.workflow_execution_id as string,
    state: r.state as ActionExecutionRecord['state'],
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  } as ActionExecutionRecord;
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
export const ACTIONS: RecordTable<ActionExecutionRecord> = {
  table: 'action_executions',
  columns: ACTION_RECORD_COLUMNS,
  fromRow: actionRecordFromRow,
};
