/**
 * What a deleted domain takes with it (its sub-domains' included): accounts, aliases, mailing
 * lists and groups, each gone the way a single delete goes (an account's directory entry in a
 * provisioning domain, an audit entry per object, so webhooks hear `account.deleted`,
 * `alias.deleted`...), in a few queries per kind whatever the count.
 */
import type { Tx } from '../database/database.js';
import type { AuditEntry } from '../audit/audit.service.js';
import type { DirectoryWrites } from '../ldap/directory-provisioning.js';
import { accountInclude, presentAccounts } from '../accounts/account.view.js';
import { aliasInclude, presentAlias } from '../aliases/aliases.service.js';
import { mailingListInclude, presentMailingList } from '../mailing-lists/mailing-lists.service.js';
import { groupInclude, presentGroup } from '../groups/groups.service.js';

/**
 * Deletes the content of the domains `domainIds` inside `tx`, the directory entries of their
 * accounts last (before the commit, as every provisioning write), and answers the audit
 * entries to record. The domains themselves stay for the caller to delete: the directory
 * source of an account is found through its domain.
 */
export async function deleteDomainContent(tx: Tx, directory: DirectoryWrites, domainIds: number[]): Promise<AuditEntry[]> {
  const inSubtree = { domainId: { in: domainIds } };
  const accounts = await tx.account.findMany({ where: inSubtree, include: accountInclude, orderBy: { id: 'asc' } });
  const aliases = await tx.alias.findMany({ where: inSubtree, include: aliasInclude, orderBy: { id: 'asc' } });
  const lists = await tx.mailingList.findMany({ where: inSubtree, include: mailingListInclude, orderBy: { id: 'asc' } });
  const groups = await tx.group.findMany({ where: inSubtree, include: groupInclude, orderBy: { id: 'asc' } });
  const accountViews = await presentAccounts(tx, accounts);

  await tx.account.deleteMany({ where: inSubtree });
  await tx.alias.deleteMany({ where: inSubtree });
  await tx.mailingList.deleteMany({ where: inSubtree });
  await tx.group.deleteMany({ where: inSubtree });
  await directory.accountsDeleted(accounts);

  // Only what the audit entry and its webhook payload read of the domain (a full row would carry its logo).
  const placeOf = (domain: { id: number; name: string; path: string }) => ({ id: domain.id, name: domain.name, path: domain.path });
  return [
    ...accounts.map((row, i) => ({ action: 'account.delete', subjectType: 'Account', subjectId: row.address, domain: placeOf(row.domain), before: accountViews[i] })),
    ...aliases.map((row) => ({ action: 'alias.delete', subjectType: 'Alias', subjectId: row.address, domain: placeOf(row.domain), before: presentAlias(row) })),
    ...lists.map((row) => ({ action: 'list.delete', subjectType: 'MailingList', subjectId: row.address, domain: placeOf(row.domain), before: presentMailingList(row) })),
    ...groups.map((row) => ({ action: 'group.delete', subjectType: 'Group', subjectId: row.address, domain: placeOf(row.domain), before: presentGroup(row) })),
  ];
}
