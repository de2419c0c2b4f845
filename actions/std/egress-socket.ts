/**
 * Outbound TCP for the actions that open their own connections (`std.ssh`, `std.ssh_proxied`, `std.email`),
 * under the project's egress policy. This is the one place those actions consult the policy (`transports/`
 * egress), so that a change to the policy lands here only.
 *
 * The destination is checked twice, as the webhook transport does: the literal host before connecting
 * (`checkEgress`), and every address a name resolves to while connecting (the policy's `lookup`), which closes
 * the DNS-rebinding window between the check and the connection.
 */

import dns from 'node:dns';
import net from 'node:net';
import { toError } from '../../common/errors.js';
import { checkEgress, createEgressLookup } from '../../transports/index.js';

export interface EgressPolicy {
  /** Loopback and private destinations are allowed (the server's `egressAllowPrivate`). */
  allowPrivate: boolean;
}

export interface Destination {
  host: string;
  port: number;
}

/** A destination refused or unreachable; the message says which and why. */
export class EgressConnectError extends Error {
  override readonly name = 'EgressConnectError';
}

/**
 * Reads `host`, `host:port`, `[v6]:port` or a bare IPv6 address. Mistral's parameters have no port (SSH always
 * uses 22, `smtp_server` accepts `host:port` as smtplib does); the `host:port` form is how a workflow reaches
 * a server on another port.
 */
export function parseDestination(spec: string, defaultPort: number): Destination {
  const text = spec.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: toPort(bracketed[2], defaultPort, spec) };
  // Two colons or more and no brackets: an IPv6 address without a port.
  if (text.indexOf(':') !== text.lastIndexOf(':')) return { host: text, port: defaultPort };
  const [host = '', port] = text.split(':');
  if (host === '') throw new EgressConnectError(`invalid host ${JSON.stringify(spec)}`);
  return { host, port: toPort(port, defaultPort, spec) };
}

function toPort(text: string | undefined, defaultPort: number, spec: string): number {
  if (text === undefined) return defaultPort;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new EgressConnectError(`invalid port in ${JSON.stringify(spec)}`);
  return port;
}

/**
 * Opens a TCP connection to `dest` if the egress policy allows it. Rejects with `EgressConnectError` when the
 * policy refuses the destination, the connection fails, `timeoutMs` passes, or `signal` aborts.
 */
export async function openEgressSocket(
  dest: Destination,
  policy: EgressPolicy,
  opts: { scheme: string; timeoutMs: number; signal: AbortSignal },
): Promise<net.Socket> {
  const hostInUrl = net.isIPv6(dest.host) ? `[${dest.host}]` : dest.host;
  try {
    await checkEgress(`${opts.scheme}://${hostInUrl}:${dest.port}`, {
      allowPrivate: policy.allowPrivate,
      protocols: [`${opts.scheme}:`],
    });
  } catch (err) {
    throw new EgressConnectError(toError(err).message, { cause: err });
  }
  if (opts.signal.aborted) throw new EgressConnectError('cancelled');
  const socket = net.connect({
    host: dest.host,
    port: dest.port,
    lookup: createEgressLookup(dns.lookup, policy.allowPrivate),
  });
  return new Promise((resolve, reject) => {
    const fail = (message: string, cause?: unknown) => {
      cleanup();
      socket.destroy();
      reject(new EgressConnectError(message, { cause }));
    };
    const onError = (err: Error) => fail(`cannot connect to ${hostInUrl}:${dest.port}: ${err.message}`, err);
    const onAbort = () => fail('cancelled');
    const timer = setTimeout(
      () => fail(`cannot connect to ${hostInUrl}:${dest.port}: timed out after ${opts.timeoutMs / 1000} s`),
      opts.timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', onError);
      opts.signal.removeEventListener('abort', onAbort);
    };
    socket.once('error', onError);
    opts.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      cleanup();
      resolve(socket);
    });
  });
}
