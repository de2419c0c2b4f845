import { expect } from 'chai';
import { planHttpRequest } from '../../../actions/std/http-request.js';
import type { HttpInput, HttpRequestPlan } from '../../../actions/std/http-request.js';

const BASE: HttpInput = {
  url: 'http://example.test/x',
  method: 'GET',
  params: null,
  body: null,
  json: null,
  headers: null,
  cookies: null,
  auth: null,
  timeout: null,
  allow_redirects: null,
  proxies: null,
  verify: null,
};

function plan(overrides: Partial<HttpInput>): HttpRequestPlan {
  const result = planHttpRequest({ ...BASE, ...overrides }, 60);
  if (!result.ok) throw new Error(`expected a plan, got: ${result.error}`);
  return result.plan;
}

function problem(overrides: Partial<HttpInput>): string {
  const result = planHttpRequest({ ...BASE, ...overrides }, 60);
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

describe('std.http parameters (planHttpRequest)', () => {
  it("uses Mistral's defaults: GET, 60 s, no redirects, TLS verified", () => {
    expect(plan({})).to.deep.equal({
      url: 'http://example.test/x',
      method: 'GET',
      headers: {},
      timeoutMs: 60_000,
      followRedirects: false,
      verify: true,
    });
  });

  it('encodes params like requests: lists repeat the key, null drops it', () => {
    const url = plan({ url: 'http://h.test/p?a=1', params: { q: 'a b', n: 2, l: [1, 2], skip: null } }).url;
    expect(url).to.equal('http://h.test/p?a=1&q=a+b&n=2&l=1&l=2');
    expect(plan({ params: '?x=1&y=2' }).url).to.equal('http://example.test/x?x=1&y=2');
  });

  it('upper-cases the method and refuses a malformed one', () => {
    expect(plan({ method: 'post' }).method).to.equal('POST');
    expect(problem({ method: 'GE T' })).to.match(/Invalid HTTP method/);
  });

  it('sends json with a JSON content type, and refuses json together with body', () => {
    const p = plan({ json: { a: 1 } });
    expect(p.body?.toString()).to.equal('{"a":1}');
    expect(p.headers).to.deep.equal({ 'Content-Type': 'application/json' });
    expect(problem({ json: { a: 1 }, body: 'x' })).to.equal(
      "Only one of the parameters 'json' and 'body' can be passed",
    );
  });

  it('serialises a mapping body to JSON but sends a string body as it is', () => {
    expect(plan({ body: { a: 1 } }).body?.toString()).to.equal('{"a":1}');
    const text = plan({ body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.body?.toString()).to.equal('a=1&b=2');
    expect(text.headers).to.deep.equal({ 'content-type': 'application/x-www-form-urlencoded' });
  });

  it('keeps an explicit content type for json', () => {
    expect(plan({ json: [1], headers: { 'content-type': 'application/vnd.x+json' } }).headers).to.deep.equal({
      'content-type': 'application/vnd.x+json',
    });
  });

  it('stringifies header numbers, drops null headers and refuses line breaks', () => {
    expect(plan({ headers: { 'X-N': 5, 'X-Null': null } }).headers).to.deep.equal({ 'X-N': '5' });
    expect(problem({ headers: { 'X-Bad': 'a\r\nInjected: 1' } })).to.match(/line breaks/);
    expect(problem({ headers: ['nope'] })).to.match(/headers must be a mapping/);
  });

  it('adds cookies to the Cookie header', () => {
    expect(plan({ cookies: { a: '1', b: 2 } }).headers).to.deep.equal({ Cookie: 'a=1; b=2' });
    expect(plan({ cookies: { b: '2' }, headers: { cookie: 'a=1' } }).headers).to.deep.equal({
      Cookie: 'a=1; b=2',
    });
  });

  it('accepts auth as "user:password", a mapping or a pair', () => {
    const expected = { username: 'ada', password: 'p:w' };
    expect(plan({ auth: 'ada:p:w' }).auth).to.deep.equal(expected);
    expect(plan({ auth: { username: 'ada', password: 'p:w' } }).auth).to.deep.equal(expected);
    expect(plan({ auth: ['ada', 'p:w'] }).auth).to.deep.equal(expected);
    expect(problem({ auth: 'no-colon' })).to.match(/auth must be/);
  });

  it('reads timeout in seconds, floats and [connect, read] pairs included', () => {
    expect(plan({ timeout: 0.25 }).timeoutMs).to.equal(250);
    expect(plan({ timeout: '2' }).timeoutMs).to.equal(2000);
    expect(plan({ timeout: [1, 2] }).timeoutMs).to.equal(3000);
    expect(problem({ timeout: -1 })).to.match(/timeout must be a positive number/);
  });

  it('follows redirects only when allow_redirects is true', () => {
    expect(plan({ allow_redirects: true }).followRedirects).to.equal(true);
    expect(plan({ allow_redirects: false }).followRedirects).to.equal(false);
  });

  it('picks the proxy for the URL scheme', () => {
    const proxies = { http: 'http://u:p%40ss@proxy.test:3128', https: 'http://other.test:8080' };
    expect(plan({ proxies }).proxy).to.deep.equal({
      protocol: 'http',
      host: 'proxy.test',
      port: 3128,
      auth: { username: 'u', password: 'p@ss' },
    });
    expect(plan({ url: 'https://h.test', proxies }).proxy?.host).to.equal('other.test');
    expect(plan({ proxies: { https: 'http://other.test:8080' } }).proxy).to.equal(undefined);
  });

  it('takes verify as a boolean or a CA bundle path', () => {
    expect(plan({ verify: false }).verify).to.equal(false);
    expect(plan({ verify: '/etc/ca.pem' }).verify).to.equal('/etc/ca.pem');
    expect(problem({ verify: 3 })).to.match(/verify must be/);
  });

  it('refuses a missing, malformed or non-HTTP URL', () => {
    expect(problem({ url: null })).to.match(/url must be a non-empty string/);
    expect(problem({ url: 'not a url' })).to.match(/Invalid URL/);
    expect(problem({ url: 'file:///etc/passwd' })).to.match(/Unsupported URL scheme file:/);
  });
});
