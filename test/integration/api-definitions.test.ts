/**
 * The definition resources of API v2 (workbooks, workflows, actions, environments) against a real server over
 * HTTP, then through the stock python-mistralclient CLI (`mistral`), which must read every resource we return.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { call, startTestServer, type TestServer } from './api-helpers.js';

type Obj = Record<string, unknown>;
type List = Obj & { next?: string };

const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The system workflows every server lists (see system-workflows.test.ts). */
const SYSTEM_WORKFLOWS = ['std.create_instance', 'std.delete_instance'];

const workbook = (name: string, extra = '') => `version: '2.0'
name: ${name}
tags: [demo, api]
workflows:
  main:
    input:
      - who
      - greeting: Hello
    tasks:
      say:
        action: std.echo output="<% $.greeting %>, <% $.who %>"
${extra}`;

/** A workbook with a misspelt task key at line 7, column 9. */
const BROKEN_WORKBOOK = `version: '2.0'
name: broken
workflows:
  main:
    tasks:
      t1:
        acton: std.noop
`;

const TWO_WORKFLOWS = `version: '2.0'

first:
  input:
    - name
    - greeting: Hello
    - opts: {depth: 1, strict: true, none: null}
  tasks:
    t:
      action: std.echo output=<% $.name %>

second:
  tags: [batch]
  tasks:
    t:
      action: std.noop
`;

async function items(res: Promise<{ body: unknown }>, key: string): Promise<Obj[]> {
  return ((await res).body as Record<string, Obj[]>)[key] ?? [];
}

/** Follows `next` links from `url` and returns every page's names. */
async function pages(url: string, key: string): Promise<string[][]> {
  const out: string[][] = [];
  let next: string | undefined = url;
  while (next) {
    const res: { status: number; body: List } = await call<List>('GET', next);
    expect(res.status).to.equal(200);
    out.push(((res.body[key] as Obj[]) ?? []).map((i) => i.name as string));
    next = res.body.next;
    if (out.length > 20) throw new Error('too many pages');
  }
  return out;
}

describe('API v2 definitions', function () {
  let t: TestServer;
  let v2: string;

  beforeEach(async () => {
    t = await startTestServer();
    v2 = t.v2;
  });
  afterEach(async () => {
    await t.close();
  });

  describe('workbooks', () => {
    it('creates a workbook from text/plain YAML and answers 201 with the Mistral resource', async () => {
      const res = await call('POST', `${v2}/workbooks`, workbook('greetings'));
      expect(res.status).to.equal(201);
      expect(res.body).to.include({
        name: 'greetings',
        namespace: '',
        scope: 'private',
        project_id: '<default-project>',
        definition: workbook('greetings'),
        updated_at: null,
      });
      expect(res.body.tags).to.deep.equal(['demo', 'api']);
      expect(res.body.id).to.match(UUID);
      expect(res.body.created_at).to.match(TIME);
    });

    it('accepts a body without a content type, and the scope and namespace query parameters', async () => {
      const res = await call('POST', `${v2}/workbooks?scope=public&namespace=team`, workbook('plain'), null);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: 'plain', scope: 'public', namespace: 'team' });
      expect((await call('GET', `${v2}/workbooks/plain`)).status).to.equal(404);
      expect((await call('GET', `${v2}/workbooks/plain?namespace=team`)).body).to.include({ name: 'plain' });
    });

    it('refuses an unknown scope with 400 naming the field', async () => {
      const res = await call('POST', `${v2}/workbooks?scope=everyone`, workbook('w'));
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ field: 'scope', code: 'INVALID_INPUT' });
    });

    it('refuses a second workbook of the same name with 409', async () => {
      expect((await call('POST', `${v2}/workbooks`, workbook('twice'))).status).to.equal(201);
      const res = await call('POST', `${v2}/workbooks`, workbook('twice'));
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('CONFLICT');
    });

    it("reports an invalid workbook with 400 and each problem's line and column", async () => {
      const res = await call('POST', `${v2}/workbooks`, BROKEN_WORKBOOK);
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('DSL_INVALID');
      expect(res.body.faultstring).to.match(/^<input>:7:9: unknown key 'acton'/);
      expect(res.body.issues).to.deep.include({
        file: '<input>',
        line: 7,
        col: 9,
        message: "unknown key 'acton' in task 't1' (did you mean 'action'?)",
        path: '/workflows/main/tasks/t1/acton',
      });
      expect((await call('GET', `${v2}/workbooks/broken`)).status).to.equal(404);
    });

    it('refuses an empty body and a workflows document with 400', async () => {
      const empty = await call('POST', `${v2}/workbooks`, '  ');
      expect(empty.status).to.equal(400);
      expect(empty.body.field).to.equal('definition');
      const res = await call('POST', `${v2}/workbooks`, TWO_WORKFLOWS);
      expect(res.status).to.equal(400);
      expect(res.body.faultstring).to.match(/^<input>:1:1: this document has no workbook 'name'/);
    });

    it('shows a workbook by name, and 404 for an unknown one', async () => {
      await call('POST', `${v2}/workbooks`, workbook('shown'));
      const res = await call('GET', `${v2}/workbooks/shown`);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ name: 'shown', definition: workbook('shown') });
      const missing = await call('GET', `${v2}/workbooks/nope`);
      expect(missing.status).to.equal(404);
      expect(missing.body).to.include({ code: 'NOT_FOUND' });
      expect(missing.body.faultstring).to.contain('nope');
    });

    it('lists workbooks in pages: limit, marker and a next link while pages are full', async () => {
      for (const n of ['wb_a', 'wb_b', 'wb_c']) await call('POST', `${v2}/workbooks`, workbook(n));
      const all = await items(call('GET', `${v2}/workbooks`), 'workbooks');
      expect(all.map((w) => w.name)).to.deep.equal(['wb_a', 'wb_b', 'wb_c']);
      const first = await call<List>('GET', `${v2}/workbooks?limit=2`);
      expect(first.body.next).to.contain(`marker=${(first.body.workbooks as Obj[])[1]?.id as string}`);
      expect(await pages(`${v2}/workbooks?limit=2`, 'workbooks')).to.deep.equal([['wb_a', 'wb_b'], ['wb_c']]);
      expect(await pages(`${v2}/workbooks?limit=2&sort_keys=name&sort_dirs=desc`, 'workbooks')).to.deep.equal(
        [['wb_c', 'wb_b'], ['wb_a']],
      );
      const fields = await items(call('GET', `${v2}/workbooks?fields=name`), 'workbooks');
      expect(Object.keys(fields[0] ?? {}).sort()).to.deep.equal(['id', 'name']);
      const filtered = await items(call('GET', `${v2}/workbooks?name=in:wb_a,wb_c`), 'workbooks');
      expect(filtered.map((w) => w.name)).to.deep.equal(['wb_a', 'wb_c']);
    });

    it('refuses an unknown sort key and an unknown marker with 400', async () => {
      expect((await call('GET', `${v2}/workbooks?sort_keys=colour`)).body.field).to.equal('sort_keys');
      expect((await call('GET', `${v2}/workbooks?marker=nope`)).body.field).to.equal('marker');
    });

    it('updates the workbook its YAML names, and its workflows follow', async () => {
      await call('POST', `${v2}/workbooks`, workbook('evolving'));
      const extra = `  second:\n    tasks:\n      t:\n        action: std.noop\n`;
      const res = await call('PUT', `${v2}/workbooks`, workbook('evolving', extra));
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ name: 'evolving', definition: workbook('evolving', extra) });
      const names = (await items(call('GET', `${v2}/workflows`), 'workflows')).map((w) => w.name);
      expect(names).to.have.members([...SYSTEM_WORKFLOWS, 'evolving.main', 'evolving.second']);
      expect((await call('PUT', `${v2}/workbooks`, workbook('unknown'))).status).to.equal(404);
    });

    it('deletes a workbook alone (204; its workflows stay, as in Mistral), then answers 404', async () => {
      await call('POST', `${v2}/workbooks`, workbook('doomed'));
      expect((await call('DELETE', `${v2}/workbooks/doomed`)).status).to.equal(204);
      expect((await call('GET', `${v2}/workbooks/doomed`)).status).to.equal(404);
      expect((await call('GET', `${v2}/workflows/doomed.main`)).status).to.equal(200);
      expect((await call('DELETE', `${v2}/workbooks/doomed`)).status).to.equal(404);
    });

    it('validates without saving: valid true, or valid false with the positioned messages', async () => {
      expect((await call('POST', `${v2}/workbooks/validate`, workbook('checked'))).body).to.deep.equal({
        valid: true,
      });
      const bad = await call('POST', `${v2}/workbooks/validate`, BROKEN_WORKBOOK);
      expect(bad.status).to.equal(200);
      expect(bad.body.valid).to.equal(false);
      expect(bad.body.error).to.match(/^<input>:7:9: unknown key 'acton'/);
      expect((await call('GET', `${v2}/workbooks`)).body).to.deep.equal({ workbooks: [] });
    });
  });

  describe('workflows', () => {
    it("creates every workflow of a document (201) with Mistral's input string and each one's own definition", async () => {
      const res = await call<{ workflows: Obj[] }>('POST', `${v2}/workflows`, TWO_WORKFLOWS);
      expect(res.status).to.equal(201);
      const [first, second] = res.body.workflows;
      expect(first).to.include({
        name: 'first',
        namespace: '',
        // As Mistral 15 shows it (recorded on the real server): each default in double quotes.
        input: `name, greeting="Hello", opts="{'depth': 1, 'strict': True, 'none': None}"`,
        scope: 'private',
        project_id: '<default-project>',
        updated_at: null,
      });
      expect(first?.id).to.match(UUID);
      // Mistral 15's interface: the input as written, the output's keys (recorded on the real server).
      expect(first?.interface).to.deep.equal({
        input: ['name', { greeting: 'Hello' }, { opts: { depth: 1, strict: true, none: null } }],
        output: [],
      });
      expect(first?.definition).to.equal(`version: '2.0'\n\n${TWO_WORKFLOWS.split('\n\n')[1]}\n`);
      expect(second).to.include({ name: 'second', input: '' });
      expect(second?.tags).to.deep.equal(['batch']);
      expect(second?.definition).to.equal(`version: '2.0'\n\n${TWO_WORKFLOWS.split('\n\n')[2]}`);
    });

    it('refuses a workflow name that exists with 409, and a workbook document with 400', async () => {
      await call('POST', `${v2}/workflows`, TWO_WORKFLOWS);
      expect((await call('POST', `${v2}/workflows`, TWO_WORKFLOWS)).status).to.equal(409);
      expect((await call('POST', `${v2}/workflows`, workbook('wb'))).status).to.equal(400);
    });

    it('shows a workflow by name or id, and 404 for an unknown one', async () => {
      const created = await items(call('POST', `${v2}/workflows`, TWO_WORKFLOWS), 'workflows');
      const id = created[0]?.id as string;
      expect((await call('GET', `${v2}/workflows/first`)).body).to.include({ id, name: 'first' });
      expect((await call('GET', `${v2}/workflows/${id}?namespace=`)).body).to.include({ id, name: 'first' });
      expect((await call('GET', `${v2}/workflows/missing`)).status).to.equal(404);
    });

    it('updates workflows (PUT), or one by id (PUT /{id}, answering the workflow alone)', async () => {
      const created = await items(call('POST', `${v2}/workflows`, TWO_WORKFLOWS), 'workflows');
      const changed = TWO_WORKFLOWS.replace('- name\n', '- name\n    - extra\n');
      const all = await call<{ workflows: Obj[] }>('PUT', `${v2}/workflows`, changed);
      expect(all.status).to.equal(200);
      expect(all.body.workflows.map((w) => w.id)).to.deep.equal(created.map((w) => w.id));
      expect(all.body.workflows[0]?.input).to.match(/^name, extra, /);

      const id = created[1]?.id as string;
      const one = `version: '2.0'\nsecond:\n  tags: [v2]\n  tasks:\n    t:\n      action: std.noop\n`;
      const res = await call('PUT', `${v2}/workflows/${id}?namespace=&scope=public`, one);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id, name: 'second', scope: 'public', definition: one });
      expect(res.body.tags).to.deep.equal(['v2']);

      const renamed = await call('PUT', `${v2}/workflows/${id}`, one.replace('second:', 'third:'));
      expect(renamed.status).to.equal(400);
      expect(renamed.body.field).to.equal('definition');
      expect((await call('PUT', `${v2}/workflows`, one.replace('second:', 'third:'))).status).to.equal(404);
    });

    it("deletes a standalone workflow and a workbook's workflow (204), as Mistral; updates only the latter through its workbook", async () => {
      await call('POST', `${v2}/workflows`, TWO_WORKFLOWS);
      await call('POST', `${v2}/workbooks`, workbook('owner'));
      expect((await call('DELETE', `${v2}/workflows/first`)).status).to.equal(204);
      expect((await call('GET', `${v2}/workflows/first`)).status).to.equal(404);
      const update = `version: '2.0'\nowner.main:\n  tasks:\n    t:\n      action: std.noop\n`;
      expect((await call('PUT', `${v2}/workflows`, update)).status).to.equal(400);
      expect((await call('DELETE', `${v2}/workflows/owner.main`)).status).to.equal(204);
      expect((await call('GET', `${v2}/workflows/owner.main`)).status).to.equal(404);
    });

    it('refuses to delete a workflow that a cron trigger starts (400)', async () => {
      const [first] = await items(call('POST', `${v2}/workflows`, TWO_WORKFLOWS), 'workflows');
      const now = Date.now();
      await t.server.engine.store.createCronTrigger({
        id: 'c0ffee00-0000-4000-8000-000000000001',
        name: 'nightly',
        pattern: '0 3 * * *',
        workflowName: 'first',
        workflowId: first?.id as string,
        workflowInput: { name: 'x' },
        workflowParams: {},
        firstExecutionTime: null,
        nextExecutionTime: now + 86_400_000,
        remainingExecutions: null,
        scope: 'private',
        createdAt: now,
        updatedAt: now,
      });
      const res = await call('DELETE', `${v2}/workflows/first`);
      expect(res.status).to.equal(400);
      expect(res.body.faultstring).to.contain("Can't delete workflow that has cron triggers associated");
      expect((await call('GET', `${v2}/workflows/first`)).status).to.equal(200);
    });

    it('lists workflows with filters, sorting and pages', async () => {
      await call('POST', `${v2}/workflows`, TWO_WORKFLOWS);
      await call('POST', `${v2}/workbooks`, workbook('wb'));
      // The system workflows are paged with the stored ones.
      expect(await pages(`${v2}/workflows?limit=2&sort_keys=name`, 'workflows')).to.deep.equal([
        ['first', 'second'],
        SYSTEM_WORKFLOWS,
        ['wb.main'],
      ]);
      const tagged = await items(call('GET', `${v2}/workflows?tags=batch`), 'workflows');
      expect(tagged.map((w) => w.name)).to.deep.equal(['second']);
      const others = await items(call('GET', `${v2}/workflows?name=neq:first&sort_keys=name`), 'workflows');
      expect(others.map((w) => w.name)).to.deep.equal(['second', ...SYSTEM_WORKFLOWS, 'wb.main']);
    });

    it('validates a workflows document', async () => {
      expect((await call('POST', `${v2}/workflows/validate`, TWO_WORKFLOWS)).body).to.deep.equal({
        valid: true,
      });
      const bad = await call('POST', `${v2}/workflows/validate`, `version: '2.0'\nwf:\n  tasks: {}\n`);
      expect(bad.body.valid).to.equal(false);
      expect(bad.body.error).to.match(/^<input>:\d+:\d+: /);
    });
  });

  describe('actions', () => {
    const ACTIONS = `version: '2.0'

greet:
  description: Greets someone
  tags: [people]
  base: std.echo
  base-input:
    output: "<% $.greeting %>, <% $.who %>"
  input:
    - who
    - greeting: "Hello"
`;

    it('lists the system actions with their input and description', async () => {
      const all = await items(call('GET', `${v2}/actions`), 'actions');
      const echo = all.find((a) => a.name === 'std.echo');
      expect(echo).to.include({
        is_system: true,
        input: 'output=null, delay=0',
        definition: null,
        scope: 'public',
      });
      expect(echo?.id).to.match(UUID);
      expect(echo?.created_at).to.match(TIME);
      expect(all.every((a) => a.is_system === true)).to.equal(true);
    });

    it("shows an action by name, by id and in python-mistralclient's /{name}/{namespace} form", async () => {
      const byName = await call('GET', `${v2}/actions/std.echo`);
      expect(byName.body).to.include({ name: 'std.echo', is_system: true });
      expect((await call('GET', `${v2}/actions/std.echo/`)).body).to.deep.equal(byName.body);
      expect((await call('GET', `${v2}/actions/${byName.body.id as string}`)).body).to.deep.equal(
        byName.body,
      );
      expect((await call('GET', `${v2}/actions/std.nothing/`)).status).to.equal(404);
    });

    it('creates ad-hoc actions from an actions document (201), and workflows can use them', async () => {
      const res = await call<{ actions: Obj[] }>('POST', `${v2}/actions`, ACTIONS);
      expect(res.status).to.equal(201);
      expect(res.body.actions).to.have.length(1);
      expect(res.body.actions[0]).to.include({
        name: 'greet',
        is_system: false,
        input: 'who, greeting="Hello"',
        description: 'Greets someone',
        definition: ACTIONS,
        scope: 'private',
      });
      expect((await call('GET', `${v2}/actions/greet/`)).body).to.include({
        name: 'greet',
        is_system: false,
      });

      const wf = `version: '2.0'\nuse_greet:\n  tasks:\n    t:\n      action: greet who="Ada"\n      publish:\n        said: <% task().result %>\n`;
      expect((await call('POST', `${v2}/workflows`, wf)).status).to.equal(201);
      const { engine } = t.server;
      const ex = await engine.startExecution({ workflow: 'use_greet' });
      const done = await engine.waitFor(ex.id);
      expect(done.state).to.equal('SUCCESS');
      expect(done.output).to.deep.include({ said: 'Hello, Ada' });
    });

    it('refuses an existing name with 409, a system name included', async () => {
      await call('POST', `${v2}/actions`, ACTIONS);
      expect((await call('POST', `${v2}/actions`, ACTIONS)).status).to.equal(409);
      const shadow = `version: '2.0'\nstd.echo:\n  base: std.noop\n`;
      expect((await call('POST', `${v2}/actions`, shadow)).status).to.equal(409);
    });

    it('accepts dotted names, and actions based on others of the same document', async () => {
      const dotted = `version: '2.0'\nacme.say:\n  base: std.echo\n  input: [text]\n  base-input:\n    output: <% $.text %>\nacme.shout:\n  base: acme.say\n  input: [text]\n  base-input:\n    text: "<% $.text %>!"\n`;
      const res = await call<{ actions: Obj[] }>('POST', `${v2}/actions`, dotted);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.actions.map((a) => a.name)).to.deep.equal(['acme.say', 'acme.shout']);
      const bad = await call('POST', `${v2}/actions`, `version: '2.0'\nacme.oops:\n  bse: std.echo\n`);
      expect(bad.body.issues).to.deep.include({
        file: '<input>',
        line: 3,
        col: 3,
        message: "unknown key 'bse' in action 'acme.oops' (did you mean 'base'?)",
        path: '/acme.oops/bse',
      });
    });

    it("reports an invalid actions document at the user's own lines and columns", async () => {
      const bad = `version: '2.0'\nok:\n  base: std.noop\nbroken:\n  bse: std.echo\n`;
      const res = await call('POST', `${v2}/actions`, bad);
      expect(res.status).to.equal(400);
      expect(res.body.issues).to.deep.include({
        file: '<input>',
        line: 5,
        col: 3,
        message: "unknown key 'bse' in action 'broken' (did you mean 'base'?)",
        path: '/broken/bse',
      });
      const noVersion = await call('POST', `${v2}/actions`, 'greet:\n  base: std.noop\n');
      expect(noVersion.status).to.equal(400);
      expect((await call('GET', `${v2}/actions/ok`)).status).to.equal(404);
    });

    it('updates ad-hoc actions (PUT, PUT /{id}) and answers a list', async () => {
      const created = await items(call('POST', `${v2}/actions`, ACTIONS), 'actions');
      const changed = ACTIONS.replace('Greets someone', 'Greets anyone');
      const res = await call<{ actions: Obj[] }>('PUT', `${v2}/actions`, changed);
      expect(res.status).to.equal(200);
      expect(res.body.actions[0]).to.include({ id: created[0]?.id, description: 'Greets anyone' });
      const byId = await call<{ actions: Obj[] }>(
        'PUT',
        `${v2}/actions/${created[0]?.id as string}`,
        ACTIONS,
      );
      expect(byId.body.actions[0]).to.include({ description: 'Greets someone' });
      const unknown = `version: '2.0'\nnew_one:\n  base: std.noop\n`;
      expect((await call('PUT', `${v2}/actions`, unknown)).status).to.equal(404);
    });

    it('deletes an ad-hoc action (204), but refuses system and workbook actions with 400', async () => {
      await call('POST', `${v2}/actions`, ACTIONS);
      const wb = `version: '2.0'\nname: kit\nactions:\n  tool:\n    base: std.noop\n`;
      expect((await call('POST', `${v2}/workbooks`, wb)).status).to.equal(201);
      expect((await call('GET', `${v2}/actions/kit.tool`)).body).to.include({ name: 'kit.tool' });
      expect((await call('DELETE', `${v2}/actions/greet/`)).status).to.equal(204);
      expect((await call('GET', `${v2}/actions/greet`)).status).to.equal(404);
      expect((await call('DELETE', `${v2}/actions/greet`)).status).to.equal(404);
      const system = await call('DELETE', `${v2}/actions/std.echo/`);
      expect(system.status).to.equal(400);
      expect(system.body.faultstring).to.contain('system action');
      expect((await call('DELETE', `${v2}/actions/kit.tool`)).status).to.equal(400);
    });

    it('creates an action again once it is deleted, and names the endpoint for a workbook sent as actions', async () => {
      expect((await call('POST', `${v2}/actions`, ACTIONS)).status).to.equal(201);
      expect((await call('DELETE', `${v2}/actions/greet`)).status).to.equal(204);
      expect((await call('POST', `${v2}/actions`, ACTIONS)).status).to.equal(201);
      const wb = `version: '2.0'\nname: kit2\nactions:\n  tool:\n    base: std.noop\n`;
      const wrong = await call<Obj>('POST', `${v2}/actions`, wb);
      expect(wrong.status).to.equal(400);
      expect(String(wrong.body.faultstring)).to.contain('upload it with POST /v2/workbooks');
    });

    it('validates an actions document', async () => {
      expect((await call('POST', `${v2}/actions/validate`, ACTIONS)).body).to.deep.equal({ valid: true });
      const bad = await call('POST', `${v2}/actions/validate`, `version: '2.0'\nx:\n  base: [1]\n`);
      expect(bad.body.valid).to.equal(false);
      expect(bad.body.error).to.match(/^<input>:3:\d+: /);
    });

    it('pages through system and ad-hoc actions together, and filters on is_system', async () => {
      await call('POST', `${v2}/actions`, ACTIONS);
      const total = (await items(call('GET', `${v2}/actions`), 'actions')).length;
      const seen = (await pages(`${v2}/actions?limit=4&sort_keys=name`, 'actions')).flat();
      expect(seen).to.have.length(total);
      expect(new Set(seen).size).to.equal(total);
      expect(seen).to.deep.equal([...seen].sort());
      const adHoc = await items(call('GET', `${v2}/actions?is_system=false`), 'actions');
      expect(adHoc.map((a) => a.name)).to.deep.equal(['greet']);
    });
  });

  describe('environments', () => {
    const env = { name: 'staging', description: 'Staging hosts', variables: '{"host": "stage.example.org"}' };

    it('creates an environment (201); variables come back as a JSON string', async () => {
      const res = await call('POST', `${v2}/environments`, env);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({
        name: 'staging',
        description: 'Staging hosts',
        variables: '{"host":"stage.example.org"}',
        scope: 'private',
        project_id: '<default-project>',
        updated_at: null,
      });
      expect(res.body.id).to.match(UUID);
      const asObject = await call('POST', `${v2}/environments`, { name: 'obj', variables: { port: 80 } });
      expect(asObject.body).to.include({ variables: '{"port":80}', description: null });
    });

    it('refuses a duplicate name with 409', async () => {
      await call('POST', `${v2}/environments`, env);
      expect((await call('POST', `${v2}/environments`, env)).status).to.equal(409);
    });

    it('names the field at fault: missing name, variables not an object, unknown keys, bad scope', async () => {
      const cases: [Obj, string][] = [
        [{ variables: {} }, 'name'],
        [{ name: '', variables: {} }, 'name'],
        [{ name: 'x', variables: '[1, 2]' }, 'variables'],
        [{ name: 'x', variables: 'not json' }, 'variables'],
        [{ name: 'x', variables: 3 }, 'variables'],
        [{ name: 'x', colour: 'blue' }, 'colour'],
        [{ name: 'x', scope: 'everyone' }, 'scope'],
        [{ name: 'x', description: 5 }, 'description'],
      ];
      for (const [body, field] of cases) {
        const res = await call('POST', `${v2}/environments`, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body, JSON.stringify(body)).to.include({ field, code: 'INVALID_INPUT' });
      }
      const notObject = await call('POST', `${v2}/environments`, [1]);
      expect(notObject.status).to.equal(400);
    });

    it('shows an environment by name, and 404 for an unknown one', async () => {
      await call('POST', `${v2}/environments`, env);
      expect((await call('GET', `${v2}/environments/staging`)).body).to.include({ name: 'staging' });
      expect((await call('GET', `${v2}/environments/prod`)).status).to.equal(404);
    });

    it('updates only the fields given (PUT), and 404 for an unknown name', async () => {
      await call('POST', `${v2}/environments`, env);
      const res = await call('PUT', `${v2}/environments`, { name: 'staging', variables: { host: 'new' } });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ description: 'Staging hosts', variables: '{"host":"new"}' });
      expect(res.body.updated_at).to.match(TIME);
      expect((await call('PUT', `${v2}/environments`, { name: 'prod', variables: {} })).status).to.equal(404);
    });

    it('lists environments in pages', async () => {
      for (const name of ['e1', 'e2', 'e3'])
        await call('POST', `${v2}/environments`, { name, variables: {} });
      expect(await pages(`${v2}/environments?limit=2`, 'environments')).to.deep.equal([['e1', 'e2'], ['e3']]);
      const one = await items(call('GET', `${v2}/environments?name=e2`), 'environments');
      expect(one.map((e) => e.name)).to.deep.equal(['e2']);
    });

    it('deletes an environment (204), then answers 404', async () => {
      await call('POST', `${v2}/environments`, env);
      expect((await call('DELETE', `${v2}/environments/staging`)).status).to.equal(204);
      expect((await call('GET', `${v2}/environments/staging`)).status).to.equal(404);
      expect((await call('DELETE', `${v2}/environments/staging`)).status).to.equal(404);
    });
  });
});

const MISTRAL = '/usr/bin/mistral';

describe('python-mistralclient against the definition resources', function () {
  this.timeout(60_000);
  let t: TestServer;

  /** Runs `mistral <args>`; resolves with its exit code and output. */
  function mistral(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    // The client must not pick up Keystone settings from the environment running the tests.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
    return new Promise((resolve) => {
      execFile(
        MISTRAL,
        args,
        { env: { ...env, OS_MISTRAL_URL: t.v2, OS_AUTH_TYPE: 'none' } },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** `mistral <args> -f json`, parsed; fails the test on a non-zero exit. */
  async function mistralJson<T>(...args: string[]): Promise<T> {
    const r = await mistral(...args, '-f', 'json');
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout) as T;
  }

  function file(name: string, text: string): string {
    const p = path.join(t.dir, name);
    fs.writeFileSync(p, text);
    return p;
  }

  before(async () => {
    // Never skipped: without the stock client these tests fail and say why (.ci/run installs it).
    if (!fs.existsSync(MISTRAL)) {
      throw new Error(`${MISTRAL} is missing: install python3-mistralclient (the stock Mistral client)`);
    }
    t = await startTestServer();
  });
  after(async () => {
    await t?.close();
  });

  it('workbook-create, workbook-list and workbook-get show the workbook', async () => {
    const created = await mistral('workbook-create', file('wb.yaml', workbook('cli_wb')));
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.match(/\| Name\s+\| cli_wb\s+\|/);
    expect(created.stdout).to.match(/\| Tags\s+\| demo, api\s+\|/);

    const list = await mistralJson<Obj[]>('workbook-list');
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ Name: 'cli_wb', Tags: 'demo, api', Scope: 'private' });
    expect(list[0]?.['Created at']).to.match(TIME);

    const shown = await mistralJson<Obj>('workbook-get', 'cli_wb');
    expect(shown).to.include({ Name: 'cli_wb', Namespace: '', Scope: 'private' });
  });

  it("workflow-list and workflow-get show the workbook's workflow and its input", async () => {
    const list = await mistralJson<Obj[]>('workflow-list');
    const row = list.find((w) => w.Name === 'cli_wb.main');
    expect(row).to.include({ 'Project ID': '<default-project>', Input: 'who, greeting="Hello"' });
    const shown = await mistralJson<Obj>('workflow-get', 'cli_wb.main');
    expect(shown).to.include({ Name: 'cli_wb.main', ID: row?.ID, Input: 'who, greeting="Hello"' });
  });

  it('action-list shows the system actions; action-create and action-get an ad-hoc one', async () => {
    const list = await mistralJson<Obj[]>('action-list');
    expect(list.find((a) => a.Name === 'std.echo')).to.include({ 'Is system': true });
    const defined = file('actions.yaml', `version: '2.0'\ncli_hello:\n  base: std.echo\n  input: [who]\n`);
    const created = await mistralJson<Obj[]>('action-create', defined);
    expect(created[0]).to.include({ Name: 'cli_hello', 'Is system': false, Input: 'who' });
    expect(await mistralJson<Obj>('action-get', 'cli_hello')).to.include({ Name: 'cli_hello' });
  });

  it('environment-create (from YAML) and environment-list show the environment', async () => {
    const defined = file(
      'env.yaml',
      'name: cli_env\ndescription: From the CLI\nvariables:\n  region: north\n',
    );
    const created = await mistralJson<Obj>('environment-create', defined);
    expect(created).to.include({ Name: 'cli_env', Description: 'From the CLI', Scope: 'private' });
    expect(JSON.parse(created.Variables as string)).to.deep.equal({ region: 'north' });
    const list = await mistralJson<Obj[]>('environment-list');
    expect(list.map((e) => e.Name)).to.deep.equal(['cli_env']);
  });

  it('validates and deletes through the client, and reports errors with a non-zero exit', async () => {
    const verdict = await mistralJson<Obj>('workbook-validate', file('bad.yaml', BROKEN_WORKBOOK));
    expect(verdict.Valid).to.equal(false);
    expect(verdict.Error).to.match(/^<input>:7:9: /);
    expect((await mistral('workbook-delete', 'cli_wb')).code).to.equal(0);
    // Mistral deletes the workbook alone; its workflow goes on its own.
    expect((await mistral('workflow-delete', 'cli_wb.main')).code).to.equal(0);
    expect((await mistral('environment-delete', 'cli_env')).code).to.equal(0);
    // An empty list prints one row of empty cells.
    const left = await mistralJson<Obj[]>('workbook-list');
    expect(left.map((w) => w.Name).filter(Boolean)).to.deep.equal([]);
  });
});
