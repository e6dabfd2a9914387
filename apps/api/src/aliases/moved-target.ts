/**
 * A mailbox renamed (accounts.service.ts `rename`) takes the aliases that name it along: an
 * alias must never go on naming a freed address that a later account could take.
 */
import type { Tx } from '../database/database.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { aliasInclude, presentAlias } from './aliases.service.js';

/**
 * Every alias targeting `oldAddress` targets `newAddress` in its place (or only keeps
 * `newAddress` where it was a target already). Rows are locked first, so the audited
 * "before" is what the update changed.
 */
export async function moveAliasTargets(tx: Tx, audit: AuditService, actor: Actor, oldAddress: string, newAddress: string) {
  const locked = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT id FROM "Alias" WHERE targets @> ARRAY[${oldAddress}]::text[] ORDER BY id FOR UPDATE`;
  if (locked.length === 0) return;
  const ids = locked.map((alias) => alias.id);
  const before = await tx.alias.findMany({ where: { id: { in: ids } }, include: aliasInclude, orderBy: { id: 'asc' } });
  await tx.$executeRaw`
    UPDATE "Alias" SET
      targets = CASE WHEN ${newAddress} = ANY(targets) THEN array_remove(targets, ${oldAddress}) ELSE array_replace(targets, ${oldAddress}, ${newAddress}) END,
      "updatedAt" = now()
    WHERE id = ANY(${ids}::int[])`;
  const after = new Map((await tx.alias.findMany({ where: { id: { in: ids } }, include: aliasInclude })).map((alias) => [alias.id, alias]));
  for (const alias of before) {
    await audit.record(tx, actor, {
      action: 'alias.update',
      subjectType: 'Alias',
      subjectId: alias.address,
      domain: alias.domain,
      before: presentAlias(alias),
      after: presentAlias(after.get(alias.id)!),
    });
  }
}
