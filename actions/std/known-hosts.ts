/**
 * The SSH host-key policy, over an OpenSSH `known_hosts` file. Two modes, as OpenSSH's `StrictHostKeyChecking`:
 * - `accept-new` (the default): a host not in the file is trusted on first use and its key appended; a host in
 *   the file must present a key the file lists for it.
 * - `strict`: the host must be in the file with the key it presents; nothing is ever added.
 * Either way a changed key is refused (a possible man-in-the-middle), and a `@revoked` key always is.
 *
 * The file is OpenSSH's format, so an operator can seed it with `ssh-keyscan` and read it with `ssh-keygen -F`:
 * host patterns (`host`, `[host]:port`, comma lists, `*`/`?` wildcards, `!negation`), hashed hosts
 * (`|1|salt|hash`), `@revoked` and `@cert-authority` markers (certificates are not supported: such lines are
 * skipped). It is read on every check (it is small), and each check is synchronous, so two connections to a
 * new host in the same process cannot both add a key.
 */

import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type HostKeyPolicyMode = 'accept-new' | 'strict';

export type HostKeyVerdict = { ok: true; added: boolean } | { ok: false; reason: string };

interface KnownLine {
  marker: '' | '@revoked' | '@cert-authority';
  patterns: string[];
  keyType: string;
  key: Buffer;
}

export class KnownHosts {
  constructor(
    readonly file: string,
    readonly mode: HostKeyPolicyMode,
  ) {}

  /** How `known_hosts` names a host: `host` on port 22, `[host]:port` otherwise. */
  static hostName(host: string, port: number): string {
    return port === 22 ? host : `[${host}]:${port}`;
  }

  /** Judges the key `host:port` presented (the SSH wire encoding), adding it in `accept-new` mode if new. */
  check(host: string, port: number, key: Buffer): HostKeyVerdict {
    const name = KnownHosts.hostName(host, port);
    const keyType = wireKeyType(key);
    const lines = this.read().filter((l) => matchesHost(l.patterns, name));
    if (lines.some((l) => l.marker === '@revoked' && l.key.equals(key)))
      return { ok: false, reason: `the host key of ${name} (${describeKey(keyType, key)}) is revoked` };
    const listed = lines.filter((l) => l.marker === '');
    if (listed.some((l) => l.key.equals(key))) return { ok: true, added: false };
    if (listed.length > 0) {
      return {
        ok: false,
        reason:
          `the host key of ${name} has changed (offered ${describeKey(keyType, key)}, ${this.file} lists ` +
          `${listed.map((l) => describeKey(l.keyType, l.key)).join(', ')}): refusing to connect`,
      };
    }
    if (this.mode === 'strict')
      return { ok: false, reason: `${name} is not in ${this.file} (strict host key checking)` };
    this.append(`${name} ${keyType} ${key.toString('base64')}\n`);
    return { ok: true, added: true };
  }

  /** The key types the file lists for `host:port`, so the client can ask the server for one of those first. */
  knownKeyTypes(host: string, port: number): string[] {
    const name = KnownHosts.hostName(host, port);
    const types = this.read()
      .filter((l) => l.marker === '' && matchesHost(l.patterns, name))
      .map((l) => l.keyType);
    return [...new Set(types)];
  }

  private read(): KnownLine[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return text.split('\n').flatMap((line) => {
      const parsed = parseLine(line);
      return parsed ? [parsed] : [];
    });
  }

  private append(line: string): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    fs.appendFileSync(this.file, line, { mode: 0o600 });
  }
}

function parseLine(line: string): KnownLine | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return undefined;
  let marker: KnownLine['marker'] = '';
  if (fields[0] === '@revoked' || fields[0] === '@cert-authority')
    marker = fields.shift() as KnownLine['marker'];
  else if (fields[0].startsWith('@')) return undefined;
  const [hosts, keyType, b64] = fields;
  if (hosts === undefined || keyType === undefined || b64 === undefined) return undefined;
  if (marker === '@cert-authority') return undefined;
  return { marker, patterns: hosts.split(','), keyType, key: Buffer.from(b64, 'base64') };
}

/** OpenSSH's rule: some pattern matches and no negated pattern does. */
function matchesHost(patterns: string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchesPattern(p.slice(1), name)) return false;
    } else if (matchesPattern(p, name)) matched = true;
  }
  return matched;
}

function matchesPattern(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [salt = '', hash = ''] = pattern.slice(3).split('|');
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** The algorithm name a key's wire encoding starts with (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`). */
export function wireKeyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return len > 0 && 4 + len <= key.length ? key.subarray(4, 4 + len).toString('latin1') : 'unknown';
}

/** `ssh-ed25519 SHA256:...`, the fingerprint OpenSSH prints. */
export function describeKey(keyType: string, key: Buffer): string {
  const fp = createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
  return `${keyType} SHA256:${fp}`;
}
