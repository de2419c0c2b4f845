/**
 * The list conventions of every Mistral list route, checked against Mistral 15's answers: `limit`, `marker`,
 * `sort_keys`/`sort_dirs` (several keys, `id` appended as the tie-breaker and shown in `next`), `fields`,
 * unknown arguments, and names that exist on every JavaScript object (`constructor`, `__proto__`), which must
 * match nothing.
 */
import { expect } from 'chai';
import { call, startTestServer, until, type Reply, type TestServer } from './api-helpers.js';

type Json = Record<string, unknown>;

const WORKFLOWS = `
version: '2.0'
alpha:
  tasks:
    one:
      action: std.echo output=1
beta:
  tasks:
    one:
      action: std.echo output=2
parent:
  tasks:
    call:
      workflow: alpha
`;

const ROUTES = [
  '/workflows',
  '/workbooks',
  '/actions',
  '/executions',
  '/tasks',
  '/action_executions',
  '/cron_triggers',
  '/environments',
];

function fault(res: Reply, status: number, field: string): string {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  const body = res.body as Json;
  expect(body.field, JSON.stringify(body)).to.equal(field);
  return body.faultstring as string;
}

/** `next` as a dictionary, the way the tempest suite reads it (`utils.get_dict_from_string`). */
function nextArgs(next: unknown): Record<string, string> {
  const query = String(next).split('?')[1] ?? '';
  return Object.fromEntries(query.split('&').map((kv) => kv.split('=') as [string, string]));
}

describe('API: list parameters as Mistral reads them', function () {
  let srv: TestServer;
  const get = (path: string) => call<Json>('GET', `${srv.v2}${path}`);

  before(async () => {
    srv = await startTestServer();
    expect((await call('POST', `${srv.v2}/workflows`, WORKFLOWS)).status).to.equal(201);
    for (const wf of ['alpha', 'beta', 'parent']) {
      const ex = await call<Json>('POST', `${srv.v2}/executions`, { workflow_name: wf });
      expect(ex.status, JSON.stringify(ex.body)).to.equal(201);
    }
    await until('the executions to finish', async () => {
      const list = (await get('/executions')).body.executions as Json[];
      return list.length === 4 && list.every((e) => e.state === 'SUCCESS');
    });
  });

  after(() => srv.close());

  describe('refused with 400 naming the parameter, on every list route', () => {
    const cases: [string, string, string | null][] = [
      ['limit=-1', 'limit', 'Limit must be positive'],
      ['limit=0', 'limit', 'Limit must be positive'],
      ['limit=abc', 'limit', 'unable to convert to int'],
      ['limit=1.5', 'limit', 'unable to convert to int'],
      ['limit=1&sort_keys=id,id&sort_dirs=asc,asc', 'sort_keys', 'Length of sort_keys must be equal'],
      ['limit=1&sort_keys=id&sort_dirs=nonexist', 'sort_dirs', 'Unknown sort direction'],
      ['sort_keys=constructor', 'sort_keys', null],
      ['sort_keys=__proto__', 'sort_keys', null],
      ['sort_keys=tostring', 'sort_keys', null],
      ['sort_keys=hasOwnProperty', 'sort_keys', null],
      ['is_system<False', 'is_system<False', 'Unknown argument'],
      ['created_at>2016-02-23', 'created_at>2016-02-23', 'Unknown argument'],
      ['constructor=x', 'constructor', 'Unknown argument'],
      ['__proto__=x', '__proto__', 'Unknown argument'],
      ['marker=9d7e2f0b-0c1a-4a77-9d3b-5e0a9c7f1b11', 'marker', null],
      ['marker=constructor', 'marker', null],
      ['fields=colour', 'fields', 'Some fields do not exist'],
      ['fields=constructor', 'fields', null],
    ];
    for (const route of ROUTES) {
      for (const [query, field, text] of cases) {
        it(`${route}?${query}`, async () => {
          const message = fault(await get(`${route}?${query}`), 400, field);
          if (text) expect(message).to.include(text);
        });
      }
    }
  });

  describe('accepted', () => {
    for (const route of ROUTES) {
      it(`${route}: a limit beyond any number is no limit, sort keys and directions in any case`, async () => {
        for (const query of ['limit=99999999999999999999999', 'sort_keys=ID,Created_At&sort_dirs=DESC']) {
          const res = await get(`${route}?${query}`);
          expect(res.status, `${query}: ${JSON.stringify(res.body)}`).to.equal(200);
        }
      });
    }

    it('repeats a parameter: the last value counts', async () => {
      const res = await get('/workflows?name=in:alpha,beta&name=beta');
      expect((res.body.workflows as Json[]).map((w) => w.name)).to.deep.equal(['beta']);
    });

    it('shows only the requested fields, id first', async () => {
      const res = await get('/executions?fields=state');
      for (const e of res.body.executions as Json[]) expect(Object.keys(e)).to.deep.equal(['id', 'state']);
    });
  });

  describe('paging', () => {
    it('puts the id tie-breaker and the filters in the next link', async () => {
      const res = await get('/executions?limit=1&sort_keys=workflow_name&sort_dirs=asc&state=SUCCESS');
      expect(res.status).to.equal(200);
      expect(res.body.executions).to.have.length(1);
      expect(nextArgs(res.body.next)).to.include({
        limit: '1',
        sort_keys: 'workflow_name,id',
        sort_dirs: 'asc,asc',
        state: 'SUCCESS',
      });
      const wf = await get('/workflows?limit=1&sort_keys=name&sort_dirs=desc');
      expect(nextArgs(wf.body.next)).to.include({ sort_keys: 'name,id', sort_dirs: 'desc,asc' });
    });

    for (const route of ['/executions', '/workflows', '/tasks']) {
      it(`${route}: follows next links on two keys in opposite directions, every item once, in order`, async () => {
        const key = route === '/workflows' ? 'name' : route === '/tasks' ? 'state' : 'workflow_name';
        const name = route.slice(1);
        const sort = `sort_keys=${key},created_at&sort_dirs=desc,asc`;
        const all = ((await get(`${route}?${sort}`)).body[name] as Json[]).map((x) => x.id);
        expect(all.length).to.be.greaterThan(2);
        const seen: unknown[] = [];
        let url: string | undefined = `${srv.v2}${route}?limit=1&${sort}`;
        while (url) {
          const page: Reply<Json> = await call<Json>('GET', url);
          expect(page.status, JSON.stringify(page.body)).to.equal(200);
          seen.push(...(page.body[name] as Json[]).map((x) => x.id));
          url = page.body.next as string | undefined;
        }
        expect(seen).to.deep.equal(all);
      });
    }
  });

  describe('executions and action executions', () => {
    it('root_execution_id lists what runs under the root, not the root itself', async () => {
      const roots = (await get('/executions?workflow_name=parent')).body.executions as Json[];
      const root = roots[0] as Json;
      const under = (await get(`/executions?root_execution_id=${String(root.id)}`)).body.executions as Json[];
      expect(under.map((e) => e.workflow_name)).to.deep.equal(['alpha']);
      expect(under.every((e) => e.root_execution_id === root.id)).to.equal(true);
    });

    it('action executions show output only with include_output (the list), always one by one', async () => {
      const plain = (await get('/action_executions')).body.action_executions as Json[];
      expect(plain.length).to.be.greaterThan(0);
      for (const a of plain) expect(a).to.not.have.property('output');
      const full = (await get('/action_executions?include_output=True')).body.action_executions as Json[];
      for (const a of full) expect(a).to.have.property('output');
      const one = await get(`/action_executions/${String(plain[0]?.id)}`);
      expect(one.body).to.have.property('output');
    });
  });
});
