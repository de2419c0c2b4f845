/**
 * Uploads are as permissive as Mistral's: a workbook calling actions and workflows nobody defined yet (plug-in
 * actions of another deployment, workflows uploaded later) is stored, and the task fails when it runs, with
 * Mistral's message. `validate` still reports those calls, as warnings with their positions.
 */
import { expect } from 'chai';
import { call, startTestServer, type TestServer } from './api-helpers.js';

const WORKBOOK = `version: '2.0'
name: ops
workflows:
  provision:
    tasks:
      create_server:
        action: cloud.servers_create name="web-1"
        on-success: [notify]
      notify:
        workflow: ops.messaging_send
  notify_only:
    tasks:
      notify:
        workflow: messaging_send
  echo_typo:
    tasks:
      say:
        action: std.echo outptu="hi"
`;

type Obj = Record<string, unknown>;

describe('permissive uploads: unknown actions and workflows fail at run time, as in Mistral', function () {
  this.timeout(20_000);
  let srv: TestServer;

  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
  });

  async function runToEnd(workflow: string): Promise<Obj> {
    const started = await call<Obj>('POST', `${srv.v2}/executions`, { workflow_name: workflow });
    expect(started.status).to.equal(201);
    for (;;) {
      const ex = await call<Obj>('GET', `${srv.v2}/executions/${String(started.body['id'])}`);
      if (ex.body['state'] !== 'RUNNING') return ex.body;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('validates the workbook as valid, with each unknown name as a positioned warning', async () => {
    const res = await call<Obj>('POST', `${srv.v2}/workbooks/validate`, WORKBOOK);
    expect(res.body['valid']).to.equal(true);
    expect(String(res.body['warnings']).split('\n')).to.deep.equal([
      "<input>:7:17: warning: task 'create_server': unknown action 'cloud.servers_create'",
      "<input>:10:19: warning: task 'notify': unknown workflow 'ops.messaging_send'",
      "<input>:14:19: warning: task 'notify': unknown workflow 'messaging_send'",
      "<input>:18:26: warning: task 'say': action 'std.echo' has no parameter 'outptu' (did you mean 'output'?)",
    ]);
  });

  it('stores the workbook (201)', async () => {
    const res = await call<Obj>('POST', `${srv.v2}/workbooks`, WORKBOOK);
    expect(res.status).to.equal(201);
    expect(res.body['name']).to.equal('ops');
  });

  it("fails the task of an unknown action with Mistral's 'Failed to find action'", async () => {
    const ex = await runToEnd('ops.provision');
    expect(ex['state']).to.equal('ERROR');
    expect(String(ex['state_info'])).to.include(
      'Failed to find action [action_name=cloud.servers_create, namespace=]',
    );
  });

  it("fails the task of a missing sub-workflow with Mistral's 'Failed to find workflow'", async () => {
    const ex = await runToEnd('ops.notify_only');
    expect(ex['state']).to.equal('ERROR');
    expect(String(ex['state_info'])).to.include('Failed to find workflow [name=messaging_send] [namespace=]');
  });

  it('runs the workflow once the missing sub-workflow is uploaded', async () => {
    const sub = `version: '2.0'\nmessaging_send:\n  tasks:\n    t:\n      action: std.noop\n`;
    expect((await call('POST', `${srv.v2}/workflows`, sub)).status).to.equal(201);
    expect((await runToEnd('ops.notify_only'))['state']).to.equal('SUCCESS');
  });

  it("fails the task of a misspelt parameter with Mistral's 'Invalid input'", async () => {
    const ex = await runToEnd('ops.echo_typo');
    expect(ex['state']).to.equal('ERROR');
    expect(String(ex['state_info'])).to.match(/Invalid input.*outptu/);
  });

  it('stores an actions document whose base action is unknown, validated with a warning; the task fails at run time', async () => {
    const actions = `version: '2.0'\nserver_create:\n  base: cloud.servers_create\n  input: [name]\n`;
    const checked = await call<Obj>('POST', `${srv.v2}/actions/validate`, actions);
    expect(checked.body).to.deep.include({
      valid: true,
      warnings: "<input>:3:9: warning: action 'server_create': unknown base action 'cloud.servers_create'",
    });
    expect((await call('POST', `${srv.v2}/actions`, actions)).status).to.equal(201);
    const wf = `version: '2.0'\nbuild:\n  tasks:\n    t:\n      action: server_create name="web-1"\n`;
    expect((await call('POST', `${srv.v2}/workflows`, wf)).status).to.equal(201);
    const ex = await runToEnd('build');
    expect(ex['state']).to.equal('ERROR');
    expect(String(ex['state_info'])).to.include('Failed to find action [action_name=cloud.servers_create');
  });
});
