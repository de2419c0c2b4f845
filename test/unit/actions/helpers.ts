/** Shared fixtures for the action tests: an action context and a real HTTP server on an ephemeral port. */

import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionContext, ActionOutcome } from '../../../actions/index.js';

export function makeCtx(overrides: Partial<ActionContext> = {}): ActionContext {
  return {
    workflowExecutionId: 'wf-exec-1',
    rootExecutionId: 'wf-exec-1',
    taskExecutionId: 'task-exec-1',
    actionExecutionId: 'action-exec-1',
    workflowName: 'wb.wf',
    taskName: 't1',
    signal: new AbortController().signal,
    env: {},
    ...overrides,
  };
}

/** Narrows an outcome for assertions, failing loudly when it has another shape. */
export function expectOk(outcome: ActionOutcome): unknown {
  if (!('ok' in outcome) || !outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
  return outcome.data;
}

export function expectFailure(outcome: ActionOutcome): unknown {
  if (!('ok' in outcome) || outcome.ok) throw new Error(`expected failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export interface TestServer {
  url: string;
  /** Every request the server received, in order. */
  requests: Array<{
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
    port: number;
  }>;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with an ephemeral port; `close` also drops kept-alive and stalled connections. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        // The client's port tells whether a connection was reused.
        port: req.socket.remotePort ?? 0,
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A port nothing listens on: bound once, then released. */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
