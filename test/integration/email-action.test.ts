/**
 * `std.email` delivers to a real SMTP server started by the test (the `smtp-server` package), read back with
 * `mailparser`: envelope, headers, text and HTML parts; with `smtp_password`, STARTTLS (certificate checked)
 * and a login as `from_addr`; Mistral's failure message; the egress policy.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { createDefaultRegistry, runAction, type ActionRegistry } from '../../actions/index.js';
import { expectFailure, expectOk, makeCtx } from '../unit/actions/helpers.js';

interface Received {
  from: string;
  recipients: string[];
  mail: ParsedMail;
  login?: { username: string; password: string };
}

interface Sink {
  address: string;
  received: Received[];
  close(): Promise<void>;
}

/** An SMTP server on a free port of 127.0.0.1 that keeps every message it accepts. */
async function startSink(options: SMTPServerOptions = {}): Promise<Sink> {
  const received: Received[] = [];
  const logins = new Map<string, { username: string; password: string }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...options,
    onAuth(auth, session, callback) {
      logins.set(session.id, { username: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const from = session.envelope.mailFrom;
          received.push({
            from: from ? from.address : '',
            recipients: session.envelope.rcptTo.map((r) => r.address),
            mail,
            login: logins.get(session.id),
          });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) =>
    a.value.map((v) => v.address ?? ''),
  );
}

describe('std.email against a local SMTP server', function () {
  this.timeout(30_000);
  let registry: ActionRegistry;
  let sink: Sink;

  before(async () => {
    registry = createDefaultRegistry({ egress: { allowPrivate: true } });
    sink = await startSink();
  });
  after(async () => {
    await registry?.close();
    await sink?.close();
  });

  const send = (input: Record<string, unknown>, r = registry) =>
    runAction(r.require('std.email'), r.prepareInput('std.email', input), makeCtx());

  it('delivers to every recipient with the subject, body and headers Mistral writes', async () => {
    const out = await send({
      from_addr: 'mistral@example.org',
      to_addrs: ['ops@example.org', 'dev@example.org'],
      cc_addrs: ['lead@example.org'],
      bcc_addrs: ['audit@example.org'],
      reply_to: ['noreply@example.org'],
      subject: 'Deployment finished: ✓',
      body: 'The overcloud is up.\nBye.',
      smtp_server: sink.address,
    });
    expect(expectOk(out)).to.equal(null);
    const msg = sink.received.at(-1)!;
    expect(msg.from).to.equal('mistral@example.org');
    expect(msg.recipients).to.have.members([
      'ops@example.org',
      'dev@example.org',
      'lead@example.org',
      'audit@example.org',
    ]);
    expect(msg.mail.subject).to.equal('Deployment finished: ✓');
    expect(msg.mail.text?.trim()).to.equal('The overcloud is up.\nBye.');
    expect(msg.mail.html).to.equal(false);
    expect(addressesOf(msg.mail.to)).to.deep.equal(['ops@example.org', 'dev@example.org']);
    expect(addressesOf(msg.mail.cc)).to.deep.equal(['lead@example.org']);
    expect(addressesOf(msg.mail.replyTo)).to.deep.equal(['noreply@example.org']);
    // Bcc recipients get the message without being named in it.
    expect(msg.mail.headers.has('bcc')).to.equal(false);
    expect(msg.login).to.equal(undefined);
  });

  it('sends text and HTML alternatives with html_body, and Mistral’s placeholders without subject or body', async () => {
    expectOk(
      await send({
        from_addr: 'mistral@example.org',
        to_addrs: 'ops@example.org',
        body: 'plain',
        html_body: '<p>rich</p>',
        smtp_server: sink.address,
      }),
    );
    const rich = sink.received.at(-1)!.mail;
    expect(rich.text?.trim()).to.equal('plain');
    expect(rich.html).to.contain('<p>rich</p>');
    expect(rich.subject).to.equal('<No subject>');
    expectOk(
      await send({ from_addr: 'a@example.org', to_addrs: ['b@example.org'], smtp_server: sink.address }),
    );
    const bare = sink.received.at(-1)!.mail;
    expect(bare.subject).to.equal('<No subject>');
    expect(bare.text?.trim()).to.equal('<No body>');
  });

  it('with smtp_password, upgrades with STARTTLS (certificate checked) and logs in as from_addr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-smtp-'));
    try {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-days',
          '1',
          '-keyout',
          key,
          '-out',
          cert,
        ],
        { stdio: 'ignore' },
      );
      const tlsSink = await startSink({
        disabledCommands: [],
        key: fs.readFileSync(key),
        cert: fs.readFileSync(cert),
      });
      const trusting = createDefaultRegistry({ egress: { allowPrivate: true }, email: { caFile: cert } });
      try {
        const input = {
          from_addr: 'mistral@example.org',
          to_addrs: ['ops@example.org'],
          subject: 'secret',
          smtp_password: 's3cret',
          smtp_server: tlsSink.address,
        };
        expectOk(await send(input, trusting));
        expect(tlsSink.received.at(-1)!.login).to.deep.equal({
          username: 'mistral@example.org',
          password: 's3cret',
        });
        // Without the CA the self-signed certificate is refused, so the password is never sent.
        expect(expectFailure(await send(input))).to.match(/^Failed to send an email message: .*certificate/);
        // A server without STARTTLS never gets the password either.
        expect(expectFailure(await send({ ...input, smtp_server: sink.address }))).to.match(
          /^Failed to send an email message: .*STARTTLS/,
        );
        expect(tlsSink.received).to.have.length(1);
      } finally {
        await trusting.close();
        await tlsSink.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails with Mistral's message when the server is unreachable or the egress policy refuses it", async () => {
    const refused = await send({
      from_addr: 'a@example.org',
      to_addrs: ['b@example.org'],
      smtp_server: '127.0.0.1:1',
    });
    expect(expectFailure(refused)).to.match(
      /^Failed to send an email message: cannot connect to 127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    const strict = createDefaultRegistry({ egress: { allowPrivate: false } });
    try {
      const out = await send(
        { from_addr: 'a@example.org', to_addrs: ['b@example.org'], smtp_server: sink.address },
        strict,
      );
      expect(expectFailure(out)).to.equal(
        'Failed to send an email message: egress policy: 127.0.0.1 is a private address',
      );
    } finally {
      await strict.close();
    }
  });
});
