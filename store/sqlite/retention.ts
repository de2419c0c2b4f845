/**
 * Retention on SQLite: Mistral's execution expiration policy and the compaction of the outbox. The SQL is
 * written once with numbered parameters (`@p1` in SQLite, `$1` in PostgreSQL), and the PostgreSQL store runs the
 * same statements (`store/postgres/retention.ts`).
 *
 * Why the guards: retention must never lose an event. An execution whose events are not all fanned out, or
 * still have a delivery pending, is kept; the outbox keeps every event a pending delivery needs, and the newest
 * event of each execution until its execution row records its sequence, from which recovery numbers the next ones.
 */
import type Database from 'better-sqlite3';
import type { ExpirationPolicy, RetentionStore } from '../types.js';
import { actionsOfTasksOf } from './actions-of.js';

/** A placeholder for the i-th parameter (1-based). */
export type Placeholder = (i: number) => string;

/** Must match the partial index `workflow_executions_finished` word for word, so that the planners use it. */
const FINISHED_TOP = `parent_task_id IS NULL AND state IN ('SUCCESS', 'ERROR', 'CANCELLED')`;

/** The executions of the tree of root `p(1)`: the root, and the sub-executions the partial root index holds. */
const inTree = (p: Placeholder) =>
  `id = ${p(1)} OR (root_execution_id = ${p(1)} AND id <> root_execution_id)`;

/**
 * The events of the tree of root `root` (a placeholder, used three times, or a column): `root_execution_id =
 * root`, written so that the planners use an index for each half: the root's own events by the unique
 * (execution, sequence) index, its sub-executions' by the partial `outbox_root` index (migration 10), whose
 * condition this repeats word for word. `o` prefixes the outbox's columns.
 */
export const eventsOfTree = (root: string, o = '') =>
  `((${o}execution_id = ${root} AND ${o}root_execution_id = ${root}) OR ` +
  `(${o}root_execution_id = ${root} AND ${o}root_execution_id <> ${o}execution_id))`;

export const RETENTION_SQL = {
  cursor: `SELECT last_event_id FROM fan_out_cursor WHERE id = 1`,
  /** The finish time of the (N+1)-th newest finished execution: it and everything older goes. (1: N) */
  countCutoff: (p: Placeholder) =>
    `SELECT updated_at FROM workflow_executions WHERE ${FINISHED_TOP}
     ORDER BY updated_at DESC LIMIT 1 OFFSET ${p(1)}`,
  /** (1: finished at or before, 2: fan-out cursor, 3: limit) */
  expired: (p: Placeholder, indexedBy = '') =>
    `SELECT w.id FROM workflow_executions w ${indexedBy}
     WHERE w.${FINISHED_TOP.replace(' AND state', ' AND w.state')} AND w.updated_at <= ${p(1)}
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE ${eventsOfTree('w.id', 'o.')} AND o.id > ${p(2)})
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE ${eventsOfTree('w.id', 'o.')} AND EXISTS
                       (SELECT 1 FROM deliveries d WHERE d.event_id = o.id AND d.state = 'pending'))
     ORDER BY w.updated_at LIMIT ${p(3)}`,
  /** One execution tree, leaves first. (1: root execution id) */
  deleteTree: (p: Placeholder) => [
    `DELETE FROM event_attempts WHERE event_id IN (SELECT id FROM outbox WHERE ${eventsOfTree(p(1))})`,
    `DELETE FROM deliveries WHERE event_id IN (SELECT id FROM outbox WHERE ${eventsOfTree(p(1))})`,
    `DELETE FROM statuses WHERE root_execution_id = ${p(1)}`,
    `DELETE FROM outbox WHERE ${eventsOfTree(p(1))}`,
    `DELETE FROM action_executions WHERE ${actionsOfTasksOf(`SELECT id FROM workflow_executions WHERE ${inTree(p)}`)}`,
    `DELETE FROM task_executions WHERE workflow_execution_id IN (SELECT id FROM workflow_executions WHERE ${inTree(p)})`,
    `DELETE FROM timers WHERE execution_id IN (SELECT id FROM workflow_executions WHERE ${inTree(p)})`,
    `DELETE FROM workflow_executions WHERE ${inTree(p)}`,
  ],
  /**
   * A compaction batch, in two statements (1: created before, 2: fan-out cursor, 3: limit): the executions of
   * the batch's events first record their newest sequence (`last_sequence`, migration 11), then the batch goes,
   * the newest event of each execution included. An event goes only if its sequence is below a newer event's
   * or at most the recorded one, so one committed meanwhile (a higher sequence) always stays; an event whose
   * execution row is gone keeps its newest, as before.
   */
  compact: (p: Placeholder) => {
    const batch = (columns: string, seqCond: string) =>
      `SELECT ${columns} FROM outbox o
       WHERE o.created_at < ${p(1)} AND o.id <= ${p(2)}
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = o.id AND d.state = 'pending')${seqCond}
       ORDER BY o.id LIMIT ${p(3)}`;
    return {
      record: `UPDATE workflow_executions
       SET last_sequence = (SELECT MAX(o2.sequence) FROM outbox o2 WHERE o2.execution_id = workflow_executions.id)
       WHERE id IN (${batch('o.execution_id', '')})`,
      drop: `DELETE FROM outbox WHERE id IN (${batch(
        'o.id',
        `
         AND (o.sequence < (SELECT MAX(o2.sequence) FROM outbox o2 WHERE o2.execution_id = o.execution_id)
              OR o.sequence <= (SELECT w.last_sequence FROM workflow_executions w WHERE w.id = o.execution_id))`,
      )})`,
    };
  },
  /** The number recovery continues an execution's events from (1: execution id). */
  lastSequence: (p: Placeholder) =>
    `SELECT MAX(COALESCE((SELECT MAX(sequence) FROM outbox WHERE execution_id = ${p(1)}), 0),
                COALESCE((SELECT last_sequence FROM workflow_executions WHERE id = ${p(1)}), 0)) AS seq`,
};

const q: Placeholder = (i) => `@p${i}`;
/** better-sqlite3 binds named parameters from an object. */
const args = (...values: unknown[]) => Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));

export class SqliteRetention implements RetentionStore {
  private readonly cursor: Database.Statement;
  private readonly countCutoff: Database.Statement;
  private readonly expired: Database.Statement;
  private readonly deleteTree: Database.Statement[];
  private readonly compact: { record: Database.Statement; drop: Database.Statement };

  constructor(private readonly db: Database.Database) {
    this.cursor = db.prepare(RETENTION_SQL.cursor);
    this.countCutoff = db.prepare(RETENTION_SQL.countCutoff(q));
    // Without statistics SQLite took the (state, updated_at) index and sorted every expired execution; the
    // partial index gives them in order, so a sweep reads only its batch.
    this.expired = db.prepare(RETENTION_SQL.expired(q, 'INDEXED BY workflow_executions_finished'));
    this.deleteTree = RETENTION_SQL.deleteTree(q).map((sql) => db.prepare(sql));
    const compact = RETENTION_SQL.compact(q);
    this.compact = { record: db.prepare(compact.record), drop: db.prepare(compact.drop) };
  }

  private fannedOut(): number {
    return (this.cursor.get() as { last_event_id?: number } | undefined)?.last_event_id ?? 0;
  }

  async expireExecutions(p: ExpirationPolicy): Promise<string[]> {
    let cutoff = p.finishedBefore ?? -Infinity;
    if (p.keepFinished !== null) {
      const row = this.countCutoff.get(args(p.keepFinished)) as { updated_at: number } | undefined;
      if (row) cutoff = Math.max(cutoff, row.updated_at);
    }
    if (cutoff === -Infinity) return [];
    const ids = (this.expired.all(args(cutoff, this.fannedOut(), p.limit)) as { id: string }[]).map(
      (r) => r.id,
    );
    // One transaction per tree: a sweep of many trees does not hold the writer for long at a time.
    const drop = this.db.transaction((id: string) => {
      for (const stmt of this.deleteTree) stmt.run(args(id));
    });
    for (const id of ids) drop(id);
    return ids;
  }

  async compactOutbox(before: number, limit: number): Promise<number> {
    const a = args(before, this.fannedOut(), limit);
    return this.db.transaction(() => {
      this.compact.record.run(a);
      return this.compact.drop.run(a).changes;
    })();
  }
}
