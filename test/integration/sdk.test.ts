/**
 * The receiver SDK (sdk/) against a real server and RabbitMQ:
 * - every body the server delivers validates against the SDK's schemas, strictly (no field missing, none
 *   unknown): the drift test between what the server sends and the SDK's types;
 * - the Express middleware verifies, parses and drops duplicates; statuses reported over REST and GraphQL then
 *   show in GET /v2/statuses;
 * - `consume` receives 1,000 events with a handler that fails every 10th once: each is handled exactly once;
 * - the examples in examples/receivers run against the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { connect } from 'amqplib';
import { expect } from 'chai';
import express from 'express';
import {
  consume,
  executionEventSchema,
  reportStatus,
  taskEventSchema,
  webhookMiddleware,
  type TramRequestInfo,
} from '../../sdk/src/index.js';
import { call, startTestServer, until, type TestServer } from './api-helpers.js';

const AMQP_URL = process.env.TRAM_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const rand = () => crypto.randomBytes(4).toString('hex');

/** Removes a test's queue, its dead-letter queue and its exchange. */
async function dropQueues(exchange: string, queue: string): Promise<void> {
  const conn = await connect(AMQP_URL);
  const ch = await conn.createChannel();
  for (const q of [queue, `${queue}.dead`]) await ch.deleteQueue(q);
  await ch.deleteExchange(exchange);
  await conn.close();
}

const WB = `
version: '2.0'
name: sdk_wb
workflows:
  main:
    tasks:
      ok:
        action: std.noop
        on-success: [child]
      child:
        workflow: sub
        on-success: [boom]
      boom:
        action: std.fail
  sub:
    tasks:
      s1:
        action: std.noop
  chain:
    tasks:
      a:
        action: std.noop
        on-success: [b]
      b:
        action: std.noop
        on-success: [c]
      c:
        action: std.noop
        on-success: [d]
      d:
        action: std.noop
`;

async function listener(
  srv: TestServer,
  body: Record<string, unknown>,
): Promise<{ id: string; secret: string }> {
  const res = await call<{ id: string; secret: string }>('POST', `${srv.v2}/listeners`, body);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

describe('sdk against a real server', function () {
  this.timeout(120_000);
  let srv: TestServer;

  before(async () => {
    srv = await startTestServer({ amqpUrl: AMQP_URL });
    await srv.server.engine.load(WB);
  });
  after(async () => srv?.close());

  describe('webhooks', () => {
    let app: Server;
    const received: { body: Buffer; info: TramRequestInfo | undefined; headers: Record<string, unknown> }[] =
      [];
    let secret = '';
    let middleware: ReturnType<typeof webhookMiddleware> | undefined;

    before(async () => {
      const a = express();
      a.post(
        '/hook',
        express.raw({ type: '*/*' }),
        (req, _res, next) => {
          received.push({ body: req.body as Buffer, info: undefined, headers: req.headers });
          next();
        },
        // Built once the listener (and its secret) exists; one instance, so that it remembers delivery ids.
        (req, res, next) => (middleware ??= webhookMiddleware({ secret }))(req, res, next),
        (req, res) => {
          received[received.length - 1]!.info = (req as unknown as { tram: TramRequestInfo }).tram;
          res.status(204).end();
        },
      );
      app = await new Promise<Server>((resolve) => {
        const s = a.listen(0, '127.0.0.1', () => resolve(s));
      });
      const port = (app.address() as { port: number }).port;
      secret = (
        await listener(srv, {
          name: `sdk-hook-${rand()}`,
          url: `http://127.0.0.1:${port}/hook`,
          status: { enabled: true, timeout_s: 600 },
        })
      ).secret;
    });
    after(async () => new Promise<void>((r) => app?.close(() => r())));

    it('delivers bodies that match the SDK schemas exactly (no drift), verified and parsed by the middleware', async () => {
      const exec = await srv.server.engine.startExecution({ workflow: 'sdk_wb.main' });
      await srv.server.engine.waitFor(exec.id);
      // main: launched, ok x2, child x2, boom x2, failed; sub: launched, s1 x2, succeeded.
      await until('12 deliveries', async () => received.filter((r) => r.info).length >= 12);
      const ajv = new Ajv({ allErrors: true, strict: true });
      const strict = { execution: ajv.compile(executionEventSchema), task: ajv.compile(taskEventSchema) };
      const types = new Set<string>();
      for (const r of received) {
        const body = JSON.parse(r.body.toString()) as { event: string };
        const validate = body.event.startsWith('WORKFLOW_') ? strict.execution : strict.task;
        expect(validate(body), `${body.event}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
        expect(r.info?.event, 'the middleware parsed it').to.deep.equal(body);
        types.add(body.event);
      }
      expect([...types].sort()).to.deep.equal([
        'TASK_FAILED',
        'TASK_LAUNCHED',
        'TASK_SUCCEEDED',
        'WORKFLOW_FAILED',
        'WORKFLOW_LAUNCHED',
        'WORKFLOW_SUCCEEDED',
      ]);
    });

    it('reports statuses over REST and GraphQL, which GET /v2/statuses then shows', async () => {
      const [a, b] = received.map((r) => r.info).filter((i) => i?.statusId);
      const r1 = await reportStatus(
        a!.statusId!,
        { conclusion: 'success', output: { title: 'ok' } },
        { url: srv.url },
      );
      expect(r1).to.include({ status: 'completed', conclusion: 'success' });
      const r2 = await reportStatus(
        b!.statusId!,
        { conclusion: 'failure', output: { summary: 'no' } },
        { url: srv.v2, via: 'graphql' },
      );
      expect(r2).to.include({ status: 'completed', conclusion: 'failure' });
      const listed = await call<{ statuses: { id: string; status: string; conclusion: string | null }[] }>(
        'GET',
        `${srv.v2}/statuses?limit=1000`,
      );
      const byId = new Map(listed.body.statuses.map((s) => [s.id, s]));
      expect(byId.get(a!.statusId!)).to.include({ status: 'completed', conclusion: 'success' });
      expect(byId.get(b!.statusId!)).to.include({ status: 'completed', conclusion: 'failure' });
      // A completed status never changes.
      const again = await reportStatus(a!.statusId!, { conclusion: 'failure' }, { url: srv.url }).catch(
        (e: unknown) => e,
      );
      expect(again).to.have.property('code', 409);
    });

    it('drops a delivery it has handled, and refuses a forged one', async () => {
      const first = received.find((r) => r.info)!;
      const headers = Object.fromEntries(
        Object.entries(first.headers).filter(([k]) => k.startsWith('webhook-') || k.startsWith('x-tram-')),
      ) as Record<string, string>;
      const port = (app.address() as { port: number }).port;
      const dup = await fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', headers, body: first.body });
      expect(await dup.json()).to.deep.equal({ duplicate: true });
      const forged = await fetch(`http://127.0.0.1:${port}/hook`, {
        method: 'POST',
        headers: { ...headers, 'webhook-id': 'other' },
        body: first.body,
      });
      expect(forged.status).to.equal(401);
      expect(await forged.json()).to.include({ error: 'badSignature' });
    });
  });

  describe('consume', () => {
    it('handles 1,000 events exactly once with a handler that fails every 10th once', async () => {
      const exchange = `tram-sdk-${rand()}`;
      const queue = `${exchange}.q`;
      const seen = new Map<string, number>();
      const failedOnce = new Set<string>();
      let arrivals = 0;
      const consumer = await consume(
        { url: AMQP_URL, exchange, queue, bindings: ['#'], prefetch: 32 },
        (m) => {
          arrivals++;
          if (arrivals % 10 === 0 && !failedOnce.has(m.id)) {
            failedOnce.add(m.id);
            throw new Error('the 10th fails once');
          }
          seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
          expect(m.event?.event).to.equal(m.type);
        },
      );
      const l = await listener(srv, {
        name: `sdk-amqp-${rand()}`,
        scope: { workflow: 'sdk_wb.chain' },
        transport: { type: 'amqp', url: AMQP_URL, exchange },
      });
      try {
        // 100 executions of 4 tasks in a chain: 1 + 4 x 2 + 1 = 10 events each.
        const execs = await Promise.all(
          Array.from({ length: 100 }, () => srv.server.engine.startExecution({ workflow: 'sdk_wb.chain' })),
        );
        for (const e of execs) await srv.server.engine.waitFor(e.id);
        await until('1,000 handled', async () => seen.size >= 1000, 60_000);
        await new Promise((r) => setTimeout(r, 300));
        expect(seen.size).to.equal(1000);
        expect([...seen.values()].every((n) => n === 1)).to.equal(true);
        expect(failedOnce.size).to.be.at.least(90);
        expect(consumer.stats).to.include({ handled: 1000, deadLettered: 0 });
        expect(consumer.stats.failed).to.equal(failedOnce.size);
      } finally {
        await consumer.close();
        await call('DELETE', `${srv.v2}/listeners/${l.id}`);
        await dropQueues(exchange, queue);
      }
    });

    it('dead-letters a message after maxAttempts failures, and drops a duplicate delivery id', async () => {
      const exchange = `tram-sdk-${rand()}`;
      const queue = `${exchange}.q`;
      const handled: string[] = [];
      const consumer = await consume(
        { url: AMQP_URL, exchange, queue, bindings: ['#'], maxAttempts: 2 },
        (m) => {
          if (m.body.toString() === '"poison"') throw new Error('never works');
          handled.push(m.id);
        },
      );
      const conn = await connect(AMQP_URL);
      const ch = await conn.createConfirmChannel();
      try {
        ch.publish(exchange, 'task.task_failed', Buffer.from('"poison"'), { messageId: 'p-1' });
        ch.publish(exchange, 'task.task_failed', Buffer.from('{}'), { messageId: 'd-1' });
        ch.publish(exchange, 'task.task_failed', Buffer.from('{}'), { messageId: 'd-1' });
        await ch.waitForConfirms();
        const dead = await until('the dead letter', async () => ch.get(`${queue}.dead`, { noAck: true }));
        expect(dead.properties.messageId).to.equal('p-1');
        await until('the duplicate', async () => consumer.stats.duplicates === 1);
        expect(handled).to.deep.equal(['d-1']);
        expect(consumer.stats).to.include({ deadLettered: 1, failed: 2 });
      } finally {
        await consumer.close();
        for (const q of [queue, `${queue}.dead`]) await ch.deleteQueue(q);
        await ch.deleteExchange(exchange);
        await conn.close();
      }
    });
  });

  describe('the examples', () => {
    const children: ChildProcess[] = [];
    after(() => children.forEach((c) => c.kill('SIGKILL')));

    function run(file: string, env: Record<string, string>, ready: RegExp): Promise<{ out: () => string }> {
      const path = fileURLToPath(new URL(`../../examples/receivers/${file}`, import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', path], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      return until(`${file} to start`, async () => {
        if (child.exitCode !== null) throw new Error(`${file} exited: ${err}`);
        return ready.test(out) && { out: () => out };
      });
    }

    it('the webhook receiver prints verified events and reports their statuses', async () => {
      const secret = `whsec_${crypto.randomBytes(32).toString('base64')}`;
      const child = await run(
        'webhook-receiver.ts',
        { TRAM_WEBHOOK_SECRET: secret, PORT: '0', TRAM_URL: srv.url },
        /LISTENING \d+/,
      );
      const port = /LISTENING (\d+)/.exec(child.out())![1];
      const l = await listener(srv, {
        name: `sdk-example-${rand()}`,
        url: `http://127.0.0.1:${port}/hook`,
        secret,
        scope: { workflow: 'sdk_wb.sub' },
        status: { enabled: true, timeout_s: 600 },
      });
      const exec = await srv.server.engine.startExecution({ workflow: 'sdk_wb.sub' });
      await until('the example to print the run', async () =>
        child.out().includes('WORKFLOW_SUCCEEDED sdk_wb.sub SUCCESS'),
      );
      expect(child.out()).to.include('TASK_SUCCEEDED s1 SUCCESS');
      const statuses = await until('4 completed statuses', async () => {
        const r = await call<{ statuses: { status: string }[] }>(
          'GET',
          `${srv.v2}/executions/${exec.id}/statuses`,
        );
        const completed = r.body.statuses.filter((s) => s.status === 'completed');
        return completed.length >= 4 && completed;
      });
      expect(statuses).to.have.length(4);
      await call('DELETE', `${srv.v2}/listeners/${l.id}`);
    });

    it('the AMQP consumer prints the failures it is bound to', async () => {
      const exchange = `tram-sdk-${rand()}`;
      const queue = `${exchange}.q`;
      const child = await run(
        'amqp-consumer.ts',
        { TRAM_AMQP_URL: AMQP_URL, EXCHANGE: exchange, QUEUE: queue },
        /CONSUMING/,
      );
      const l = await listener(srv, {
        name: `sdk-example-${rand()}`,
        scope: { workflow: 'sdk_wb.main' },
        events: ['TASK_FAILED', 'WORKFLOW_FAILED'],
        transport: { type: 'amqp', url: AMQP_URL, exchange },
      });
      const exec = await srv.server.engine.startExecution({ workflow: 'sdk_wb.main' });
      await srv.server.engine.waitFor(exec.id);
      await until('the example to print the failures', async () =>
        /WORKFLOW_FAILED sdk_wb\.main/.test(child.out()),
      );
      expect(child.out()).to.match(/TASK_FAILED boom/);
      await call('DELETE', `${srv.v2}/listeners/${l.id}`);
      await dropQueues(exchange, queue);
    });
  });
});
