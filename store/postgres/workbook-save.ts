/**
 * Saving a workbook with the listeners it declares, on PostgreSQL: one transaction holds the document (the
 * definitions' `writeDocument`) and the workbook's listeners (written as `delivery.ts` writes them), so an upload
 * never leaves a workbook without its listeners, or listeners of a workbook that was not saved. Deleting a
 * workbook takes its listeners with it, in one transaction too.
 */
import type pg from 'pg';
import { listenerOwnerNamespace, type Listener } from '../../model/index.js';
import { listenerFromRow } from '../sqlite/delivery.js';
import type { ActionDefinitionRow, WorkbookRow, WorkflowDefinitionRow } from '../types.js';
import { transaction, type Queryable } from './db.js';
import { writeDocument } from './definitions.js';
import { createListener, updateListener } from './delivery.js';

const OWNED = `SELECT id, record FROM listeners WHERE origin = 'workbook' AND owner = $1`;
const DELETE_PENDING = `DELETE FROM deliveries WHERE listener_id = ANY($1::text[]) AND state = 'pending'`;
const DELETE_LISTENERS = 'DELETE FROM listeners WHERE id = ANY($1::text[])';
const DELETE_WORKBOOK = 'DELETE FROM workbooks WHERE name = $1 AND namespace = $2';

/**
 * Makes `listeners` the listeners of workbook `name` in `namespace`: the others it owned go, with their pending
 * deliveries. The owner column holds the name only; the namespace is read from the record (absent there: the
 * default one), so a workbook of the same name in another namespace keeps its listeners.
 */
async function replaceWorkbookListeners(
  db: Queryable,
  name: string,
  namespace: string,
  listeners: Listener[],
): Promise<void> {
  const keep = new Set(listeners.map((l) => l.id));
  const { rows } = await db.query(OWNED, [name]);
  const gone = rows
    .filter((r) => listenerOwnerNamespace(listenerFromRow(r)) === namespace)
    .map((r) => r.id as string)
    .filter((id) => !keep.has(id));
  if (gone.length > 0) {
    await db.query(DELETE_PENDING, [gone]);
    await db.query(DELETE_LISTENERS, [gone]);
  }
  for (const l of listeners) if (!(await updateListener(db, l))) await createListener(db, l);
}

export function removeWorkbook(pool: pg.Pool, name: string, namespace: string): Promise<boolean> {
  return transaction(pool, async (db) => {
    const deleted = ((await db.query(DELETE_WORKBOOK, [name, namespace])).rowCount ?? 0) > 0;
    if (deleted) await replaceWorkbookListeners(db, name, namespace, []);
    return deleted;
  });
}

export function saveWorkbook(
  pool: pg.Pool,
  workbook: WorkbookRow,
  workflows: WorkflowDefinitionRow[],
  actions: ActionDefinitionRow[],
  listeners: Listener[],
): Promise<void> {
  return transaction(pool, async (db) => {
    await writeDocument(db, workbook, workflows, actions);
    await replaceWorkbookListeners(db, workbook.name, workbook.namespace, listeners);
  });
}
