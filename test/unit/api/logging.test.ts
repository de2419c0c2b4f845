import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { pino } from 'pino';
import { REDACT_PATHS, httpLogSerializers, redactUrl, requestLogging } from '../../../api/logging.js';

describe('server logging', () => {
  const req = { id: 'r1', method: 'GET', url: '/v2/ws?token=abc&x=1', headers: { 'x-auth-token': 'abc' } };

  it('logs no request headers by default', () => {
    const line = httpLogSerializers(false).req(req);
    expect(line).to.deep.equal({ id: 'r1', method: 'GET', url: '/v2/ws?token=***&x=1' });
  });

  it('masks credentials in logged URLs: query tokens and passwords', () => {
    expect(redactUrl('/v2/executions?access_token=s3cret')).to.equal('/v2/executions?access_token=***');
    expect(redactUrl('connect to amqp://user:pw@broker:5672 failed')).to.equal(
      'connect to amqp://user:***@broker:5672 failed',
    );
  });

  it('writes one line per request, with its id, and redacts what the request logger logs', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    });
    const logger = pino({ level: 'info', redact: { paths: [...REDACT_PATHS], censor: '***' } }, sink);
    const app = express();
    app.use(requestLogging(logger, true));
    app.get('/ok', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/boom', (rq, res) => {
      rq.log?.error({ password: 'p' }, 'request failed');
      res.status(500).json({});
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/ok?token=secret`, {
        headers: { 'x-request-id': 'abc', 'x-auth-token': 't' },
      });
      expect(ok.headers.get('x-request-id')).to.equal('abc');
      const boom = await fetch(`${base}/boom`);
      expect(boom.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      await ok.text();
      await boom.text();
      // The line is written when the response finishes, which the client may see first.
      for (let i = 0; i < 200 && !lines.some((l) => l.msg === 'request errored'); i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      server.close();
    }
    const done = lines.filter((l) => l.msg === 'request completed');
    expect(done).to.have.length(1);
    const okReq = done[0]?.req as Record<string, unknown>;
    expect(okReq).to.include({ id: 'abc', method: 'GET', url: '/ok?token=***' });
    expect((okReq.headers as Record<string, unknown>)['x-auth-token']).to.equal('***');
    expect(done[0]?.res).to.have.property('statusCode', 200);
    expect(done[0]).to.have.property('responseTime').that.is.a('number');
    const failed = lines.find((l) => l.msg === 'request failed');
    expect(failed).to.include({ password: '***' });
    expect(failed?.req).to.include({ method: 'GET', url: '/boom' });
    const errored = lines.find((l) => l.msg === 'request errored');
    expect(errored?.res).to.have.property('statusCode', 500);
    expect(errored?.err).to.have.property('message', 'failed with status code 500');
  });
});
