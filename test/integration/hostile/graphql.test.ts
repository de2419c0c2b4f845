/**
 * Hostile GraphQL requests against a real server: selections nested 100,000 and 3,000 deep (which overflowed
 * the recursive parser), a query deeper than the limit, fragment cycles and a query with thousands of aliased
 * fields each get a 400 with an `extensions.code`, and the server keeps answering.
 */
import { expect } from 'chai';
import { call, startTestServer, type TestServer } from '../api-helpers.js';

type Json = Record<string, unknown>;

describe('hostile GraphQL requests (real server)', function () {
  this.timeout(30_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  const nested = (n: number) => `{${'status(id: "x") {'.repeat(n)} id ${'}'.repeat(n)}}`;
  const cases: Array<[string, string, string]> = [
    [
      'a selection nested 100,000 deep',
      `{${'a{'.repeat(100_000)}a${'}'.repeat(100_000)}}`,
      'nests deeper than 64',
    ],
    ['a selection nested 3,000 deep', nested(3000), 'nests deeper than 64'],
    ['a selection deeper than 10 levels', nested(12), 'deeper than 10 levels'],
    [
      'a fragment cycle',
      'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
      'more than 500 selections',
    ],
    [
      'thousands of aliased fields',
      `{ ${Array.from({ length: 3000 }, (_, i) => `a${i}: status(id: "x") { id }`).join(' ')} }`,
      '',
    ],
  ];
  for (const [what, query, message] of cases) {
    it(`answers 400 to ${what}`, async () => {
      const res = await call<{ errors: Json[] }>('POST', `${t.url}/graphql`, { query });
      expect(res.status).to.equal(400);
      const first = res.body.errors[0]!;
      expect((first.extensions as Json).code).to.match(/^GRAPHQL_(PARSE|VALIDATION)_FAILED$/);
      expect(String(first.message)).to.include(message);
    });
  }

  it('still answers an ordinary query', async () => {
    const res = await call<Json>('POST', `${t.url}/graphql`, { query: '{ status(id: "nope") { id } }' });
    expect(res.status).to.equal(200);
  });
});
