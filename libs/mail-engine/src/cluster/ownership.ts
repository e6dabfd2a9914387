/**
 * Which back-end node holds a mailbox: the account's own `mailHost` (an LDAP-routed mailbox,
 * see README "Running a cluster") when it names a registered node (its id, in any case, or a
 * host name whose first label is the id: directories hold "node-b.mail.example.net"), else the `backendNode` of
 * its domain or of the nearest ancestor that has one, else none: a mailbox pinned nowhere is
 * held by whichever mail node takes its mail (the single-machine case). A mailHost naming no
 * node of this cluster (a directory still holding an older platform's host names) is ignored
 * rather than followed: following it would queue the mailbox's mail for a node that never comes.
 */
import { Prisma } from '@schoolmail/prisma';
import type { Db } from '../contracts.js';

export interface MailboxOwner {
  accountId: number;
  address: string;
  /** A node id, or null when nothing pins the mailbox. */
  node: string | null;
}

/**
 * The owning node of the account row `a` whose domain row is `ad` (aliases in the caller's
 * FROM), as an SQL expression: null when nothing pins the mailbox.
 */
export const OWNER_NODE_OF_ACCOUNT = Prisma.sql`COALESCE((
      SELECT n.id FROM "ClusterNode" n
      WHERE lower(n.id) IN (lower(a."mailHost"), split_part(lower(a."mailHost"), '.', 1))
      ORDER BY lower(n.id) = lower(a."mailHost") DESC LIMIT 1
    ), (
      SELECT d."backendNode" FROM "Domain" d
      WHERE d."backendNode" IS NOT NULL AND ad.path LIKE d.path || '%'
      ORDER BY d.depth DESC LIMIT 1
    ))`;

/** One query for any number of mailboxes; unknown ids are absent. */
export async function mailboxOwners(db: Db, accountIds: readonly number[]): Promise<Map<number, MailboxOwner>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ id: number; address: string; node: string | null }>>`
    SELECT a.id, a.address, ${OWNER_NODE_OF_ACCOUNT} AS node
    FROM "Account" a JOIN "Domain" ad ON ad.id = a."domainId"
    WHERE a.id = ANY(${[...new Set(accountIds)]}::int[])`;
  return new Map(rows.map((row) => [row.id, { accountId: row.id, address: row.address, node: row.node }]));
}

/** The same, by address (lower-case); addresses that are not accounts are absent. */
export async function mailboxOwnersByAddress(db: Db, addresses: readonly string[]): Promise<Map<string, MailboxOwner>> {
  if (addresses.length === 0) return new Map();
  const accounts = await db.account.findMany({ where: { address: { in: [...new Set(addresses)] } }, select: { id: true } });
  const owners = await mailboxOwners(db, accounts.map((a) => a.id));
  return new Map([...owners.values()].map((owner) => [owner.address, owner]));
}
