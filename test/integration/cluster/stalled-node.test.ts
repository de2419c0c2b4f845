/**
 * A node that stalls past its lease (a process paused, an event loop blocked, a machine starved of CPU): the
 * cause of the cluster bench's stall, where a start request got no answer. Such a node used to delete its own
 * row when its own take-over poll ran before its late heartbeat (so even a lone node fenced itself), and a fenced
 * node went on answering the API while every commit was refused: each call that writes waited forever.
 *
 * Now the heartbeat runs on a thread of its own, so a blocked event loop (the bench's case: a node compiling its
 * first upload on a starved CPU) keeps the lease; a node never declares itself dead; a node the others declared
 * dead (the whole process paused) says so once (`onFenced`), and `tram serve` then exits with code 75 for its
 * supervisor to start it again, while another node finishes its executions.
 */
import { expect } from 'chai';
import pg from 'pg';
import { Engine } from '../../../engine/index.js';
import { PostgresStore } from '../../../store/index.js';
import { createTestDatabase } from '../store-contract/harness.js';
import { until } from '../api-helpers.js';
import { api, startNode, stopNodes, type Node } from './nodes.js';

const QUICK = `version: '2.0'
quick:
  tasks:
    one:
      action: std.noop
`;

const SLOW = `version: '2.0'
slow:
  tasks:
    wait:
      action: std.sleep seconds=2
      on-success: done
    done:
      action: std.noop
`;

/** The take-over poll is driven by the test: a poll of an hour never fires on its own. */
const MANUAL = { leaseMs: 5000, pollMs: 3_600_000 };

describe('a node that stalled past its lease (PostgreSQL)', function () {
  this.timeout(120_000);
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: pg.Client;
  const engines: Engine[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close().catch(() => undefined);
    await sql.end();
    await db.drop();
  });

  async function engineOn(): Promise<{ engine: Engine; store: PostgresStore }> {
    const store = new PostgresStore({ url: db.url, ...MANUAL });
    const engine = await Engine.start({ store });
    engines.push(engine);
    return { engine, store };
  }

  it('keeps its lease while its event loop is blocked for longer than the lease', async () => {
    const short = { leaseMs: 600, pollMs: 3_600_000 };
    const a = new PostgresStore({ url: db.url, ...short });
    const b = new PostgresStore({ url: db.url, ...short });
    try {
      await Promise.all([a.listExecutions(), b.listExecutions()]);
      const fenced: Error[] = [];
      a.cluster.onFenced((err) => fenced.push(err));
      // Synchronous work of five leases: no timer of this thread runs meanwhile.
      const until = Date.now() + 3000;
      while (Date.now() < until);
      await b.cluster.claimOrphans();
      const { rows } = await sql.query('SELECT id FROM nodes ORDER BY id');
      expect(rows.map((r) => r.id)).to.have.members([a.cluster.nodeId, b.cluster.nodeId]);
      expect(await a.listExecutions()).to.deep.equal([]);
      expect(fenced).to.deep.equal([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('does not declare itself dead when its own heartbeat is late, and goes on committing', async () => {
    const { engine, store } = await engineOn();
    await engine.load(QUICK);
    const fenced: Error[] = [];
    store.cluster.onFenced((err) => fenced.push(err));
    await sql.query('UPDATE nodes SET heartbeat_at = 0');
    await store.cluster.claimOrphans();
    const { rows } = await sql.query('SELECT id FROM nodes');
    expect(rows.map((r) => r.id)).to.deep.equal([store.cluster.nodeId]);
    const started = await engine.startExecution({ workflow: 'quick' });
    expect((await engine.waitFor(started.id)).state).to.equal('SUCCESS');
    expect(fenced).to.deep.equal([]);
  });

  it('once declared dead by another node, has every commit refused and says so once', async () => {
    const a = await engineOn();
    const b = await engineOn();
    await a.engine.load(QUICK);
    const done = await a.engine.startExecution({ workflow: 'quick' });
    await a.engine.waitFor(done.id);
    const fenced: Error[] = [];
    a.store.cluster.onFenced((err) => fenced.push(err));
    await sql.query('UPDATE nodes SET heartbeat_at = 0 WHERE id = $1', [a.store.cluster.nodeId]);
    await b.store.cluster.claimOrphans();
    const row = await a.store.getExecution(done.id);
    if (!row) throw new Error('execution not stored');
    const write = () =>
      a.store.commit({
        executions: [row],
        tasks: [],
        actions: [],
        events: [],
        timersSet: [],
        timersCleared: [],
      });
    for (let i = 0; i < 2; i++) {
      const err = await write().then(
        () => null,
        (e: unknown) => e as { code?: string; message: string },
      );
      expect(err?.code).to.equal('STORE');
      expect(err?.message).to.match(/lost its lease/);
    }
    expect(await a.store.cluster.claimOrphans()).to.deep.equal([]);
    expect(fenced).to.have.length(1);
    // Subscribing late still hears of it.
    const late: Error[] = [];
    a.store.cluster.onFenced((err) => late.push(err));
    expect(late).to.have.length(1);
  });

  describe('as a tram serve process', () => {
    let nodes: Node[] = [];
    afterEach(async () => {
      for (const n of nodes) if (n.child.signalCode === 'SIGSTOP') n.child.kill('SIGCONT');
      await stopNodes(nodes);
      nodes = [];
    });

    it('exits with code 75 instead of answering as a zombie; another node finishes its executions', async () => {
      nodes = await Promise.all(['a', 'b'].map((n) => startNode(n, db.url)));
      const [a, b] = nodes as [Node, Node];
      expect((await api('POST', `${a.url}/v2/workflows`, SLOW)).status).to.equal(201);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await api<{ id: string }>('POST', `${a.url}/v2/executions`, { workflow_name: 'slow' });
        expect(res.status).to.equal(201);
        ids.push(res.body.id);
      }
      // Paused past its 5 s lease: node b declares it dead and takes its executions over.
      a.child.kill('SIGSTOP');
      await until(
        'node b to take node a over',
        async () => {
          const { rows } = await sql.query('SELECT COUNT(*) AS n FROM nodes');
          return Number(rows[0]?.n) === 1;
        },
        20_000,
      );
      a.child.kill('SIGCONT');
      expect(
        await Promise.race([a.exited, new Promise((r) => setTimeout(() => r('still up'), 15_000))]),
      ).to.equal(75);
      expect(a.output()).to.match(/stalled past its lease/);
      await until('every execution to succeed on node b', async () => {
        const { rows } = await sql.query(
          `SELECT COUNT(*) AS n FROM workflow_executions WHERE id = ANY($1::text[]) AND state = 'SUCCESS'`,
          [ids],
        );
        return Number(rows[0]?.n) === ids.length;
      });
      const { rows } = await sql.query('SELECT DISTINCT owner_node FROM workflow_executions');
      expect(rows).to.have.length(1);
      expect((await api('GET', `${b.url}/v2/executions`)).status).to.equal(200);
    });
  });
});
