/**
 * Namespaces keep workflow and ad-hoc action names apart, as in Mistral: the same name may be created in two
 * namespaces, each is got and run on its own, and a sub-workflow resolves in its parent's namespace first, then
 * in the default one. A task's ad-hoc action resolves in its workflow's namespace, then in the default one.
 */
import { expect } from 'chai';
import { call, startTestServer, until, type TestServer } from './api-helpers.js';

type Obj = Record<string, unknown>;

/** `single_wf` calls `helper`, which says where it was defined. */
const workflows = (where: string) => `version: '2.0'
single_wf:
  tasks:
    nested:
      workflow: helper
      publish:
        said: <% task().result.said %>
  output:
    said: <% $.said %>
helper:
  tasks:
    say:
      action: std.echo output="${where}"
      publish:
        said: <% task().result %>
  output:
    said: <% $.said %>
`;

describe('namespaces separate workflow names', function () {
  this.timeout(30_000);
  let t: TestServer;

  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  async function run(namespace: string): Promise<Obj> {
    const res = await call('POST', `${t.v2}/executions`, {
      workflow_name: 'single_wf',
      workflow_namespace: namespace,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return finished((res.body as Obj).id as string);
  }

  function finished(id: string): Promise<Obj> {
    return until(`execution ${id}`, async () => {
      const e = (await call('GET', `${t.v2}/executions/${id}`)).body as Obj;
      return e.state === 'SUCCESS' || e.state === 'ERROR' ? e : null;
    });
  }

  it('creates, gets and runs the same workflow name in two namespaces', async () => {
    for (const ns of ['abc', 'abc2']) {
      const res = await call('POST', `${t.v2}/workflows?namespace=${ns}`, workflows(ns));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    // A second create in the same namespace still conflicts.
    expect((await call('POST', `${t.v2}/workflows?namespace=abc`, workflows('abc'))).status).to.equal(409);

    const ids = new Set<unknown>();
    for (const ns of ['abc', 'abc2']) {
      const wf = (await call('GET', `${t.v2}/workflows/single_wf?namespace=${ns}`)).body as Obj;
      expect(wf).to.include({ name: 'single_wf', namespace: ns });
      ids.add(wf.id);
    }
    expect(ids.size).to.equal(2);
    // By name without `?namespace=`, only the default namespace is searched (Mistral's default).
    expect((await call('GET', `${t.v2}/workflows/single_wf`)).status).to.equal(404);

    for (const ns of ['abc', 'abc2']) {
      const e = await run(ns);
      expect(e).to.include({ state: 'SUCCESS', workflow_namespace: ns });
      expect(JSON.parse(e.output as string)).to.deep.equal({ said: ns });
      const children = (await call('GET', `${t.v2}/executions?root_execution_id=${e.id as string}`)).body as {
        executions: Obj[];
      };
      const child = children.executions.find((c) => c.workflow_name === 'helper');
      expect(child).to.include({ workflow_namespace: ns });
      // Action executions carry their workflow's namespace too.
      const actions = (
        await call('GET', `${t.v2}/action_executions?workflow_execution_id=${child?.id as string}`)
      ).body as { action_executions: Obj[] };
      expect(actions.action_executions.length).to.be.greaterThan(0);
      for (const a of actions.action_executions) expect(a).to.include({ workflow_namespace: ns });
    }
  });

  it('finds a sub-workflow in the default namespace when its own namespace has none', async () => {
    const text = `version: '2.0'
outer_wf:
  tasks:
    nested:
      workflow: shared_helper
`;
    const shared = `version: '2.0'
shared_helper:
  tasks:
    t:
      action: std.noop
`;
    expect((await call('POST', `${t.v2}/workflows`, shared)).status).to.equal(201);
    expect((await call('POST', `${t.v2}/workflows?namespace=xyz`, text)).status).to.equal(201);
    const res = await call('POST', `${t.v2}/executions`, {
      workflow_name: 'outer_wf',
      workflow_namespace: 'xyz',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const e = await finished((res.body as Obj).id as string);
    expect(e).to.include({ state: 'SUCCESS', workflow_namespace: 'xyz' });
    // The sub-workflow runs in the namespace it is defined in; its params carry the parent's (as Mistral 15).
    const children = (await call('GET', `${t.v2}/executions?root_execution_id=${e.id as string}`)).body as {
      executions: Obj[];
    };
    const child = children.executions.find((c) => c.workflow_name === 'shared_helper');
    expect(child).to.include({ workflow_namespace: '' });
    expect(JSON.parse(child?.params as string)).to.include({ namespace: 'xyz' });
    // A workflow started by name is looked up in the given namespace alone.
    const missing = await call('POST', `${t.v2}/executions`, {
      workflow_name: 'shared_helper',
      workflow_namespace: 'xyz',
    });
    expect(missing.status).to.equal(404);
  });

  describe('ad-hoc actions', () => {
    /** An ad-hoc action `greet` that says where it was defined. */
    const greet = (where: string) =>
      `version: '2.0'\ngreet:\n  base: std.echo\n  base-input:\n    output: "${where}"\n`;
    /** A workflow `greeter` that runs `greet`, or the sub-workflow `greeter` (`caller`). */
    const greeter = `version: '2.0'
greeter:
  tasks:
    t:
      action: greet
      publish:
        said: <% task().result %>
  output:
    said: <% $.said %>
`;
    const caller = `version: '2.0'
caller:
  tasks:
    t:
      workflow: greeter
      publish:
        said: <% task().result.said %>
  output:
    said: <% $.said %>
`;

    async function said(workflow: string, namespace: string): Promise<unknown> {
      const res = await call('POST', `${t.v2}/executions`, {
        workflow_name: workflow,
        workflow_namespace: namespace,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const e = await finished((res.body as Obj).id as string);
      expect(e.state, String(e.state_info)).to.equal('SUCCESS');
      return (JSON.parse(e.output as string) as Obj).said;
    }

    it('creates, gets, updates and deletes the same action name in two namespaces', async () => {
      for (const ns of ['', 'act_ns']) {
        const res = await call('POST', `${t.v2}/actions?namespace=${ns}`, greet(ns || 'default'));
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
      expect((await call('POST', `${t.v2}/actions?namespace=act_ns`, greet('again'))).status).to.equal(409);
      const got = (ns: string) => call('GET', `${t.v2}/actions/greet/${ns}`);
      expect((await got('act_ns')).body).to.include({ name: 'greet', namespace: 'act_ns' });
      expect((await got('')).body).to.include({ name: 'greet', namespace: '' });
      const put = await call('PUT', `${t.v2}/actions?namespace=act_ns`, greet('act_ns, updated'));
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      expect((await got('act_ns')).body.definition).to.contain('act_ns, updated');
      expect((await got('')).body.definition).to.contain('"default"');
      expect((await call('DELETE', `${t.v2}/actions/greet/act_ns`)).status).to.equal(204);
      expect((await got('act_ns')).status).to.equal(404);
      expect((await got('')).status).to.equal(200);
    });

    it("runs the action of the workflow's namespace, else the default namespace's (as Mistral 15)", async () => {
      expect((await call('POST', `${t.v2}/actions?namespace=greet_x`, greet('x'))).status).to.equal(201);
      for (const ns of ['', 'greet_x', 'greet_y']) {
        expect((await call('POST', `${t.v2}/workflows?namespace=${ns}`, greeter)).status).to.equal(201);
      }
      expect((await call('POST', `${t.v2}/workflows?namespace=greet_x`, caller)).status).to.equal(201);
      expect(await said('greeter', 'greet_x')).to.equal('x');
      expect(await said('greeter', 'greet_y')).to.equal('default');
      expect(await said('greeter', '')).to.equal('default');
      // `caller` in greet_x finds greeter in greet_x: x's action.
      expect(await said('caller', 'greet_x')).to.deep.equal('x');
      // Once x's action is deleted, greet_x runs the default one (the engine forgets the deleted action).
      expect((await call('DELETE', `${t.v2}/actions/greet/greet_x`)).status).to.equal(204);
      expect(await said('greeter', 'greet_x')).to.equal('default');
    });

    it("a sub-workflow found in the default namespace runs the default namespace's action", async () => {
      expect((await call('POST', `${t.v2}/actions?namespace=sub_x`, greet('sub_x'))).status).to.equal(201);
      expect((await call('POST', `${t.v2}/workflows?namespace=sub_x`, caller)).status).to.equal(201);
      // greeter exists in '' (previous test) but not in sub_x: it runs as a workflow of '' (Mistral 15 said
      // "default" here, recorded on the real server).
      expect(await said('caller', 'sub_x')).to.equal('default');
    });
  });
});
