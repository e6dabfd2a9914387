import { describe, expect, it } from 'vitest';
import { kindOf } from '../net/internal-addresses.js';
import { RpopDestinationPolicy, RpopDestinationRefused, rpopDestinationSettings, type HostResolver } from './destination-policy.js';

const defaults = () => rpopDestinationSettings({});

/** A DNS of names chosen by the test (the real one has no name resolving to 10.0.0.5). */
const zone =
  (records: Record<string, string[]>): HostResolver =>
  async (host) => {
    const addresses = records[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const dns = zone({
  'pop.public.org': ['93.184.216.34', '2606:2800:220:1::1'],
  'internal.example.org': ['10.0.0.5'],
  'half.example.org': ['93.184.216.34', '192.168.1.20'],
  'metadata.example.org': ['169.254.169.254'],
  'pop.partner.org': ['10.5.0.7'],
  'mx.branch.partner.org': ['10.9.0.1'],
});

describe('addresses refused by default', () => {
  it('names what each internal range is, IPv4-mapped and NAT64 forms included', () => {
    const kinds = Object.fromEntries(
      [
        '127.0.0.1', '127.8.9.10', '::1', '0.0.0.0', '::', '10.0.0.5', '172.16.3.4', '172.31.255.255', '192.168.0.1', 'fc00::1', 'fd12:3456::1',
        '169.254.169.254', 'fe80::1', '100.64.0.1', '100.127.255.254', '224.0.0.1', 'ff02::1', '255.255.255.255',
        '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a00:5', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe',
      ].map((address) => [address, kindOf(address)]),
    );
    expect(kinds).toEqual({
      '127.0.0.1': 'loopback', '127.8.9.10': 'loopback', '::1': 'loopback', '0.0.0.0': 'unspecified', '::': 'unspecified',
      '10.0.0.5': 'private', '172.16.3.4': 'private', '172.31.255.255': 'private', '192.168.0.1': 'private', 'fc00::1': 'private', 'fd12:3456::1': 'private',
      '169.254.169.254': 'link-local', 'fe80::1': 'link-local', '100.64.0.1': 'carrier-grade NAT', '100.127.255.254': 'carrier-grade NAT',
      '224.0.0.1': 'multicast', 'ff02::1': 'multicast', '255.255.255.255': 'reserved',
      '::ffff:127.0.0.1': 'loopback', '::ffff:7f00:1': 'loopback', '0:0:0:0:0:ffff:a00:5': 'private', '::ffff:169.254.169.254': 'link-local', '64:ff9b::a9fe:a9fe': 'link-local',
    });
  });

  it('lets public addresses through, next to the internal ranges', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '11.0.0.1', '2606:2800:220:1::1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(kindOf(address), address).toBeNull();
    }
  });
});

describe('ports', () => {
  it('allows 110 and 995 by default and says which are allowed', () => {
    const policy = new RpopDestinationPolicy(defaults());
    expect(policy.portRefusal(110)).toBeNull();
    expect(policy.portRefusal(995)).toBeNull();
    expect(policy.portRefusal(5432)).toBe('port 5432 is not allowed for remote POP; allowed: 110, 995');
  });

  it('reads SCHOOLMAIL_RPOP_PORTS, with ranges', () => {
    const policy = new RpopDestinationPolicy(rpopDestinationSettings({ SCHOOLMAIL_RPOP_PORTS: '995, 1100-1200' }));
    expect([110, 995, 1100, 1150, 1200, 1201].map((port) => policy.portRefusal(port) === null)).toEqual([false, true, true, true, true, false]);
  });

  it('refuses to start on a setting it cannot read, naming it', () => {
    expect(() => new RpopDestinationPolicy(rpopDestinationSettings({ SCHOOLMAIL_RPOP_PORTS: '110,pop' }))).toThrow(/SCHOOLMAIL_RPOP_PORTS: "pop"/);
    expect(() => new RpopDestinationPolicy(rpopDestinationSettings({ SCHOOLMAIL_RPOP_PORTS: '70000' }))).toThrow(/SCHOOLMAIL_RPOP_PORTS/);
    expect(() => new RpopDestinationPolicy(rpopDestinationSettings({ SCHOOLMAIL_RPOP_ALLOW: '10.5.0.0/33' }))).toThrow(/SCHOOLMAIL_RPOP_ALLOW: "10.5.0.0\/33" is not a valid CIDR/);
    expect(() => new RpopDestinationPolicy(rpopDestinationSettings({ SCHOOLMAIL_RPOP_DENY: 'bad host!' }))).toThrow(/SCHOOLMAIL_RPOP_DENY: "bad host!"/);
  });
});

describe('when a source is saved (hostRefusal)', () => {
  const policy = new RpopDestinationPolicy(defaults(), dns);

  it('refuses internal literal addresses and names resolving to one', async () => {
    expect(await policy.hostRefusal('10.0.0.5', 1000)).toBe('host is a private address (10.0.0.5), which remote POP may not reach');
    expect(await policy.hostRefusal('[::1]', 1000)).toBe('host is a loopback address (::1), which remote POP may not reach');
    expect(await policy.hostRefusal('internal.example.org', 1000)).toBe('host resolves to a private address (10.0.0.5), which remote POP may not reach');
    expect(await policy.hostRefusal('Metadata.Example.org.', 1000)).toBe('host resolves to a link-local address (169.254.169.254), which remote POP may not reach');
  });

  it('checks every address of a name, not only the first', async () => {
    expect(await policy.hostRefusal('half.example.org', 1000)).toBe('host resolves to a private address (192.168.1.20), which remote POP may not reach');
  });

  it('accepts public hosts, and names that do not resolve now (the engine checks at connect time)', async () => {
    expect(await policy.hostRefusal('pop.public.org', 1000)).toBeNull();
    expect(await policy.hostRefusal('93.184.216.34', 1000)).toBeNull();
    expect(await policy.hostRefusal('nowhere.example.org', 1000)).toBeNull();
    const slow = new RpopDestinationPolicy(defaults(), () => new Promise(() => undefined));
    expect(await slow.hostRefusal('slow.example.org', 50)).toBeNull();
  });
});

describe('allow and deny lists', () => {
  const policy = new RpopDestinationPolicy(
    rpopDestinationSettings({ SCHOOLMAIL_RPOP_ALLOW: '10.5.0.0/16, *.branch.partner.org, 127.0.0.1', SCHOOLMAIL_RPOP_DENY: '93.184.216.0/24,blocked.example.org,10.5.9.0/24' }),
    dns,
  );

  it('allows the listed CIDRs and names, and only those', async () => {
    expect(await policy.hostRefusal('pop.partner.org', 1000)).toBeNull();
    expect(await policy.hostRefusal('10.5.200.1', 1000)).toBeNull();
    expect(await policy.hostRefusal('mx.branch.partner.org', 1000)).toBeNull();
    expect(await policy.hostRefusal('127.0.0.1', 1000)).toBeNull();
    expect(await policy.hostRefusal('127.0.0.2', 1000)).toMatch(/loopback/);
    expect(await policy.hostRefusal('10.6.0.1', 1000)).toMatch(/private/);
    expect(await policy.hostRefusal('internal.example.org', 1000)).toMatch(/private address \(10\.0\.0\.5\)/);
  });

  it('lets the deny list win, by name or by address', async () => {
    expect(await policy.hostRefusal('blocked.example.org', 1000)).toBe('host blocked.example.org is on the remote POP deny list');
    expect(await policy.hostRefusal('pop.public.org', 1000)).toBe('host resolves to 93.184.216.34, which is on the remote POP deny list');
    expect(await policy.hostRefusal('::ffff:93.184.216.34', 1000)).toBe('host ::ffff:93.184.216.34 is on the remote POP deny list');
    expect(await policy.hostRefusal('10.5.9.9', 1000)).toBe('host 10.5.9.9 is on the remote POP deny list');
    // An allowed name is not allowed into a denied network.
    const partnerDenied = new RpopDestinationPolicy(rpopDestinationSettings({ SCHOOLMAIL_RPOP_ALLOW: 'pop.partner.org', SCHOOLMAIL_RPOP_DENY: '10.5.0.0/24' }), dns);
    expect(await partnerDenied.hostRefusal('pop.partner.org', 1000)).toBe('host resolves to 10.5.0.7, which is on the remote POP deny list');
    await expect(partnerDenied.addressesFor('pop.partner.org', 110, 1000)).rejects.toThrow('host resolves to 10.5.0.7, which is on the remote POP deny list');
  });
});

describe('at connect time (addressesFor)', () => {
  const policy = new RpopDestinationPolicy(rpopDestinationSettings({ SCHOOLMAIL_RPOP_ALLOW: 'pop.partner.org' }), dns);

  it('answers the checked addresses to dial', async () => {
    expect(await policy.addressesFor('pop.public.org', 995, 1000)).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    expect(await policy.addressesFor('pop.partner.org', 110, 1000)).toEqual([{ address: '10.5.0.7', family: 4 }]);
    expect(await policy.addressesFor('93.184.216.34', 110, 1000)).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('refuses with the field at fault; a name that does not resolve fails with the resolver\'s error', async () => {
    const refusal = (host: string, port: number) => policy.addressesFor(host, port, 1000).catch((error: unknown) => error);
    const byPort = await refusal('pop.public.org', 5432);
    expect(byPort).toBeInstanceOf(RpopDestinationRefused);
    expect(byPort).toMatchObject({ field: 'port', message: 'port 5432 is not allowed for remote POP; allowed: 110, 995' });
    expect(await refusal('half.example.org', 110)).toMatchObject({ field: 'host', message: 'host resolves to a private address (192.168.1.20), which remote POP may not reach' });
    expect(await refusal('169.254.169.254', 110)).toMatchObject({ field: 'host', message: 'host is a link-local address (169.254.169.254), which remote POP may not reach' });
    const unknown = await refusal('nowhere.example.org', 110);
    expect(unknown).not.toBeInstanceOf(RpopDestinationRefused);
    expect(String(unknown)).toMatch(/ENOTFOUND/);
  });
});
