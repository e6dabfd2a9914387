/**
 * Where webhooks may connect. A district's administrator chooses its webhook's URL, and
 * the delivery log shows the answer: without a guard, a webhook could probe the provider's
 * internal network (loopback, private ranges, cloud metadata at 169.254.169.254). The
 * check runs on the address actually connected to (after DNS), so a name that resolves to
 * a private address is refused too.
 *
 * SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS: `staff` (default: only platform webhooks may reach
 * private addresses, e.g. a CMS inside the provider's network), `all`, or `none`.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export type PrivateTargetPolicy = 'staff' | 'all' | 'none';

const privateRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return privateRanges.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return privateRanges.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function privateTargetsAllowed(policy: PrivateTargetPolicy, platformWebhook: boolean) {
  return policy === 'all' || (policy === 'staff' && platformWebhook);
}

const refusal = (address: string) =>
  Object.assign(new Error(`refused to connect to ${address}: a private or local address (SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS)`), { code: 'EPRIVATETARGET' });

/** Refuses a literal private IP host before connecting (Node does no lookup for those). */
export function literalTargetRefusal(hostname: string): Error | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return isIP(bare) && isPrivateAddress(bare) ? refusal(bare) : null;
}

/** A `lookup` for http.request that refuses names resolving to private addresses. */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) return callback(refusal(blocked.address), '');
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}
