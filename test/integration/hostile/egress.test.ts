/**
 * One egress policy for everything that leaves the process, with private destinations refused
 * (`TRAM_EGRESS_ALLOW_PRIVATE=0`): `std.http` to loopback in any spelling (dotted, decimal `2130706433`, hex,
 * IPv4-mapped IPv6, `localhost`), each redirect hop checked again, and listener URLs of both transports (AMQP
 * included) refused at creation, naming `transport.url`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import { guardAgent } from '../../../transports/index.js';
import { call, startTestServer, type TestServer } from '../api-helpers.js';

type Json = Record<string, unknown>;

describe('egress policy (real server, private destinations refused)', function () {
  this.timeout(60_000);
  let t: TestServer;
  let target: http.Server;
  let port = 0;
  let hits = 0;

  before(async () => {
    target = http.createServer((req, res) => {
      hits++;
      if (req.url?.startsWith('/redirect')) {
        res.writeHead(302, { location: `http://127.0.0.2:${port}/inside` }).end();
        return;
      }
      res.end('secret inside');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    port = (target.address() as AddressInfo).port;
    t = await startTestServer({ egressAllowPrivate: false });
  });
  after(async () => {
    await t.close();
    target.close();
  });

  async function runHttp(url: string): Promise<Json> {
    const wf = `version: '2.0'\nfetch:\n  input: [url]\n  tasks:\n    get:\n      action: std.http url=<% $.url %> timeout=5\n`;
    await call('POST', `${t.v2}/workflows`, wf);
    const ex = await call<Json>('POST', `${t.v2}/executions`, { workflow_name: 'fetch', input: { url } });
    expect(ex.status, JSON.stringify(ex.body)).to.equal(201);
    const until = Date.now() + 15_000;
    for (;;) {
      const got = await call<Json>('GET', `${t.v2}/executions/${String(ex.body.id)}`);
      if (got.body.state !== 'RUNNING') return got.body;
      if (Date.now() > until) throw new Error('execution still RUNNING');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  for (const host of ['127.0.0.1', '2130706433', '0x7f.0.0.1', '[::ffff:127.0.0.1]', 'localhost', '127.1']) {
    it(`std.http refuses http://${host}:PORT/ without reaching it`, async () => {
      const before = hits;
      const ex = await runHttp(`http://${host}:${port}/`);
      expect(ex.state).to.equal('ERROR');
      expect(String(ex.state_info)).to.include('egress policy');
      expect(hits).to.equal(before);
    });
  }

  it('checks each redirect hop again (the agents std.http uses)', async () => {
    // Only the first hop's address is allowed here; the redirect leads to another loopback address.
    const agent = guardAgent(new http.Agent(), false, (ip) => ip !== '127.0.0.1');
    const before = hits;
    const err = await axios
      .get(`http://127.0.0.1:${port}/redirect`, { httpAgent: agent, maxRedirects: 5 })
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(String(err?.message)).to.include('egress policy: 127.0.0.2');
    expect(hits).to.equal(before + 1);
    agent.destroy();
  });

  for (const url of [
    'http://2130706433/',
    'http://169.254.169.254/latest/meta-data',
    'amqp://guest:guest@169.254.169.254/',
    'amqp://guest:guest@2130706433/',
    'amqps://localhost/',
  ]) {
    it(`refuses a listener to ${url} with a 400 naming transport.url`, async () => {
      const type = url.startsWith('amqp') ? 'amqp' : 'http';
      const res = await call<Json>('POST', `${t.v2}/listeners`, { name: 'ssrf', transport: { type, url } });
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.field).to.equal('transport.url');
      expect(String(res.body.faultstring)).to.include('egress policy');
    });
  }
});
