/**
 * The engine's write path on PostgreSQL: one `ChangeSet` (a whole kernel batch: the group commit) is one
 * transaction of a handful of statements, one per table, each carrying all of its rows as one JSON array
 * (`jsonb_to_recordset`), so a commit costs the same few round trips for one row or a thousand.
 *
 * Outbox events are written last, after taking a transaction-level advisory lock: outbox ids come from a
 * sequence, and readers walk the outbox by id, so the transactions that insert events must become visible in id
 * order, or a reader could pass an id whose transaction had not committed yet. The lock is held only from the
 * event insert to COMMIT; everything else in the transaction runs in parallel across nodes.
 */
import type { ActionExecutionRecord } from '../../model/index.js';
import { encodePayload } from '../event-codec.js';
import {
  ACTIONS,
  EXECUTIONS,
  actionRecordText,
  actionRowOf,
  execRecordText,
  execRowOf,
  taskRowOf,
} from '../records.js';
import type { PendingSpec, SpecRefs } from '../spec-refs.js';
import type { ChangeSet } from '../types.js';
import type { Queryable } from './db.js';
import { CHANNELS } from './cluster.js';
import { insertReceipts } from './event-triggers.js';

/** Any constant: the key of the advisory lock that orders outbox inserts. */
const OUTBOX_LOCK = 0x6f757462; // 'outb'

/** The last row of each id wins (a batch may touch one row twice). */
function byId<T>(rows: T[], id: (r: T) => string): T[] {
  return [...new Map(rows.map((r) => [id(r), r])).values()];
}

const UPSERT_EXECUTIONS = `
  INSERT INTO workflow_executions (id, workflow_name, state, parent_task_id, root_execution_id, created_at,
    updated_at, record, runtime, spec_id, owner_node)
  SELECT x.*, $2 FROM jsonb_to_recordset($1::jsonb) AS x(id text, workflow_name text, state text,
    parent_task_id text, root_execution_id text, created_at bigint, updated_at bigint, record text, runtime text,
    spec_id bigint)
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
    record = excluded.record, runtime = excluded.runtime, spec_id = excluded.spec_id,
    owner_node = excluded.owner_node`;

/** Specs this node has not seen in the database: inserted unless another node did (then both read its number). */
const INSERT_SPECS = `
  INSERT INTO workflow_specs (hash, spec, created_at)
  SELECT x.hash, x.text, $2 FROM jsonb_to_recordset($1::jsonb) AS x(hash text, text text)
  ON CONFLICT (hash) DO NOTHING`;
const SPEC_IDS = 'SELECT id, hash FROM workflow_specs WHERE hash = ANY($1::text[])';

const UPSERT_TASKS = `
  INSERT INTO task_executions (id, workflow_execution_id, name, state, created_at, updated_at, record, machine,
    workflow_name)
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, workflow_execution_id text, name text, state text,
    created_at bigint, updated_at bigint, record text, machine text, workflow_name text)
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
    record = excluded.record, machine = excluded.machine`;

const UPSERT_ACTIONS = `
  INSERT INTO action_executions (id, task_execution_id, workflow_execution_id, state, created_at, updated_at,
    record)
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, task_execution_id text,
    workflow_execution_id text, state text, created_at bigint, updated_at bigint, record text)
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
    record = excluded.record`;

/** In array order, so that ids follow the order the engine emitted the events in. */
const INSERT_EVENTS = `
  INSERT INTO outbox (execution_id, root_execution_id, sequence, entity, entity_id, event_type, state,
    previous_state, payload, duplicate, created_at)
  SELECT v->>'execution_id', v->>'root_execution_id', (v->>'sequence')::int, v->>'entity', v->>'entity_id',
    v->>'event_type', v->>'state', v->>'previous_state', v->>'payload', (v->>'duplicate')::int,
    (v->>'created_at')::bigint
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY n`;

const UPSERT_TIMERS = `
  INSERT INTO timers (id, execution_id, task_execution_id, kind, due_at, payload)
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, execution_id text, task_execution_id text,
    kind text, due_at bigint, payload text)
  ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload`;

const DELETE_TIMERS = 'DELETE FROM timers WHERE id = ANY($1::text[])';

const SET_ACTION_RECORDS = `
  UPDATE action_executions a SET record = x.record
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, record text) WHERE a.id = x.id`;

const SET_EXECUTION_RECORDS = `
  UPDATE workflow_executions e SET record = x.record
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, record text) WHERE e.id = x.id`;

/** Rewrites the records of the task's own action executions (not its hooks') with `change`. */
async function rewriteActions(
  db: Queryable,
  taskIds: string[],
  change: (a: ActionExecutionRecord) => ActionExecutionRecord,
): Promise<void> {
  if (!taskIds.length) return;
  const { rows } = await db.query(
    `SELECT ${ACTIONS.columns} FROM action_executions WHERE task_execution_id = ANY($1::text[]) ORDER BY id`,
    [taskIds],
  );
  const changed = rows
    .map(ACTIONS.fromRow)
    .filter((a) => a.kind === 'action')
    .map((a) => ({ id: a.id, record: actionRecordText(change(a)) }));
  if (changed.length) await db.query(SET_ACTION_RECORDS, [JSON.stringify(changed)]);
}

/** `keep-result: false`: the outputs of the tasks' child workflow executions become `{}`. */
async function dropChildOutputs(db: Queryable, taskIds: string[]): Promise<void> {
  if (!taskIds.length) return;
  const { rows } = await db.query(
    `SELECT ${EXECUTIONS.columns} FROM workflow_executions WHERE parent_task_id = ANY($1::text[]) ORDER BY id`,
    [taskIds],
  );
  const changed = rows.map((r) => {
    const e = EXECUTIONS.fromRow(r);
    return { id: e.id, record: execRecordText({ ...e, output: {} }) };
  });
  if (changed.length) await db.query(SET_EXECUTION_RECORDS, [JSON.stringify(changed)]);
}

/** Makes sure the database holds the specs in `pending`; adds their numbers to `specIds`. */
async function storeSpecs(
  db: Queryable,
  pending: PendingSpec[],
  specIds: Map<string, number>,
): Promise<void> {
  const missing = [...new Map(pending.map((p) => [p.hash, p])).values()];
  if (!missing.length) return;
  await db.query(INSERT_SPECS, [JSON.stringify(missing), Date.now()]);
  const { rows } = await db.query(SPEC_IDS, [missing.map((p) => p.hash)]);
  for (const r of rows) specIds.set(r.hash as string, r.id as number);
}

/**
 * Applies one change set inside the caller's transaction; the executions written belong to node `owner`. The
 * numbers of the specs stored go to `specIds`, for `specs.confirm` once the transaction committed.
 */
export async function applyChangeSet(
  db: Queryable,
  c: ChangeSet,
  owner: string,
  specs: SpecRefs,
  specIds: Map<string, number>,
): Promise<void> {
  // Before the action rows: a re-run's new action executions are in this change set and stay accepted.
  await rewriteActions(db, c.supersededRuns ?? [], (a) => ({ ...a, accepted: false }));
  const encoded = byId(c.executions, (e) => e.record.id).map((e) => ({
    r: e.record,
    stored: specs.encode(e.runtime, e.record.input),
  }));
  await storeSpecs(
    db,
    encoded.flatMap((e) => (e.stored.pending ? [e.stored.pending] : [])),
    specIds,
  );
  const execs = encoded.map(({ r, stored }) => ({
    ...execRowOf(r),
    runtime: stored.runtime,
    spec_id: stored.pending ? specIds.get(stored.pending.hash) : stored.specId,
  }));
  if (execs.length) await db.query(UPSERT_EXECUTIONS, [JSON.stringify(execs), owner]);
  const tasks = byId(c.tasks, (t) => t.record.id).map(({ record: r, machine }) => ({
    ...taskRowOf(r),
    machine: JSON.stringify(machine),
  }));
  if (tasks.length) await db.query(UPSERT_TASKS, [JSON.stringify(tasks)]);
  const actions = byId(c.actions, (a) => a.id).map(actionRowOf);
  if (actions.length) await db.query(UPSERT_ACTIONS, [JSON.stringify(actions)]);
  const timers = byId(c.timersSet, (t) => t.id).map((t) => ({
    id: t.id,
    execution_id: t.executionId,
    task_execution_id: t.taskExecutionId,
    kind: t.kind,
    due_at: t.dueAt,
    payload: JSON.stringify(t.payload),
  }));
  if (timers.length) await db.query(UPSERT_TIMERS, [JSON.stringify(timers)]);
  if (c.timersCleared.length) await db.query(DELETE_TIMERS, [c.timersCleared]);
  const dropped = c.resultsDropped ?? [];
  await rewriteActions(db, dropped, (a) => ({ ...a, output: {} }));
  await dropChildOutputs(db, dropped);
  await insertReceipts(db, c.receipts ?? []);
  if (c.events.length) {
    await db.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
    const events = c.events.map((ev) => ({
      execution_id: ev.executionId,
      root_execution_id: ev.rootExecutionId,
      sequence: ev.sequence,
      entity: ev.entity,
      entity_id: ev.entityId,
      event_type: ev.eventType,
      state: ev.state,
      previous_state: ev.previousState,
      payload: encodePayload(ev.entity, ev, ev.payload),
      duplicate: ev.duplicate ? 1 : 0,
      created_at: ev.createdAt,
    }));
    await db.query(INSERT_EVENTS, [JSON.stringify(events)]);
    // Delivered at COMMIT: wakes the other nodes' delivery and streams.
    await db.query('SELECT pg_notify($1, $2)', [CHANNELS.events, owner]);
  }
}
