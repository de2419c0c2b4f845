/**
 * How `std.ssh` and `std.ssh_proxied` reach a host and run one command on it: the first hop is a TCP socket
 * under the egress policy (or, where the operator allows it, Mistral's `proxy_command`, a local command whose
 * stdin/stdout carry the connection); through a gateway, the second hop is a `direct-tcpip` channel the gateway
 * opens to the target, so the gateway needs no `nc`, unlike Mistral's `nc host 22`. The egress policy applies to
 * the connections this server opens: the gateway, not what the gateway connects to.
 *
 * Private keys follow Mistral's rules: `private_key` (the key text) wins over `private_key_filename`, a relative
 * file name is looked up in the key directory (`~/.ssh` by default), and a name containing `..` is refused.
 */

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client } from 'ssh2';
import { openEgressSocket, parseDestination } from './egress-socket.js';
import type { EgressPolicy } from './egress-socket.js';
import type { KnownHosts } from './known-hosts.js';
import { SshError, execCommand, forwardTo, openSession } from './ssh-session.js';
import type { CommandResult, SshLogin } from './ssh-session.js';

export interface SshOptions {
  /** The `known_hosts` file the host-key policy reads and (in `accept-new` mode) appends to. */
  knownHostsFile: string;
  /** `accept-new` trusts a host on first use; `strict` only trusts keys already in the file. */
  hostKeyPolicy: 'accept-new' | 'strict';
  /** Where a relative `private_key_filename` is looked up. */
  keyDir: string;
  /** Let `std.ssh_proxied` run its `proxy_command` on this server (a local command: off unless trusted). */
  allowProxyCommand: boolean;
  /** Deadline for the TCP connection and, separately, for the SSH handshake and login. */
  connectTimeoutSeconds: number;
  /** Largest stdout (and stderr) accepted from a command. */
  maxOutputBytes: number;
}

export interface SshRequest {
  cmd: string;
  host: string;
  username: string;
  password: string | undefined;
  privateKey: string | undefined;
  /** Through this gateway (`std.ssh_proxied`); its login uses `gatewayUsername` and the same key. */
  gateway?: { host: string; username: string; proxyCommand: string | undefined };
}

export interface SshDeps {
  options: SshOptions;
  hostKeys: KnownHosts;
  egress: EgressPolicy;
}

/** Connects (through the gateway if any), runs the command, and closes every connection it opened. */
export async function runSshCommand(
  req: SshRequest,
  deps: SshDeps,
  signal: AbortSignal,
): Promise<CommandResult> {
  const { options } = deps;
  const timeoutMs = options.connectTimeoutSeconds * 1000;
  const session = { hostKeys: deps.hostKeys, readyTimeoutMs: timeoutMs, signal };
  const target = parseDestination(req.host, 22);
  const login: SshLogin = { username: req.username };
  if (req.privateKey !== undefined) {
    login.privateKey = req.privateKey;
    if (req.password !== undefined) login.passphrase = req.password;
  }
  const opened: Client[] = [];
  try {
    let client: Client;
    if (req.gateway) {
      const gw = parseDestination(req.gateway.host, 22);
      const sock = req.gateway.proxyCommand
        ? proxyCommandStream(req.gateway.proxyCommand, options)
        : await openEgressSocket(gw, deps.egress, { scheme: 'ssh', timeoutMs, signal });
      // Mistral logs in to both hops with the key only: the password is the key's passphrase, never sent.
      const gateway = await openSession(sock, gw, { ...login, username: req.gateway.username }, session);
      opened.push(gateway);
      client = await openSession(await forwardTo(gateway, target), target, login, session);
    } else {
      const sock = await openEgressSocket(target, deps.egress, { scheme: 'ssh', timeoutMs, signal });
      if (req.password !== undefined) login.password = req.password;
      client = await openSession(sock, target, login, session);
    }
    opened.push(client);
    return await execCommand(client, req.cmd, options.maxOutputBytes, signal);
  } finally {
    for (const c of opened.reverse()) c.end();
  }
}

/**
 * The key text for a request: `private_key` itself, or the file `private_key_filename` names. Checked here so a
 * bad key fails with a clear message before any connection; a key file's read error is not repeated, so the
 * action cannot tell a workflow whether some file exists on this server.
 */
export function resolvePrivateKey(
  inline: string | undefined,
  filename: string | undefined,
  passphrase: string | undefined,
  keyDir: string,
): string | undefined {
  let text = inline;
  let source = 'the private key';
  if (text === undefined && filename !== undefined) {
    if (filename.includes('../') || filename.includes('..\\'))
      throw new SshError(`Private key filename must not contain '..'. Actual: ${filename}`);
    source = `the private key file ${filename}`;
    try {
      text = fs.readFileSync(path.isAbsolute(filename) ? filename : path.join(keyDir, filename), 'utf8');
    } catch {
      throw new SshError(`cannot use ${source}`);
    }
  }
  if (text === undefined) return undefined;
  const parsed = ssh2.utils.parseKey(text, passphrase);
  if (parsed instanceof Error) throw new SshError(`cannot use ${source}: ${parsed.message}`);
  return text;
}

/** Mistral's `proxy_command` (paramiko's `ProxyCommand`): a shell command whose stdio is the connection. */
function proxyCommandStream(command: string, options: SshOptions): Duplex {
  if (!options.allowProxyCommand)
    throw new SshError('proxy_command is disabled on this server (see TRAM_SSH_ALLOW_PROXY_COMMAND)');
  const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'ignore'] });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  child.on('error', (err) => stream.destroy(err));
  stream.on('close', () => child.kill());
  return stream;
}
