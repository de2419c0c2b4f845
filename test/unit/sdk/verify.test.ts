/**
 * The SDK's verifier against the server's signer (transports/signing.ts): what one signs, the other accepts; a
 * changed byte, a wrong secret or a timestamp outside the window is refused with its code.
 */
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { Dedupe, verifyWebhook, WebhookVerificationError } from '../../../sdk/src/index.js';
import { newSecret, signHeaders } from '../../../transports/index.js';

const NOW = 1_800_000_000_000;
const nowSec = NOW / 1000;

function refused(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).to.be.instanceOf(WebhookVerificationError);
    return (err as WebhookVerificationError).code;
  }
  throw new Error('accepted');
}

describe('sdk: verifyWebhook', () => {
  const secret = newSecret();
  const body = JSON.stringify({ event: 'TASK_FAILED', id: 't1' });
  const headers = signHeaders(secret, 'del-1', nowSec, body);

  it('accepts what the server signs, both signatures, and parses the body', () => {
    const v = verifyWebhook(headers, body, secret, { now: NOW });
    expect(v).to.deep.equal({ id: 'del-1', timestamp: nowSec, payload: { event: 'TASK_FAILED', id: 't1' } });
    // The standardwebhooks package agrees (it checks against the real clock).
    const live = signHeaders(secret, 'del-2', Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, live)).to.deep.equal(JSON.parse(body));
  });

  it('accepts the GitHub-style signature alone, and a Headers object', () => {
    const only = { 'X-Tram-Signature-256': headers['x-tram-signature-256'] };
    expect(verifyWebhook(only, Buffer.from(body), secret).payload).to.deep.equal(JSON.parse(body));
    expect(verifyWebhook(new Headers(headers), body, secret, { now: NOW }).id).to.equal('del-1');
  });

  it('accepts one good signature among several (key rotation)', () => {
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    expect(verifyWebhook(rotated, body, secret, { now: NOW }).id).to.equal('del-1');
  });

  it('refuses a changed body, a wrong secret, a missing signature', () => {
    expect(refused(() => verifyWebhook(headers, body.replace('t1', 't2'), secret, { now: NOW }))).to.equal(
      'badSignature',
    );
    expect(refused(() => verifyWebhook(headers, body, newSecret(), { now: NOW }))).to.equal('badSignature');
    expect(refused(() => verifyWebhook({}, body, secret))).to.equal('missingSignature');
    expect(refused(() => verifyWebhook(headers, body, 'not base64!'))).to.equal('badSecret');
  });

  it('refuses a timestamp outside the window, either way (replays)', () => {
    const old = signHeaders(secret, 'del-1', nowSec - 301, body);
    expect(refused(() => verifyWebhook(old, body, secret, { now: NOW }))).to.equal('timestampTooOld');
    const ahead = signHeaders(secret, 'del-1', nowSec + 301, body);
    expect(refused(() => verifyWebhook(ahead, body, secret, { now: NOW }))).to.equal('timestampTooNew');
    expect(verifyWebhook(old, body, secret, { now: NOW, toleranceSec: 600 }).id).to.equal('del-1');
  });
});

describe('sdk: Dedupe', () => {
  it('remembers ids for the window, then forgets them, and keeps at most maxSize', () => {
    let now = 0;
    const d = new Dedupe({ windowMs: 1000, maxSize: 2, now: () => now });
    d.add('a');
    expect(d.has('a')).to.equal(true);
    now = 1000;
    expect(d.has('a')).to.equal(false);
    d.add('b');
    d.add('c');
    d.add('d');
    expect([d.has('b'), d.has('c'), d.has('d')]).to.deep.equal([false, true, true]);
  });
});
