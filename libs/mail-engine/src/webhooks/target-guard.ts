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
import { isIP } from 'node:net';
import { isInternalAddress } from '../net/internal-addresses.js';

export type PrivateTargetPolicy = 'staff' | 'all' | 'none';

export function privateTargetsAllowed(policy: PrivateTargetPolicy, platformWebhook: boolean) {
  return policy === 'all' || (policy === 'staff' && platformWebhook);
}

const refusal = (address: string) =>
  Object.assign(new Error(`refused to connect to ${address}: a private or local address (SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS)`), { code: 'EPRIVATETARGET' });

/** Refuses a literal private IP host before connecting (Node does no lookup for those). */
export function literalTargetRefusal(hostname: string): Error | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return isIP(bare) && isInternalAddress(bare) ? refusal(bare) : null;
}

/** A `lookup` for http.request that refuses names resolving to private addresses. */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const blocked = addresses.find((a) => isInternalAddress(a.address));
    if (blocked) return callback(refusal(blocked.address), '');
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}
