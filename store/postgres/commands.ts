/**
 * Steering calls handed to the node that owns an execution, through the database. The node that received the
 * call writes a row in `commands` addressed to the owner and sends `NOTIFY tram_commands` (payload: the owner's
 * id), then waits for the row to be done (bounded); the owner takes its pending rows (`FOR UPDATE SKIP LOCKED`,
 * woken by the notification and also polled every third of the lease, so a notification lost with a dropped session loses
 * nothing), applies each through its own engine, and writes the outcome (a result, or a typed error).
 *
 * A command still pending when the caller gives up is marked EXPIRED in the same statement that checks it, so it
 * is never applied after the caller answered that it was not. The caller deletes its row once it has the
 * outcome; rows nobody waits for any more (the caller gave up while the owner was applying it, the caller died,
 * the target died before taking it) are swept by every node's command poll once they are twice the timeout old.
 */
import { TramError, toError, type ErrorCode } from '../../common/index.js';
import type { ClusterCommand } from '../types.js';
import type { Queryable } from './db.js';

export const COMMANDS_CHANNEL = 'tram_commands';

/** What the owner applies a command with (the engine's own steering, as for a local call). */
export type CommandHandler = (cmd: ClusterCommand) => Promise<unknown>;

export async function sendCommand(
  db: Queryable,
  target: string,
  cmd: ClusterCommand,
  opts: { timeoutMs: number; pollMs: number; now: () => number },
): Promise<unknown> {
  const { rows } = await db.query(
    `INSERT INTO commands (target_node, command, state, created_at) VALUES ($1, $2, 'PENDING', $3) RETURNING id`,
    [target, JSON.stringify(cmd), opts.now()],
  );
  const id = rows[0]?.id as number;
  await db.query('SELECT pg_notify($1, $2)', [COMMANDS_CHANNEL, target]);
  const deadline = opts.now() + opts.timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, opts.pollMs));
    const expired = opts.now() > deadline;
    const { rows: done } = expired
      ? await db.query(
          `UPDATE commands SET state = CASE WHEN state = 'PENDING' THEN 'EXPIRED' ELSE state END
           WHERE id = $1 RETURNING state, outcome`,
          [id],
        )
      : await db.query('SELECT state, outcome FROM commands WHERE id = $1', [id]);
    const row = done[0];
    if (row?.state === 'DONE' || row?.state === 'EXPIRED')
      await db.query('DELETE FROM commands WHERE id = $1', [id]);
    if (row?.state === 'DONE') return outcomeOf(String(row.outcome));
    if (expired)
      throw new TramError(
        'STORE',
        `the node that runs this execution (${target}) did not apply the ${cmd.kind} within ${opts.timeoutMs} ms`,
      );
  }
}

function outcomeOf(text: string): unknown {
  const o = JSON.parse(text) as {
    value?: unknown;
    error?: { code: ErrorCode; message: string; field?: string };
  };
  if (!o.error) return o.value;
  const err = new TramError(o.error.code, o.error.message);
  if (o.error.field !== undefined) Object.assign(err, { field: o.error.field });
  throw err;
}

/** Takes this node's pending commands and applies them one by one, in order. */
export async function runCommands(db: Queryable, me: string, handle: CommandHandler): Promise<void> {
  const { rows } = await db.query(
    `UPDATE commands SET state = 'RUNNING' WHERE id IN (SELECT id FROM commands
       WHERE target_node = $1 AND state = 'PENDING' ORDER BY id FOR UPDATE SKIP LOCKED)
     RETURNING id, command`,
    [me],
  );
  for (const row of rows.sort((a, b) => (a.id as number) - (b.id as number))) {
    let outcome: unknown;
    try {
      outcome = { value: await handle(JSON.parse(String(row.command)) as ClusterCommand) };
    } catch (e) {
      const err = toError(e);
      const field = (err as { field?: unknown }).field;
      outcome = {
        error: {
          code: err instanceof TramError ? err.code : 'INTERNAL',
          message: err.message,
          ...(typeof field === 'string' ? { field } : {}),
        },
      };
    }
    await db.query(`UPDATE commands SET state = 'DONE', outcome = $2 WHERE id = $1`, [
      row.id,
      JSON.stringify(outcome),
    ]);
  }
}

/**
 * Deletes the commands created before `before` (epoch ms): their callers gave up long ago. One that is being
 * applied meanwhile is applied all the same; its outcome then updates no row.
 */
export async function deleteStaleCommands(db: Queryable, before: number): Promise<number> {
  const r = await db.query('DELETE FROM commands WHERE created_at < $1', [before]);
  return r.rowCount ?? 0;
}
