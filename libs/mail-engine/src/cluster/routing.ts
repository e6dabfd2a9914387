/**
 * Which back-end holds a domain's mailboxes: the `backendNode` of the domain or of its
 * nearest ancestor that has one; a domain with none anywhere above goes to a healthy mail
 * node (this one first, so a single-machine install needs no assignment at all).
 */
import type { Db } from '../contracts.js';
import { listClusterNodes, servesMail, type ClusterNodeState } from './nodes.js';
import type { NodeAddresses } from './node-registry.js';

export type RoutedService = 'imap' | 'pop3' | 'smtp';

export type BackendChoice =
  | { ok: true; node: ClusterNodeState; host: string; port: number }
  /** Temporary: the owner is not registered, not healthy, or runs no such listener. */
  | { ok: false; message: string };

/** The listener a proxied login of `service` goes to (SMTP logins submit mail). */
const ADDRESS_OF: Record<RoutedService, keyof NodeAddresses> = { imap: 'imap', pop3: 'pop3', smtp: 'submission' };

export function splitHostPort(address: string): { host: string; port: number } | null {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
  if (!match) return null;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1]!, port } : null;
}

/** The node id a domain is pinned to (its own or its nearest ancestor's), or null. */
export async function assignedNodeOf(db: Db, domainId: number): Promise<string | null> {
  const domain = await db.domain.findUnique({ where: { id: domainId }, select: { path: true } });
  if (!domain) return null;
  const lineage = domain.path.split('/').filter(Boolean).map(Number);
  const pinned = await db.domain.findMany({
    where: { id: { in: lineage }, backendNode: { not: null } },
    select: { backendNode: true, depth: true },
    orderBy: { depth: 'desc' },
    take: 1,
  });
  return pinned[0]?.backendNode ?? null;
}

export async function backendFor(
  db: Db,
  domainId: number,
  service: RoutedService,
  options: { staleSeconds: number; preferNodeId?: string },
): Promise<BackendChoice> {
  const [assigned, nodes] = await Promise.all([assignedNodeOf(db, domainId), listClusterNodes(db, options.staleSeconds)]);
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
