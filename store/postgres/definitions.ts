/**
 * Definitions on PostgreSQL: workbooks, workflow and ad-hoc action definitions, environments. Saving a document
 * replaces, in one transaction, the workbook row and every workflow and action that came from it.
 */
import type pg from 'pg';
import {
  DEF_SORT,
  defColumns,
  defFromRow,
  envFromRow,
  workbookFromRow,
  workbookValues,
} from '../sqlite/definitions.js';
import type {
  ActionDefinitionRow,
  EnvironmentRow,
  ListOptions,
  WorkbookRow,
  WorkflowDefinitionRow,
} from '../types.js';
import { transaction, Where, type Queryable } from './db.js';
import { limitSql, page } from './paging.js';

export type DefinitionTable = 'workflow_definitions' | 'action_definitions';

const UPSERT_WORKBOOK = `
  INSERT INTO workbooks (name, namespace, definition, spec, tags, scope, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (name, namespace) DO UPDATE SET definition = excluded.definition, spec = excluded.spec,
    tags = excluded.tags, scope = excluded.scope, updated_at = excluded.updated_at`;

function upsertDefinitionsSql(table: DefinitionTable): string {
  return `
  INSERT INTO ${table} (id, name, namespace, workbook_name, definition, spec, tags, scope, created_at, updated_at)
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, namespace text, workbook_name text,
    definition text, spec text, tags text, scope text, created_at bigint, updated_at bigint)
  ON CONFLICT (name, namespace) DO UPDATE SET workbook_name = excluded.workbook_name,
    definition = excluded.definition, spec = excluded.spec, tags = excluded.tags, scope = excluded.scope,
    updated_at = excluded.updated_at`;
}

async function deleteWorkbookDefinitions(db: Queryable, name: string, namespace: string): Promise<void> {
  for (const table of ['workflow_definitions', 'action_definitions']) {
    await db.query(`DELETE FROM ${table} WHERE workbook_name = $1 AND namespace = $2`, [name, namespace]);
  }
}

export function saveDocument(
  pool: pg.Pool,
  workbook: WorkbookRow | null,
  workflows: WorkflowDefinitionRow[],
  actions: ActionDefinitionRow[],
): Promise<void> {
  return transaction(pool, (db) => writeDocument(db, workbook, workflows, actions));
}

/** The writes of `saveDocument`, inside the caller's transaction. */
export async function writeDocument(
  db: Queryable,
  workbook: WorkbookRow | null,
  workflows: WorkflowDefinitionRow[],
  actions: ActionDefinitionRow[],
): Promise<void> {
  if (workbook) {
    // A workbook update replaces everything that came from it, including workflows it no longer has.
    await deleteWorkbookDefinitions(db, workbook.name, workbook.namespace);
    await db.query(UPSERT_WORKBOOK, workbookValues(workbook));
  }
  for (const [table, rows] of [
    ['workflow_definitions', workflows],
    ['action_definitions', actions],
  ] as const) {
    if (!rows.length) continue;
    const values = rows.map(defColumns);
    await db.query(upsertDefinitionsSql(table), [JSON.stringify(values)]);
  }
}

export async function getWorkbook(db: Queryable, name: string, namespace = ''): Promise<WorkbookRow | null> {
  const { rows } = await db.query('SELECT * FROM workbooks WHERE name = $1 AND namespace = $2', [
    name,
    namespace,
  ]);
  return rows[0] ? workbookFromRow(rows[0]) : null;
}

/** Every workbook (the API pages them itself: workbooks are keyed by name and namespace, not by an id). */
export async function listWorkbooks(db: Queryable, opts: ListOptions = {}): Promise<WorkbookRow[]> {
  const sql = `SELECT * FROM workbooks ORDER BY created_at, name, namespace ${limitSql(opts.limit)}`;
  return (await db.query(sql)).rows.map(workbookFromRow);
}

/** The workbook only: its workflows and actions stay, as in Mistral (`delete_workbook`). */
export async function deleteWorkbook(pool: pg.Pool, name: string, namespace = ''): Promise<boolean> {
  const r = await pool.query('DELETE FROM workbooks WHERE name = $1 AND namespace = $2', [name, namespace]);
  return (r.rowCount ?? 0) > 0;
}

export async function getDefinition<T extends WorkflowDefinitionRow | ActionDefinitionRow>(
  db: Queryable,
  table: DefinitionTable,
  nameOrId: string,
  namespace?: string,
): Promise<T | null> {
  const byId = (await db.query(`SELECT * FROM ${table} WHERE id = $1`, [nameOrId])).rows[0];
  if (byId) return defFromRow<T>(byId);
  const { rows } =
    namespace === undefined
      ? await db.query(`SELECT * FROM ${table} WHERE name = $1 ORDER BY namespace LIMIT 1`, [nameOrId])
      : await db.query(`SELECT * FROM ${table} WHERE name = $1 AND namespace = $2`, [nameOrId, namespace]);
  return rows[0] ? defFromRow<T>(rows[0]) : null;
}

export async function listDefinitions<T extends WorkflowDefinitionRow | ActionDefinitionRow>(
  db: Queryable,
  table: DefinitionTable,
  opts: ListOptions = {},
): Promise<T[]> {
  const w = new Where();
  const p = await page(db, w, table, opts, DEF_SORT);
  const { rows } = await db.query(`SELECT * FROM ${table} ${w.sql} ${p.order} ${p.limit}`, w.params);
  return rows.map((r) => defFromRow<T>(r));
}

export async function deleteDefinition(db: Queryable, table: DefinitionTable, id: string): Promise<boolean> {
  return ((await db.query(`DELETE FROM ${table} WHERE id = $1`, [id])).rowCount ?? 0) > 0;
}

export async function putEnvironment(db: Queryable, env: EnvironmentRow): Promise<void> {
  await db.query(
    `INSERT INTO environments (id, name, description, variables, scope, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (name) DO UPDATE SET description = excluded.description, variables = excluded.variables,
       scope = excluded.scope, updated_at = excluded.updated_at`,
    [
      env.id,
      env.name,
      env.description,
      JSON.stringify(env.variables),
      env.scope,
      env.createdAt,
      env.updatedAt,
    ],
  );
}

export async function getEnvironment(db: Queryable, name: string): Promise<EnvironmentRow | null> {
  const { rows } = await db.query('SELECT * FROM environments WHERE name = $1 OR id = $1 LIMIT 1', [name]);
  return rows[0] ? envFromRow(rows[0]) : null;
}

export async function listEnvironments(db: Queryable): Promise<EnvironmentRow[]> {
  return (await db.query('SELECT * FROM environments ORDER BY created_at, id')).rows.map(envFromRow);
}

export async function deleteEnvironment(db: Queryable, name: string): Promise<boolean> {
  return ((await db.query('DELETE FROM environments WHERE name = $1', [name])).rowCount ?? 0) > 0;
}
