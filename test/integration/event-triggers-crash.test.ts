/**
 * Exactly one execution per message across a crash: 500 notifications (and 50 of them published twice) wait in
 * an event trigger's queue; the server (a child process) consumes them and is killed with SIGKILL midway; after
 * a restart on the same SQLite file, the queue drains and exactly 500 executions exist, one per message id.
 * The messages in hand at the kill were not acked: RabbitMQ redelivers them, and the receipts committed with
 * their executions make the second start a no-op.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { expect } from 'chai';
import { osloNotification } from './notifications.js';

const AMQP_URL = process.env.TRAM_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const CHILD = fileURLToPath(new URL('../fixtures/delivery-child.ts', import.meta.url));
const MESSAGES = 500;

const WF = `
version: '2.0'
crash_trigger_wf:
  tasks:
    t1:
      action: std.noop
`;

interface Child {
  url: string;
  kill(): Promise<void>;
}

function startChild(db: string, prefix: string): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, db, '0', AMQP_URL], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Few messages in hand at once: the kill then finds the queue half consumed.
    env: { ...process.env, TRAM_EVENT_TRIGGER_QUEUE_PREFIX: prefix, TRAM_EVENT_TRIGGER_PREFETCH: '4' },
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^LISTENING (\S+)$/m.exec(out);
      if (!m?.[1]) return;
      resolve({
        url: m[1],
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`the server exited early (${code ?? signal}): ${err}`)),
    );
  });
}

async function api(
  base: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const text = typeof body === 'string';
  const res = await fetch(`${base}/v2${route}`, {
    method,
    headers: { 'content-type': text ? 'text/plain' : 'application/json' },
    ...(body === undefined ? {} : { body: text ? body : JSON.stringify(body) }),
  });
  const out = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${JSON.stringify(out)}`);
  return out;
}

/** Executions per message id, read from the SQLite file (the server may be dead). */
function perMessage(db: string): Map<string, number> {
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite
      .prepare(
        // The record's layout (store/record-codec.ts) writes `params` under its alias `~q`.
        `SELECT json_extract(record, '$."~q".event_params.message_id') AS m, count(*) AS n
         FROM workflow_executions WHERE workflow_name = 'crash_trigger_wf' GROUP BY m`,
      )
      .all() as { m: string; n: number }[];
    return new Map(rows.map((r) => [r.m, r.n]));
  } finally {
    sqlite.close();
  }
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('event triggers: kill -9 while 500 messages are consumed', function () {
  this.timeout(180_000);
  let dir: string;
  let conn: ChannelModel;
  let ch: ConfirmChannel;
  const children: Child[] = [];
  const prefix = `tram-crash-${crypto.randomBytes(4).toString('hex')}`;
  const exchange = `${prefix}-ex`;
  const queue = `${prefix}.${exchange}.n`;

  before(async () => {
    try {
      conn = await connect(AMQP_URL);
    } catch (err) {
      throw new Error(`RabbitMQ is unreachable at ${AMQP_URL}: ${(err as Error).message}`);
    }
    conn.on('error', () => undefined);
    ch = await conn.createConfirmChannel();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-trigger-crash-'));
  });

  after(async () => {
    for (const c of children) await c.kill();
    for (const q of [queue, `${queue}.dead`]) await ch?.deleteQueue(q).catch(() => undefined);
    await ch?.deleteExchange(exchange).catch(() => undefined);
    await conn?.close().catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends with exactly 500 executions, one per message', async () => {
    const db = path.join(dir, 'crash.db');
    // 1. A server creates the trigger (its queue and bindings), then dies.
    const first = await startChild(db, prefix);
    children.push(first);
    const saved = await api(first.url, 'POST', '/workflows', WF);
    const wfId = (saved.workflows as { id: string }[])[0]!.id;
    await api(first.url, 'POST', '/event_triggers', {
      name: 'crash',
      workflow_id: wfId,
      exchange,
      topic: 'n',
      event: 'crash.test',
    });
    await first.kill();

    // 2. 500 messages wait in the queue, 50 of them twice (a publisher retrying).
    const ids = Array.from({ length: MESSAGES }, () => crypto.randomUUID());
    for (const [i, id] of ids.entries()) {
      const body = Buffer.from(osloNotification('crash.test', { n: i }, id));
      ch.publish(exchange, 'n.info', body, { persistent: true });
      if (i % 10 === 0) ch.publish(exchange, 'n.info', body, { persistent: true });
    }
    await ch.waitForConfirms();
    expect((await ch.checkQueue(queue)).messageCount).to.equal(MESSAGES + MESSAGES / 10);

    // 3. A second server consumes them and is killed midway.
    const second = await startChild(db, prefix);
    children.push(second);
    for (;;) {
      const list = await api(second.url, 'GET', '/executions?limit=1&workflow_name=crash_trigger_wf');
      if ((list.executions as unknown[]).length > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await second.kill();
    const atKill = total(perMessage(db));
    expect(atKill, 'executions at the kill').to.be.above(0).and.below(MESSAGES);

    // 4. A third server on the same file consumes the rest, the unacked ones again.
    const third = await startChild(db, prefix);
    children.push(third);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const q = await ch.checkQueue(queue);
      if (q.messageCount === 0 && total(perMessage(db)) >= MESSAGES) break;
      if (Date.now() > deadline)
        throw new Error(`not drained: ${q.messageCount} left, ${total(perMessage(db))} runs`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let any straggling redelivery settle before counting.
    await new Promise((r) => setTimeout(r, 500));
    await third.kill();
    const counts = perMessage(db);
    expect(total(counts)).to.equal(MESSAGES);
    expect([...counts.keys()].sort()).to.deep.equal([...ids].sort());
    expect([...counts.values()].every((n) => n === 1)).to.equal(true);
    expect((await ch.checkQueue(`${queue}.dead`)).messageCount, 'nothing dead-lettered').to.equal(0);
  });
});
