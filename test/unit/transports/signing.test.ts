/** Webhook signatures: Standard Webhooks headers that the `standardwebhooks` package verifies, and the
 * GitHub-style `sha256=` signature (checked against GitHub's documented test vector). */
import crypto from 'node:crypto';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { InvalidInputError } from '../../../common/index.js';
import { hmacHex, newSecret, secretKey, signHeaders } from '../../../transports/index.js';

describe('transports/signing', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('makes whsec_ secrets of 32 random bytes', () => {
    const a = newSecret();
    const b = newSecret();
    expect(a).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(a).to.not.equal(b);
    expect(secretKey(a)).to.have.length(32);
  });

  it('signs what the standardwebhooks package verifies', () => {
    const secret = newSecret();
    const body = JSON.stringify({ event: 'TASK_SUCCEEDED', unicode: 'été ☃', n: 1 });
    const headers = signHeaders(secret, 'msg_2Kx9', now(), body);
    expect(headers['webhook-id']).to.equal('msg_2Kx9');
    expect(headers['webhook-signature']).to.match(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).to.deep.equal(JSON.parse(body));
    // the package's own signature is the same
    expect(
      new Webhook(secret).sign('msg_2Kx9', new Date(Number(headers['webhook-timestamp']) * 1000), body),
    ).to.equal(headers['webhook-signature']);
  });

  it('a changed body, id or timestamp does not verify', () => {
    const secret = newSecret();
    const body = '{"a":1}';
    const headers = signHeaders(secret, 'msg_1', now(), body);
    const wh = new Webhook(secret);
    expect(() => wh.verify('{"a": 1}', headers)).to.throw();
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'msg_2' })).to.throw();
    expect(() => wh.verify(body, { ...headers, 'webhook-timestamp': String(now() - 1) })).to.throw();
    expect(() => new Webhook(newSecret()).verify(body, headers)).to.throw();
  });

  it('signs Buffers the same as their UTF-8 strings', () => {
    const secret = newSecret();
    const ts = now();
    const body = '{"name":"naïve"}';
    expect(signHeaders(secret, 'm', ts, Buffer.from(body, 'utf8'))).to.deep.equal(
      signHeaders(secret, 'm', ts, body),
    );
  });

  it('GitHub test vector: hmacHex with raw key bytes', () => {
    expect(hmacHex(Buffer.from("It's a Secret to Everybody"), 'Hello, World!')).to.equal(
      '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('the GitHub-style header uses the decoded secret bytes as key, over the body alone', () => {
    const key = Buffer.from("It's a Secret to Everybody");
    const secret = 'whsec_' + key.toString('base64');
    const headers = signHeaders(secret, 'msg_1', now(), 'Hello, World!');
    expect(headers['x-tram-signature-256']).to.equal(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
    // what a receiver would compute
    const expected =
      'sha256=' + crypto.createHmac('sha256', secretKey(secret)).update('Hello, World!').digest('hex');
    expect(headers['x-tram-signature-256']).to.equal(expected);
  });

  it('refuses bad secrets, ids and timestamps', () => {
    expect(() => signHeaders('whsec_', 'm', now(), '')).to.throw(InvalidInputError);
    expect(() => signHeaders('whsec_not base64!', 'm', now(), '')).to.throw(InvalidInputError);
    expect(() => signHeaders(newSecret(), 'a.b', now(), '')).to.throw(/message id/);
    expect(() => signHeaders(newSecret(), 'm', 1.5, '')).to.throw(/timestamp/);
  });
});
