/**
 * `tram listen` as a user runs it (a child process) against a real server: over HTTP it creates a temporary
 * listener, prints each event and forwards it signed, so that the SDK's Express middleware accepts it; on
 * SIGTERM the listener is gone. Over AMQP it taps an exchange through an exclusive queue, which goes with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import { expect } from 'chai';
import express from 'express';
import { webhookMiddleware, type TramRequestInfo } from '../../sdk/src/index.js';
import { call, startTestServer, until, type TestServer } from './api-helpers.js';

const AMQP_URL = process.env.TRAM_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

const WB = `
version: '2.0'
name: listen_wb
workflows:
  go:
    tasks:
      a:
        action: std.noop
        on-success: [b]
      b:
        action: std.fail
`;

interface Running {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function tram(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'listen', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

describe('tram listen', function () {
  this.timeout(90_000);
  let srv: TestServer;
  const children: ChildProcess[] = [];

  before(async () => {
    srv = await startTestServer({ amqpUrl: AMQP_URL });
    await srv.server.engine.load(WB);
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await srv?.close();
  });

  it('--forward: prints the events and forwards them signed; the SDK middleware accepts them; SIGTERM removes the listener', async () => {
    // The receiver: the SDK middleware, with the secret `tram listen` prints.
    let secret = '';
    const accepted: TramRequestInfo[] = [];
    const app = express();
    app.post(
      '/hook',
      (req, res, next) => webhookMiddleware({ secret })(req, res, next),
      (req, res) => {
        accepted.push((req as unknown as { tram: TramRequestInfo }).tram);
        res.status(204).end();
      },
    );
    const receiver = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (receiver.address() as { port: number }).port;
    try {
      const run = tram([
        '--url',
        srv.url,
        '--workbook',
        'listen_wb',
        '--forward',
        `http://127.0.0.1:${port}/hook`,
      ]);
      children.push(run.child);
      secret = await until('the secret', async () => /Signing secret: (whsec_\S+)/.exec(run.out())?.[1]);
      const listeners = await call<{ listeners: { id: string; name: string }[] }>(
        'GET',
        `${srv.v2}/listeners`,
      );
      const mine = listeners.body.listeners.filter((l) => l.name.startsWith('tram-listen-'));
      expect(mine).to.have.length(1);

      const exec = await srv.server.engine.startExecution({ workflow: 'listen_wb.go' });
      await srv.server.engine.waitFor(exec.id);
      // launched, a x2, b x2, failed
      await until('6 accepted events', async () => accepted.length >= 6);
      expect(accepted.map((a) => a.event?.event)).to.have.members([
        'WORKFLOW_LAUNCHED',
        'TASK_LAUNCHED',
        'TASK_SUCCEEDED',
        'TASK_LAUNCHED',
        'TASK_FAILED',
        'WORKFLOW_FAILED',
      ]);
      expect(accepted.every((a) => a.id && a.eventType === a.event?.event)).to.equal(true);
      expect(run.out()).to.match(/TASK_FAILED\s+listen_wb\.go > b\s+ERROR/);
      expect(run.out()).to.include(`--> http://127.0.0.1:${port}/hook [204]`);

      run.child.kill('SIGTERM');
      expect(await run.exited).to.equal(0);
      const after = await call<{ listeners: { id: string }[] }>('GET', `${srv.v2}/listeners`);
      expect(after.body.listeners.map((l) => l.id)).to.not.include(mine[0]!.id);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('--amqp: taps an exchange through an exclusive queue, only the events asked for, gone on SIGINT', async () => {
    const exchange = `tram-listen-${crypto.randomBytes(4).toString('hex')}`;
    const run = tram(['--amqp', AMQP_URL, '--exchange', exchange, '--events', 'TASK_FAILED,WORKFLOW_FAILED']);
    children.push(run.child);
    const queue = await until('ready', async () => /queue (\S+),/.exec(run.out())?.[1]);
    const l = await call<{ id: string }>('POST', `${srv.v2}/listeners`, {
      name: `listen-amqp-${exchange}`,
      scope: { workbook: 'listen_wb' },
      // Only what the queue is bound for: an unroutable event would hold the listener's ordered queue.
      events: ['TASK_FAILED', 'WORKFLOW_FAILED'],
      transport: { type: 'amqp', url: AMQP_URL, exchange },
    });
    try {
      const exec = await srv.server.engine.startExecution({ workflow: 'listen_wb.go' });
      await srv.server.engine.waitFor(exec.id);
      await until('the failures', async () => /WORKFLOW_FAILED/.test(run.out()));
      expect(run.out()).to.match(/TASK_FAILED\s+listen_wb\.go > b\s+ERROR/);
      expect(run.out()).to.not.match(/TASK_SUCCEEDED|WORKFLOW_LAUNCHED/);
      run.child.kill('SIGINT');
      expect(await run.exited).to.equal(0);
      const conn = await connect(AMQP_URL);
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      const gone = await ch.checkQueue(queue).then(
        () => false,
        () => true,
      );
      expect(gone, 'the exclusive queue is deleted').to.equal(true);
      await conn.close().catch(() => undefined);
    } finally {
      await call('DELETE', `${srv.v2}/listeners/${l.body.id}`);
      const conn = await connect(AMQP_URL);
      const ch = await conn.createChannel();
      await ch.deleteExchange(exchange);
      await conn.close();
    }
  });
});
