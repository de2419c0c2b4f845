/**
 * `tram listen`: watch a server's events live, like `stripe listen`, and optionally forward them to a local
 * receiver, signed.
 *
 * - Over HTTP (default): a local HTTP endpoint on `--listen-host:--listen-port` (any free port), and a temporary
 *   listener on the server (`--workbook`, `--workflow`, `--events`) that delivers to it. Each delivery is verified
 *   with the listener's secret, printed, forwarded when asked, and answered: 200 once forwarded (or printed), 502
 *   when the forward target failed (the server then retries: nothing is lost).
 * - Over AMQP (`--amqp [URL]`): an exclusive queue bound to `--exchange` (default `tram.events`) for the selected
 *   events; it taps what the server's AMQP listeners publish and creates no listener of its own (a second
 *   publisher would duplicate the events for the other consumers of the exchange).
 *
 * `--forward URL` re-sends each event's body with its `x-tram-*` headers, signed afresh (Standard Webhooks and
 * `X-Tram-Signature-256`, the same delivery id) with the listener's secret, or `--secret` / a new one over AMQP:
 * the secret is printed, for the receiver to verify with. On SIGINT or SIGTERM everything created is removed
 * (the listener deleted, the endpoint closed; the exclusive queue goes with its connection).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as amqpConnect } from 'amqplib';
import type { Command } from 'commander';
import { verifyWebhook } from '../../sdk/src/index.js';
import { newSecret, signHeaders } from '../../transports/index.js';
import type { ListenerBody } from '../client/index.js';
import { parseSelectors } from './listener.js';
import { connect, withExamples, withRemoteOptions, type RemoteOptions } from './remote.js';

interface ListenOptions extends RemoteOptions {
  workbook?: string;
  workflow?: string;
  events?: string;
  forward?: string;
  amqp?: string | boolean;
  exchange: string;
  secret?: string;
  listenHost: string;
  listenPort: string;
  publicUrl?: string;
}

interface Incoming {
  id: string;
  type: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** The routing keys of the selected events: `execution.*`, `task.*`, `*.task_failed`; `#` for all. */
export function bindingsFor(selectors: string[]): string[] {
  if (selectors.length === 0) return ['#'];
  return selectors.map((s) =>
    s === 'EXECUTION' ? 'execution.*' : s === 'TASK' ? 'task.*' : `*.${s.toLowerCase()}`,
  );
}

/** One line per event: time, type, what it is about, its state, its execution. */
export function describe(ev: Incoming): string {
  let b: Record<string, unknown> = {};
  try {
    b = JSON.parse(ev.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    // not JSON (a template format): the type and id tell enough
  }
  const what = b.workflow_execution_id
    ? `${String(b.workflow_name)} > ${String(b.name)}`
    : String(b.name ?? '');
  const exec = String(b.workflow_execution_id ?? b.id ?? ev.headers['x-tram-execution-id'] ?? '');
  const time = new Date().toISOString().slice(11, 19);
  return `${time}  ${ev.type.padEnd(18)}  ${what}  ${String(b.state ?? '')}  ${exec}`.trimEnd();
}

async function forward(url: string, secret: string, ev: Incoming): Promise<number> {
  const tram = Object.fromEntries(
    Object.entries(ev.headers).filter(([k]) => k.startsWith('x-tram-') && k !== 'x-tram-signature-256'),
  );
  const signed = signHeaders(secret, ev.id.replace(/\./g, '_'), Math.floor(Date.now() / 1000), ev.body);
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...tram, ...signed, 'content-type': ev.headers['content-type'] ?? 'application/json' },
    body: ev.body,
  });
  await res.arrayBuffer();
  return res.status;
}

class Listen {
  private readonly cleanups: (() => Promise<void>)[] = [];
  private secret = '';

  constructor(
    private readonly opts: ListenOptions,
    private readonly print: (line: string) => void,
  ) {}

  private async handle(ev: Incoming): Promise<boolean> {
    this.print(
      this.opts.json
        ? JSON.stringify({ id: ev.id, type: ev.type, body: ev.body.toString('utf8') })
        : describe(ev),
    );
    if (!this.opts.forward) return true;
    try {
      const status = await forward(this.opts.forward, this.secret, ev);
      if (!this.opts.json) this.print(`  --> ${this.opts.forward} [${status}]`);
      return status >= 200 && status < 300;
    } catch (err) {
      this.print(`  --> ${this.opts.forward} failed: ${(err as Error).message}`);
      return false;
    }
  }

  async start(): Promise<void> {
    const selectors = this.opts.events ? parseSelectors(this.opts.events) : [];
    if (this.opts.amqp !== undefined && this.opts.amqp !== false) await this.startAmqp(selectors);
    else await this.startHttp(selectors);
  }

  private async startHttp(selectors: string[]): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        try {
          verifyWebhook(headers, body, this.secret);
        } catch (err) {
          this.print(`refused a delivery: ${(err as Error).message}`);
          res.writeHead(401).end();
          return;
        }
        const ev = {
          id: headers['webhook-id'] ?? '',
          type: headers['x-tram-event-type'] ?? '',
          headers,
          body,
        };
        void this.handle(ev).then((ok) => res.writeHead(ok ? 200 : 502).end());
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(this.opts.listenPort), this.opts.listenHost, () => resolve());
    });
    this.cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          // The server's keep-alive connections would hold close() open.
          server.closeAllConnections();
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const target = this.opts.publicUrl ?? `http://${this.opts.listenHost}:${port}/`;
    const { api } = connect(this.opts);
    const body: ListenerBody = {
      name: `tram-listen-${process.pid}-${Date.now()}`,
      scope: {
        ...(this.opts.workbook ? { workbook: this.opts.workbook } : {}),
        ...(this.opts.workflow ? { workflow: this.opts.workflow } : {}),
      },
      events: selectors,
      url: target,
      retry: [1, 2, 5, 10, 30],
      ...(this.opts.secret ? { secret: this.opts.secret } : {}),
    };
    const created = await api.createListener(body);
    this.secret = (created as { secret?: string }).secret ?? this.opts.secret ?? '';
    this.cleanups.unshift(() => api.deleteListener(created.id));
    this.print(`Ready! Listening for events at ${target} (listener ${created.id}).`);
    this.print(`Signing secret: ${this.secret}`);
  }

  private async startAmqp(selectors: string[]): Promise<void> {
    const url = typeof this.opts.amqp === 'string' ? this.opts.amqp : 'amqp://guest:guest@127.0.0.1:5672';
    this.secret = this.opts.secret ?? newSecret();
    const conn = await amqpConnect(url, { clientProperties: { connection_name: 'tram listen' } });
    conn.on('error', () => undefined);
    this.cleanups.push(() => conn.close().catch(() => undefined));
    const ch = await conn.createChannel();
    await ch.assertExchange(this.opts.exchange, 'topic', { durable: true });
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of bindingsFor(selectors)) await ch.bindQueue(queue, this.opts.exchange, key);
    await ch.consume(queue, (m) => {
      if (!m) return;
      const headers = Object.fromEntries(
        Object.entries(m.properties.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      if (m.properties.contentType) headers['content-type'] = String(m.properties.contentType);
      const ev = {
        id: String(m.properties.messageId ?? ''),
        type: String(m.properties.type ?? ''),
        headers,
        body: m.content,
      };
      void this.handle(ev).then(() => ch.ack(m));
    });
    this.print(
      `Ready! Listening on exchange ${this.opts.exchange} (queue ${queue}, ${bindingsFor(selectors).join(' ')}).`,
    );
    if (this.opts.forward) this.print(`Signing secret: ${this.secret}`);
  }

  async stop(): Promise<void> {
    for (const c of this.cleanups.splice(0))
      await c().catch((err: unknown) => this.print(`cleanup: ${(err as Error).message}`));
  }
}

export function registerListen(program: Command): void {
  const cmd = program
    .command('listen')
    .description(
      'Print events live (a temporary listener, or an exclusive AMQP queue), optionally forwarding them signed',
    )
    .option('--workbook <name>', 'only the events of this workbook')
    .option('--workflow <name>', 'only the events of this workflow (qualified name)')
    .option('--events <list>', 'EXECUTION, TASK or event types such as TASK_FAILED, comma-separated')
    .option('--forward <url>', 'POST each event to this URL, signed')
    .option('--amqp [url]', 'listen on RabbitMQ instead (an exclusive queue on --exchange)')
    .option('--exchange <name>', 'the exchange with --amqp', 'tram.events')
    .option('--secret <whsec>', "the signing secret (default: the listener's, or a new one with --amqp)")
    .option('--listen-host <host>', 'where the local endpoint listens', '127.0.0.1')
    .option('--listen-port <port>', 'its port (0: any free one)', '0')
    .option('--public-url <url>', 'the URL the server reaches the endpoint at (default: http://HOST:PORT/)')
    .action(async (opts: ListenOptions) => {
      const listen = new Listen(opts, (line) => process.stdout.write(`${line}\n`));
      const stop = () => {
        void listen.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await listen.start();
      } catch (err) {
        await listen.stop();
        throw err;
      }
    });
  withRemoteOptions(cmd);
  withExamples(cmd, [
    'tram listen --workbook orders',
    'tram listen --events TASK_FAILED,WORKFLOW_FAILED --forward http://localhost:3000/hook',
    'tram listen --amqp amqp://guest:guest@127.0.0.1:5672 --events TASK',
  ]);
}
