/**
 * Definitions in SQLite: workbooks, workflow and ad-hoc action definitions, environments. Saving a document
 * replaces, in one transaction, the workbook row and every workflow and action that came from it.
 */
import type Database from 'better-sqlite3';
import type {
  ActionDefinitionRow,
  EnvironmentRow,
  ListOptions,
  WorkbookRow,
  WorkflowDefinitionRow,
} from '../types.js';
import { pageSql, sortColumns, whereClause } from './paging.js';

type Row = Record<string, unknown>;
export const DEF_SORT = sortColumns(['created_at', 'updated_at', 'name', 'namespace', 'scope', 'id']);

export function workbookFromRow(r: Row): WorkbookRow {
  return {
    name: r.name as string,
    namespace: r.namespace as string,
    definition: r.definition as string,
    spec: JSON.parse(r.spec as string),
    tags: JSON.parse(r.tags as string),
    scope: r.scope as string,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

/** A workbook row's values in the order both stores' upserts list its columns (the inverse of `workbookFromRow`). */
export function workbookValues(wb: WorkbookRow): unknown[] {
  return [
    wb.name,
    wb.namespace,
    wb.definition,
    JSON.stringify(wb.spec),
    JSON.stringify(wb.tags),
    wb.scope,
    wb.createdAt,
    wb.updatedAt,
  ];
}

/** A definition row's columns by name, as both stores write them (the inverse of `defFromRow`). */
export function defColumns(d: WorkflowDefinitionRow | ActionDefinitionRow): Record<string, unknown> {
  return {
    id: d.id,
    name: d.name,
    namespace: d.namespace,
    workbook_name: d.workbookName,
    definition: d.definition,
    spec: JSON.stringify(d.spec),
    tags: JSON.stringify(d.tags),
    scope: d.scope,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

export function defFromRow<T extends WorkflowDefinitionRow | ActionDefinitionRow>(r: Row): T {
  return {
    id: r.id as string,
    name: r.name as string,
    namespace: r.namespace as string,
    workbookName: (r.workbook_name as string | null) ?? null,
    definition: r.definition as string,
    spec: JSON.parse(r.spec as string),
    tags: JSON.parse(r.tags as string),
    scope: r.scope as string,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  } as T;
}

export function envFromRow(r: Row): EnvironmentRow {
  return {
    id: r.id as string,
    name: r.name as string,
    description: r.description as string,
    variables: JSON.parse(r.variables as string),
    scope: r.scope as string,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

export class SqliteDefinitions {
  constructor(private readonly db: Database.Database) {}

  saveDocument(
    workbook: WorkbookRow | null,
    workflows: WorkflowDefinitionRow[],
    actions: ActionDefinitionRow[],
  ): void {
    const db = this.db;
    db.transaction(() => {
      if (workbook) {
        // A workbook update replaces everything that came from it, including workflows it no longer has.
        db.prepare('DELETE FROM workflow_definitions WHERE workbook_name = ? AND namespace = ?').run(
          workbook.name,
          workbook.namespace,
        );
        db.prepare('DELETE FROM action_definitions WHERE workbook_name = ? AND namespace = ?').run(
          workbook.name,
          workbook.namespace,
        );
        db.prepare(
          `INSERT INTO workbooks (name, namespace, definition, spec, tags, scope, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name, namespace) DO UPDATE SET definition = excluded.definition, spec = excluded.spec,
             tags = excluded.tags, scope = excluded.scope, updated_at = excluded.updated_at`,
        ).run(...workbookValues(workbook));
      }
      for (const [table, rows] of [
        ['workflow_definitions', workflows],
        ['action_definitions', actions],
      ] as const) {
        const stmt = db.prepare(
          `INSERT INTO ${table} (id, name, namespace, workbook_name, definition, spec, tags, scope, created_at,
             updated_at) VALUES (@id, @name, @namespace, @workbook_name, @definition, @spec, @tags, @scope,
             @created_at, @updated_at)
           ON CONFLICT (name, namespace) DO UPDATE SET workbook_name = excluded.workbook_name,
             definition = excluded.definition, spec = excluded.spec, tags = excluded.tags, scope = excluded.scope,
             updated_at = excluded.updated_at`,
        );
        for (const d of rows) stmt.run(defColumns(d));
      }
    })();
  }

  getWorkbook(name: string, namespace = ''): WorkbookRow | null {
    const r = this.db
      .prepare('SELECT * FROM workbooks WHERE name = ? AND namespace = ?')
      .get(name, namespace);
    return r ? workbookFromRow(r as Row) : null;
  }

  /** Every workbook (the API pages them itself: workbooks are keyed by name and namespace, not by an id). */
  listWorkbooks(opts: ListOptions = {}): WorkbookRow[] {
    const limit = opts.limit !== undefined && opts.limit > 0 ? `LIMIT ${Math.floor(opts.limit)}` : '';
    const sql = `SELECT * FROM workbooks ORDER BY created_at, name, namespace ${limit}`;
    return (this.db.prepare(sql).all() as Row[]).map(workbookFromRow);
  }

  /** The workbook only: its workflows and actions stay, as in Mistral (`delete_workbook`). */
  deleteWorkbook(name: string, namespace = ''): boolean {
    return (
      this.db.prepare('DELETE FROM workbooks WHERE name = ? AND namespace = ?').run(name, namespace).changes >
      0
    );
  }

  getDefinition<T extends WorkflowDefinitionRow | ActionDefinitionRow>(
    table: 'workflow_definitions' | 'action_definitions',
    nameOrId: string,
    namespace?: string,
  ): T | null {
    const byId = this.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(nameOrId);
    if (byId) return defFromRow<T>(byId as Row);
    const r =
      namespace === undefined
        ? this.db.prepare(`SELECT * FROM ${table} WHERE name = ? ORDER BY namespace LIMIT 1`).get(nameOrId)
        : this.db.prepare(`SELECT * FROM ${table} WHERE name = ? AND namespace = ?`).get(nameOrId, namespace);
    return r ? defFromRow<T>(r as Row) : null;
  }

  listDefinitions<T extends WorkflowDefinitionRow | ActionDefinitionRow>(
    table: 'workflow_definitions' | 'action_definitions',
    opts: ListOptions = {},
  ): T[] {
    const p = pageSql(this.db, table, opts, DEF_SORT);
    const sql = `SELECT * FROM ${table} ${whereClause([p.where])} ${p.order} ${p.limit}`;
    return (this.db.prepare(sql).all(...p.params) as Row[]).map((r) => defFromRow<T>(r));
  }

  deleteDefinition(table: 'workflow_definitions' | 'action_definitions', id: string): boolean {
    return this.db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(id).changes > 0;
  }

  putEnvironment(env: EnvironmentRow): void {
    this.db
      .prepare(
        `INSERT INTO environments (id, name, description, variables, scope, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET description = excluded.description, variables = excluded.variables,
           scope = excluded.scope, updated_at = excluded.updated_at`,
      )
      .run(
        env.id,
        env.name,
        env.description,
        JSON.stringify(env.variables),
        env.scope,
        env.createdAt,
        env.updatedAt,
      );
  }

  getEnvironment(name: string): EnvironmentRow | null {
    const r = this.db.prepare('SELECT * FROM environments WHERE name = ? OR id = ?').get(name, name);
    return r ? envFromRow(r as Row) : null;
  }

  listEnvironments(): EnvironmentRow[] {
    return (this.db.prepare('SELECT * FROM environments ORDER BY created_at, id').all() as Row[]).map(
      envFromRow,
    );
  }

  deleteEnvironment(name: string): boolean {
    return this.db.prepare('DELETE FROM environments WHERE name = ?').run(name).changes > 0;
  }
}
