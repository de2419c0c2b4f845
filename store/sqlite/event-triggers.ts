/**
 * Event triggers and their message receipts in SQLite, one function per operation with its SQL beside it.
 *
 * The trigger keeps its full record as JSON beside the columns that are filtered, sorted or unique
 * (exchange, topic, event, workflow: Mistral's unique key). A receipt is keyed by (trigger, message id): the
 * engine writes the `started` ones inside its commit (`insertReceipt`, called from the store's transaction),
 * so the execution and the proof that the message was consumed are durable together or not at all.
 */
import type Database from 'better-sqlite3';
import { ConflictError } from '../../common/index.js';
import type { EventTriggerFilter, EventTriggerRow, EventTriggerStore, MessageReceipt } from '../types.js';
import { pageSql, sortColumns, whereClause } from './paging.js';

type Row = Record<string, unknown>;
export const EVENT_TRIGGER_SORT = sortColumns([
  'created_at',
  'updated_at',
  'id',
  'name',
  'workflow_id',
  'exchange',
  'topic',
  'event',
]);

export function eventTriggerFromRow(r: Row): EventTriggerRow {
  return JSON.parse(r.record as string) as EventTriggerRow;
}

export function receiptFromRow(r: Row): MessageReceipt {
  return {
    triggerId: r.trigger_id as string,
    messageId: r.message_id as string,
    outcome: r.outcome as MessageReceipt['outcome'],
    executionId: (r.execution_id as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    createdAt: r.created_at as number,
  };
}

export class SqliteEventTriggers implements EventTriggerStore {
  private readonly insertReceiptStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertReceiptStmt = db.prepare(
      `INSERT INTO trigger_messages (trigger_id, message_id, outcome, execution_id, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trigger_id, message_id) DO NOTHING`,
    );
  }

  /** Inside the caller's transaction (the engine's commit). */
  insertReceipt(r: MessageReceipt): void {
    this.insertReceiptStmt.run(r.triggerId, r.messageId, r.outcome, r.executionId, r.reason, r.createdAt);
  }

  async create(t: EventTriggerRow): Promise<void> {
    try {
      this.db
        .prepare(
          `INSERT INTO event_triggers (id, name, workflow_id, exchange, topic, event, scope, created_at, updated_at,
             record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          t.id,
          t.name,
          t.workflowId,
          t.exchange,
          t.topic,
          t.event,
          t.scope,
          t.createdAt,
          t.updatedAt,
          JSON.stringify(t),
        );
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConflictError(
          `Duplicate entry for EventTrigger ['exchange', 'topic', 'event', 'workflow_id', 'project_id']: ` +
            `${t.exchange}, ${t.topic}, ${t.event}, ${t.workflowId}, None`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  async get(id: string): Promise<EventTriggerRow | null> {
    const r = this.db.prepare('SELECT record FROM event_triggers WHERE id = ?').get(id);
    return r ? eventTriggerFromRow(r as Row) : null;
  }

  async list(f: EventTriggerFilter = {}): Promise<EventTriggerRow[]> {
    const p = pageSql(this.db, 'event_triggers', f, EVENT_TRIGGER_SORT);
    const conds = [p.where];
    const params = [...p.params];
    const equals: Record<string, string | undefined> = {
      name: f.name,
      workflow_id: f.workflowId,
      exchange: f.exchange,
      topic: f.topic,
      event: f.event,
      scope: f.scope,
    };
    for (const [column, value] of Object.entries(equals)) {
      if (value === undefined) continue;
      conds.push(`${column} = ?`);
      params.push(value);
    }
    const sql = `SELECT record FROM event_triggers ${whereClause(conds)} ${p.order} ${p.limit}`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(eventTriggerFromRow);
  }

  async update(t: EventTriggerRow): Promise<boolean> {
    return (
      this.db
        .prepare(
          'UPDATE event_triggers SET name = ?, workflow_id = ?, scope = ?, updated_at = ?, record = ? WHERE id = ?',
        )
        .run(t.name, t.workflowId, t.scope, t.updatedAt, JSON.stringify(t), t.id).changes === 1
    );
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM trigger_messages WHERE trigger_id = ?').run(id);
      return this.db.prepare('DELETE FROM event_triggers WHERE id = ?').run(id).changes === 1;
    })();
  }

  async getReceipt(triggerId: string, messageId: string): Promise<MessageReceipt | null> {
    const r = this.db
      .prepare('SELECT * FROM trigger_messages WHERE trigger_id = ? AND message_id = ?')
      .get(triggerId, messageId);
    return r ? receiptFromRow(r as Row) : null;
  }

  async recordReceipt(r: MessageReceipt): Promise<void> {
    this.insertReceipt(r);
  }

  async pruneReceipts(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM trigger_messages WHERE created_at < ?').run(before).changes;
  }
}
