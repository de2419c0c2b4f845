/**
 * `npm run bench -- triggers`: event triggers end to end. N oslo.messaging notifications are published to a
 * trigger's exchange (persistent, confirmed), and the clock stops when N executions exist: messages consumed,
 * receipts and executions committed, messages acked. Prints messages/s for a few prefetch settings.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'amqplib';
import { startServer } from '../api/index.js';
import { loadConfig } from '../config/index.js';

const AMQP_URL = process.env.TRAM_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MESSAGES = 2000;

function notification(i: number): Buffer {
  const inner = {
    message_id: crypto.randomUUID(),
    event_type: 'bench.event',
    publisher_id: 'bench',
    payload: { i },
  };
  return Buffer.from(JSON.stringify({ 'oslo.version': '2.0', 'oslo.message': JSON.stringify(inner) }));
}

async function once(prefetch: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-triggers-'));
  const prefix = `tram.bench.${process.pid}.${Date.now()}`;
  const exchange = `${prefix}.ex`;
  const server = await startServer(
    loadConfig(
      { port: 0, db: path.join(dir, 'bench.db'), logLevel: 'error', amqpUrl: AMQP_URL },
      { TRAM_EVENT_TRIGGER_QUEUE_PREFIX: prefix, TRAM_EVENT_TRIGGER_PREFETCH: String(prefetch) },
    ),
  );
  const conn = await connect(AMQP_URL);
  try {
    const saved = await server.engine.load(
      `version: '2.0'\nbench_trigger_wf:\n  tasks:\n    t1:\n      action: std.noop\n`,
    );
    const t = await server.context.eventTriggers.create({
      name: 'bench',
      workflowId: saved.workflows[0]!.id,
      exchange,
      topic: 'n',
      event: 'bench.event',
    });
    const ch = await conn.createConfirmChannel();
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) ch.publish(exchange, 'n.info', notification(i), { persistent: true });
    await ch.waitForConfirms();
    while (
      (await server.engine.listExecutions({ workflowName: 'bench_trigger_wf', limit: 0 })).length < MESSAGES
    )
      await new Promise((r) => setTimeout(r, 250));
    const ms = performance.now() - t0;
    await server.engine.idle();
    await server.context.eventTriggers.delete(t.id);
    await ch.deleteExchange(exchange);
    return (MESSAGES / ms) * 1000;
  } finally {
    await conn.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runTriggersBench(log: (line: string) => void = console.log): Promise<void> {
  log(
    `\nEvent triggers: ${MESSAGES} notifications published, until ${MESSAGES} executions exist (${AMQP_URL})`,
  );
  for (const prefetch of [8, 64, 256])
    log(`  prefetch ${String(prefetch).padStart(3)}: ${(await once(prefetch)).toFixed(0)} messages/s`);
}
