/**
 * Retention against a real server: the sweeper expires finished executions beyond `max_finished_executions`
 * and compacts events past the replay window, while a WebSocket client resuming inside the window still gets
 * every state change of a recent execution, with no gap.
 */
import { expect } from 'chai';
import WebSocket from 'ws';
import { call, startTestServer, until, type TestServer } from './api-helpers.js';

const WF = `version: '2.0'
keep_me:
  tasks:
    one:
      action: std.echo output=1
      on-success: two
    two:
      action: std.noop
`;

async function run(t: TestServer): Promise<string> {
  const res = await call<{ id: string }>('POST', `${t.v2}/executions`, { workflow_name: 'keep_me' });
  expect(res.status).to.equal(201);
  const id = res.body.id;
  await until(`execution ${id} to succeed`, async () => {
    const ex = await call<{ state: string }>('GET', `${t.v2}/executions/${id}`);
    return ex.body.state === 'SUCCESS';
  });
  return id;
}

/** Every state change of one execution replayed from `after` over `/v2/ws`, until its final one. */
async function replay(t: TestServer, executionId: string, after: number): Promise<number[]> {
  const ws = new WebSocket(`${t.url.replace('http', 'ws')}/v2/ws`);
  const seen: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => {
        for (const entity of ['execution', 'task'])
          ws.send(
            JSON.stringify({
              action: 'subscribe_state_change',
              request_id: entity,
              data: { entity, execution_id: executionId, after_sequence: after },
            }),
          );
      });
      ws.on('message', (raw: Buffer) => {
        const msg = JSON.parse(raw.toString()) as { event?: string; data?: { sequence: number } };
        if (msg.event !== 'state_change' || !msg.data) return;
        seen.push(msg.data.sequence);
        if (seen.length === 6 - after) resolve();
      });
      setTimeout(() => reject(new Error(`replay stopped after ${seen.join(',')}`)), 10_000);
    });
  } finally {
    ws.close();
  }
  return seen.sort((a, b) => a - b);
}

describe('retention', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ retentionIntervalS: 1, outboxRetentionS: 3, expirationMaxFinished: 3 });
    expect((await call('POST', `${t.v2}/workflows`, WF)).status).to.equal(201);
  });
  after(async () => t?.close());

  it('keeps the newest finished executions, compacts old events, and resumes inside the window', async () => {
    const old: string[] = [];
    for (let i = 0; i < 5; i++) old.push(await run(t));
    // max_finished_executions = 3: the two oldest go, with their tasks and events.
    await until('two executions to expire', async () => {
      const list = await call<{ executions: { id: string }[] }>('GET', `${t.v2}/executions`);
      return list.body.executions.length === 3;
    });
    expect((await call('GET', `${t.v2}/executions/${old[0]}`)).status).to.equal(404);
    expect((await call('GET', `${t.v2}/executions/${old[4]}`)).status).to.equal(200);
    // Past the 3 s window, the kept executions' events go: their rows keep the sequence recovery numbers from.
    await until('old events to be compacted', async () => {
      const events = await t.server.engine.readEvents({ executionId: old[4] ?? '', afterId: 0, limit: 100 });
      return events.length === 0;
    });
    // A recent execution replays completely, from the start and from the middle.
    const recent = await run(t);
    expect(await replay(t, recent, 0)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(await replay(t, recent, 3)).to.deep.equal([4, 5, 6]);
  });
});

describe('retention sweep', () => {
  let t: TestServer;
  before(async () => {
    // No sweep of its own for an hour: the test runs them.
    t = await startTestServer({ retentionIntervalS: 3600, expirationMaxFinished: 1, expirationBatchSize: 2 });
    expect((await call('POST', `${t.v2}/workflows`, WF)).status).to.equal(201);
  });
  after(async () => t?.close());

  it('expires batch after batch until nothing is due, as Mistral does, not one batch per sweep', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await run(t));
    const sweeps: number[] = [];
    // More than one sweep only while the newest events are still being fanned out (they are expired after).
    await until('all but the newest execution to expire', async () => {
      sweeps.push((await t.server.retention.sweep()).expired);
      const list = await call<{ executions: { id: string }[] }>('GET', `${t.v2}/executions`);
      return list.body.executions.length === 1;
    });
    expect(sweeps.reduce((a, b) => a + b, 0)).to.equal(6);
    expect(Math.max(...sweeps), `expired per sweep: ${sweeps.join(', ')}`).to.be.greaterThan(2);
    expect((await call('GET', `${t.v2}/executions/${ids[6]}`)).status).to.equal(200);
  });
});
