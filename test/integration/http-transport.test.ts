/** The HTTP transport against a local express receiver: outcomes for 2xx, errors, redirects, throttling,
 * timeouts, refused connections and the egress policy; bodies and headers arrive byte for byte. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { Webhook } from 'standardwebhooks';
import {
  type AllLookup,
  HttpTransport,
  newSecret,
  parseRetryAfter,
  signHeaders,
} from '../../transports/index.js';

describe('HttpTransport (local receiver)', function () {
  this.timeout(20_000);
  let server: Server;
  let base: string;
  const http = new HttpTransport({ timeoutMs: 5000 });
  const received: { method: string; path: string; body: string; headers: Record<string, unknown> }[] = [];

  before(async () => {
    const app = express();
    app.use(express.text({ type: '*/*' }));
    app.all('/ok', (req, res) => {
      received.push({ method: req.method, path: req.path, body: req.body as string, headers: req.headers });
      res.status(204).end();
    });
    app.post('/fail', (_req, res) => {
      res
        .status(500)
        .type('text/plain')
        .send('boom: ' + 'x'.repeat(5000));
    });
    app.post('/redirect', (_req, res) => res.redirect(302, '/ok'));
    app.post('/throttle-seconds', (_req, res) => res.status(429).set('Retry-After', '7').send('slow down'));
    app.post('/throttle-date', (_req, res) =>
      res
        .status(503)
        .set('Retry-After', new Date(Date.now() + 30_000).toUTCString())
        .send(''),
    );
    app.post('/throttle-past', (_req, res) =>
      res.status(429).set('Retry-After', 'Wed, 21 Oct 2015 07:28:00 GMT').end(),
    );
    app.post('/slow', (_req, res) => {
      const t = setTimeout(() => res.status(200).end(), 3000);
      res.on('close', () => clearTimeout(t));
    });
    app.post('/big', (_req, res) => res.status(200).send('y'.repeat(1_000_000)));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    http.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('2xx is a success, and the signed bytes arrive as sent', async () => {
    const secret = newSecret();
    const body = JSON.stringify({ event: 'EXECUTION_SUCCEEDED', text: 'naïve ☃' });
    const sig = signHeaders(secret, 'msg_1', Math.floor(Date.now() / 1000), body);
    const out = await http.send({
      url: `${base}/ok`,
      method: 'PUT',
      body,
      headers: { ...sig, 'x-extra': 'e' },
    });
    expect(out).to.include({ ok: true, status: 204 });
    expect(out.durationMs).to.be.a('number');
    const got = received.at(-1)!;
    expect(got.method).to.equal('PUT');
    expect(got.body).to.equal(body);
    expect(got.headers['content-type']).to.equal('application/json');
    expect(got.headers['x-extra']).to.equal('e');
    expect(new Webhook(secret).verify(got.body, got.headers as Record<string, string>)).to.deep.equal(
      JSON.parse(body),
    );
  });

  it('post() keeps its API: JSON-serialises and POSTs', async () => {
    const out = await http.post(`${base}/ok`, { a: 1 }, { 'content-type': 'application/vnd.x+json' });
    expect(out.ok).to.equal(true);
    const got = received.at(-1)!;
    expect(got.method).to.equal('POST');
    expect(got.body).to.equal('{"a":1}');
    expect(got.headers['content-type']).to.equal('application/vnd.x+json');
  });

  it('500 is badHttpStatus with the status and the first KB of the body', async () => {
    const out = await http.send({ url: `${base}/fail`, body: '{}' });
    if (out.ok) expect.fail('expected a failure');
    expect(out.code).to.equal('badHttpStatus');
    expect(out.status).to.equal(500);
    expect(out.message).to.contain('500');
    expect(out.responseSnippet).to.have.length(1024);
    expect(out.responseSnippet?.startsWith('boom: xxx')).to.equal(true);
    expect(out.retryAfterMs).to.equal(undefined);
  });

  it('a redirect is not followed: badHttpStatus', async () => {
    const before = received.length;
    const out = await http.send({ url: `${base}/redirect`, body: '{}' });
    if (out.ok) expect.fail('expected a failure');
    expect(out.code).to.equal('badHttpStatus');
    expect(out.status).to.equal(302);
    expect(out.message).to.match(/not followed/);
    expect(received.length).to.equal(before);
  });

  it('429 with Retry-After in seconds gives retryAfterMs', async () => {
    const out = await http.send({ url: `${base}/throttle-seconds`, body: '{}' });
    if (out.ok) expect.fail('expected a failure');
    expect(out).to.include({
      code: 'badHttpStatus',
      status: 429,
      retryAfterMs: 7000,
      responseSnippet: 'slow down',
    });
  });

  it('503 with Retry-After as an HTTP-date gives retryAfterMs', async () => {
    const out = await http.send({ url: `${base}/throttle-date`, body: '{}' });
    if (out.ok) expect.fail('expected a failure');
    expect(out.status).to.equal(503);
    expect(out.retryAfterMs).to.be.within(25_000, 30_000);
    const past = await http.send({ url: `${base}/throttle-past`, body: '{}' });
    expect(past.ok ? undefined : past.retryAfterMs).to.equal(0);
  });

  it('parseRetryAfter', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).to.equal(120_000);
    expect(parseRetryAfter(' 0 ', now)).to.equal(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).to.equal(60_000);
    expect(parseRetryAfter('-5', now)).to.equal(undefined);
    expect(parseRetryAfter('1.5', now)).to.equal(undefined);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
    expect(parseRetryAfter(undefined, now)).to.equal(undefined);
  });

  it('no answer in time is a timeout', async () => {
    const t0 = Date.now();
    const out = await http.send({ url: `${base}/slow`, body: '{}', timeoutMs: 300 });
    if (out.ok) expect.fail('expected a failure');
    expect(out.code).to.equal('timeout');
    expect(Date.now() - t0).to.be.below(2000);
  });

  it('a large 2xx answer is still a success (the body is capped, not required)', async () => {
    const small = new HttpTransport({ maxResponseBytes: 1000 });
    try {
      const out = await small.send({ url: `${base}/big`, body: '{}' });
      expect(out).to.include({ ok: true, status: 200 });
    } finally {
      small.close();
    }
  });

  it('a refused connection is badConnection', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const out = await http.send({ url: `http://127.0.0.1:${port}/`, body: '{}' });
    if (out.ok) expect.fail('expected a failure');
    expect(out.code).to.equal('badConnection');
    expect(out.message).to.match(/ECONNREFUSED/);
  });

  it('an invalid URL or scheme is badConnection, not an exception', async () => {
    const a = await http.send({ url: 'nope', body: '' });
    const b = await http.send({ url: 'ftp://example.com/', body: '' });
    expect(a).to.include({ ok: false, code: 'badConnection' });
    expect(b).to.include({ ok: false, code: 'badConnection' });
  });

  describe('allowPrivate: false', () => {
    const strict = new HttpTransport({ allowPrivate: false, timeoutMs: 2000 });
    after(() => strict.close());

    it('refuses an IP literal receiver on 127.0.0.1', async () => {
      const before = received.length;
      const out = await strict.send({ url: `${base}/ok`, body: '{}' });
      expect(out).to.include({
        ok: false,
        code: 'badConnection',
        message: 'egress policy: 127.0.0.1 resolves to a private address',
      });
      expect(received.length).to.equal(before);
    });

    it('refuses a name that resolves to loopback at connect time (lookup)', async () => {
      const port = (server.address() as AddressInfo).port;
      const out = await strict.send({ url: `http://localhost:${port}/ok`, body: '{}' });
      expect(out).to.include({
        ok: false,
        code: 'badConnection',
        message: 'egress policy: localhost resolves to a private address',
      });
    });

    it('DNS rebinding: a name that resolves to a private address at send time is refused', async () => {
      const port = (server.address() as AddressInfo).port;
      const rebinding: AllLookup = (_host, _opts, cb) =>
        setImmediate(() => cb(null, [{ address: '127.0.0.1', family: 4 }]));
      const guarded = new HttpTransport({ allowPrivate: false, resolve: rebinding });
      const open = new HttpTransport({ allowPrivate: true, resolve: rebinding });
      try {
        const before = received.length;
        const out = await guarded.send({ url: `http://hooks.rebind.test:${port}/ok`, body: '{}' });
        expect(out).to.include({
          ok: false,
          code: 'badConnection',
          message: 'egress policy: hooks.rebind.test resolves to a private address',
        });
        expect(received.length).to.equal(before);
        // the same resolver without the policy reaches the receiver: the refusal was the policy's
        expect(await open.send({ url: `http://hooks.rebind.test:${port}/ok`, body: '{}' })).to.include({
          ok: true,
        });
        expect(received.length).to.equal(before + 1);
      } finally {
        guarded.close();
        open.close();
      }
    });

    it('refuses IPv6 loopback literals', async () => {
      const out = await strict.send({ url: 'http://[::1]:9/', body: '{}' });
      expect(out).to.include({
        ok: false,
        code: 'badConnection',
        message: 'egress policy: ::1 resolves to a private address',
      });
    });
  });
});
