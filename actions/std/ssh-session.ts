/**
 * SSH sessions on `ssh2`: open a client over a stream we connected (a TCP socket under the egress policy, or a
 * channel a gateway forwarded), with the host-key policy and the login; run one command and collect its output;
 * forward a channel to the next hop. Every failure rejects with an `SshError` whose message says what went wrong.
 *
 * Lifecycle: the caller owns each `Client` it gets and ends it (`client.end()`) once done; `signal` aborts a
 * connection or a command in flight by destroying the client.
 */

import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import type { Destination } from './egress-socket.js';
import { KnownHosts } from './known-hosts.js';

export interface SshLogin {
  username: string;
  /** Tried as a password (and keyboard-interactive answer) when given. */
  password?: string;
  /** A parsed-ready private key (OpenSSH or PEM text). */
  privateKey?: string;
  passphrase?: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** The command's exit status; -1 when it ended on a signal (paramiko's `recv_exit_status`). */
  exitCode: number;
}

export class SshError extends Error {
  override readonly name = 'SshError';
}

/** ssh2's default host-key algorithms, in its order; reordered below so a host's known key type comes first. */
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** The algorithms that yield a key of each `known_hosts` key type. */
function algorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

export interface SessionOptions {
  hostKeys: KnownHosts;
  /** Deadline for the SSH handshake and authentication. */
  readyTimeoutMs: number;
  signal: AbortSignal;
}

/** Opens an authenticated session over `sock`, checking the host key of `dest` against the policy. */
export function openSession(
  sock: Duplex,
  dest: Destination,
  login: SshLogin,
  opts: SessionOptions,
): Promise<Client> {
  // ssh2 is CommonJS: its classes come through the default export under Node's ESM loader.
  const client = new ssh2.Client();
  const name = KnownHosts.hostName(dest.host, dest.port);
  let refusal: string | undefined;
  const known = opts.hostKeys.knownKeyTypes(dest.host, dest.port).flatMap(algorithmsFor);
  const config: ConnectConfig = {
    sock,
    host: dest.host,
    port: dest.port,
    username: login.username,
    readyTimeout: opts.readyTimeoutMs,
    hostVerifier: (key: Buffer) => {
      const verdict = opts.hostKeys.check(dest.host, dest.port, key);
      if (!verdict.ok) refusal = verdict.reason;
      return verdict.ok;
    },
  };
  if (known.length > 0) {
    const preferred = HOST_KEY_ALGORITHMS.filter((a) => known.includes(a));
    config.algorithms = {
      serverHostKey: [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))],
    };
  }
  if (login.password !== undefined) {
    config.password = login.password;
    config.tryKeyboard = true;
  }
  if (login.privateKey !== undefined) {
    config.privateKey = login.privateKey;
    if (login.passphrase !== undefined) config.passphrase = login.passphrase;
  }
  if (login.password !== undefined) {
    // Servers that take passwords only through keyboard-interactive ask one question: the password.
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) =>
      finish(prompts.map(() => login.password ?? '')),
    );
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      client.destroy();
      reject(new SshError(message));
    };
    const onAbort = () => fail('cancelled');
    if (opts.signal.aborted) return fail('cancelled');
    opts.signal.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      resolve(client);
    });
    // `on`, not `once`: the listener stays, so a late error (after the session is handed over or refused)
    // never becomes an unhandled 'error' event; execCommand adds its own for the command's lifetime.
    client.on('error', (err: Error & { level?: string }) => {
      if (refusal !== undefined) return fail(`host key verification failed: ${refusal}`);
      if (err.level === 'client-authentication')
        return fail(`authentication of ${login.username} on ${name} failed`);
      fail(`SSH connection to ${name} failed: ${err.message}`);
    });
    try {
      client.connect(config);
    } catch (err) {
      // ssh2 throws synchronously for a key it cannot parse or decrypt.
      fail(`cannot use the private key: ${(err as Error).message}`);
    }
  });
}

/** Runs `cmd` in a new channel and collects its output (each stream at most `maxOutputBytes`). */
export function execCommand(
  client: Client,
  cmd: string,
  maxOutputBytes: number,
  signal: AbortSignal,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: CommandResult | SshError) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (outcome instanceof SshError) {
        client.destroy();
        reject(outcome);
      } else resolve(outcome);
    };
    const onAbort = () => finish(new SshError('cancelled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    client.once('error', (err: Error) => finish(new SshError(`SSH connection failed: ${err.message}`)));
    client.once('close', () => finish(new SshError('the SSH connection closed before the command ended')));
    client.exec(cmd, (err, channel) => {
      if (err) return finish(new SshError(`cannot run the command: ${err.message}`));
      const stdout = collector(channel, 'stdout', maxOutputBytes, finish);
      const stderr = collector(channel.stderr, 'stderr', maxOutputBytes, finish);
      let exitCode = -1;
      channel.on('error', (e: Error) => finish(new SshError(`the command's channel failed: ${e.message}`)));
      channel.on('exit', (code: number | null) => {
        exitCode = typeof code === 'number' ? code : -1;
      });
      channel.on('close', () => finish({ stdout: stdout.text(), stderr: stderr.text(), exitCode }));
    });
  });
}

function collector(
  stream: ClientChannel | ClientChannel['stderr'],
  what: string,
  max: number,
  finish: (e: SshError) => void,
): { text(): string } {
  const chunks: Buffer[] = [];
  let total = 0;
  stream.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > max) finish(new SshError(`the command's ${what} exceeds ${max} bytes`));
    else chunks.push(chunk);
  });
  return { text: () => new TextDecoder('utf-8').decode(Buffer.concat(chunks)) };
}

/** A channel through `client` (the gateway) to `dest`, as `ssh -J` opens one (`direct-tcpip`). */
export function forwardTo(client: Client, dest: Destination): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, dest.host, dest.port, (err, channel) => {
      if (err)
        reject(
          new SshError(
            `the gateway cannot reach ${KnownHosts.hostName(dest.host, dest.port)}: ${err.message}`,
          ),
        );
      else resolve(channel);
    });
  });
}
