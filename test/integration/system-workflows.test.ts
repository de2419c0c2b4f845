/**
 * The system workflows a fresh server has, as Mistral's `populate` installs them: `std.create_instance` and
 * `std.delete_instance`, public, in the default namespace, listed and paged with the stored workflows, and
 * neither updatable nor deletable (Mistral's 400). Mistral's tempest tests `test_get_list_workflows` and
 * `test_get_list_workflows_with_pagination` rely on them.
 */
import { expect } from 'chai';
import { call, startTestServer, until, type TestServer } from './api-helpers.js';

type Obj = Record<string, unknown>;
const SYSTEM = ['std.create_instance', 'std.delete_instance'];
const noop = (name: string) => `version: '2.0'\n${name}:\n  tasks:\n    t:\n      action: std.noop\n`;

describe('system workflows', function () {
  this.timeout(30_000);
  let t: TestServer;

  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  async function list(query = ''): Promise<Obj> {
    const res = await call('GET', `${t.v2}/workflows${query}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }

  it('are listed by a fresh server, public, in the default namespace', async () => {
    const workflows = (await list()).workflows as Obj[];
    expect(workflows.map((w) => w.name)).to.deep.equal(SYSTEM);
    for (const w of workflows)
      expect(w).to.include({ scope: 'public', namespace: '', project_id: '<default-project>' });
    expect(workflows[0]?.input).to.equal(
      'name, image_id, flavor_id, ssh_username="None", ssh_password="None", key_name="None", ' +
        'security_groups="None", nics="None"',
    );
    expect(workflows[1]?.input).to.equal('instance_id');
    expect(workflows[0]?.interface).to.deep.include({ output: ['id', 'name', 'ip', 'status'] });
  });

  it('page like any workflow (tempest test_get_list_workflows_with_pagination)', async () => {
    const first = await list('?limit=1&sort_keys=name&sort_dirs=desc');
    expect((first.workflows as Obj[]).map((w) => w.name)).to.deep.equal(['std.delete_instance']);
    const next = String(first.next);
    expect(next).to.contain('sort_keys=name,id').and.to.contain('sort_dirs=desc,asc');
    const second = await list(next.slice(next.indexOf('?')));
    expect((second.workflows as Obj[]).map((w) => w.name)).to.deep.equal(['std.create_instance']);
  });

  it('are got by name or id, with ids that derive from their names (the same on every server)', async () => {
    const byName = (await call('GET', `${t.v2}/workflows/std.delete_instance`)).body as Obj;
    expect(byName).to.include({ name: 'std.delete_instance', namespace: '' });
    expect(byName.definition).to.contain('std.delete_instance:');
    const byId = (await call('GET', `${t.v2}/workflows/${byName.id as string}`)).body as Obj;
    expect(byId).to.include({ name: 'std.delete_instance' });
    const other = await startTestServer();
    try {
      const again = (await call('GET', `${other.v2}/workflows/std.delete_instance`)).body as Obj;
      expect(again.id).to.equal(byName.id);
    } finally {
      await other.close();
    }
  });

  it('can be neither deleted nor updated (400, as Mistral), nor created again in the default namespace', async () => {
    const id = ((await call('GET', `${t.v2}/workflows/std.create_instance`)).body as Obj).id as string;
    const refused = `Can not modify a system WorkflowDefinition resource, ID: ${id}`;
    for (const target of ['std.create_instance', id]) {
      const res = await call('DELETE', `${t.v2}/workflows/${target}`);
      expect(res.status).to.equal(400);
      expect((res.body as Obj).faultstring).to.equal(refused);
    }
    const put = await call('PUT', `${t.v2}/workflows`, noop('std.create_instance'));
    expect([put.status, (put.body as Obj).faultstring]).to.deep.equal([400, refused]);
    const putById = await call('PUT', `${t.v2}/workflows/${id}`, noop('std.create_instance'));
    expect([putById.status, (putById.body as Obj).faultstring]).to.deep.equal([400, refused]);
    expect((await call('POST', `${t.v2}/workflows`, noop('std.create_instance'))).status).to.equal(409);
    const wb = `version: '2.0'\nname: std\nworkflows:\n  create_instance:\n    tasks:\n      t:\n        action: std.noop\n`;
    expect((await call('POST', `${t.v2}/workbooks`, wb)).status).to.equal(409);
    // Still there, unchanged.
    const still = (await call('GET', `${t.v2}/workflows/std.create_instance`)).body as Obj;
    expect(still.definition).to.contain('nova.servers_create');
    // Another namespace may have its own workflow of that name.
    expect(
      (await call('POST', `${t.v2}/workflows?namespace=mine`, noop('std.create_instance'))).status,
    ).to.equal(201);
    expect((await call('DELETE', `${t.v2}/workflows/std.create_instance?namespace=mine`)).status).to.equal(
      204,
    );
  });

  it("run; without an action pack for nova.* they fail at their first task with Mistral's message", async () => {
    const res = await call('POST', `${t.v2}/executions`, {
      workflow_name: 'std.delete_instance',
      input: { instance_id: 'vm-1' },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const e = await until('the execution to end', async () => {
      const got = (await call('GET', `${t.v2}/executions/${(res.body as Obj).id as string}`)).body as Obj;
      return got.state === 'RUNNING' ? null : got;
    });
    expect(e.state).to.equal('ERROR');
    expect(e.state_info).to.contain('Failed to find action [action_name=nova.servers_delete, namespace=]');
  });
});
