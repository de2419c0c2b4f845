/**
 * Secrets are write-only and never logged. A real `tram serve` process (JSON logs at debug level, request
 * headers logged too) runs authenticated traffic (the token as `X-Auth-Token`, as `Authorization: Bearer` and
 * as `?token=`) with listeners that carry header secrets and an AMQP password, deliveries that fail and
 * succeed, and a workbook listener whose signing secret is read and rotated through the API and
 * `tram listener secret`. Then the whole log is searched: no token, header value, password or signing secret.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
type Json = Record<string, unknown>;

const unique = (what: string) => `${what}-${randomBytes(9).toString('hex')}`;
const TOKEN = unique('ApiToken');
const HEADER_SECRET = unique('HeaderSecret');
const API_KEY = unique('ApiKey');
const AMQP_PASSWORD = unique('AmqpPw');

describe('secrets: write-only, and absent from the whole server log', function () {
  this.timeout(90_000);
  let dir: string;
  let child: ChildProcess;
  let log = '';
  let url = '';
  let receiver: http.Server;
  let hookUrl = '';
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  const secretsSeen: string[] = [];

  const api = async (
    method: string,
    p: string,
    body?: unknown,
    how: 'header' | 'bearer' | 'query' = 'header',
  ) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // `?token=` is what WebSocket clients send; the HTTP API wants a header too, but the URL is logged.
    if (how === 'header' || how === 'query') headers['x-auth-token'] = TOKEN;
    if (how === 'bearer') headers.authorization = `Bearer ${TOKEN}`;
    const sep = p.includes('?') ? '&' : '?';
    const res = await fetch(`${url}/v2${p}${how === 'query' ? `${sep}token=${TOKEN}` : ''}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };

  before(async () => {
    let calls = 0;
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        // The first attempts fail, so that failed attempts are logged too.
        res.statusCode = ++calls <= 2 ? 500 : 200;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-secrets-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'serve', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TRAM_DB: path.join(dir, 't.db'),
        TRAM_AUTH_TOKENS: TOKEN,
        TRAM_LOG_LEVEL: 'debug',
        TRAM_LOG_HEADERS: '1',
        TRAM_EGRESS_ALLOW_PRIVATE: '1',
      },
    });
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /"url":"(http:[^"]+)"/.exec(log);
        if (m?.[1]) (clearInterval(t), resolve(m[1]));
      }, 50);
      child.on('exit', () => (clearInterval(t), reject(new Error(`server exited: ${log}`))));
    });
  });

  after(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows header values and the AMQP password as ***, keeps them when *** is sent back, and uses them', async () => {
    const created = await api('POST', '/listeners', {
      name: 'hook',
      events: ['EXECUTION'],
      retry: [0, 0, 0],
      transport: {
        type: 'http',
        url: hookUrl,
        headers: { Authorization: `Bearer ${HEADER_SECRET}`, 'X-Api-Key': API_KEY },
      },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    secretsSeen.push(String(created.body.secret));
    expect((created.body.transport as Json).headers).to.deep.equal({
      Authorization: '***',
      'X-Api-Key': '***',
    });
    const id = String(created.body.id);

    const amqp = await api('POST', '/listeners', {
      name: 'queue',
      enabled: false,
      transport: { type: 'amqp', url: `amqp://tram:${AMQP_PASSWORD}@127.0.0.1:5672/` },
    });
    expect(amqp.status, JSON.stringify(amqp.body)).to.equal(201);
    secretsSeen.push(String(amqp.body.secret));
    expect((amqp.body.transport as Json).url).to.equal('amqp://tram:***@127.0.0.1:5672/');

    // Read, change one thing, send the transport back as read: the stored credentials stay.
    const read = await api('GET', `/listeners/${id}`, undefined, 'bearer');
    const transport = { ...(read.body.transport as Json), method: 'PUT' };
    expect((await api('PUT', `/listeners/${id}`, { transport })).status).to.equal(200);
    for (const how of ['header', 'bearer', 'query'] as const) {
      const list = await api('GET', '/listeners', undefined, how);
      // The listener route refuses unknown query parameters (400, naming `token`): the URL is logged all the same.
      expect(list.status).to.equal(how === 'query' ? 400 : 200);
      expect(JSON.stringify(list.body)).not.to.match(
        new RegExp(`${HEADER_SECRET}|${API_KEY}|${AMQP_PASSWORD}`),
      );
    }

    const wf = "version: '2.0'\nping:\n  tasks:\n    t:\n      action: std.noop\n";
    expect((await api('POST', '/workflows', wf)).status).to.be.oneOf([201, 400]);
    const up = await fetch(`${url}/v2/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-auth-token': TOKEN },
      body: wf,
    });
    expect(up.status).to.be.oneOf([201, 409]);
    const ex = await api('POST', '/executions', { workflow_name: 'ping' }, 'bearer');
    expect(ex.status).to.equal(201);
    const until = Date.now() + 20_000;
    while (received.filter((r) => r.headers['x-api-key'] === API_KEY).length < 4 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    const used = received.filter((r) => r.headers['x-api-key'] === API_KEY);
    expect(used.length).to.be.at.least(4);
    expect(used.every((r) => r.headers.authorization === `Bearer ${HEADER_SECRET}`)).to.equal(true);
  });

  it("shows and rotates a workbook listener's signing secret (API and tram listener secret), and deliveries verify with it", async () => {
    const wb = [
      "version: '2.0'",
      'name: wbs',
      'workflows:',
      '  go:',
      '    tasks:',
      '      t:',
      '        action: std.noop',
      'listeners:',
      '  ops:',
      `    url: ${hookUrl}`,
      '    events: [EXECUTION]',
      '    scope:',
      '      workflow: wbs.go',
    ].join('\n');
    const up = await fetch(`${url}/v2/workbooks`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-auth-token': TOKEN },
      body: wb,
    });
    expect(up.status, await up.text()).to.equal(201);
    const shown = await api('GET', '/listeners/wbs.ops/secret');
    expect(shown.status).to.equal(200);
    expect(shown.body.secret).to.match(/^whsec_/);
    secretsSeen.push(String(shown.body.secret));

    const cli = async (...args: string[]) =>
      (
        await run(
          process.execPath,
          ['--import', 'tsx', 'cli/main.ts', 'listener', 'secret', 'wbs.ops', ...args],
          {
            cwd: ROOT,
            env: { ...process.env, TRAM_URL: url, TRAM_TOKEN: TOKEN },
          },
        )
      ).stdout.trim();
    expect(await cli()).to.equal(shown.body.secret);
    const rotated = await cli('--rotate');
    expect(rotated)
      .to.match(/^whsec_/)
      .and.not.equal(shown.body.secret);
    secretsSeen.push(rotated);
    expect((await api('GET', '/listeners/wbs.ops/secret')).body.secret).to.equal(rotated);

    const before = received.length;
    expect((await api('POST', '/executions', { workflow_name: 'wbs.go' })).status).to.equal(201);
    const until = Date.now() + 20_000;
    const wh = new Webhook(rotated);
    const verified = () =>
      received.slice(before).filter((r) => {
        try {
          wh.verify(r.body, r.headers as Record<string, string>);
          return true;
        } catch {
          return false;
        }
      });
    while (verified().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(verified().length).to.be.at.least(2);
  });

  it('wrote none of them to the log', async () => {
    expect(log).to.include('"level":40'); // failed delivery attempts were logged, as warnings
    expect(log).to.include('delivery attempt failed');
    expect(log).to.include('***');
    const leaks = [
      TOKEN,
      HEADER_SECRET,
      API_KEY,
      AMQP_PASSWORD,
      ...secretsSeen.map((s) => s.slice(6)),
    ].filter((s) => log.includes(s));
    expect(leaks, 'secrets found in the server log').to.deep.equal([]);
  });
});
