import { describe, expect, it } from 'vitest';
import { findNetwork, ipv4Breadth, parseIp, parseNetwork, type Network } from './cidr.js';

function network(text: string): Network {
  const parsed = parseNetwork(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

describe('CIDR networks', () => {
  it('matches IPv4 addresses inside the prefix only', () => {
    const net = network('10.0.0.0/8');
    expect(findNetwork([net], '10.1.2.3')).toBe(net);
    expect(findNetwork([net], '10.255.255.255')).toBe(net);
    expect(findNetwork([net], '11.0.0.1')).toBeUndefined();
    expect(findNetwork([network('192.168.4.0/22')], '192.168.7.200')).toBeDefined();
    expect(findNetwork([network('192.168.4.0/22')], '192.168.8.1')).toBeUndefined();
  });

  it('treats an IPv4 client on a dual-stack socket (::ffff:a.b.c.d) as IPv4', () => {
    expect(findNetwork([network('10.0.0.0/8')], '::ffff:10.9.8.7')).toBeDefined();
    expect(findNetwork([network('10.0.0.0/8')], '::FFFF:0a09:0807')).toBeDefined();
    expect(findNetwork([network('::ffff:0:0/96')], '10.9.8.7')).toBeDefined();
  });

  it('tells how many IPv4 clients a network holds, IPv4-mapped IPv6 networks included', () => {
    expect(ipv4Breadth(network('10.0.0.0/8'))).toBe(8);
    expect(ipv4Breadth(network('0.0.0.0/0'))).toBe(0);
    expect(ipv4Breadth(network('::ffff:0:0/96'))).toBe(0);
    expect(ipv4Breadth(network('::/80'))).toBe(0);
    expect(ipv4Breadth(network('::/0'))).toBe(0);
    expect(ipv4Breadth(network('::ffff:10.0.0.0/104'))).toBe(8);
    expect(ipv4Breadth(network('::ffff:10.1.0.0/112'))).toBe(16);
    expect(ipv4Breadth(network('2001:db8::/32'))).toBeNull();
    expect(ipv4Breadth(network('::1'))).toBeNull();
  });

  it('matches IPv6 networks, with and without "::" compression', () => {
    const net = network('2001:db8::/32');
    expect(findNetwork([net], '2001:db8:1234::1')).toBe(net);
    expect(findNetwork([net], '2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(net);
    expect(findNetwork([net], '2001:db9::1')).toBeUndefined();
    expect(findNetwork([net], '10.0.0.1')).toBeUndefined();
    expect(findNetwork([network('fe80::/10')], 'fe80::1%eth0')).toBeDefined();
    expect(findNetwork([network('::1')], '::1')).toBeDefined();
    expect(findNetwork([network('::/0')], '2a00::5')).toBeDefined();
  });

  it('takes a single address as a /32 or /128', () => {
    expect(findNetwork([network('203.0.113.7')], '203.0.113.7')).toBeDefined();
    expect(findNetwork([network('203.0.113.7')], '203.0.113.8')).toBeUndefined();
    expect(network('2001:db8::7').prefix).toBe(128);
  });

  it('ignores a missing or unparsable client address', () => {
    expect(findNetwork([network('0.0.0.0/0')], null)).toBeUndefined();
    expect(findNetwork([network('0.0.0.0/0')], 'not-an-ip')).toBeUndefined();
    expect(parseIp('[2001:db8::1]')).toEqual({ family: 6, value: 0x20010db8000000000000000000000001n });
  });

  it('refuses malformed networks with a reason', () => {
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0/8', '300.0.0.0/8', '10.0.0.0/x', 'example.org', '', '10.0.0.0/-1']) {
      expect(parseNetwork(bad), bad).toHaveProperty('error');
    }
    expect(parseNetwork('10.1.0.0/8')).toEqual({ error: expect.stringContaining('the network is 10.0.0.0/8') });
    expect(parseNetwork('2001:db8::1/32')).toEqual({ error: expect.stringContaining('the network is 2001:db8::/32') });
  });
});

describe('canonical network text', () => {
  it('writes networks the same way however they were typed', () => {
    const text = (raw: string) => (parseNetwork(raw) as Network).text;
    expect(text(' 10.0.0.0/08 ')).toBe('10.0.0.0/8');
    expect(text('203.0.113.7')).toBe('203.0.113.7/32');
    expect(text('2001:0DB8:0000::/32')).toBe('2001:db8::/32');
    expect(text('::1')).toBe('::1/128');
    expect(text('::ffff:0:0/96')).toBe('::ffff:0:0/96');
    expect(text('2001:db8:0:1:0:0:0:0/64')).toBe('2001:db8:0:1::/64');
  });
});
