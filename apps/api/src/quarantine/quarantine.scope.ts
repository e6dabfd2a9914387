/**
 * Which quarantined messages an actor reviews: staff all of them; an administrator those
 * whose domain lies in the subtree of one of its grants that may change mailboxes there
 * (`update` Account), as a held message is a mailbox's mail. Filtered in SQL.
 */
import { probeAt } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import type { Actor } from '../common/actor.js';

export function quarantineScope(actor: Actor): Prisma.QuarantineEntryWhereInput {
  if (actor.ability.can('manage', 'all')) return {};
  if (actor.principal.kind === 'user') return { id: { lt: 0n } };
  const paths = actor.principal.grants.flatMap((grant) =>
    grant.scope && actor.ability.can('update', probeAt('Account', grant.scope)) ? [grant.scope.path] : [],
  );
  return paths.length ? { OR: paths.map((path) => ({ domainPath: { startsWith: path } })) } : { id: { lt: 0n } };
}
