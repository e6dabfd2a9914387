/**
 * Addresses inside the provider's own networks, by what they are. Features that connect where
 * a district or a mailbox owner tells them (webhooks, remote POP) refuse these by default:
 * otherwise a URL or a host name could reach PostgreSQL on loopback, the cluster's private
 * network or cloud metadata (169.254.169.254).
 */
import { BlockList, isIP, type IPVersion } from 'node:net';

/** Ranges refused by default, by what they are (named in refusals). */
const REFUSED_BY_DEFAULT: Array<[kind: string, network: string, prefix: number]> = [
  ['unspecified', '0.0.0.0', 8],
  ['loopback', '127.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  ['carrier-grade NAT', '100.64.0.0', 10],
  ['link-local', '169.254.0.0', 16],
  ['reserved', '192.0.0.0', 24],
  ['reserved', '198.18.0.0', 15],
  ['multicast', '224.0.0.0', 4],
  ['reserved', '240.0.0.0', 4],
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  // IPv4-compatible addresses (deprecated) and the rest of ::/96.
  ['reserved', '::', 96],
  ['private', 'fc00::', 7],
  ['private', 'fec0::', 10],
  ['link-local', 'fe80::', 10],
  ['multicast', 'ff00::', 8],
];

const refusedRanges = REFUSED_BY_DEFAULT.map(([kind, network, prefix]) => {
  const ranges = new BlockList();
  ranges.addSubnet(network, prefix, familyOf(network));
  return { kind, ranges };
});

export function familyOf(address: string): IPVersion {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::/96) address,
 * which reaches that IPv4 host: it is judged as that address.
 */
export function embeddedIpv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const match = /^(?:::ffff|64:ff9b:):([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!match) return null;
  const [high, low] = [parseInt(match[1]!, 16), parseInt(match[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** What an internal address is ("loopback", "private", ...), null for a public one, "unreadable" for no address. */
export function kindOf(address: string): string | null {
  const judged = embeddedIpv4(address) ?? address.replace(/%.*$/, '');
  const family = isIP(judged);
  if (!family) return 'unreadable';
  return refusedRanges.find(({ ranges }) => ranges.check(judged, family === 4 ? 'ipv4' : 'ipv6'))?.kind ?? null;
}

/** An IP address (v4 or v6, IPv4-mapped included) in a range refused by default. */
export function isInternalAddress(address: string): boolean {
  const kind = kindOf(address);
  return kind !== null && kind !== 'unreadable';
}
