/**
 * The AMQP transport against the REAL RabbitMQ (`TRAM_TEST_AMQP_URL`, default amqp://guest:guest@127.0.0.1:5672).
 * An unreachable broker fails the suite: this test is the evidence that publishing works, it must not skip.
 *
 * Covers: confirmed persistent publishes with their properties, basic.return → `unroutable`, basic.nack → `nack`,
 * an exchange of another type → `badConnection` without harming other publishes, 200 concurrent publishes,
 * timeouts, close(), and a broker restart (`rabbitmqctl stop_app` / `start_app`) survived by the same transport.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import { expect } from 'chai';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import {
  AmqpTransport,
  routingKeyFor,
  type AmqpOutcome,
  type AmqpPublishRequest,
} from '../../transports/index.js';

const URL = process.env.TRAM_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const BROKER = new globalThis.URL(URL);
const RUN = crypto.randomBytes(4).toString('hex');
const ex = (name: string) => `tram.test.${RUN}.${name}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rabbitmqctl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('rabbitmqctl', args, { timeout: 60_000 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${err.message}\n${stderr}`))
        : resolve(stdout),
    ),
  );
}

async function brokerConnection(deadlineMs = 5000): Promise<ChannelModel> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await connect(URL, { timeout: 3000 });
    } catch (err) {
      if (Date.now() > until)
        throw new Error(
          `RabbitMQ is not reachable at ${URL.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message}); ` +
            'this integration test needs the real broker (set TRAM_TEST_AMQP_URL)',
        );
      await sleep(250);
    }
  }
}

/**
 * A TCP proxy in front of the broker that can hold the broker's answers (confirms stop arriving: an
 * unresponsive broker) and cut every connection (a network failure, with confirms outstanding).
 */
async function brokerProxy() {
  const sockets = new Set<net.Socket>();
  let holding = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(BROKER.port || 5672), BROKER.hostname);
    sockets.add(client).add(upstream);
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.on('data', (d: Buffer) => {
      if (!holding) client.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const u = new globalThis.URL(URL);
  u.hostname = '127.0.0.1';
  u.port = String((server.address() as net.AddressInfo).port);
  return {
    url: u.toString(),
    hold: () => (holding = true),
    release: () => (holding = false),
    cut: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** An exclusive queue bound to `exchange`, collecting what it receives. */
async function listen(ch: Channel, exchange: string, pattern: string, args: Record<string, unknown> = {}) {
  await ch.assertExchange(exchange, 'topic', { durable: true });
  const q = await ch.assertQueue('', { exclusive: true, ...args });
  await ch.bindQueue(q.queue, exchange, pattern);
  const got: ConsumeMessage[] = [];
  await ch.consume(q.queue, (m) => m && got.push(m), { noAck: true });
  return {
    queue: q.queue,
    got,
    async waitFor(n: number, ms = 10_000) {
      const until = Date.now() + ms;
      while (got.length < n && Date.now() < until) await sleep(20);
      return got;
    },
  };
}

describe('AmqpTransport (real RabbitMQ)', function () {
  this.timeout(30_000);
  let helper: ChannelModel;
  let ch: Channel;
  const errors: string[] = [];
  const transport = new AmqpTransport({ timeoutMs: 5000, onError: (m) => errors.push(m) });
  const exchanges = new Set<string>();
  let stopped = false;

  const req = (exchange: string, over: Partial<AmqpPublishRequest> = {}): AmqpPublishRequest => {
    exchanges.add(exchange);
    return {
      url: URL,
      exchange,
      routingKey: routingKeyFor('task', 'TASK_FAILED'),
      body: JSON.stringify({ event: 'TASK_FAILED', at: Date.now() }),
      messageId: `msg_${crypto.randomUUID()}`,
      type: 'tram.task.task_failed',
      contentType: 'application/json',
      headers: { 'tram-sequence': 7, 'tram-execution-id': 'ex-1' },
      ...over,
    };
  };

  before(async () => {
    helper = await brokerConnection();
    helper.on('error', () => {});
    ch = await helper.createChannel();
    ch.on('error', () => {});
  });

  after(async function () {
    this.timeout(90_000);
    if (stopped) {
      await rabbitmqctl(['start_app']);
      stopped = false;
    }
    await transport.close();
    try {
      const conn = await brokerConnection(30_000);
      const c = await conn.createChannel();
      for (const e of exchanges) await c.deleteExchange(e).catch(() => undefined);
      await conn.close();
    } finally {
      await helper.close().catch(() => undefined);
    }
  });

  it('routingKeyFor', () => {
    expect(routingKeyFor('task', 'TASK_FAILED')).to.equal('task.task_failed');
    expect(routingKeyFor('execution', 'EXECUTION_SUCCEEDED')).to.equal('execution.execution_succeeded');
  });

  it('publishes a confirmed, persistent message with its properties', async () => {
    const exchange = ex('routed');
    const l = await listen(ch, exchange, 'task.#');
    const r = req(exchange);
    const out = await transport.publish(r);
    expect(out, JSON.stringify(out)).to.include({ ok: true });
    const [m] = await l.waitFor(1);
    expect(m, 'message consumed').to.not.equal(undefined);
    expect(m!.content.toString()).to.equal(r.body);
    expect(m!.fields.routingKey).to.equal('task.task_failed');
    expect(m!.properties).to.include({
      messageId: r.messageId,
      type: 'tram.task.task_failed',
      contentType: 'application/json',
      deliveryMode: 2,
    });
    expect(m!.properties.headers).to.deep.include({ 'tram-sequence': 7, 'tram-execution-id': 'ex-1' });
    expect(m!.properties.timestamp).to.be.closeTo(Date.now() / 1000, 60);
  });

  it('the transport declares its exchange: a durable topic exchange', async () => {
    const exchange = ex('declared');
    await transport.publish(req(exchange));
    await ch.checkExchange(exchange);
    // declaring it again with the same type and durability is accepted (equivalent)
    await ch.assertExchange(exchange, 'topic', { durable: true });
  });

  it('an unroutable message (no binding) is `unroutable`, even though the broker acks it', async () => {
    const out = await transport.publish(req(ex('nobody')));
    expect(out.ok).to.equal(false);
    if (out.ok) return;
    expect(out.code).to.equal('unroutable');
    expect(out.message).to.match(/NO_ROUTE/);
  });

  it('a message the broker refuses is `nack`', async () => {
    const exchange = ex('full');
    await ch.assertExchange(exchange, 'topic', { durable: true });
    // a queue that holds one message and refuses more (no consumer drains it)
    const q = await ch.assertQueue('', {
      exclusive: true,
      arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' },
    });
    await ch.bindQueue(q.queue, exchange, 'task.#');
    const first = await transport.publish(req(exchange));
    const second = await transport.publish(req(exchange));
    expect(first.ok, JSON.stringify(first)).to.equal(true);
    expect(second).to.include({ ok: false, code: 'nack' });
  });

  it('publishMany: a window goes out in order, each message with its own outcome (one refused, the rest taken)', async () => {
    const exchange = ex('window');
    await ch.assertExchange(exchange, 'topic', { durable: true });
    const l = await listen(ch, exchange, 'task.#');
    const reqs = Array.from({ length: 20 }, (_, i) =>
      req(exchange, {
        // The 6th has a routing key no queue is bound for: returned, while the ones around it are routed.
        routingKey: i === 5 ? 'nobody.there' : routingKeyFor('task', 'TASK_FAILED'),
        headers: { 'tram-sequence': i + 1, 'tram-execution-id': 'ex-w' },
      }),
    );
    const outs = await transport.publishMany(reqs);
    expect(outs.map((o) => (o.ok ? 'ok' : o.code))).to.deep.equal(
      reqs.map((_, i) => (i === 5 ? 'unroutable' : 'ok')),
    );
    const got = await l.waitFor(19);
    expect(got.map((m) => (m.properties.headers as Record<string, unknown>)['tram-sequence'])).to.deep.equal(
      reqs.flatMap((_, i) => (i === 5 ? [] : [i + 1])),
    );
    expect(await transport.publishMany([])).to.deep.equal([]);
  });

  it('an exchange of another type is `badConnection` with the broker message, and harms nobody else', async () => {
    const wrong = ex('direct');
    exchanges.add(wrong);
    await ch.assertExchange(wrong, 'direct', { durable: false, autoDelete: false });
    const good = ex('routed2');
    const l = await listen(ch, good, '#');
    const [bad, ok] = await Promise.all([transport.publish(req(wrong)), transport.publish(req(good))]);
    expect(bad.ok).to.equal(false);
    if (!bad.ok) {
      expect(bad.code).to.equal('badConnection');
      expect(bad.message).to.match(/PRECONDITION_FAILED - inequivalent arg 'type'/);
    }
    expect(ok, JSON.stringify(ok)).to.include({ ok: true });
    // again: the declaring channel was reopened
    const again = await transport.publish(req(wrong));
    expect(again).to.include({ ok: false, code: 'badConnection' });
    expect((await transport.publish(req(good))).ok).to.equal(true);
    expect(await l.waitFor(2)).to.have.length(2);
  });

  it('an exchange deleted behind its back: badConnection (404), then declared again', async () => {
    const exchange = ex('deleted');
    expect(await transport.publish(req(exchange))).to.include({ ok: false, code: 'unroutable' });
    await ch.deleteExchange(exchange);
    const lost = await transport.publish(req(exchange));
    expect(lost).to.include({ ok: false, code: 'badConnection' });
    if (!lost.ok) expect(lost.message).to.match(/NOT_FOUND - no exchange/);
    expect(await transport.publish(req(exchange))).to.include({ ok: false, code: 'unroutable' });
    await ch.checkExchange(exchange);
  });

  for (const hwm of [undefined, 4]) {
    const what = hwm ? ' with back-pressure (a tiny channel buffer: publishes wait for drain)' : '';
    it(`confirms 200 concurrent publishes${what}`, async () => {
      const exchange = ex(`many${hwm ?? ''}`);
      const l = await listen(ch, exchange, 'task.*');
      const t = hwm ? new AmqpTransport({ channelHighWaterMark: hwm }) : transport;
      try {
        const body = 'x'.repeat(8 * 1024);
        const reqs = Array.from({ length: 200 }, () => req(exchange, { body }));
        const outs = await Promise.all(reqs.map((r) => t.publish(r)));
        const failed = outs.filter((o) => !o.ok);
        expect(failed, JSON.stringify(failed.slice(0, 3))).to.have.length(0);
        const got = await l.waitFor(200);
        expect(new Set(got.map((m) => m.properties.messageId as string))).to.deep.equal(
          new Set(reqs.map((r) => r.messageId)),
        );
      } finally {
        if (t !== transport) await t.close();
      }
    });
  }

  it('a burst of publishes leaves in a few socket writes, not one per message', async () => {
    const exchange = ex('burst');
    const l = await listen(ch, exchange, 'task.*');
    const t = new AmqpTransport();
    const proto = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...a: unknown[]) => void>;
    const original = { _write: proto._write, _writev: proto._writev };
    let writes = 0;
    try {
      await t.publish(req(exchange)); // connected and declared: only the burst is counted
      for (const k of ['_write', '_writev'] as const)
        proto[k] = function (this: unknown, ...a: unknown[]) {
          writes++;
          return original[k].apply(this, a);
        };
      const outs = await Promise.all(Array.from({ length: 100 }, () => t.publish(req(exchange))));
      expect(outs.filter((o) => !o.ok)).to.have.length(0);
      // Uncorked, amqplib writes each message on its own (100 writes); corked, a round is one writev.
      expect(writes).to.be.greaterThan(0).and.lessThan(20);
      expect(await l.waitFor(101)).to.have.length(101);
    } finally {
      Object.assign(proto, original);
      await t.close();
    }
  });

  it('a publish that outlives its time is `timeout`', async () => {
    const t = new AmqpTransport();
    try {
      const out = await t.publish(req(ex('routed'), { timeoutMs: 1 }));
      expect(out).to.include({ ok: false, code: 'timeout' });
    } finally {
      await t.close();
    }
  });

  it('an unreachable broker is `badConnection`, then fails fast while the reconnect delay runs', async () => {
    const t = new AmqpTransport({ reconnectInitialMs: 2000 });
    try {
      const dead = 'amqp://guest:secret@127.0.0.1:1';
      const first = await t.publish(req(ex('routed'), { url: dead }));
      expect(first).to.include({ ok: false, code: 'badConnection' });
      if (!first.ok) {
        expect(first.message).to.match(/ECONNREFUSED/);
        expect(first.message).to.not.contain('secret');
      }
      const second = await t.publish(req(ex('routed'), { url: dead }));
      expect(second).to.include({ ok: false, code: 'badConnection' });
      expect(second.durationMs).to.be.below(20);
      if (!second.ok) expect(second.message).to.match(/reconnecting in \d+ ms/);
    } finally {
      await t.close();
    }
  });

  it('close() waits for the confirms in flight; later publishes fail', async () => {
    const exchange = ex('closing');
    const l = await listen(ch, exchange, '#');
    const t = new AmqpTransport();
    expect((await t.publish(req(exchange))).ok).to.equal(true);
    const inflight = Array.from({ length: 20 }, () => t.publish(req(exchange)));
    await sleep(0);
    await t.close();
    const outs = await Promise.all(inflight);
    expect(outs.every((o) => o.ok || o.code === 'badConnection')).to.equal(true);
    expect(await t.publish(req(exchange))).to.include({ ok: false, code: 'badConnection' });
    await l.waitFor(1 + outs.filter((o) => o.ok).length);
  });

  it('an unresponsive broker is `timeout`; a connection lost with confirms outstanding settles them all', async () => {
    const exchange = ex('proxied');
    const l = await listen(ch, exchange, '#');
    const proxy = await brokerProxy();
    const t = new AmqpTransport({ reconnectInitialMs: 50 });
    try {
      const via = (over: Partial<AmqpPublishRequest> = {}) => req(exchange, { url: proxy.url, ...over });
      expect((await t.publish(via())).ok).to.equal(true);

      // the broker's answers stop: confirms never come
      proxy.hold();
      expect(await t.publish(via({ timeoutMs: 300 }))).to.include({ ok: false, code: 'timeout' });

      // 50 publishes waiting for confirms, then the network fails: every one settles, promptly, badConnection
      const waiting = Array.from({ length: 50 }, () => t.publish(via({ timeoutMs: 20_000 })));
      await sleep(200);
      const t0 = Date.now();
      proxy.cut();
      const outs = await Promise.all(waiting);
      expect(Date.now() - t0, 'settled by the connection loss, not by their timeout').to.be.below(2000);
      for (const o of outs) {
        expect(o.ok).to.equal(false);
        if (!o.ok) expect(o.code, o.message).to.equal('badConnection');
      }
      // the broker did receive them (the confirms were lost, not the messages): at-least-once
      await l.waitFor(52);

      // and the same transport reconnects
      proxy.release();
      let last: AmqpOutcome | undefined;
      for (let i = 0; i < 50 && !last?.ok; i++) {
        last = await t.publish(via());
        if (!last.ok) await sleep(100);
      }
      expect(last, JSON.stringify(last)).to.include({ ok: true });
    } finally {
      await t.close();
      await proxy.close();
    }
  });

  it('survives a broker restart: no hang, no crash, then publishes again through the same transport', async function () {
    this.timeout(180_000);
    const exchange = ex('restart');
    await listen(ch, exchange, '#');
    expect((await transport.publish(req(exchange))).ok).to.equal(true);

    // publishes in flight while the broker stops all settle
    const inflight: Promise<AmqpOutcome>[] = [];
    const burst = setInterval(() => inflight.push(transport.publish(req(exchange, { timeoutMs: 3000 }))), 5);
    stopped = true;
    try {
      await rabbitmqctl(['stop_app']);
    } finally {
      clearInterval(burst);
    }
    const settled = await Promise.race([Promise.all(inflight), sleep(15_000).then(() => 'hung' as const)]);
    expect(settled, 'publishes in flight during stop_app must settle').to.not.equal('hung');
    for (const o of settled as AmqpOutcome[])
      if (!o.ok) expect(o.code, o.message).to.be.oneOf(['badConnection', 'timeout', 'unroutable']);
    expect((settled as AmqpOutcome[]).some((o) => !o.ok && o.code === 'badConnection')).to.equal(true);

    // while stopped (for 2 s): quick failures; reconnect attempts are refused, and between them (backoff)
    // publishes fail fast without trying
    const down: AmqpOutcome[] = [];
    const until0 = Date.now() + 2000;
    while (Date.now() < until0) {
      const t0 = Date.now();
      const o = await transport.publish(req(exchange, { timeoutMs: 3000 }));
      expect(Date.now() - t0, 'no hang while the broker is down').to.be.below(3500);
      down.push(o);
      await sleep(25);
    }
    for (const o of down) {
      expect(o.ok).to.equal(false);
      if (!o.ok) expect(o.code, o.message).to.be.oneOf(['badConnection', 'timeout']);
    }
    const messages = down.map((o) => (o.ok ? '' : o.message));
    expect(
      messages.some((m) => /cannot connect to .*ECONNREFUSED/.test(m)),
      'a reconnect was tried',
    ).to.equal(true);
    const fast = messages.filter((m) => /reconnecting in \d+ ms/.test(m)).length;
    expect(fast, 'most fail fast during the backoff').to.be.greaterThan(messages.length / 2);

    await rabbitmqctl(['start_app']);
    stopped = false;

    // the helper's connection died with the broker: a new one, with a new queue (exclusive queues are gone)
    await helper.close().catch(() => undefined);
    helper = await brokerConnection(60_000);
    helper.on('error', () => {});
    ch = await helper.createChannel();
    ch.on('error', () => {});
    const l = await listen(ch, exchange, '#');

    let last: AmqpOutcome | undefined;
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      last = await transport.publish(req(exchange, { messageId: 'after-restart' }));
      if (last.ok) break;
      await sleep(200);
    }
    expect(last, JSON.stringify(last)).to.include({ ok: true });
    const got = await l.waitFor(1);
    expect(got.map((m) => m.properties.messageId as string)).to.include('after-restart');
    expect(
      errors.some((e) => /connection to .* lost/.test(e)),
      errors.join('\n'),
    ).to.equal(true);
  });
});
