/**
 * Engine nodes as real processes for the cluster tests: `tram serve` on a shared PostgreSQL database, each on an
 * ephemeral port, killed with SIGKILL or stopped with SIGTERM. Also an HTTP receiver and an AMQP tap that record
 * every delivered event.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Node {
  name: string;
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** Starts `tram serve` on `db`; resolves once it listens. */
export async function startNode(name: string, db: string, env: Record<string, string> = {}): Promise<Node> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/main.ts', 'serve', '--port', '0', '--db', db, '--log-level', 'info'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /"url":"(http:[^"]+)"/.exec(out);
      if (m?.[1]) (clearInterval(t), resolve(m[1]));
    }, 50);
    void exited.then(() => (clearInterval(t), reject(new Error(`node ${name} exited: ${out}`))));
  });
  return { name, url, child, exited, output: () => out };
}

export async function stopNodes(nodes: Node[]): Promise<void> {
  for (const n of nodes)
    if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
  await Promise.all(
    nodes.map((n) =>
      Promise.race([n.exited, new Promise((r) => setTimeout(r, 10_000))]).then(() => n.child.kill('SIGKILL')),
    ),
  );
}

export async function api<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers:
      typeof body === 'string' ? { 'content-type': 'text/plain' } : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** A delivered event, as a receiver saw it. */
export interface Hit {
  eventId: number;
  executionId: string;
  sequence: number;
}

export function hitOf(body: Record<string, unknown>): Hit {
  return {
    eventId: Number(body.event_id),
    executionId: String(body.workflow_execution_id ?? body.execution_id ?? body.id),
    sequence: Number(body.sequence),
  };
}

/** Records the JSON body of every POST it receives; answers 200. */
export class Receiver {
  readonly hits: Hit[] = [];
  private constructor(private readonly server: http.Server) {}

  static async open(): Promise<Receiver> {
    const server = http.createServer();
    const rx = new Receiver(server);
    server.on('request', (req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        try {
          rx.hits.push(hitOf(JSON.parse(text) as Record<string, unknown>));
        } catch {
          // not an event
        }
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return rx;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
