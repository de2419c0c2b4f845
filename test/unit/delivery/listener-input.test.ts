/** Listener bodies from the wire: defaults, the exact record, and a 400 naming each bad field. */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { InvalidInputError } from '../../../common/index.js';
import { parseListenerInput, parseListenerPatch } from '../../../delivery/index.js';
import { DEFAULT_RETRY } from '../../../model/index.js';

const secret = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

/** The field named by the InvalidInputError that `fn` throws. */
function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidInputError);
    return (err as InvalidInputError).field;
  }
  expect.fail('no error thrown');
}

const minimal = { name: 'ops', transport: { type: 'http', url: 'https://hooks.example.com/in' } };
const bad = (extra: Record<string, unknown>) => fieldOf(() => parseListenerInput({ ...minimal, ...extra }));

describe('parseListenerInput', () => {
  it('reads a full body into the exact NewListener', () => {
    const s = secret(32);
    expect(
      parseListenerInput({
        name: 'ops alerts',
        scope: { workbook: 'orders', workflow: 'orders.process', execution_id: 'ex-1', task_name: 'charge' },
        events: ['TASK', 'WORKFLOW_FAILED', 'TASK'],
        filter: "$.state = 'ERROR'",
        transport: {
          type: 'http',
          url: 'https://hooks.example.com/in',
          method: 'put',
          headers: { 'X-Team': 'ops' },
          timeout_ms: 2500,
        },
        format: 'template',
        payload: { text: '<% $.event %> of <% $.entity_id %>', n: [1, '{{ _.state }}'] },
        retry: [1, 2.5, 0],
        status: { enabled: true, timeout_s: 60 },
        secret: s,
        enabled: false,
      }),
    ).to.deep.equal({
      name: 'ops alerts',
      origin: 'api',
      owner: null,
      scope: { workbook: 'orders', workflow: 'orders.process', executionId: 'ex-1', taskName: 'charge' },
      events: ['TASK', 'WORKFLOW_FAILED'],
      filter: "$.state = 'ERROR'",
      transport: {
        type: 'http',
        url: 'https://hooks.example.com/in',
        method: 'PUT',
        headers: { 'X-Team': 'ops' },
        timeoutMs: 2500,
      },
      format: 'template',
      payload: { text: '<% $.event %> of <% $.entity_id %>', n: [1, '{{ _.state }}'] },
      retry: [1, 2.5, 0],
      status: { enabled: true, timeoutS: 60 },
      secret: s,
      enabled: false,
    });
  });

  it('fills in the defaults', () => {
    expect(parseListenerInput(minimal)).to.deep.equal({
      name: 'ops',
      origin: 'api',
      owner: null,
      scope: {},
      events: [],
      filter: null,
      transport: {
        type: 'http',
        url: 'https://hooks.example.com/in',
        method: 'POST',
        headers: {},
        timeoutMs: 10000,
      },
      format: 'mistral',
      payload: null,
      retry: [5, 300, 1800, 7200, 18000, 36000, 36000],
      status: null,
      enabled: true,
    });
    expect(parseListenerInput(minimal).retry).to.not.equal(DEFAULT_RETRY);
  });

  it('reads an amqp transport with its defaults', () => {
    expect(parseListenerInput({ name: 'q', transport: { type: 'amqp' } }).transport).to.deep.equal({
      type: 'amqp',
      url: null,
      exchange: 'tram.events',
      routingKey: null,
    });
    expect(
      parseListenerInput({
        name: 'q',
        transport: { type: 'amqp', url: 'amqps://u:p@mq:5671/vh', exchange: 'x', routing_key: 'k.#' },
      }).transport,
    ).to.deep.equal({ type: 'amqp', url: 'amqps://u:p@mq:5671/vh', exchange: 'x', routingKey: 'k.#' });
  });

  it('takes a top-level url as an http transport (the Mistral listener shorthand)', () => {
    expect(parseListenerInput({ name: 'm', url: 'http://127.0.0.1:9000/x' }).transport).to.deep.equal({
      type: 'http',
      url: 'http://127.0.0.1:9000/x',
      method: 'POST',
      headers: {},
      timeoutMs: 10000,
    });
    expect(fieldOf(() => parseListenerInput({ ...minimal, url: 'http://a.example/' }))).to.equal('url');
    expect(fieldOf(() => parseListenerInput({ name: 'm', url: 'ftp://a.example/' }))).to.equal('url');
  });

  it('accepts filters with or without delimiters, and status without a timeout', () => {
    expect(parseListenerInput({ ...minimal, filter: "<% $.event = 'TASK_FAILED' %>" }).filter).to.equal(
      "<% $.event = 'TASK_FAILED' %>",
    );
    expect(parseListenerInput({ ...minimal, filter: '' }).filter).to.equal(null);
    expect(parseListenerInput({ ...minimal, status: { enabled: false } }).status).to.deep.equal({
      enabled: false,
      timeoutS: 3600,
    });
  });

  it('ignores resource fields a client echoes back', () => {
    const l = parseListenerInput({ ...minimal, id: 'x', origin: 'workbook', health: {}, created_at: 'now' });
    expect(l.origin).to.equal('api');
    expect(l).to.not.have.property('id');
  });

  it('names the field of each mistake', () => {
    expect(fieldOf(() => parseListenerInput('nope'))).to.equal('body');
    expect(fieldOf(() => parseListenerInput([]))).to.equal('body');
    expect(fieldOf(() => parseListenerInput({ transport: minimal.transport }))).to.equal('name');
    expect(bad({ name: '' })).to.equal('name');
    expect(bad({ name: 'x'.repeat(201) })).to.equal('name');
    expect(bad({ nme: 'typo' })).to.equal('nme');
    expect(fieldOf(() => parseListenerInput({ name: 'x' }))).to.equal('transport');
    expect(bad({ transport: 'http://x' })).to.equal('transport');
    expect(bad({ transport: { type: 'smtp' } })).to.equal('transport.type');
    expect(bad({ transport: { type: 'http' } })).to.equal('transport.url');
    expect(bad({ transport: { type: 'http', url: 'not a url' } })).to.equal('transport.url');
    expect(bad({ transport: { type: 'http', url: 'file:///etc/passwd' } })).to.equal('transport.url');
    expect(bad({ transport: { ...minimal.transport, method: 'GET' } })).to.equal('transport.method');
    expect(bad({ transport: { ...minimal.transport, headers: { A: 1 } } })).to.equal('transport.headers.A');
    expect(bad({ transport: { ...minimal.transport, headers: { 'B a d': 'x' } } })).to.equal(
      'transport.headers.B a d',
    );
    expect(bad({ transport: { ...minimal.transport, headers: { A: 'x\r\ny' } } })).to.equal(
      'transport.headers.A',
    );
    expect(bad({ transport: { ...minimal.transport, timeout_ms: 99 } })).to.equal('transport.timeout_ms');
    expect(bad({ transport: { ...minimal.transport, timeout_ms: 60001 } })).to.equal('transport.timeout_ms');
    expect(bad({ transport: { ...minimal.transport, timeout_ms: 1.5 } })).to.equal('transport.timeout_ms');
    expect(bad({ transport: { ...minimal.transport, exchange: 'x' } })).to.equal('transport.exchange');
    expect(bad({ transport: { type: 'amqp', url: 'http://mq' } })).to.equal('transport.url');
    expect(bad({ transport: { type: 'amqp', exchange: '' } })).to.equal('transport.exchange');
    expect(bad({ transport: { type: 'amqp', routing_key: 5 } })).to.equal('transport.routing_key');
    expect(bad({ scope: 'orders' })).to.equal('scope');
    expect(bad({ scope: { workbook: 3 } })).to.equal('scope.workbook');
    expect(bad({ scope: { project: 'x' } })).to.equal('scope.project');
    expect(bad({ events: 'TASK' })).to.equal('events');
    expect(bad({ events: ['TASK', 'TASK_EXPLODED'] })).to.equal('events[1]');
    expect(bad({ filter: 42 })).to.equal('filter');
    expect(bad({ filter: '$.state = = 1' })).to.equal('filter');
    expect(bad({ filter: '<% $.a + %>' })).to.equal('filter');
    expect(bad({ format: 'xml' })).to.equal('format');
    expect(bad({ format: 'template' })).to.equal('payload');
    expect(bad({ format: 'template', payload: { a: ['<% $.x + %>'] } })).to.equal('payload.a[0]');
    expect(bad({ retry: 5 })).to.equal('retry');
    expect(bad({ retry: [-1] })).to.equal('retry[0]');
    expect(bad({ retry: [1, '2'] })).to.equal('retry[1]');
    expect(bad({ retry: Array.from({ length: 21 }, () => 1) })).to.equal('retry');
    expect(bad({ status: true })).to.equal('status');
    expect(bad({ status: {} })).to.equal('status.enabled');
    expect(bad({ status: { enabled: 'yes' } })).to.equal('status.enabled');
    expect(bad({ status: { enabled: true, timeout_s: 0 } })).to.equal('status.timeout_s');
    expect(bad({ status: { enabled: true, timeout_s: 604801 } })).to.equal('status.timeout_s');
    expect(bad({ secret: 'abc' })).to.equal('secret');
    expect(bad({ secret: secret(16) })).to.equal('secret');
    expect(bad({ secret: secret(65) })).to.equal('secret');
    expect(bad({ secret: 'whsec_!!!!' })).to.equal('secret');
    expect(parseListenerInput({ ...minimal, secret: secret(24) }).secret).to.match(/^whsec_/);
    expect(parseListenerInput({ ...minimal, secret: secret(64) }).secret).to.match(/^whsec_/);
    expect(bad({ enabled: 'true' })).to.equal('enabled');
  });

  it('prefixes field names', () => {
    expect(
      fieldOf(() => parseListenerInput({ ...minimal, retry: [1, -2] }, { fieldPrefix: 'listeners.ops' })),
    ).to.equal('listeners.ops.retry[1]');
    expect(fieldOf(() => parseListenerInput({ name: 'x', url: 1 }, { fieldPrefix: 'l[0].' }))).to.equal(
      'l[0].url',
    );
    expect(fieldOf(() => parseListenerInput(null, { fieldPrefix: 'params.notify[2]' }))).to.equal(
      'params.notify[2]',
    );
  });
});

describe('parseListenerPatch', () => {
  it('keeps only the fields given, nested ones whole with their defaults', () => {
    expect(parseListenerPatch({})).to.deep.equal({});
    expect(
      parseListenerPatch({
        name: 'renamed',
        enabled: false,
        filter: null,
        transport: { type: 'amqp', exchange: 'x' },
        status: null,
        retry: [],
      }),
    ).to.deep.equal({
      name: 'renamed',
      enabled: false,
      filter: null,
      transport: { type: 'amqp', url: null, exchange: 'x', routingKey: null },
      status: null,
      retry: [],
    });
    expect(parseListenerPatch({ url: 'https://b.example/' }).transport).to.deep.include({
      type: 'http',
      url: 'https://b.example/',
    });
    expect(parseListenerPatch({ events: null, scope: null })).to.deep.equal({ events: [], scope: {} });
  });

  it('names the field of each mistake', () => {
    expect(fieldOf(() => parseListenerPatch({ secret: secret(32) }))).to.equal('secret');
    expect(fieldOf(() => parseListenerPatch({ transport: null }))).to.equal('transport');
    expect(fieldOf(() => parseListenerPatch({ name: '' }))).to.equal('name');
    expect(fieldOf(() => parseListenerPatch({ enabled: null }))).to.equal('enabled');
    expect(fieldOf(() => parseListenerPatch({ events: ['NOPE'] }))).to.equal('events[0]');
    expect(fieldOf(() => parseListenerPatch({ format: 'template', payload: null }))).to.equal('payload');
    expect(fieldOf(() => parseListenerPatch({ retry: [1, 2, 'x'] }))).to.equal('retry[2]');
    expect(fieldOf(() => parseListenerPatch({ status: { enabled: true, timeout_s: -1 } }))).to.equal(
      'status.timeout_s',
    );
    expect(fieldOf(() => parseListenerPatch({ bogus: 1 }))).to.equal('bogus');
  });
});
