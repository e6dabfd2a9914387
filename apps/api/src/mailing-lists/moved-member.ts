/**
 * A mailbox renamed (accounts.service.ts `rename`) takes its list memberships along: a list
 * must never go on naming a freed address that a later account could take.
 */
import type { Tx } from '../database/database.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { presentListMember } from './mailing-lists.service.js';

/**
 * Every mailing-list member row of `oldAddress` becomes one of `newAddress` (owner flag and
 * date kept). Where the list already has `newAddress`, the old row goes instead, and its
 * owner flag carries over to the remaining row.
 */
export async function moveListMemberships(tx: Tx, audit: AuditService, actor: Actor, oldAddress: string, newAddress: string) {
  const locked = await tx.$queryRaw<Array<{ listId: number }>>`
    SELECT "listId" FROM "MailingListMember" WHERE address = ${oldAddress} ORDER BY "listId" FOR UPDATE`;
  if (locked.length === 0) return;
  const listIds = locked.map((member) => member.listId);
  const moving = await tx.mailingListMember.findMany({
    where: { address: oldAddress, listId: { in: listIds } },
    include: { list: { include: { domain: true } } },
    orderBy: { listId: 'asc' },
  });
  const present = new Map((await tx.mailingListMember.findMany({ where: { address: newAddress, listId: { in: listIds } } })).map((member) => [member.listId, member]));
  const renamed = moving.filter((member) => !present.has(member.listId));
  const merged = moving.filter((member) => present.has(member.listId));
  const promoted = merged.filter((member) => member.isOwner && !present.get(member.listId)!.isOwner);
  if (renamed.length) {
    await tx.mailingListMember.updateMany({ where: { address: oldAddress, listId: { in: renamed.map((member) => member.listId) } }, data: { address: newAddress } });
  }
  if (merged.length) {
    await tx.mailingListMember.deleteMany({ where: { address: oldAddress, listId: { in: merged.map((member) => member.listId) } } });
  }
  if (promoted.length) {
    await tx.mailingListMember.updateMany({ where: { address: newAddress, listId: { in: promoted.map((member) => member.listId) } }, data: { isOwner: true } });
  }
  for (const { list, ...member } of moving) {
    const audited = { subjectType: 'MailingList', subjectId: list.address, domain: list.domain };
    const kept = present.get(member.listId);
    if (!kept) {
      await audit.record(tx, actor, { action: 'list.member.update', ...audited, before: presentListMember(member), after: presentListMember({ ...member, address: newAddress }) });
      continue;
    }
    await audit.record(tx, actor, { action: 'list.member.remove', ...audited, before: presentListMember(member) });
    if (member.isOwner && !kept.isOwner) {
      await audit.record(tx, actor, { action: 'list.member.update', ...audited, before: presentListMember(kept), after: presentListMember({ ...kept, isOwner: true }) });
    }
  }
}
