/**
 * A store that refuses commits, for real: a table of a server's own PostgreSQL database is renamed away under it
 * (every commit then fails with "relation does not exist") and renamed back. A short outage is ridden out by
 * the commit retry, with nothing lost; one longer than `TRAM_COMMIT_RETRY_S` gets a 503 naming the store rather
 * than a request that waits forever, and the server stays up to answer reads.
 */
import { expect } from 'chai';
import pg from 'pg';
import { call, startTestServer, until, type TestServer } from '../api-helpers.js';
import { createTestDatabase } from '../store-contract/harness.js';

type Json = Record<string, unknown>;

const WORKFLOW = `
version: '2.0'
outage:
  tasks:
    t1:
      action: std.noop
`;

describe('a store that refuses commits (PostgreSQL, a table renamed away)', function () {
  this.timeout(60_000);
  let db: { url: string; drop: () => Promise<void> };
  let srv: TestServer;
  let admin: pg.Client;

  before(async () => {
    db = await createTestDatabase();
    srv = await startTestServer({ db: db.url, commitRetryS: 3 });
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    expect((await call('POST', `${srv.v2}/workflows`, WORKFLOW)).status).to.equal(201);
  });
  after(async () => {
    await admin?.end();
    await srv?.close();
    await db?.drop();
  });

  const start = () => call<Json>('POST', `${srv.v2}/executions`, { workflow_name: 'outage' });
  const stateOf = async (id: string) => (await call<Json>('GET', `${srv.v2}/executions/${id}`)).body.state;

  it('rides out a short outage: the create waits for the store to come back and the execution completes', async () => {
    await admin.query('ALTER TABLE outbox RENAME TO outbox_away');
    const pending = start();
    await new Promise((r) => setTimeout(r, 800));
    await admin.query('ALTER TABLE outbox_away RENAME TO outbox');
    const created = await pending;
    expect(created.status).to.equal(201);
    const id = created.body.id as string;
    await until('the execution to succeed', async () => (await stateOf(id)) === 'SUCCESS');
  });

  it('answers 503 naming the store once commits keep failing past the retry time, and still serves reads', async () => {
    await admin.query('ALTER TABLE outbox RENAME TO outbox_away');
    try {
      const refused = await start();
      expect(refused.status).to.equal(503);
      expect(refused.body.code).to.equal('STORE_UNAVAILABLE');
      // Later calls are refused at once, not queued behind a store the engine no longer trusts.
      const again = await start();
      expect(again.status).to.equal(503);
      const list = await call<{ executions: Json[] }>('GET', `${srv.v2}/executions?workflow_name=outage`);
      expect(list.status).to.equal(200);
      expect(list.body.executions.map((e) => e.state)).to.deep.equal(['SUCCESS']);
    } finally {
      await admin.query('ALTER TABLE outbox_away RENAME TO outbox');
    }
  });
});
