/**
 * A generated fuzz run against a real server: fast-check draws a route, a parameter (query, path or body
 * field) and a malformed value, 2,400 requests in all. Every answer must come within its deadline (no hang),
 * none may be a 5xx, every 400 must name the field at fault (`field`, or a definition's `issues` with
 * positions, or a GraphQL `errors` list), and the process must still answer at the end.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { call, startTestServer, type TestServer } from '../api-helpers.js';

type Json = Record<string, unknown>;

const WORKFLOWS = `
version: '2.0'
greet:
  input: [name]
  tasks:
    say:
      action: std.echo output=<% $.name %>
`;

/** Values that have broken parsers before: prototype names, huge and odd numbers, SQL, deep and odd JSON. */
const MALFORMED_TEXT = [
  '',
  ' ',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  'NaN',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  "'; DROP TABLE executions; --",
  '%00',
  '\u0000',
  '../../etc/passwd',
  '[',
  '{',
  '{"a":',
  'null',
  'true',
  '[]',
  '{}',
  'x'.repeat(5000),
  '💥'.repeat(50),
  '[[[[[[[[[[',
  'created_at:desc',
  'id,__proto__',
  '<% $.x %>',
  '{{ range.constructor("return process")() }}',
];

const malformedValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...MALFORMED_TEXT),
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, -1e308, [], {}, [null], { __proto__: null }),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.json({ maxDepth: 3 }).map((s) => JSON.parse(s) as unknown),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}') as unknown),
  fc.constant(JSON.parse('['.repeat(200) + ']'.repeat(200)) as unknown),
);

const LIST_ROUTES = [
  '/workbooks',
  '/workflows',
  '/actions',
  '/executions',
  '/tasks',
  '/action_executions',
  '/cron_triggers',
  '/environments',
  '/listeners',
  '/events',
  '/event_attempts',
  '/statuses',
  '/event_triggers',
];
const LIST_PARAMS = ['limit', 'marker', 'sort_keys', 'sort_dirs', 'fields', 'state', 'workflow_name', 'nope'];

const BODY_ROUTES: Array<[string, string, Json]> = [
  ['POST', '/executions', { workflow_name: 'greet', input: { name: 'a' }, params: {}, description: 'd' }],
  ['POST', '/environments', { name: 'env-f', variables: { a: 1 }, description: 'd', scope: 'private' }],
  [
    'POST',
    '/cron_triggers',
    { name: 'c-f', workflow_name: 'greet', pattern: '* * * * *', workflow_input: {} },
  ],
  ['POST', '/listeners', { name: 'l-f', url: 'http://127.0.0.1:9/', events: ['EXECUTION'], retry: [1] }],
  ['POST', '/action_executions', { name: 'std.noop', input: {}, params: {} }],
  ['POST', '/event_triggers', { name: 't-f', workflow_id: 'greet', exchange: 'x', topic: 't', event: 'e' }],
  ['PUT', '/executions/ID', { state: 'PAUSED', description: 'd', env: {} }],
  ['PUT', '/tasks/ID', { state: 'RUNNING', reset: true, env: {} }],
  ['PUT', '/statuses/ID', { status: 'completed', conclusion: 'success' }],
  ['POST', '/graphql', { query: '{ status(id: "x") { id } }', variables: {} }],
];

const TEXT_ROUTES = ['/workbooks', '/workflows', '/actions', '/workbooks/validate', '/workflows/validate'];

interface Shot {
  method: string;
  path: string;
  body?: unknown;
  text?: string;
}

const listShot = fc
  .tuple(fc.constantFrom(...LIST_ROUTES), fc.constantFrom(...LIST_PARAMS), fc.constantFrom(...MALFORMED_TEXT))
  .map(([route, param, value]): Shot => ({
    method: 'GET',
    path: `${route}?${param}=${encodeURIComponent(value)}`,
  }));

const pathShot = fc
  .tuple(
    fc.constantFrom('GET', 'DELETE', 'PUT'),
    fc.constantFrom(...LIST_ROUTES),
    fc.constantFrom(...MALFORMED_TEXT.filter((v) => v.trim() !== '' && !v.includes('/'))),
  )
  .map(([method, route, value]): Shot => ({
    method,
    path: `${route}/${encodeURIComponent(value)}`,
    ...(method === 'PUT' ? { body: {} } : {}),
  }));

const bodyShot = fc
  .tuple(fc.constantFrom(...BODY_ROUTES), fc.nat(), malformedValue, fc.boolean())
  .map(([[method, path, base], pick, value, whole]): Shot => {
    if (whole) return { method, path: path.replace('ID', 'nope'), body: value };
    const keys = [...Object.keys(base), 'unknown_field'];
    const key = keys[pick % keys.length]!;
    const body: Json = { ...base };
    Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
    return { method, path: path.replace('ID', 'nope'), body };
  });

const textShot = fc
  .tuple(
    fc.constantFrom(...TEXT_ROUTES),
    fc.constantFrom('POST', 'PUT'),
    fc.oneof(fc.constantFrom(...MALFORMED_TEXT), fc.string()),
  )
  .map(([path, method, text]): Shot => ({
    method: path.endsWith('validate') ? 'POST' : method,
    path,
    text: `version: '2.0'\n${text}`,
  }));

function namesTheField(status: number, body: unknown): boolean {
  if (status !== 400) return true;
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Json;
  // A field may be named '' (an unknown key '' in a body): it is still named.
  if (typeof b.field === 'string') return true;
  if (Array.isArray(b.issues) && b.issues.length > 0) return true;
  return Array.isArray(b.errors) && b.errors.length > 0;
}

describe('fuzz: route × parameter × malformed value (real server)', function () {
  this.timeout(600_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ egressAllowPrivate: false });
    expect((await call('POST', `${t.v2}/workflows`, WORKFLOWS)).status).to.equal(201);
  });
  after(() => t.close());

  it('answers 2,400 malformed requests without a 5xx, a hang or an unnamed field, and stays up', async () => {
    const problems: string[] = [];
    let sent = 0;
    const shot = fc.oneof(listShot, pathShot, bodyShot, textShot);
    await fc.assert(
      fc.asyncProperty(shot, async (s) => {
        sent++;
        const url = s.path === '/graphql' ? `${t.url}/graphql` : `${t.v2}${s.path}`;
        const headers: Record<string, string> = {};
        let payload: string | undefined;
        if (s.text !== undefined) {
          headers['content-type'] = 'text/plain';
          payload = s.text;
        } else if (s.body !== undefined) {
          headers['content-type'] = 'application/json';
          payload = JSON.stringify(s.body);
        }
        let res: Response;
        try {
          res = await fetch(url, {
            method: s.method,
            headers,
            body: payload,
            signal: AbortSignal.timeout(10_000),
          });
        } catch (err) {
          problems.push(`${s.method} ${s.path}: no answer (${String(err)})`);
          return;
        }
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: judged below
        }
        if (res.status >= 500) problems.push(`${s.method} ${s.path} ${payload ?? ''}: ${res.status} ${text}`);
        else if (!namesTheField(res.status, body))
          problems.push(`${s.method} ${s.path} ${payload ?? ''}: 400 without a field: ${text}`);
      }),
      { numRuns: 2400, seed: 12, endOnFailure: true },
    );
    expect(sent).to.be.at.least(2000);
    expect((await call('GET', `${t.v2}/workflows`)).status).to.equal(200);
    const unique = [...new Set(problems.map((p) => p.slice(0, 300)))];
    if (process.env.FUZZ_DUMP)
      (await import('node:fs')).writeFileSync(process.env.FUZZ_DUMP, unique.join('\n'));
    expect(unique, unique.slice(0, 20).join('\n')).to.deep.equal([]);
  });
});
