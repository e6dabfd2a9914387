/**
 * Client networks in CIDR notation, IPv4 and IPv6, as 128-bit integers so one comparison
 * serves both families. IPv4 clients seen on a dual-stack socket ("::ffff:10.1.2.3") match
 * IPv4 networks, as an administrator writing "10.0.0.0/8" expects.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Network {
  /** Canonical CIDR text ("10.0.0.0/8", "2001:db8::/32"; a single address gets /32 or /128). */
  text: string;
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // A trailing dotted quad ("::ffff:1.2.3.4") stands for the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToBigInt(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

// Client addresses parsed lately: every message asks about its client's address several times
// (trusted networks at each policy level, cluster peers), and a busy client sends many.
const parsedIps = new Map<string, { family: 4 | 6; value: bigint } | null>();

/** An IP address as (family, 128-bit value), IPv4-mapped IPv6 folded to IPv4; null when not an address. */
export function parseIp(raw: string): { family: 4 | 6; value: bigint } | null {
  let parsed = parsedIps.get(raw);
  if (parsed === undefined) {
    if (parsedIps.size >= 4096) parsedIps.clear();
    parsed = parseIpText(raw);
    parsedIps.set(raw, parsed);
  }
  return parsed;
}

function parseIpText(raw: string): { family: 4 | 6; value: bigint } | null {
  const address = raw.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(address)) return { family: 4, value: ipv4ToBigInt(address) };
  if (!isIPv6(address)) return null;
  const value = ipv6ToBigInt(address.toLowerCase());
  if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

/** Parses "10.0.0.0/8", "2001:db8::/32", or a single address (a /32 or /128); a reason when invalid. */
export function parseNetwork(raw: string): Network | { error: string } {
  const text = raw.trim().toLowerCase();
  const slash = text.indexOf('/');
  const addressPart = slash < 0 ? text : text.slice(0, slash);
  const prefixPart = slash < 0 ? undefined : text.slice(slash + 1);
  const address = isIPv4(addressPart) ? { family: 4 as const, value: ipv4ToBigInt(addressPart) } : isIPv6(addressPart) ? { family: 6 as const, value: ipv6ToBigInt(addressPart) } : null;
  if (!address) return { error: `"${raw}" is not a network in CIDR notation (e.g. 10.0.0.0/8 or 2001:db8::/32)` };
  const width = address.family === 4 ? 32 : 128;
  if (prefixPart !== undefined && !/^\d{1,3}$/.test(prefixPart)) return { error: `"${raw}": the prefix length after "/" must be a number` };
  const prefix = prefixPart === undefined ? width : Number(prefixPart);
  if (prefix > width) return { error: `"${raw}": the prefix length of an IPv${address.family} network is at most ${width}` };
  const hostBits = BigInt(width - prefix);
  const base = (address.value >> hostBits) << hostBits;
  if (base !== address.value) {
    return { error: `"${raw}" has bits set after the first ${prefix}; the network is ${formatBase(address.family, base)}/${prefix}` };
  }
  return { text: `${formatBase(address.family, base)}/${prefix}`, family: address.family, base, prefix };
}

function formatBase(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') length++;
    if (length > best.length) best = { start, length };
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

export function networkContains(network: Network, ip: { family: 4 | 6; value: bigint }): boolean {
  if (network.family !== ip.family) {
    // An IPv6 network written as ::ffff:0:0/96 style covers mapped IPv4 clients.
    if (network.family === 6 && ip.family === 4) return networkContains(network, { family: 6, value: V4_MAPPED_PREFIX | ip.value });
    return false;
  }
  const hostBits = BigInt((network.family === 4 ? 32 : 128) - network.prefix);
  return ip.value >> hostBits === network.base >> hostBits;
}

/**
 * How wide `network` is in IPv4 terms: the prefix length of the IPv4 addresses it holds, or
 * null when it holds none. An IPv6 network that contains the IPv4-mapped range
 * (::ffff:0:0/96, which `networkContains` matches IPv4 clients against) holds every IPv4
 * address (0), and one inside that range holds a /(prefix - 96).
 */
export function ipv4Breadth(network: Network): number | null {
  if (network.family === 4) return network.prefix;
  if (network.prefix <= 96) {
    const hostBits = BigInt(128 - network.prefix);
    return V4_MAPPED_PREFIX >> hostBits === network.base >> hostBits ? 0 : null;
  }
  return network.base >> 32n === 0xffffn ? network.prefix - 96 : null;
}

/** The first of `networks` that holds `clientIp`, or undefined (also for a missing or unparsable address). */
export function findNetwork(networks: readonly Network[], clientIp: string | null | undefined): Network | undefined {
  if (!clientIp) return undefined;
  const ip = parseIp(clientIp);
  if (!ip) return undefined;
  return networks.find((network) => networkContains(network, ip));
}
