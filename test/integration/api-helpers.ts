/**
 * A real API server for integration tests: listening on an ephemeral port of 127.0.0.1, over a SQLite file in a
 * fresh temporary directory. `close()` stops the server and removes the directory. With
 * `TRAM_TEST_STORE=postgres` the server runs on a PostgreSQL database created for it (and dropped by `close()`),
 * so that a suite can be run again on the other store (`.ci/run` does so for the delivery tests).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../api/index.js';
import { loadConfig, type Config } from '../../config/index.js';
import { createTestDatabase } from './store-contract/harness.js';

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `<url>/v2` */
  v2: string;
  server: RunningServer;
  /** The temporary directory (holds the database; tests may write files there). */
  dir: string;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-api-'));
  const pg = process.env.TRAM_TEST_STORE === 'postgres' ? await createTestDatabase() : null;
  const db = pg?.url ?? path.join(dir, 'tram.db');
  const config = loadConfig({ port: 0, db, logLevel: 'silent', ...overrides }, {});
  const server = await startServer(config);
  return {
    url: server.url,
    v2: `${server.url}/v2`,
    server,
    dir,
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      await pg?.drop();
    },
  };
}

/** A test server with `workflowsText` uploaded (`POST /v2/workflows`); an upload refused throws with its body. */
export async function startTestServerWith(
  workflowsText: string,
  overrides: Partial<Config> = {},
): Promise<TestServer> {
  const t = await startTestServer(overrides);
  const up = await call('POST', `${t.v2}/workflows`, workflowsText);
  if (up.status !== 201) {
    await t.close();
    throw new Error(`upload refused (${up.status}): ${JSON.stringify(up.body)}`);
  }
  return t;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * One request. A string body is sent as `text/plain` (as python-mistralclient sends YAML) unless `contentType`
 * says otherwise (null: no content type); an object body is sent as JSON.
 */
export async function call<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
  contentType?: string | null,
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  let payload: string | Blob | undefined;
  if (typeof body === 'string') {
    payload = contentType === null ? new Blob([body]) : body;
    if (contentType !== null) headers['content-type'] = contentType ?? 'text/plain';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = contentType ?? 'application/json';
  }
  const res = await fetch(url, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Polls `probe` every 50 ms until it returns a truthy value (resolved with it), or fails after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
