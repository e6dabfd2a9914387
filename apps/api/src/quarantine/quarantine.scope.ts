/**
 * Which quarantined messages an actor reviews: those its ability reaches (staff all of
 * them; a delegated administrator those whose domain lies in its subtree), filtered in SQL.
 */
import { accessibleBy } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import type { Actor } from '../common/actor.js';

export function quarantineScope(actor: Actor, action: 'read' | 'update' | 'delete' = 'read'): Prisma.QuarantineEntryWhereInput {
  return accessibleBy(actor.ability, action).QuarantineEntry;
}
