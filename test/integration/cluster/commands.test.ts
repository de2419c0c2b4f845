/**
 * The commands table does not grow without bound: a steering command nobody waits for any more (its caller gave
 * up while the owner was still applying it, its caller died, its target died before taking it) is deleted by the
 * heartbeat's sweep once it is twice the command timeout old; a command still within its caller's wait stays.
 */
import { expect } from 'chai';
import pg from 'pg';
import { PostgresStore } from '../../../store/index.js';
import { until } from '../api-helpers.js';
import { createTestDatabase } from '../store-contract/harness.js';

describe('stale steering commands (PostgreSQL)', function () {
  this.timeout(60_000);
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: pg.Client;
  let store: PostgresStore | null = null;

  before(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  after(async () => {
    await store?.close();
    await sql.end();
    await db.drop();
  });

  it('are swept by the heartbeat; commands still awaited stay', async () => {
    // A command timeout of 1 s: the sweep runs at most once a second and takes commands older than 2 s.
    store = new PostgresStore({ url: db.url, leaseMs: 600, commandTimeoutMs: 1000 });
    await store.listExecutions();
    const now = Date.now();
    const insert = (target: string, state: string, createdAt: number) =>
      sql.query(
        `INSERT INTO commands (target_node, command, state, created_at) VALUES ($1, '{}', $2, $3) RETURNING id`,
        [target, state, createdAt],
      );
    await insert('gone', 'PENDING', now - 60_000); // its target died before taking it
    await insert(store.cluster.nodeId, 'RUNNING', now - 60_000); // its caller gave up meanwhile
    await insert('other', 'DONE', now - 60_000); // its caller died before reading the outcome
    // Awaited for another minute: a caller whose timeout is long, on a node with the same setting, still waits.
    const fresh = String((await insert('other', 'PENDING', now + 60_000)).rows[0]?.id);
    await until('the stale commands to go', async () => {
      const { rows } = await sql.query('SELECT id FROM commands ORDER BY id');
      return rows.length === 1 && rows;
    });
    const { rows } = await sql.query('SELECT id, state FROM commands');
    expect(rows).to.deep.equal([{ id: fresh, state: 'PENDING' }]);
  });
});
