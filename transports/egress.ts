/**
 * The egress policy: where the server may send webhooks. Unless private destinations are allowed, a listener's
 * URL must be http(s) and must not point (literally or through DNS) at loopback, private, link-local,
 * unique-local, CGNAT, unspecified, multicast or reserved addresses, so that a listener cannot make the server
 * call its own admin ports or the cloud metadata service (SSRF).
 *
 * `checkEgress` validates a URL when a listener is created; because DNS answers can change between the check and
 * the request (DNS rebinding), the HTTP transport enforces the policy again when it connects, through
 * `egressLookup` (a `lookup` for its agents that refuses private resolutions).
 */
import dns from 'node:dns';
import net from 'node:net';
import { InvalidInputError } from '../common/index.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface EgressOptions {
  /** Allow private destinations (development, on-premises receivers). Schemes are still checked. */
  allowPrivate: boolean;
  /** Accepted URL schemes. @default ['http:', 'https:'] */
  protocols?: string[];
  /** Name resolution (tests). @default dns.promises.lookup(host, {all: true}) */
  lookup?: (host: string) => Promise<ResolvedAddress[]>;
}

const FIELD = 'transport.url';

/** The error the transport's lookup gives for a refused destination (code `EGRESS_POLICY`). */
export class EgressPolicyError extends Error {
  readonly code = 'EGRESS_POLICY';
  constructor(readonly host: string) {
    super(egressMessage(host));
    this.name = 'EgressPolicyError';
  }
}

export function egressMessage(host: string): string {
  return `egress policy: ${host} resolves to a private address`;
}

/** A URL's host without IPv6 brackets or a trailing dot, in lower case. */
export function urlHost(url: URL): string {
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

/** `localhost` and its subdomains (RFC 6761: they always resolve to loopback). */
export function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/**
 * Validates a destination URL: throws `InvalidInputError` (field `transport.url`) for a malformed URL, a scheme
 * other than http(s), and (unless `allowPrivate`) a host that is, or resolves to, a private address. A host that
 * does not resolve passes: the transport's lookup applies the policy again at send time.
 */
export async function checkEgress(url: string, opts: EgressOptions): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidInputError(`invalid URL ${JSON.stringify(url)}`, FIELD);
  }
  const protocols = opts.protocols ?? ['http:', 'https:'];
  if (!protocols.includes(u.protocol))
    throw new InvalidInputError(
      `unsupported URL scheme ${JSON.stringify(u.protocol.replace(/:$/, ''))} (expected ${protocols
        .map((p) => p.replace(/:$/, ''))
        .join(' or ')})`,
      FIELD,
    );
  if (opts.allowPrivate) return;
  const host = urlHost(u);
  if (!host) throw new InvalidInputError(`URL ${JSON.stringify(url)} has no host`, FIELD);
  if (net.isIP(host)) {
    if (isPrivateAddress(host))
      throw new InvalidInputError(`egress policy: ${host} is a private address`, FIELD);
    return;
  }
  if (isLocalhostName(host))
    throw new InvalidInputError(`egress policy: ${host} is a loopback address`, FIELD);
  let addresses: ResolvedAddress[];
  try {
    addresses = await (opts.lookup ?? defaultLookup)(host);
  } catch {
    return;
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) throw new InvalidInputError(`${egressMessage(host)} (${bad.address})`, FIELD);
}

function defaultLookup(host: string): Promise<ResolvedAddress[]> {
  return dns.promises.lookup(host, { all: true, verbatim: true });
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** A resolver with the shape of `dns.lookup` called with `{all: true}`. */
export type AllLookup = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/** A `lookup` for `http.Agent`/`net.connect`, with the signature of `dns.lookup`. */
export type ConnectLookup = (
  hostname: string,
  options: dns.LookupOptions | number | undefined,
  callback: LookupCallback,
) => void;

/**
 * A `lookup` for `http.Agent`/`net.connect` that refuses hosts resolving to a private address (any of them):
 * the connection fails with an `EgressPolicyError`. IP literals never reach a lookup: check them before.
 * `resolve` is the underlying resolver (tests, custom DNS; @default dns.lookup); with `allowPrivate` the result
 * is only an adapter of `resolve` to the signature `net` expects.
 */
export function createEgressLookup(resolve: AllLookup = dns.lookup, allowPrivate = false): ConnectLookup {
  return (hostname, options, callback) => {
    const o: dns.LookupOptions = typeof options === 'number' ? { family: options } : { ...(options ?? {}) };
    const none = o.all ? [] : '';
    if (!allowPrivate && isLocalhostName(hostname)) return callback(new EgressPolicyError(hostname), none);
    resolve(hostname, { ...o, all: true }, (err, addresses) => {
      if (err) return callback(err, none);
      if (addresses.length === 0) {
        const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        e.code = 'ENOTFOUND';
        return callback(e, none);
      }
      if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address)))
        return callback(new EgressPolicyError(hostname), none);
      if (o.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** `createEgressLookup()` over the system resolver. */
export const egressLookup: ConnectLookup = createEgressLookup();

type CreateConnection = (
  options: Record<string, unknown>,
  callback: (err: Error | null, s?: unknown) => void,
) => unknown;

/**
 * Puts an `http.Agent` / `https.Agent` under the egress policy for every connection it opens, whatever URL led
 * there: host names through the policy's `lookup` (checked at the resolved address, so no DNS-rebinding gap),
 * and IP literals (which never reach a lookup) before connecting. Every redirect hop connects through the same
 * agent, so each hop is checked again. With `allowPrivate` the agent is returned as it is.
 */
export function guardAgent<A extends { createConnection: unknown }>(
  agent: A,
  allowPrivate: boolean,
  /** Whether an IP literal is refused. @default isPrivateAddress (tests narrow it to one address) */
  refused: (ip: string) => boolean = isPrivateAddress,
): A {
  if (allowPrivate) return agent;
  const original = (agent.createConnection as CreateConnection).bind(agent);
  const guarded: CreateConnection = (options, callback) => {
    const host = String(options.host ?? options.hostname ?? '').replace(/^\[(.*)\]$/, '$1');
    if ((net.isIP(host) && refused(host)) || isLocalhostName(host)) {
      // Agent's createSocket takes an error through the callback when nothing is returned.
      process.nextTick(() => callback(new EgressPolicyError(host)));
      return undefined;
    }
    return original({ ...options, lookup: egressLookup }, callback);
  };
  (agent as { createConnection: unknown }).createConnection = guarded;
  return agent;
}

// ---------------------------------------------------------------------------------------------------------------
// Address classification

/** IPv4 ranges that are not public unicast destinations: [network, prefix length]. */
const V4_BLOCKS: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // CGNAT shared address space (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const V4_MASKS = V4_BLOCKS.map(([net4, bits]) => {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (v4ToInt(net4) & mask) >>> 0, mask };
});

function v4ToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

function isPrivateV4Int(n: number): boolean {
  return V4_MASKS.some(({ base, mask }) => (n & mask) >>> 0 === base);
}

/** The 16 bytes of a valid IPv6 address (zone id removed), or null. */
function v6Bytes(ip: string): number[] | null {
  const addr = ip.replace(/%.*$/, '');
  if (!net.isIPv6(addr)) return null;
  let head = addr;
  let tail4: number[] = [];
  const lastColon = head.lastIndexOf(':');
  const last = head.slice(lastColon + 1);
  if (last.includes('.')) {
    const n = v4ToInt(last);
    tail4 = [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    head = head.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').filter((g) => g !== '') : []);
  const l = groups(left);
  const r = groups(right);
  const fill = right === undefined ? 0 : 8 - l.length - r.length;
  const all = [...l, ...Array<string>(fill).fill('0'), ...r];
  if (all.length !== 8) return null;
  const bytes: number[] = [];
  for (const g of all) {
    const v = parseInt(g, 16);
    bytes.push((v >> 8) & 0xff, v & 0xff);
  }
  if (tail4.length) bytes.splice(12, 4, ...tail4);
  return bytes;
}

function bytesToV4Int(b: number[], at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function isPrivateV6(b: number[]): boolean {
  const zeroUpTo = (n: number) => b.slice(0, n).every((x) => x === 0);
  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (zeroUpTo(12)) {
    const v4 = bytesToV4Int(b, 12);
    if (v4 <= 1) return true;
    return isPrivateV4Int(v4);
  }
  // IPv4-mapped ::ffff:a.b.c.d
  if (zeroUpTo(10) && b[10] === 0xff && b[11] === 0xff) return isPrivateV4Int(bytesToV4Int(b, 12));
  // IPv4-translated ::ffff:0:a.b.c.d (SIIT)
  if (zeroUpTo(8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0)
    return isPrivateV4Int(bytesToV4Int(b, 12));
  // NAT64 64:ff9b::/96: judged by the IPv4 address it embeds
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0))
    return isPrivateV4Int(bytesToV4Int(b, 12));
  // 6to4 2002::/16 embeds an IPv4 address in bits 16-47
  if (b[0] === 0x20 && b[1] === 0x02) return isPrivateV4Int(bytesToV4Int(b, 2));
  const b0 = b[0]!;
  const b1 = b[1]!;
  if ((b0 & 0xfe) === 0xfc) return true; // fc00::/7 unique local
  if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return true; // fe80::/10 link-local
  if (b0 === 0xfe && (b1 & 0xc0) === 0xc0) return true; // fec0::/10 site-local (deprecated)
  if (b0 === 0xff) return true; // multicast
  if (b0 === 0x01 && b1 === 0 && b.slice(2, 8).every((x) => x === 0)) return true; // 100::/64 discard
  return false;
}

/**
 * Whether an IP address literal is not a public unicast destination: loopback, private (RFC 1918), link-local,
 * unique-local, CGNAT, unspecified, multicast, reserved; IPv6 forms embedding an IPv4 address (mapped,
 * compatible, NAT64, 6to4) are judged by that address. Not an IP address (e.g. a host name): false.
 */
export function isPrivateAddress(ip: string): boolean {
  const addr = ip.trim().replace(/^\[(.*)\]$/, '$1');
  if (net.isIPv4(addr)) return isPrivateV4Int(v4ToInt(addr));
  const b = v6Bytes(addr);
  return b ? isPrivateV6(b) : false;
}
