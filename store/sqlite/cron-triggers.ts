/**
 * Cron triggers in SQLite. A run is claimed with a compare-and-swap on `next_execution_time`
 * (`UPDATE ... WHERE id = ? AND next_execution_time = ?`): SQLite serialises writers, so when several engine
 * nodes open the same database exactly one of them sees its update change a row and starts the run.
 */
import type Database from 'better-sqlite3';
import { ConflictError } from '../../common/index.js';
import type { CronTriggerAdvance, CronTriggerFilter, CronTriggerRow } from '../types.js';
import { pageSql, sortColumns, whereClause } from './paging.js';

type Row = Record<string, unknown>;
export const CRON_SORT = sortColumns([
  'created_at',
  'updated_at',
  'id',
  'name',
  'workflow_name',
  'workflow_id',
  'pattern',
  'scope',
  'next_execution_time',
  'remaining_executions',
]);

export function cronFromRow(r: Row): CronTriggerRow {
  return {
    id: r.id as string,
    name: r.name as string,
    pattern: (r.pattern as string | null) ?? null,
    workflowName: r.workflow_name as string,
    workflowId: r.workflow_id as string,
    workflowInput: JSON.parse(r.workflow_input as string),
    workflowParams: JSON.parse(r.workflow_params as string),
    firstExecutionTime: (r.first_execution_time as number | null) ?? null,
    nextExecutionTime: r.next_execution_time as number,
    remainingExecutions: (r.remaining_executions as number | null) ?? null,
    scope: r.scope as string,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

/** The columns a new trigger is written to, in the order of `cronValues`. */
export const CRON_COLUMNS =
  'id, name, pattern, workflow_name, workflow_id, workflow_input, workflow_params, ' +
  'first_execution_time, next_execution_time, remaining_executions, scope, created_at, updated_at';

/** A trigger's values in the order of `CRON_COLUMNS`, as both stores insert them (the inverse of `cronFromRow`). */
export function cronValues(t: CronTriggerRow): unknown[] {
  return [
    t.id,
    t.name,
    t.pattern,
    t.workflowName,
    t.workflowId,
    JSON.stringify(t.workflowInput),
    JSON.stringify(t.workflowParams),
    t.firstExecutionTime,
    t.nextExecutionTime,
    t.remainingExecutions,
    t.scope,
    t.createdAt,
    t.updatedAt,
  ];
}

export class SqliteCronTriggers {
  constructor(private readonly db: Database.Database) {}

  create(t: CronTriggerRow): void {
    try {
      this.db
        .prepare(`INSERT INTO cron_triggers (${CRON_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(...cronValues(t));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConflictError(`Duplicate entry for cron trigger: ${t.name}`, { cause: err });
      }
      throw err;
    }
  }

  get(nameOrId: string): CronTriggerRow | null {
    const r = this.db
      .prepare('SELECT * FROM cron_triggers WHERE name = ? OR id = ? ORDER BY name = ? DESC LIMIT 1')
      .get(nameOrId, nameOrId, nameOrId);
    return r ? cronFromRow(r as Row) : null;
  }

  list(f: CronTriggerFilter = {}): CronTriggerRow[] {
    const p = pageSql(this.db, 'cron_triggers', f, CRON_SORT);
    const conds = [p.where];
    const params = [...p.params];
    const equals: Record<string, string | undefined> = {
      name: f.name,
      workflow_name: f.workflowName,
      workflow_id: f.workflowId,
      pattern: f.pattern,
      scope: f.scope,
    };
    for (const [column, value] of Object.entries(equals)) {
      if (value === undefined) continue;
      conds.push(`${column} = ?`);
      params.push(value);
    }
    const sql = `SELECT * FROM cron_triggers ${whereClause(conds)} ${p.order} ${p.limit}`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(cronFromRow);
  }

  delete(nameOrId: string): boolean {
    const row = this.get(nameOrId);
    return row ? this.db.prepare('DELETE FROM cron_triggers WHERE id = ?').run(row.id).changes > 0 : false;
  }

  listDue(now: number, limit: number): CronTriggerRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM cron_triggers WHERE next_execution_time <= ?
           ORDER BY next_execution_time, id LIMIT ?`,
        )
        .all(now, Math.max(1, Math.floor(limit))) as Row[]
    ).map(cronFromRow);
  }

  advance(id: string, expectedNextTime: number, next: CronTriggerAdvance, now: number): boolean {
    if (next === 'delete') {
      return (
        this.db
          .prepare('DELETE FROM cron_triggers WHERE id = ? AND next_execution_time = ?')
          .run(id, expectedNextTime).changes === 1
      );
    }
    return (
      this.db
        .prepare(
          `UPDATE cron_triggers SET next_execution_time = ?, remaining_executions = ?, updated_at = ?
           WHERE id = ? AND next_execution_time = ?`,
        )
        .run(next.nextExecutionTime, next.remainingExecutions, now, id, expectedNextTime).changes === 1
    );
  }
}
