import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { createDefaultRegistry } from '../../../actions/index.js';
import type { ActionContext, ActionOutcome, ActionRegistry, HttpResult } from '../../../actions/index.js';
import { expectFailure, expectOk, makeCtx, startServer, unusedPort } from './helpers.js';
import type { Handler, TestServer } from './helpers.js';

/** Like the conformance harness's echo server: any path answers with what it received; `/status/NNN` too. */
const handler: Handler = (req, res, body) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  const echo = () => {
    let parsed: unknown = body.toString('utf8');
    try {
      parsed = JSON.parse(parsed as string);
    } catch {
      // keep the text
    }
    return JSON.stringify({
      method: req.method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: parsed,
    });
  };
  if (path === '/slow') return; // never answers: the client's deadline must end it
  if (path === '/late') {
    setTimeout(() => res.end('late'), 100);
    return;
  }
  if (path === '/slow-body') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('partial');
    return; // the body never ends
  }
  if (path === '/redirect') {
    res.writeHead(302, { Location: '/landed' });
    return res.end();
  }
  if (path === '/temporary-redirect') {
    res.writeHead(307, { Location: '/landed' });
    return res.end();
  }
  if (path === '/text') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Custom-Case': 'yes' });
    return res.end('héllo');
  }
  if (path === '/latin1') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=iso-8859-1' });
    return res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  }
  if (path === '/cookies') {
    res.setHeader('Set-Cookie', ['session=abc; Path=/; HttpOnly', 'theme=dark']);
    return res.end('ok');
  }
  if (path === '/gzip') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    return res.end(gzipSync(JSON.stringify({ zipped: true })));
  }
  if (path === '/big') {
    const bytes = Number(url.searchParams.get('bytes'));
    // Chunked (no Content-Length) unless asked: the cap must hold while streaming too.
    const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream' };
    if (url.searchParams.has('declared')) headers['Content-Length'] = bytes;
    res.writeHead(200, headers);
    return res.end(Buffer.alloc(bytes, 0x61));
  }
  const status = /^\/status\/(\d{3})$/.exec(path);
  res.writeHead(status ? Number(status[1]) : 200, { 'Content-Type': 'application/json' });
  res.end(echo());
};

describe('std.http against a local server', () => {
  let server: TestServer;
  let registry: ActionRegistry;

  before(async () => {
    server = await startServer(handler);
    registry = createDefaultRegistry({ http: { maxResponseBytes: 1024 } });
  });
  after(async () => {
    await registry.close();
    await server.close();
  });

  async function http(input: Record<string, unknown>, ctx: ActionContext = makeCtx(), name = 'std.http') {
    return registry.require(name).run(registry.prepareInput(name, input), ctx);
  }

  type Echo = {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: unknown;
  };

  it('GETs with query params and returns {content, status, headers, encoding}', async () => {
    const result = expectOk(
      await http({ url: `${server.url}/things/42`, params: { q: 'search' } }),
    ) as HttpResult;
    expect(result.status).to.equal(200);
    expect(result.content).to.deep.include({ method: 'GET', path: '/things/42', query: { q: 'search' } });
    expect(result.headers['Content-Type']).to.equal('application/json');
    expect(result.encoding).to.equal(null);
    expect(result.url).to.equal(`${server.url}/things/42?q=search`);
    expect(result.reason).to.equal('OK');
    expect(result.elapsed).to.be.a('number');
  });

  it('POSTs json with custom headers', async () => {
    const result = expectOk(
      await http({
        url: `${server.url}/things`,
        method: 'POST',
        json: { name: 'widget', qty: 3 },
        headers: { 'X-Trace': 'abc' },
      }),
    ) as HttpResult;
    const echo = result.content as Echo;
    expect(echo.method).to.equal('POST');
    expect(echo.body).to.deep.equal({ name: 'widget', qty: 3 });
    expect(echo.headers['x-trace']).to.equal('abc');
    expect(echo.headers['content-type']).to.equal('application/json');
    expect(echo.headers['user-agent']).to.equal('tramontane');
  });

  it('sends a string body as it is, and cookies as a Cookie header', async () => {
    const result = expectOk(
      await http({ url: `${server.url}/form`, method: 'PUT', body: 'a=1', cookies: { sid: 'x' } }),
    ) as HttpResult;
    const echo = result.content as Echo;
    expect(echo.body).to.equal('a=1');
    expect(echo.headers.cookie).to.equal('sid=x');
  });

  it('fails a 404 with the response as the error (conformance case 033)', async () => {
    const error = expectFailure(await http({ url: `${server.url}/status/404` })) as HttpResult;
    expect(error.status).to.equal(404);
    expect((error.content as Echo).path).to.equal('/status/404');
  });

  it('sends basic auth from "user:password"', async () => {
    const result = expectOk(await http({ url: `${server.url}/auth`, auth: 'ada:s3cret' })) as HttpResult;
    const expected = `Basic ${Buffer.from('ada:s3cret').toString('base64')}`;
    expect((result.content as Echo).headers.authorization).to.equal(expected);
  });

  it('does not follow redirects by default: a 302 is a result, as in Mistral', async () => {
    const result = expectOk(await http({ url: `${server.url}/redirect` })) as HttpResult;
    expect(result.status).to.equal(302);
    expect(result.headers.Location).to.equal('/landed');
    // 307 is outside Mistral's success range (200-306).
    expect(
      (expectFailure(await http({ url: `${server.url}/temporary-redirect` })) as HttpResult).status,
    ).to.equal(307);
  });

  it('follows redirects when allow_redirects is true', async () => {
    const result = expectOk(
      await http({ url: `${server.url}/redirect`, allow_redirects: true }),
    ) as HttpResult;
    expect(result.status).to.equal(200);
    expect((result.content as Echo).path).to.equal('/landed');
    expect(result.url).to.equal(`${server.url}/landed`);
  });

  it('returns text content with its declared encoding and the server header spelling', async () => {
    const result = expectOk(await http({ url: `${server.url}/text` })) as HttpResult;
    expect(result.content).to.equal('héllo');
    expect(result.encoding).to.equal('utf-8');
    expect(result.headers['X-Custom-Case']).to.equal('yes');
    const latin = expectOk(await http({ url: `${server.url}/latin1` })) as HttpResult;
    expect(latin.content).to.equal('café');
  });

  it('collects cookies and decompresses gzip', async () => {
    const cookies = expectOk(await http({ url: `${server.url}/cookies` })) as HttpResult;
    expect(cookies.cookies).to.deep.equal({ session: 'abc', theme: 'dark' });
    expect(cookies.content).to.equal('ok');
    const zipped = expectOk(await http({ url: `${server.url}/gzip` })) as HttpResult;
    expect(zipped.content).to.deep.equal({ zipped: true });
  });

  it('fails with a clear message when the server does not answer in time', async () => {
    const started = Date.now();
    expect(expectFailure(await http({ url: `${server.url}/slow`, timeout: 0.2 }))).to.equal(
      'HTTP request timed out after 0.2 s',
    );
    expect(Date.now() - started).to.be.below(2000);
  });

  it("waits for an answer under a timeout beyond Node's longest timer, instead of timing out at once", async () => {
    // 1e10 s is past 2^31 - 1 ms: handed to setTimeout as it is, the deadline fired after 1 ms.
    expect(expectOk(await http({ url: `${server.url}/late`, timeout: 1e10 }))).to.include({
      content: 'late',
    });
  });

  it('applies the deadline to the body too', async () => {
    expect(expectFailure(await http({ url: `${server.url}/slow-body`, timeout: 0.2 }))).to.match(/timed out/);
  });

  it('fails when the connection is refused', async () => {
    const port = await unusedPort();
    expect(expectFailure(await http({ url: `http://127.0.0.1:${port}/` }))).to.match(
      /^Failed to send HTTP request: .*ECONNREFUSED/,
    );
  });

  it('fails a response larger than the cap, declared or streamed', async () => {
    expect(expectOk(await http({ url: `${server.url}/big?bytes=1024` }))).to.have.property(
      'content',
      'a'.repeat(1024),
    );
    expect(expectFailure(await http({ url: `${server.url}/big?bytes=1025` }))).to.match(/exceeds 1024 bytes/);
    expect(expectFailure(await http({ url: `${server.url}/big?bytes=5000&declared` }))).to.match(
      /exceeds 1024 bytes/,
    );
  });

  it('ends early with a failure when the signal aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const out = await http({ url: `${server.url}/slow`, timeout: 30 }, makeCtx({ signal: ac.signal }));
    expect(expectFailure(out)).to.equal('HTTP request cancelled');
  });

  it('refuses bad parameters as a failure, before any request', async () => {
    const before = server.requests.length;
    expect(expectFailure(await http({ url: `${server.url}/x`, json: { a: 1 }, body: 'b' }))).to.match(
      /Only one/,
    );
    expect(server.requests.length).to.equal(before);
  });

  it('reuses kept-alive connections', async () => {
    await http({ url: `${server.url}/a` });
    await http({ url: `${server.url}/b` });
    const [first, second] = server.requests.slice(-2);
    expect(first!.headers.connection).to.equal('keep-alive');
    expect(second!.port).to.equal(first!.port);
  });

  describe('std.mistral_http', () => {
    it('sends the Mistral headers and goes asynchronous once the request succeeded', async () => {
      const ctx = makeCtx({ callbackUrl: 'http://engine.test/v2/action_executions/action-exec-1' });
      const out: ActionOutcome = await http(
        { url: `${server.url}/hook`, headers: { 'X-Own': '1' } },
        ctx,
        'std.mistral_http',
      );
      expect(out).to.deep.equal({ async: true });
      const headers = server.requests.at(-1)!.headers;
      expect(headers).to.include({
        'mistral-workflow-name': 'wb.wf',
        'mistral-workflow-execution-id': 'wf-exec-1',
        'mistral-task-id': 'task-exec-1',
        'mistral-action-execution-id': 'action-exec-1',
        'mistral-callback-url': 'http://engine.test/v2/action_executions/action-exec-1',
        'x-own': '1',
      });
    });

    it('fails at once when the request fails', async () => {
      const error = expectFailure(
        await http({ url: `${server.url}/status/500` }, makeCtx(), 'std.mistral_http'),
      );
      expect((error as HttpResult).status).to.equal(500);
    });

    it('omits the callback header when the context has none', async () => {
      await http({ url: `${server.url}/hook` }, makeCtx(), 'std.mistral_http');
      expect(server.requests.at(-1)!.headers).to.not.have.property('mistral-callback-url');
    });
  });
});
