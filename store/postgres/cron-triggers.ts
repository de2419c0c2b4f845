/**
 * Cron triggers on PostgreSQL. A run is claimed with a compare-and-swap on `next_execution_time`
 * (`UPDATE ... WHERE id = $1 AND next_execution_time = $2`): under READ COMMITTED the second of two concurrent
 * updates re-checks the row after the first commits and finds the time moved, so across nodes exactly one
 * claims each run.
 */
import { CRON_COLUMNS, CRON_SORT, cronFromRow, cronValues } from '../sqlite/cron-triggers.js';
import type { CronTriggerAdvance, CronTriggerFilter, CronTriggerRow } from '../types.js';
import { unique, Where, type Queryable } from './db.js';
import { page } from './paging.js';

export async function createCronTrigger(db: Queryable, t: CronTriggerRow): Promise<void> {
  await unique(`Duplicate entry for cron trigger: ${t.name}`, () =>
    db.query(
      `INSERT INTO cron_triggers (${CRON_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      cronValues(t),
    ),
  );
}

export async function getCronTrigger(db: Queryable, nameOrId: string): Promise<CronTriggerRow | null> {
  const { rows } = await db.query(
    'SELECT * FROM cron_triggers WHERE name = $1 OR id = $1 ORDER BY name = $1 DESC LIMIT 1',
    [nameOrId],
  );
  return rows[0] ? cronFromRow(rows[0]) : null;
}

export async function listCronTriggers(db: Queryable, f: CronTriggerFilter = {}): Promise<CronTriggerRow[]> {
  const w = new Where();
  const p = await page(db, w, 'cron_triggers', f, CRON_SORT);
  w.eq('name', f.name)
    .eq('workflow_name', f.workflowName)
    .eq('workflow_id', f.workflowId)
    .eq('pattern', f.pattern)
    .eq('scope', f.scope);
  const { rows } = await db.query(`SELECT * FROM cron_triggers ${w.sql} ${p.order} ${p.limit}`, w.params);
  return rows.map(cronFromRow);
}

export async function deleteCronTrigger(db: Queryable, nameOrId: string): Promise<boolean> {
  const row = await getCronTrigger(db, nameOrId);
  if (!row) return false;
  return ((await db.query('DELETE FROM cron_triggers WHERE id = $1', [row.id])).rowCount ?? 0) > 0;
}

export async function listDueCronTriggers(
  db: Queryable,
  now: number,
  limit: number,
): Promise<CronTriggerRow[]> {
  const { rows } = await db.query(
    'SELECT * FROM cron_triggers WHERE next_execution_time <= $1 ORDER BY next_execution_time, id LIMIT $2',
    [now, Math.max(1, Math.floor(limit))],
  );
  return rows.map(cronFromRow);
}

export async function advanceCronTrigger(
  db: Queryable,
  id: string,
  expectedNextTime: number,
  next: CronTriggerAdvance,
  now: number,
): Promise<boolean> {
  const r =
    next === 'delete'
      ? await db.query('DELETE FROM cron_triggers WHERE id = $1 AND next_execution_time = $2', [
          id,
          expectedNextTime,
        ])
      : await db.query(
          `UPDATE cron_triggers SET next_execution_time = $1, remaining_executions = $2, updated_at = $3
           WHERE id = $4 AND next_execution_time = $5`,
          [next.nextExecutionTime, next.remainingExecutions, now, id, expectedNextTime],
        );
  return r.rowCount === 1;
}
