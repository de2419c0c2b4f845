/**
 * Event triggers against a real server and RabbitMQ: the stock `mistral` client creates, lists, gets and deletes
 * them; OpenStack notifications published to RabbitMQ (oslo.messaging's envelope and the plain form) start the
 * trigger's workflow exactly once per message, with the event in `params.event_params`; a message that cannot
 * start anything is dead-lettered with its reason; the API answers as Mistral's (tempest's event-trigger tests).
 *
 * Each server uses its own random queue prefix, and every test its own exchange or messages, so that runs in
 * parallel never see each other's work.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { expect } from 'chai';
import type { ExecutionRecord } from '../../engine/index.js';
import { call, startTestServer, until, type TestServer } from './api-helpers.js';
import { osloNotification } from './notifications.js';

const AMQP_URL = process.env.TRAM_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MISTRAL = '/usr/bin/mistral';
const run = promisify(execFile);

const WF = `
version: '2.0'
on_instance:
  input:
    - region: eu
    - instance_id: null
  tasks:
    t1:
      action: std.echo output=<% execution().params.event_params %>
`;

const rand = () => crypto.randomBytes(4).toString('hex');

describe('event triggers', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let conn: ChannelModel;
  let ch: ConfirmChannel;
  let prefix: string;
  let wfId: string;

  async function publish(exchange: string, routingKey: string, body: string, messageId?: string) {
    ch.publish(exchange, routingKey, Buffer.from(body), {
      contentType: 'application/json',
      ...(messageId ? { messageId } : {}),
    });
    await ch.waitForConfirms();
  }

  async function executions(): Promise<ExecutionRecord[]> {
    return srv.server.engine.listExecutions({ workflowName: 'on_instance', limit: 0 });
  }

  const byMessage = (list: ExecutionRecord[], id: string) =>
    list.filter((e) => (e.params.event_params as { message_id?: string } | undefined)?.message_id === id);

  async function createTrigger(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await call('POST', `${srv.v2}/event_triggers`, { workflow_id: wfId, ...body });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  async function deadLetters(queue: string, n: number): Promise<GetMessage[]> {
    const out: GetMessage[] = [];
    await until(`${n} dead letters`, async () => {
      for (;;) {
        const m = await ch.get(queue, { noAck: true });
        if (!m) break;
        out.push(m);
      }
      return out.length >= n;
    });
    return out;
  }

  before(async () => {
    try {
      conn = await connect(AMQP_URL);
    } catch (err) {
      throw new Error(`RabbitMQ is unreachable at ${AMQP_URL}: ${(err as Error).message}`);
    }
    ch = await conn.createConfirmChannel();
    prefix = `tram-test-${rand()}`;
    srv = await startTestServer({ eventTriggerQueuePrefix: prefix, amqpUrl: AMQP_URL });
    const saved = await srv.server.engine.load(WF);
    wfId = (saved.workflows[0] as { id: string }).id;
  });

  after(async () => {
    for (const t of await srv.server.context.eventTriggers.list({ limit: 0 }))
      await srv.server.context.eventTriggers.delete(t.id);
    await srv?.close();
    // The dead-letter queues outlive their triggers by design: remove this run's.
    for (const q of createdDeadQueues) await ch.deleteQueue(q).catch(() => undefined);
    await conn?.close();
  });
  const createdDeadQueues: string[] = [];
  const deadQueue = (exchange: string, topic: string) => {
    const q = `${prefix}.${exchange}.${topic}.dead`;
    createdDeadQueues.push(q);
    return q;
  };

  describe('with the stock mistral client', () => {
    async function mistral(...args: string[]): Promise<string> {
      const { stdout } = await run(MISTRAL, args, {
        env: { ...process.env, OS_MISTRAL_URL: srv.v2, OS_AUTH_TYPE: 'none' },
      });
      return stdout;
    }

    it('creates a trigger on tram_test/notifications; one notification starts one execution with its data, twice the same message_id still one', async () => {
      if (!fs.existsSync(MISTRAL))
        throw new Error(`${MISTRAL} is missing: install python3-mistralclient (the stock Mistral client)`);
      deadQueue('tram_test', 'notifications');
      const created = JSON.parse(
        await mistral(
          'event-trigger-create',
          'on-create',
          wfId,
          'tram_test',
          'notifications',
          'compute.instance.create.end',
          '{"region": "us"}',
          '--params',
          '{"env": {"team": "ops"}}',
          '-f',
          'json',
        ),
      ) as Record<string, string>;
      expect(created).to.include({
        Name: 'on-create',
        'Workflow ID': wfId,
        Exchange: 'tram_test',
        Topic: 'notifications',
        Event: 'compute.instance.create.end',
      });
      const list = JSON.parse(await mistral('event-trigger-list', '-f', 'json')) as Record<string, string>[];
      expect(list.map((t) => t.ID)).to.include(created.ID);
      const got = JSON.parse(await mistral('event-trigger-get', created.ID as string, '-f', 'json'));
      expect(got).to.include({ Name: 'on-create', Event: 'compute.instance.create.end' });

      const messageId = crypto.randomUUID();
      const body = osloNotification('compute.instance.create.end', { instance_id: 'i-42' }, messageId);
      await publish('tram_test', 'notifications.info', body);
      await publish('tram_test', 'notifications.info', body);
      // Another event type on the same topic starts nothing.
      await publish('tram_test', 'notifications.info', osloNotification('compute.instance.delete.end', {}));
      const [exec] = await until('the execution', async () => byMessage(await executions(), messageId));
      await srv.server.engine.waitFor(exec!.id);
      // Both deliveries are consumed: the queue is empty and nothing is unacked.
      await until('the queue to drain', async () => {
        const q = await ch.checkQueue(`${prefix}.tram_test.notifications`);
        return q.messageCount === 0;
      });
      await srv.server.engine.idle();
      const mine = byMessage(await executions(), messageId);
      expect(mine).to.have.length(1);
      const e = mine[0]!;
      expect(e.input).to.deep.equal({ region: 'us', instance_id: null });
      expect(e.params.env).to.deep.equal({ team: 'ops' });
      expect(e.params.event_params).to.deep.equal({
        service: 'compute.host1',
        project_id: 'p1',
        user_id: 'u1',
        timestamp: '2026-12-03 10:00:00.000000',
        event_type: 'compute.instance.create.end',
        message_id: messageId,
        priority: 'INFO',
        payload: { instance_id: 'i-42' },
      });
      expect(JSON.parse(e.description)).to.deep.equal({
        description: `Workflow execution created by event trigger '(${created.ID})'.`,
        triggered_by: { type: 'event_trigger', id: created.ID, name: 'on-create' },
      });

      await mistral('event-trigger-delete', created.ID as string);
      expect((await call('GET', `${srv.v2}/event_triggers/${created.ID}`)).status).to.equal(404);
      // The last trigger of the key gone, its queue goes too.
      await until('the queue to be deleted', async () => {
        const probe = await conn.createChannel();
        probe.on('error', () => undefined);
        try {
          await probe.checkQueue(`${prefix}.tram_test.notifications`);
          await probe.close();
          return false;
        } catch {
          return true;
        }
      });
    });
  });

  it('reads the plain form, applies the filter and the input map, and dedupes by the AMQP message id', async () => {
    const exchange = `tram-test-ex-${rand()}`;
    deadQueue(exchange, 'n');
    await createTrigger({
      name: 'mapped',
      exchange,
      topic: 'n',
      event: 'volume.attach',
      filter: '$.payload.size > 10',
      input_map: { instance_id: '<% $.payload.instance %>' },
    });
    const plain = (size: number, instance: string) =>
      JSON.stringify({
        event_type: 'volume.attach',
        publisher_id: 'volume.host',
        payload: { size, instance },
      });
    const amqpId = crypto.randomUUID();
    await publish(exchange, 'n.info', plain(20, 'i-big'), amqpId);
    await publish(exchange, 'n.info', plain(20, 'i-big'), amqpId);
    await publish(exchange, 'n.info', plain(5, 'i-small'), crypto.randomUUID());
    const [exec] = await until('the mapped execution', async () => byMessage(await executions(), amqpId));
    await until(
      'the queue to drain',
      async () => (await ch.checkQueue(`${prefix}.${exchange}.n`)).messageCount === 0,
    );
    await srv.server.engine.idle();
    expect(byMessage(await executions(), amqpId)).to.have.length(1);
    expect(exec!.input).to.deep.equal({ region: 'eu', instance_id: 'i-big' });
    const small = (await executions()).filter((e) => e.input.instance_id === 'i-small');
    expect(small, 'the filter refuses size 5').to.have.length(0);
  });

  it('dead-letters what cannot start a workflow, with the reason, and never retries it', async () => {
    const exchange = `tram-test-ex-${rand()}`;
    const dlq = deadQueue(exchange, 'n');
    // An input map naming an unknown input is refused at creation, as workflow_input is.
    const refused = await call('POST', `${srv.v2}/event_triggers`, {
      workflow_id: wfId,
      exchange,
      topic: 'n',
      event: 'e.bad',
      input_map: { unexpected: '<% 1 %>' },
    });
    expect(refused.status).to.equal(400);
    expect((refused.body as { faultstring: string }).faultstring).to.match(/unexpected/);
    await createTrigger({
      name: 'failing',
      exchange,
      topic: 'n',
      event: 'e.bad',
      filter: '$.payload.x.y.z()',
    });
    const good = await createTrigger({ name: 'good', exchange, topic: 'n', event: 'e.good' });
    expect(good.id).to.be.a('string');

    await publish(exchange, 'n.error', 'not json at all', 'm-garbage');
    const bad = osloNotification('e.bad', { x: 1 });
    await publish(exchange, 'n.info', bad);
    const letters = await deadLetters(dlq, 2);
    const reasons = letters.map((m) => String(m.properties.headers?.['x-tram-dead-letter-reason']));
    expect(reasons.find((r) => r.includes('not an OpenStack notification'))).to.match(/not JSON/);
    expect(reasons.find((r) => r.includes('failing'))).to.be.a('string');
    const garbage = letters.find((m) => m.properties.messageId === 'm-garbage');
    expect(garbage?.content.toString()).to.equal('not json at all');
    expect(garbage?.properties.headers?.['x-tram-original-routing-key']).to.equal('n.error');
    // Nothing comes back: the source queue is empty and the dead-letter queue got each message once.
    await until(
      'the queue to drain',
      async () => (await ch.checkQueue(`${prefix}.${exchange}.n`)).messageCount === 0,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await ch.get(dlq, { noAck: true })).to.equal(false);
  });

  describe('the API, as Mistral answers it', () => {
    it('refuses a trigger without exchange, topic, event or workflow_id (400)', async () => {
      const res = await call('POST', `${srv.v2}/event_triggers`, {
        workflow_id: wfId,
        exchange: 'openstack',
        topic: 'mistral_event_engine',
        event: '',
        name: '',
      });
      expect(res.status).to.equal(400);
      expect((res.body as { faultstring: string }).faultstring).to.equal(
        "Params {'event', 'topic', 'workflow_id', 'exchange'} must be provided for creating event trigger.",
      );
    });

    it('refuses a workflow that does not exist: 400 for a non-UUID, 404 for an unknown id', async () => {
      const base = { exchange: 'openstack', topic: 'mistral_event_engine', event: 'fake.event' };
      const a = await call('POST', `${srv.v2}/event_triggers`, { ...base, workflow_id: 'nonexist' });
      expect(a.status).to.equal(400);
      const b = await call('POST', `${srv.v2}/event_triggers`, { ...base, workflow_id: crypto.randomUUID() });
      expect(b.status).to.equal(404);
    });

    it('refuses a second trigger of the same exchange, topic, event and workflow (409), names need not be unique', async () => {
      const base = { workflow_id: wfId, exchange: `ex-${rand()}`, topic: 't', event: 'fake.event' };
      const first = await call('POST', `${srv.v2}/event_triggers`, { ...base, name: 'my_event_trigger' });
      expect(first.status).to.equal(201);
      const dup = await call('POST', `${srv.v2}/event_triggers`, base);
      expect(dup.status).to.equal(409);
      const other = await call('POST', `${srv.v2}/event_triggers`, {
        ...base,
        event: 'e2',
        name: 'my_event_trigger',
      });
      expect(other.status).to.equal(201);
      deadQueue(base.exchange, 't');
    });

    it('gets (404 when unknown), updates all but exchange/topic/event, refuses unknown fields', async () => {
      const missing = await call('GET', `${srv.v2}/event_triggers/3771c152-d1a7-4a82-8a50-c79d122012dc`);
      expect(missing.status).to.equal(404);
      const exchange = `ex-${rand()}`;
      deadQueue(exchange, 't');
      const t = await createTrigger({ exchange, topic: 't', event: 'x.z' });
      expect(t).to.include({ name: '', workflow_input: '{}', workflow_params: '{}', scope: 'private' });
      expect(t.updated_at).to.equal(null);
      const put = await call('PUT', `${srv.v2}/event_triggers/${t.id as string}`, {
        name: 'renamed',
        workflow_params: { x: 1 },
      });
      expect(put.status).to.equal(200);
      expect(put.body).to.include({ name: 'renamed', workflow_params: '{"x":1}' });
      expect(put.body.updated_at).to.be.a('string');
      const moved = await call('PUT', `${srv.v2}/event_triggers/${t.id as string}`, { exchange: 'other' });
      expect(moved.status).to.equal(400);
      const bogus = await call('POST', `${srv.v2}/event_triggers`, { workflow_id: wfId, bogus: 1 });
      expect(bogus.status).to.equal(400);
      expect((bogus.body as { faultstring: string }).faultstring).to.equal(
        'Unknown attribute for argument event_trigger: bogus',
      );
    });

    it('refuses to delete a workflow a trigger uses, as Mistral does', async () => {
      const exchange = `ex-${rand()}`;
      deadQueue(exchange, 't');
      const t = await createTrigger({ exchange, topic: 't', event: 'x.y' });
      const res = await call('DELETE', `${srv.v2}/workflows/${wfId}`);
      expect(res.status).to.equal(400);
      expect((res.body as { faultstring: string }).faultstring).to.equal(
        `Can't delete workflow that has event triggers associated. [workflow_identifier=${wfId}], ` +
          `[event_trigger_id(s)=${(await srv.server.context.eventTriggers.usedBy(wfId)).map((x) => x.id).join(', ')}]`,
      );
      expect(res.body).to.have.property('faultstring').that.includes(t.id);
    });
  });
});
