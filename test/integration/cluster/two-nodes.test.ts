/**
 * Two engine nodes on one PostgreSQL database, as processes: what one node shows of the executions the other one
 * runs. A WebSocket client on node A sees, live, every state change of an execution started on (and run by)
 * node B, in the order the store committed them; and steering calls sent to node A for an execution node B runs
 * (pause, resume, completing an async action, skipping a failed task, a new description or environment) are
 * handed to node B and answered as if local.
 */
import { expect } from 'chai';
import pg from 'pg';
import { WebSocket } from 'ws';
import { until } from '../api-helpers.js';
import { createTestDatabase } from '../store-contract/harness.js';
import { api, startNode, stopNodes, type Node } from './nodes.js';

const WORKBOOK = `
version: '2.0'
name: pair
workflows:
  chain:
    tasks:
      one:
        action: std.echo output=1
        on-success: two
      two:
        action: std.sleep seconds=1
        on-success: three
      three:
        action: std.echo output=3
  gated:
    tasks:
      wait:
        action: std.async_noop
        on-success: done
      done:
        action: std.echo output=done
  failing:
    tasks:
      boom:
        action: std.fail
  coloured:
    tasks:
      wait:
        action: std.async_noop
        on-success: show
      show:
        action: std.echo output=<% env().colour %>
        publish:
          colour: <% task().result %>
    output:
      colour: <% $.colour %>
`;

type Msg = { event?: string; request_id?: unknown; status?: number; data?: Record<string, unknown> };

describe('two nodes on one PostgreSQL database', function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: pg.Client;
  let nodes: Node[] = [];
  let a: Node;
  let b: Node;

  before(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    nodes = await Promise.all(['a', 'b'].map((n) => startNode(n, db.url)));
    [a, b] = nodes as [Node, Node];
    expect((await api('POST', `${a.url}/v2/workbooks`, WORKBOOK)).status).to.equal(201);
  });
  after(async () => {
    await stopNodes(nodes);
    await sql?.end();
    await db?.drop();
  });

  /** Starts an execution on node B and waits for its async action to run; `ownerOf` reads its owner node. */
  async function startWaiting(body: Record<string, unknown>) {
    const started = await api<{ id: string }>('POST', `${b.url}/v2/executions`, body);
    expect(started.status, JSON.stringify(started.body)).to.equal(201);
    const id = started.body.id;
    const action = await until(
      'the async action RUNNING',
      async () => {
        const { rows } = await sql.query(
          `SELECT id FROM action_executions WHERE workflow_execution_id = $1 AND state = 'RUNNING'`,
          [id],
        );
        return rows[0]?.id as string | undefined;
      },
      60_000,
    );
    const ownerOf = async () =>
      (await sql.query('SELECT owner_node FROM workflow_executions WHERE id = $1', [id])).rows[0]
        ?.owner_node as string;
    return { id, action, ownerOf };
  }

  it('streams on node A every state change of an execution node B runs, live and in commit order', async () => {
    const ws = new WebSocket(`${a.url.replace(/^http/, 'ws')}/v2/ws`);
    const messages: Msg[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Msg));
    await new Promise<void>(
      (resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)),
    );
    try {
      for (const [rid, entity] of [
        [1, 'execution'],
        [2, 'task'],
      ] as const)
        ws.send(
          JSON.stringify({
            action: 'subscribe_state_change',
            request_id: rid,
            data: { entity, workflow_name: 'pair.chain' },
          }),
        );
      await until(
        'the subscribe responses',
        async () => messages.filter((m) => m.status === 200).length === 2,
        30_000,
      );

      const started = await api<{ id: string }>('POST', `${b.url}/v2/executions`, {
        workflow_name: 'pair.chain',
      });
      expect(started.status, JSON.stringify(started.body)).to.equal(201);
      const id = started.body.id;
      // Live: the RUNNING of the execution reaches node A's client while node B still runs it (std.sleep).
      await until(
        'RUNNING on node A',
        async () => messages.some((m) => m.data?.id === id && m.data.state === 'RUNNING'),
        30_000,
      );
      const { rows: owner } = await sql.query(
        'SELECT owner_node, state FROM workflow_executions WHERE id = $1',
        [id],
      );
      expect(owner[0]?.state).to.equal('RUNNING');

      await until(
        'SUCCESS',
        async () =>
          (await api<{ state: string }>('GET', `${a.url}/v2/executions/${id}`)).body.state === 'SUCCESS',
        60_000,
      );
      const { rows } = await sql.query(
        'SELECT entity, entity_id, state FROM outbox WHERE root_execution_id = $1 ORDER BY id',
        [id],
      );
      const expected = rows.map((r) => `${String(r.entity)}:${String(r.entity_id)}:${String(r.state)}`);
      expect(expected.length).to.be.greaterThan(4);
      const seen = () =>
        messages
          .filter((m) => m.event === 'state_change')
          .map(
            (m) =>
              `${m.request_id === 1 ? 'execution' : 'task'}:${String(m.data?.id)}:${String(m.data?.state)}`,
          );
      await until('every state change on node A', async () => seen().length >= expected.length, 30_000);
      expect(seen()).to.deep.equal(expected);
    } finally {
      ws.close();
    }
  });

  it('hands pause, resume and the completion of an async action sent to node A to node B, which runs the execution', async () => {
    const { id, action, ownerOf } = await startWaiting({ workflow_name: 'pair.gated' });
    const owner = await ownerOf();

    const paused = await api<{ state: string }>('PUT', `${a.url}/v2/executions/${id}`, { state: 'PAUSED' });
    expect(paused.status, JSON.stringify(paused.body)).to.equal(200);
    expect(paused.body.state).to.equal('PAUSED');
    expect((await api<{ state: string }>('GET', `${b.url}/v2/executions/${id}`)).body.state).to.equal(
      'PAUSED',
    );
    // A refusal from the owner comes back as the owner's error.
    const bad = await api<{ code: string }>('PUT', `${a.url}/v2/executions/${id}`, { state: 'IDLE' });
    expect(bad.status, JSON.stringify(bad.body)).to.be.within(400, 499);
    const resumed = await api<{ state: string }>('PUT', `${a.url}/v2/executions/${id}`, { state: 'RUNNING' });
    expect(resumed.status, JSON.stringify(resumed.body)).to.equal(200);
    expect(resumed.body.state).to.equal('RUNNING');

    const done = await api<{ state: string }>('PUT', `${a.url}/v2/action_executions/${action}`, {
      state: 'SUCCESS',
      output: '{"answer": 42}',
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body.state).to.equal('SUCCESS');
    await until(
      'SUCCESS',
      async () =>
        (await api<{ state: string }>('GET', `${a.url}/v2/executions/${id}`)).body.state === 'SUCCESS',
      60_000,
    );
    // Node B ran it throughout: node A never took it.
    expect(await ownerOf()).to.equal(owner);
  });

  it('hands skipping a failed task sent to node A to node B, which ran the execution', async () => {
    const started = await api<{ id: string }>('POST', `${b.url}/v2/executions`, {
      workflow_name: 'pair.failing',
    });
    expect(started.status, JSON.stringify(started.body)).to.equal(201);
    const id = started.body.id;
    await until(
      'ERROR',
      async () =>
        (await api<{ state: string }>('GET', `${a.url}/v2/executions/${id}`)).body.state === 'ERROR',
      60_000,
    );
    const { rows } = await sql.query(
      'SELECT t.id, e.owner_node FROM task_executions t JOIN workflow_executions e ON e.id = t.workflow_execution_id WHERE e.id = $1',
      [id],
    );
    const skipped = await api<{ state: string }>('PUT', `${a.url}/v2/tasks/${String(rows[0]?.id)}`, {
      state: 'SKIPPED',
    });
    expect(skipped.status, JSON.stringify(skipped.body)).to.equal(200);
    expect(skipped.body.state).to.equal('SKIPPED');
    await until(
      'SUCCESS',
      async () =>
        (await api<{ state: string }>('GET', `${a.url}/v2/executions/${id}`)).body.state === 'SUCCESS',
      60_000,
    );
    const { rows: after } = await sql.query('SELECT owner_node FROM workflow_executions WHERE id = $1', [id]);
    expect(after[0]?.owner_node).to.equal(rows[0]?.owner_node);
  });

  it('hands a new description and environment sent to node A to node B, whose run then uses them', async () => {
    const { id, action, ownerOf } = await startWaiting({
      workflow_name: 'pair.coloured',
      params: { env: { colour: 'red' } },
    });
    const owner = await ownerOf();
    const put = (body: Record<string, unknown>) =>
      api<{ state: string; description: string; params: string }>(
        'PUT',
        `${a.url}/v2/executions/${id}`,
        body,
      );
    expect((await put({ state: 'PAUSED' })).status).to.equal(200);
    const described = await put({ description: 'painted' });
    expect(described.status, JSON.stringify(described.body)).to.equal(200);
    expect(described.body.description).to.equal('painted');
    const recoloured = await put({ params: { env: { colour: 'blue' } } });
    expect(recoloured.status, JSON.stringify(recoloured.body)).to.equal(200);
    expect(JSON.parse(recoloured.body.params)).to.have.nested.property('env.colour', 'blue');
    // Node B still runs it: the update did not take its row to node A.
    expect(await ownerOf()).to.equal(owner);
    expect((await put({ state: 'RUNNING' })).status).to.equal(200);
    const done = await api('PUT', `${a.url}/v2/action_executions/${action}`, {
      state: 'SUCCESS',
      output: '{}',
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    const final = await until(
      'SUCCESS',
      async () => {
        const ex = await api<{ state: string; description: string; output: string }>(
          'GET',
          `${a.url}/v2/executions/${id}`,
        );
        return ex.body.state === 'SUCCESS' && ex.body;
      },
      60_000,
    );
    // Node B's later commits kept the description, and its run read the new environment.
    expect(final.description).to.equal('painted');
    expect(JSON.parse(final.output)).to.deep.equal({ colour: 'blue' });
    expect(await ownerOf()).to.equal(owner);
  });

  it('finds a workflow saved a moment ago on the other node, before its notice arrives', async () => {
    // Each lookup reloads the definitions once on a miss: a client behind a load balancer saves on one node and
    // reads on the next, which may not have heard of the save yet.
    for (let i = 0; i < 3; i++) {
      const name = `fresh_${i}`;
      const saved = await api<{ id: string }>(
        'POST',
        `${a.url}/v2/workflows`,
        `version: '2.0'\n${name}:\n  tasks:\n    t:\n      action: std.noop\n`,
      );
      expect(saved.status, JSON.stringify(saved.body)).to.equal(201);
      const graph = await api('GET', `${b.url}/console/api/graph/${name}`);
      expect(graph.status, `graph of ${name} on node B`).to.equal(200);
      const ws = new WebSocket(`${b.url.replace(/^http/, 'ws')}/v2/ws`);
      try {
        const answer = await new Promise<{ status?: number; error?: unknown }>((resolve, reject) => {
          ws.once('error', reject);
          ws.once('open', () =>
            ws.send(
              JSON.stringify({
                action: 'subscribe_state_change',
                request_id: name,
                data: { entity: 'execution', workflow_name: name },
              }),
            ),
          );
          ws.on('message', (raw: Buffer) => {
            const msg = JSON.parse(raw.toString()) as { request_id?: string; status?: number };
            if (msg.request_id === name) resolve(msg);
          });
        });
        expect(answer.status, JSON.stringify(answer)).to.equal(200);
      } finally {
        ws.close();
      }
    }
  });
});
