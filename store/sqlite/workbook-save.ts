/**
 * Saving a workbook with the listeners it declares, in SQLite: one transaction holds the document (the
 * definitions' own `saveDocument`, which nests as a savepoint) and the workbook's listeners, so an upload never
 * leaves a workbook without its listeners, or listeners of a workbook that was not saved. Deleting a workbook
 * takes its listeners with it, in one transaction too.
 *
 * The listener rows are those `delivery.ts` writes (the filtered columns and the full record as JSON).
 */
import type Database from 'better-sqlite3';
import { ConflictError } from '../../common/index.js';
import { listenerOwnerNamespace, type Listener } from '../../model/index.js';
import type { ActionDefinitionRow, WorkbookRow, WorkflowDefinitionRow } from '../types.js';
import type { SqliteDefinitions } from './definitions.js';
import { listenerFromRow } from './delivery.js';

const OWNED = `SELECT id, record FROM listeners WHERE origin = 'workbook' AND owner = ?`;
const DELETE_PENDING = `DELETE FROM deliveries WHERE listener_id = ? AND state = 'pending'`;
const DELETE_LISTENER = 'DELETE FROM listeners WHERE id = ?';
const UPDATE_LISTENER = `UPDATE listeners SET name = ?, origin = ?, owner = ?, enabled = ?, created_at = ?,
  updated_at = ?, record = ? WHERE id = ?`;
const INSERT_LISTENER = `INSERT INTO listeners (name, origin, owner, enabled, created_at, updated_at, record, id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

function columns(l: Listener): unknown[] {
  return [l.name, l.origin, l.owner, l.enabled ? 1 : 0, l.createdAt, l.updatedAt, JSON.stringify(l), l.id];
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Makes `listeners` the listeners of workbook `name` in `namespace`: the others it owned go, with their pending
 * deliveries. The owner column holds the name only; the namespace is read from the record (absent there: the
 * default one), so a workbook of the same name in another namespace keeps its listeners.
 */
function replaceWorkbookListeners(
  db: Database.Database,
  name: string,
  namespace: string,
  listeners: Listener[],
): void {
  const keep = new Set(listeners.map((l) => l.id));
  for (const row of db.prepare(OWNED).all(name) as { id: string; record: string }[]) {
    const id = row.id;
    if (keep.has(id) || listenerOwnerNamespace(listenerFromRow(row)) !== namespace) continue;
    db.prepare(DELETE_PENDING).run(id);
    db.prepare(DELETE_LISTENER).run(id);
  }
  for (const l of listeners) {
    try {
      if (db.prepare(UPDATE_LISTENER).run(...columns(l)).changes === 0) {
        db.prepare(INSERT_LISTENER).run(...columns(l));
      }
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError(`Duplicate entry for listener: ${l.name}`, { cause: err });
      throw err;
    }
  }
}

export function removeWorkbook(
  db: Database.Database,
  defs: SqliteDefinitions,
  name: string,
  namespace: string,
): boolean {
  return db.transaction(() => {
    const deleted = defs.deleteWorkbook(name, namespace);
    if (deleted) replaceWorkbookListeners(db, name, namespace, []);
    return deleted;
  })();
}

export function saveWorkbook(
  db: Database.Database,
  defs: SqliteDefinitions,
  workbook: WorkbookRow,
  workflows: WorkflowDefinitionRow[],
  actions: ActionDefinitionRow[],
  listeners: Listener[],
): void {
  db.transaction(() => {
    defs.saveDocument(workbook, workflows, actions);
    replaceWorkbookListeners(db, workbook.name, workbook.namespace, listeners);
  })();
}
