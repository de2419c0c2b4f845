/** The egress policy: private address classification, URL checks (schemes, literals, localhost, DNS answers)
 * and the send-time lookup that refuses private resolutions. */
import { expect } from 'chai';
import { InvalidInputError } from '../../../common/index.js';
import type dns from 'node:dns';
import {
  type AllLookup,
  checkEgress,
  createEgressLookup,
  egressLookup,
  isPrivateAddress,
  type ResolvedAddress,
} from '../../../transports/index.js';

const PRIVATE = [
  // IPv4: unspecified, "this network", private, loopback, link-local, CGNAT, multicast, reserved, broadcast
  '0.0.0.0',
  '0.1.2.3',
  '10.0.0.1',
  '10.255.255.255',
  '127.0.0.1',
  '127.1.2.3',
  '169.254.169.254',
  '169.254.0.1',
  '172.16.0.1',
  '172.31.255.254',
  '192.168.0.1',
  '192.168.255.255',
  '100.64.0.1',
  '100.127.255.254',
  '192.0.0.8',
  '198.18.0.1',
  '198.19.255.255',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  // IPv6: unspecified, loopback, unique local, link-local, site-local, multicast
  '::',
  '::1',
  '0:0:0:0:0:0:0:1',
  '[::1]',
  'fc00::',
  'fc00::1',
  'fd12:3456:789a::1',
  'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'fe80::',
  'fe80::1',
  'fe80::1%eth0',
  'febf::1',
  'fec0::1',
  'ff02::1',
  '100::1',
  // IPv6 embedding a private IPv4 address
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::FFFF:10.0.0.1',
  '0:0:0:0:0:ffff:169.254.169.254',
  '::ffff:0.0.0.0',
  '::127.0.0.1',
  '::ffff:0:192.168.1.1',
  '64:ff9b::127.0.0.1',
  '64:ff9b::a9fe:a9fe',
  '2002:7f00:1::',
  '2002:c0a8:101::1',
];

const PUBLIC = [
  '1.1.1.1',
  '8.8.8.8',
  '93.184.216.34',
  '9.255.255.255',
  '11.0.0.1',
  '100.63.255.255',
  '100.128.0.1',
  '126.255.255.255',
  '128.0.0.1',
  '169.253.255.255',
  '169.255.0.1',
  '172.15.255.255',
  '172.32.0.1',
  '192.167.255.255',
  '192.169.0.1',
  '198.17.255.255',
  '198.20.0.1',
  '223.255.255.255',
  '2001:4860:4860::8888',
  '2606:4700:4700::1111',
  '2a00:1450:4001:81b::200e',
  'fbff::1',
  'fe7f::1',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('transports/egress', () => {
  describe('isPrivateAddress', () => {
    for (const ip of PRIVATE) it(`${ip} is private`, () => expect(isPrivateAddress(ip)).to.equal(true));
    for (const ip of PUBLIC) it(`${ip} is public`, () => expect(isPrivateAddress(ip)).to.equal(false));
    it('names and garbage are not addresses', () => {
      for (const s of [
        'localhost',
        'example.com',
        '',
        '1.2.3',
        '1.2.3.256',
        ':::1',
        'fe80::1::2',
        '127.0.0.1.5',
      ])
        expect(isPrivateAddress(s), s).to.equal(false);
    });
  });

  describe('checkEgress', () => {
    const resolver =
      (table: Record<string, string[]>) =>
      async (host: string): Promise<ResolvedAddress[]> => {
        const list = table[host];
        if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      };
    const lookup = resolver({
      'public.example': ['93.184.216.34', '2606:2800:220:1::1'],
      'rebind.example': ['93.184.216.34', '10.0.0.5'],
      'metadata.example': ['169.254.169.254'],
      'v6local.example': ['fd00::1'],
    });
    const refused = async (url: string, re: RegExp) => {
      const err = await checkEgress(url, { allowPrivate: false, lookup }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, url).to.be.instanceOf(InvalidInputError);
      expect((err as InvalidInputError).field).to.equal('transport.url');
      expect((err as Error).message).to.match(re);
    };

    it('accepts public http(s) destinations', async () => {
      for (const url of [
        'https://public.example/hook',
        'http://93.184.216.34:8080/x',
        'https://[2606:4700:4700::1111]/',
        'https://unresolvable.example/',
      ])
        await checkEgress(url, { allowPrivate: false, lookup });
    });

    it('refuses other schemes and malformed URLs, even with allowPrivate', async () => {
      for (const allowPrivate of [false, true]) {
        for (const url of [
          'ftp://public.example/',
          'file:///etc/passwd',
          'javascript:alert(1)',
          'gopher://x/',
        ])
          await checkEgress(url, { allowPrivate, lookup }).then(
            () => expect.fail(url),
            (e: unknown) => {
              expect(e).to.be.instanceOf(InvalidInputError);
              expect((e as InvalidInputError).field).to.equal('transport.url');
              expect((e as Error).message).to.match(/scheme/);
            },
          );
        await checkEgress('not a url', { allowPrivate, lookup }).then(
          () => expect.fail(),
          (e: unknown) => expect(e).to.be.instanceOf(InvalidInputError),
        );
      }
    });

    it('other schemes can be allowed (AMQP brokers)', async () => {
      await checkEgress('amqps://public.example/vhost', {
        allowPrivate: false,
        lookup,
        protocols: ['amqp:', 'amqps:'],
      });
      await refused('amqp://127.0.0.1', /scheme/);
    });

    it('refuses private IP literals, in every spelling the URL parser normalises', async () => {
      for (const url of [
        'http://127.0.0.1/',
        'http://127.1/',
        'http://2130706433/',
        'http://0x7f000001/',
        'http://0177.0.0.1/',
        'http://0.0.0.0:8080/',
        'http://10.1.2.3/',
        'http://169.254.169.254/latest/meta-data/',
        'http://100.64.0.1/',
        'http://192.168.1.1/',
        'http://[::1]:3000/',
        'http://[::]/',
        'http://[::ffff:127.0.0.1]/',
        'http://[fc00::1]/',
        'http://[fe80::1]/',
      ])
        await refused(url, /egress policy/);
    });

    it('refuses localhost names', async () => {
      for (const url of [
        'http://localhost:8080/',
        'http://LOCALHOST/',
        'http://localhost./',
        'http://api.localhost/',
      ])
        await refused(url, /egress policy: .*loopback/);
    });

    it('refuses names that resolve (even partly) to private addresses', async () => {
      await refused(
        'https://rebind.example/',
        /rebind\.example resolves to a private address \(10\.0\.0\.5\)/,
      );
      await refused('https://metadata.example/', /169\.254\.169\.254/);
      await refused('https://v6local.example/', /fd00::1/);
    });

    it('allowPrivate skips the address checks', async () => {
      for (const url of [
        'http://127.0.0.1/',
        'http://localhost/',
        'https://rebind.example/',
        'http://[::1]/',
      ])
        await checkEgress(url, { allowPrivate: true, lookup });
    });

    it('refuses localhost without the injected resolver (no DNS query needed)', async () => {
      const err = await checkEgress('http://localhost/', { allowPrivate: false }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(InvalidInputError);
    });
  });

  describe('egressLookup (send time)', () => {
    const run = (host: string, all: boolean) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        egressLookup(host, { all }, (err, address) => resolve({ err, address })),
      );

    it('refuses localhost and names resolving to loopback', async () => {
      for (const all of [false, true]) {
        const r = await run('localhost', all);
        expect(r.err?.code).to.equal('EGRESS_POLICY');
        expect(r.err?.message).to.equal('egress policy: localhost resolves to a private address');
      }
    });

    const fake =
      (table: Record<string, string[]>): AllLookup =>
      (host, _opts, cb) => {
        const list = table[host] ?? [];
        setImmediate(() =>
          cb(
            null,
            list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
          ),
        );
      };
    const resolve = fake({
      'pub.test': ['93.184.216.34', '2606:2800:220:1::1'],
      'rebind.test': ['93.184.216.34', '127.0.0.1'],
      'meta.test': ['169.254.169.254'],
      'mapped.test': ['::ffff:10.0.0.1'],
    });
    const call = (
      lookup: ReturnType<typeof createEgressLookup>,
      host: string,
      options: dns.LookupOptions | number,
    ) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((res) =>
        lookup(host, options, (err, address, family) => res({ err, address, family })),
      );

    it('refuses names with any private address, in both callback shapes', async () => {
      const lookup = createEgressLookup(resolve);
      for (const host of ['rebind.test', 'meta.test', 'mapped.test'])
        for (const options of [{}, { all: true }, 4]) {
          const r = await call(lookup, host, options);
          expect(r.err?.code, host).to.equal('EGRESS_POLICY');
          expect(r.err?.message).to.equal(`egress policy: ${host} resolves to a private address`);
        }
    });

    it('answers public names as net expects (one address, or all)', async () => {
      const lookup = createEgressLookup(resolve);
      expect(await call(lookup, 'pub.test', {})).to.deep.equal({
        err: null,
        address: '93.184.216.34',
        family: 4,
      });
      const all = await call(lookup, 'pub.test', { all: true });
      expect(all.err).to.equal(null);
      expect(all.address).to.have.length(2);
      const none = await call(lookup, 'nothing.test', {});
      expect(none.err?.code).to.equal('ENOTFOUND');
    });

    it('with allowPrivate it only adapts the resolver', async () => {
      const lookup = createEgressLookup(resolve, true);
      expect(await call(lookup, 'rebind.test', {})).to.deep.equal({
        err: null,
        address: '93.184.216.34',
        family: 4,
      });
    });

    it('passes resolution errors through', async () => {
      const r = await run('no-such-host.invalid', false);
      expect(r.err?.code).to.be.oneOf(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL']);
    });
  });
});
