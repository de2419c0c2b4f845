/**
 * A cron trigger on three nodes sharing one PostgreSQL database fires once per period, never twice: every node
 * runs the cron ticker, and each run is claimed by a compare-and-swap on the trigger's next run time.
 *
 * Exactly once: the trigger allows `RUNS` runs, and exactly `RUNS` executions start (a run started twice would
 * make one more). Fast by default: a seconds-field pattern (`* * * * * *`, every second) with 4 runs. The
 * real-minute run the issue asks for (`* * * * *` three times, about 4 minutes) is the same test with
 * `TRAM_CLUSTER_CRON_PATTERN='* * * * *' TRAM_CLUSTER_CRON_RUNS=3 TRAM_CLUSTER_CRON_PERIOD_S=60`.
 */
import { expect } from 'chai';
import pg from 'pg';
import { until } from '../api-helpers.js';
import { createTestDatabase } from '../store-contract/harness.js';
import { api, startNode, stopNodes, type Node } from './nodes.js';

const PATTERN = process.env.TRAM_CLUSTER_CRON_PATTERN ?? '* * * * * *';
const RUNS = Number(process.env.TRAM_CLUSTER_CRON_RUNS ?? 4);
const PERIOD_S = Number(process.env.TRAM_CLUSTER_CRON_PERIOD_S ?? 1);

describe('a cron trigger on three nodes', function () {
  this.timeout(60_000 + RUNS * PERIOD_S * 2000);
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: pg.Client;
  let nodes: Node[] = [];

  before(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  after(async () => {
    await stopNodes(nodes);
    await sql?.end();
    await db?.drop();
  });

  it(`fires once per period (${PATTERN}, ${RUNS} runs), never twice`, async () => {
    nodes = await Promise.all(['n1', 'n2', 'n3'].map((n) => startNode(n, db.url)));
    const [n1, n2] = nodes as [Node, Node, Node];
    const wf = "version: '2.0'\ntick:\n  tasks:\n    only:\n      action: std.noop\n";
    expect((await api('POST', `${n1.url}/v2/workflows`, wf)).status).to.equal(201);
    const created = await api('POST', `${n2.url}/v2/cron_triggers`, {
      name: 'every-period',
      workflow_name: 'tick',
      pattern: PATTERN,
      remaining_executions: RUNS,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    // The trigger is deleted after its last run; then every run has started its execution.
    await until(
      'the last run',
      async () => (await sql.query('SELECT 1 FROM cron_triggers')).rowCount === 0,
      RUNS * PERIOD_S * 2000 + 10_000,
    );
    // The last claim deletes the trigger just before its execution starts: wait for that one, then for a period
    // more, in which nothing else may start.
    const count = async () =>
      Number(
        (await sql.query(`SELECT COUNT(*) AS n FROM workflow_executions WHERE workflow_name = 'tick'`))
          .rows[0]?.n,
      );
    await until('every run to start', async () => (await count()) >= RUNS);
    await new Promise((r) => setTimeout(r, PERIOD_S * 1500));
    const { rows } = await sql.query(
      `SELECT owner_node, created_at FROM workflow_executions WHERE workflow_name = 'tick' ORDER BY created_at`,
    );
    expect(rows).to.have.length(RUNS);
    if (PERIOD_S >= 10) {
      // Minute runs: consecutive runs are (about) a period apart. (Second runs may be closer: a late tick.)
      const times = rows.map((r) => Number(r.created_at));
      for (let i = 1; i < times.length; i++) {
        expect((times[i] as number) - (times[i - 1] as number)).to.be.at.least(PERIOD_S * 1000 * 0.5);
      }
    }
    const byNode = new Set(rows.map((r) => r.owner_node as string));
    console.log(`      ${RUNS} runs started by ${byNode.size} node(s):`);
    for (const r of rows)
      console.log(
        `        ${new Date(Number(r.created_at)).toISOString()} on node ${String(r.owner_node).slice(0, 8)}`,
      );
  });
});
