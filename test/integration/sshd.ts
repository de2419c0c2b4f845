/**
 * Real OpenSSH servers for the SSH action tests: Debian's `/usr/sbin/sshd` on a free high port of 127.0.0.1,
 * with its own host key and configuration in a temporary directory, and a throw-away local user (created with
 * `useradd` + `chpasswd`, removed afterwards: the tests run as root, as CI does). Nothing is skipped: when sshd
 * is missing or does not start, `startSshd` throws and says why.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const SSHD = '/usr/sbin/sshd';

export interface TestUser {
  name: string;
  password: string;
  /** The user's unencrypted client key (OpenSSH format) and the same key encrypted with `password`. */
  privateKey: string;
  encryptedKey: string;
  remove(): void;
}

/** A local user with a password and a key pair whose public half `authorizedKeysFile` lists. */
export function createTestUser(dir: string, authorizedKeysFile: string): TestUser {
  const name = `tramssh${process.pid % 100000}${Math.floor(Math.random() * 1000)}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const home = path.join(dir, 'home');
  execFileSync('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/sh', name]);
  const remove = () => {
    try {
      execFileSync('userdel', [name], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  };
  try {
    fs.mkdirSync(home, { recursive: true });
    execFileSync('chown', [name, home]);
    execFileSync('chpasswd', { input: `${name}:${password}\n` });
    const keyFile = path.join(dir, 'client_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', keyFile]);
    const encFile = path.join(dir, 'client_key_enc');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-a',
      '2',
      '-N',
      password,
      '-C',
      `${name}-enc`,
      '-f',
      encFile,
    ]);
    fs.writeFileSync(
      authorizedKeysFile,
      fs.readFileSync(`${keyFile}.pub`, 'utf8') + fs.readFileSync(`${encFile}.pub`, 'utf8'),
    );
    return {
      name,
      password,
      privateKey: fs.readFileSync(keyFile, 'utf8'),
      encryptedKey: fs.readFileSync(encFile, 'utf8'),
      remove,
    };
  } catch (err) {
    remove();
    throw err;
  }
}

export interface Sshd {
  port: number;
  /** `ssh-ed25519 AAAA...` (the host key's public half, without comment). */
  hostKey: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts sshd in the foreground (`-D -e`), allowing `user` with a password or a key listed in `authorizedKeys`. */
export async function startSshd(
  dir: string,
  name: string,
  user: string,
  authorizedKeys: string,
): Promise<Sshd> {
  if (!fs.existsSync(SSHD))
    throw new Error(`${SSHD} is missing: install openssh-server (apt-get install -y openssh-server)`);
  // sshd refuses to start without its privilege-separation directory (normally made by the init script).
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const base = path.join(dir, name);
  fs.mkdirSync(base, { recursive: true });
  const hostKeyFile = path.join(base, 'host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', hostKeyFile]);
  const port = await freePort();
  const config = path.join(base, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyFile}`,
      `PidFile ${path.join(base, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      // The temporary directory is under the world-writable /tmp, which StrictModes would refuse.
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin no',
      `AllowUsers ${user}`,
      'AllowTcpForwarding yes',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (gone) throw new Error(`sshd (${name}) exited at start-up: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sshd (${name}) did not listen on 127.0.0.1:${port} within 10 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const [type = '', key = ''] = fs.readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(/\s+/);
  return {
    port,
    hostKey: `${type} ${key}`,
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
