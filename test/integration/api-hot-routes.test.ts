/**
 * The hot routes (`api/hot-routes.ts`) answer `POST /v2/executions` and `GET /v2/executions/{id}` before Express:
 * every answer must be the one Express gives. Express still serves the same calls when they are spelled
 * differently (an upper-case path, a content type with no space before its charset), which these tests use as
 * the reference.
 */
import http from 'node:http';
import { expect } from 'chai';
import { call, startTestServer, type TestServer } from './api-helpers.js';

const WF = `version: '2.0'
hot_hello:
  input:
    - name: world
  tasks:
    t1:
      action: std.echo output="Hello, <% $.name %>"
`;
const EXPRESS_JSON = 'application/json;charset=utf-8';

describe('API: hot routes answer as Express does', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ authTokens: ['s3cret'] });
    const up = await fetch(`${srv.v2}/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-auth-token': 's3cret' },
      body: WF,
    });
    expect(up.status).to.equal(201);
  });
  after(async () => {
    await srv?.close();
  });

  const send = (method: string, path: string, body?: string, type = 'application/json', token = 's3cret') =>
    fetch(`${srv.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': type }), 'x-auth-token': token },
      body,
    });

  it('creates and reads an execution with the same status, body and headers', async () => {
    const body = JSON.stringify({ workflow_name: 'hot_hello', input: '{"name": "x"}' });
    const hot = await send('POST', '/v2/executions', body);
    const viaExpress = await send('POST', '/v2/executions', body, EXPRESS_JSON);
    expect(hot.status).to.equal(201);
    expect(viaExpress.status).to.equal(201);
    const a = (await hot.json()) as Record<string, unknown>;
    const b = (await viaExpress.json()) as Record<string, unknown>;
    expect(Object.keys(a)).to.deep.equal(Object.keys(b));
    expect(a.input).to.equal('{"name":"x"}');
    expect(hot.headers.get('content-type')).to.equal(viaExpress.headers.get('content-type'));
    expect(hot.headers.get('x-request-id')).to.be.a('string');

    const got = await send('GET', `/v2/executions/${String(a.id)}`);
    const ref = await send('GET', `/V2/EXECUTIONS/${String(a.id)}`);
    expect(got.status).to.equal(200);
    expect(await got.text()).to.equal(await ref.text());
    expect(got.headers.get('etag')).to.equal(ref.headers.get('etag')).and.to.match(/^W\//);
    expect(got.headers.get('content-type')).to.equal(ref.headers.get('content-type'));
    // A conditional GET is Express's (node:http: fetch would add Cache-Control: no-cache).
    const again = await new Promise<number>((resolve, reject) => {
      http
        .get(
          `${srv.v2}/executions/${String(a.id)}`,
          { headers: { 'x-auth-token': 's3cret', 'if-none-match': got.headers.get('etag') ?? '' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', reject);
    });
    expect(again).to.equal(304);
  });

  for (const [what, body] of [
    ['malformed JSON', '{"workflow_name": '],
    ['a body that is not an object', '[1, 2]'],
    ['a body nested too deep', '['.repeat(200) + ']'.repeat(200)],
    ['an unknown field', '{"workflow_name": "hot_hello", "colour": "red"}'],
    ['an unknown workflow', '{"workflow_name": "nope"}'],
  ]) {
    it(`refuses ${what} with Express's fault`, async () => {
      const hot = await send('POST', '/v2/executions', body);
      const ref = await send('POST', '/v2/executions', body, EXPRESS_JSON);
      expect(hot.status).to.be.within(400, 499);
      expect(hot.status).to.equal(ref.status);
      expect(await hot.json()).to.deep.equal(await ref.json());
    });
  }

  it('answers 404 for an unknown execution, and 401 without the token', async () => {
    const missing = await send('GET', '/v2/executions/no-such-execution');
    expect(missing.status).to.equal(404);
    expect(((await missing.json()) as { code: string }).code).to.equal('NOT_FOUND');
    const anonymous = await send(
      'POST',
      '/v2/executions',
      '{"workflow_name": "hot_hello"}',
      undefined,
      'wrong',
    );
    expect(anonymous.status).to.equal(401);
  });

  it('counts hot requests in the metrics under their route patterns', async () => {
    const res = await call('GET', `${srv.url}/metrics`);
    const text = String(res.body);
    expect(text).to.match(
      /tram_http_request_duration_seconds_count\{method="POST",route="\/v2\/executions",code="201"\} \d+/,
    );
    expect(text).to.match(
      /tram_http_request_duration_seconds_count\{method="GET",route="\/v2\/executions\/:id",code="200"\} \d+/,
    );
  });
});
