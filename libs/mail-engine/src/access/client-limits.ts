/**
 * Limits per client address (open connections, failed logins) with a higher value inside the
 * "shared address" networks: a school district's NAT gateway or web proxy carries every
 * student's mail client under one address, and one class mistyping passwords, or a lab full
 * of IMAP clients, must not lock the whole school out. The per-account limits are the same
 * for everyone, so guessing one account's password is bounded there all the same.
 */
import { findNetwork, parseNetwork, type Network } from '../acceptance/cidr.js';

export interface ClientLimit {
  /** Per client address (0: no limit). */
  perClient: number;
  /** Per client address inside `sharedNetworks` (0: no limit). */
  perSharedClient: number;
  sharedNetworks: readonly Network[];
}

/** Parses the shared-address networks (CIDR); throws naming the setting on the first invalid one. */
export function parseSharedNetworks(texts: readonly string[], setting = 'SCHOOLMAIL_SHARED_ADDRESS_NETWORKS'): Network[] {
  return texts.map((text) => {
    const network = parseNetwork(text);
    if ('error' in network) throw new Error(`${setting}: ${network.error}`);
    return network;
  });
}

/** The limit that applies to `clientIp`. */
export function limitFor(limit: ClientLimit, clientIp: string): number {
  return limit.sharedNetworks.length > 0 && findNetwork(limit.sharedNetworks, clientIp) ? limit.perSharedClient : limit.perClient;
}
