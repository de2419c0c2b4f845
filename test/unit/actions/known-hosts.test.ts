/**
 * The SSH host-key policy over a `known_hosts` file (OpenSSH's format), and the `host[:port]` reading shared by
 * the SSH and email actions. Keys are synthetic wire encodings: only their bytes matter here.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDestination } from '../../../actions/std/egress-socket.js';
import { KnownHosts, wireKeyType } from '../../../actions/std/known-hosts.js';

function wireKey(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

const KEY_A = wireKey('ssh-ed25519', 'key-a');
const KEY_B = wireKey('ssh-ed25519', 'key-b');
const line = (host: string, key: Buffer) => `${host} ${wireKeyType(key)} ${key.toString('base64')}`;

describe('KnownHosts', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-kh-'));
    file = path.join(dir, 'sub', 'known_hosts');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accept-new records a new host (creating the file) and then holds it to that key', () => {
    const kh = new KnownHosts(file, 'accept-new');
    expect(kh.check('db1', 22, KEY_A)).to.deep.equal({ ok: true, added: true });
    expect(kh.check('db1', 2222, KEY_A)).to.deep.equal({ ok: true, added: true });
    expect(fs.readFileSync(file, 'utf8')).to.equal(`${line('db1', KEY_A)}\n${line('[db1]:2222', KEY_A)}\n`);
    expect((fs.statSync(file).mode & 0o777).toString(8)).to.equal('600');
    expect(kh.check('db1', 22, KEY_A)).to.deep.equal({ ok: true, added: false });
    const changed = kh.check('db1', 22, KEY_B);
    expect(changed.ok).to.equal(false);
    expect(!changed.ok && changed.reason).to.match(
      /^the host key of db1 has changed \(offered ssh-ed25519 SHA256:/,
    );
    expect(kh.knownKeyTypes('db1', 22)).to.deep.equal(['ssh-ed25519']);
  });

  it('strict refuses a host not in the file and adds nothing', () => {
    const kh = new KnownHosts(file, 'strict');
    const verdict = kh.check('db1', 22, KEY_A);
    expect(verdict).to.deep.equal({ ok: false, reason: `db1 is not in ${file} (strict host key checking)` });
    expect(fs.existsSync(file)).to.equal(false);
  });

  it('matches comma lists, wildcards, negations and hashed names; honours @revoked; skips comments', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const salt = Buffer.from('0123456789abcdef0123');
    const hash = createHmac('sha1', salt).update('[hashed.example]:2200').digest('base64');
    fs.writeFileSync(
      file,
      [
        '# managed by ops',
        '',
        line('web1,web2', KEY_A),
        line('*.lab,!secret.lab', KEY_A),
        line(`|1|${salt.toString('base64')}|${hash}`, KEY_A),
        `@revoked ${line('old.lab', KEY_A)}`,
        `@cert-authority ${line('*', KEY_B)}`,
      ].join('\n'),
    );
    const kh = new KnownHosts(file, 'strict');
    expect(kh.check('web2', 22, KEY_A).ok).to.equal(true);
    expect(kh.check('node7.lab', 22, KEY_A).ok).to.equal(true);
    expect(kh.check('secret.lab', 22, KEY_A).ok).to.equal(false);
    expect(kh.check('hashed.example', 2200, KEY_A).ok).to.equal(true);
    expect(kh.check('hashed.example', 22, KEY_A).ok).to.equal(false);
    const revoked = kh.check('old.lab', 22, KEY_A);
    expect(!revoked.ok && revoked.reason).to.match(/is revoked$/);
    // The certificate authority line does not vouch for plain keys.
    expect(kh.check('other', 22, KEY_B).ok).to.equal(false);
  });
});

describe('parseDestination', () => {
  it('reads host, host:port, [v6]:port and a bare IPv6 address', () => {
    expect(parseDestination('db1', 22)).to.deep.equal({ host: 'db1', port: 22 });
    expect(parseDestination(' db1:2222 ', 22)).to.deep.equal({ host: 'db1', port: 2222 });
    expect(parseDestination('[::1]:25', 587)).to.deep.equal({ host: '::1', port: 25 });
    expect(parseDestination('fe80::1', 22)).to.deep.equal({ host: 'fe80::1', port: 22 });
  });

  it('refuses an empty host and a port out of range', () => {
    expect(() => parseDestination(':22', 22)).to.throw('invalid host ":22"');
    expect(() => parseDestination('db1:70000', 22)).to.throw('invalid port in "db1:70000"');
    expect(() => parseDestination('db1:x', 22)).to.throw('invalid port');
  });
});
