/**
 * Which back-end holds a domain's mailboxes: the `backendNode` of the domain or of its
 * nearest ancestor that has one; a domain with none anywhere above goes to a healthy mail
 * node (this one first, so a single-machine install needs no assignment at all). One
 * account may live elsewhere (its `mailHost`, see ownership.ts).
 */
import type { Db } from '../contracts.js';
import { listClusterNodes, servesMail, type ClusterNodeState } from './nodes.js';
import type { NodeAddresses } from './node-registry.js';
import { mailboxOwners } from './ownership.js';

/** A proxied login's protocol (nginx's Auth-Protocol). */
export type RoutedService = 'imap' | 'pop3' | 'smtp';
/** Where a connection to a back-end goes: a proxied login, or mail relayed to the owner's MX. */
export type BackendListener = RoutedService | 'mx';

export type BackendChoice =
  | { ok: true; node: ClusterNodeState; host: string; port: number }
  /** Temporary: the owner is not registered, not healthy, or runs no such listener. */
  | { ok: false; message: string };

/** The listener a proxied login of `service` goes to (SMTP logins submit mail). */
const ADDRESS_OF: Record<BackendListener, keyof NodeAddresses> = { imap: 'imap', pop3: 'pop3', smtp: 'submission', mx: 'smtp' };

export function splitHostPort(address: string): { host: string; port: number } | null {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
  if (!match) return null;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1]!, port } : null;
}

export interface BackendOptions {
  staleSeconds: number;
  /** This node: unpinned mailboxes go here first when it serves mail. */
  preferNodeId?: string;
}

/** The back-end of one mailbox: its mailHost first, then its domain's. */
export async function backendForAccount(db: Db, accountId: number, service: BackendListener, options: BackendOptions): Promise<BackendChoice> {
  const owner = (await mailboxOwners(db, [accountId])).get(accountId);
  return chooseBackend(db, owner?.node ?? null, service, options);
}

/** The listener of node `assigned` (null: any healthy mail node), or why there is none now. */
export async function chooseBackend(db: Db, assigned: string | null, service: BackendListener, options: BackendOptions): Promise<BackendChoice> {
  const nodes = await listClusterNodes(db, options.staleSeconds);
  const key = ADDRESS_OF[service];
  let node: ClusterNodeState | undefined;
  if (assigned) {
    node = nodes.find((n) => n.id === assigned);
    if (!node) return { ok: false, message: `back-end "${assigned}" is not registered` };
    if (!node.healthy) return { ok: false, message: `back-end "${assigned}" is not answering` };
  } else {
    const candidates = nodes.filter((n) => n.healthy && servesMail(n) && n.addresses[key]);
    node = candidates.find((n) => n.id === options.preferNodeId) ?? candidates[0];
    if (!node) return { ok: false, message: 'no healthy back-end is registered' };
  }
  const address = node.addresses[key] ? splitHostPort(node.addresses[key]) : null;
  if (!address) return { ok: false, message: `back-end "${node.id}" has no ${service} listener` };
  return { ok: true, node, ...address };
}
