/**
 * Fixtures for the address-owning features (aliases, lists, groups): mailboxes made
 * straight in the database (so these tests do not depend on the accounts feature) and
 * administrators holding custom permission sets, for the 403-in-scope cases.
 */
import { hashPassword } from '@schoolmail/mail-engine';
import type { TestApi } from './api.js';
import { createAdmin, PASSWORD } from './fixtures.js';

let passwordHash: Promise<string> | undefined;

/** A mailbox at `address`, claimed in the address registry like the accounts feature does. */
export async function createMailbox(api: TestApi, address: string, displayName?: string) {
  const [localPart, domainName] = address.split('@') as [string, string];
  const domain = await api.prisma.domain.findUniqueOrThrow({ where: { name: domainName } });
  passwordHash ??= hashPassword(PASSWORD);
  return api.prisma.$transaction(async (tx) => {
    await tx.address.create({ data: { address, kind: 'account', domainId: domain.id } });
    return tx.account.create({ data: { address, localPart, domainId: domain.id, passwordHash: await passwordHash!, displayName: displayName ?? null } });
  });
}

type Permission = { action: 'read' | 'create' | 'update' | 'delete'; subject: string };

/** An administrator whose rights are custom permission sets, each assigned at one domain; logged in. */
export async function adminWithSets(api: TestApi, username: string, sets: Array<{ name: string; domain: string; permissions: Permission[] }>) {
  for (const set of sets) {
    await api.prisma.permissionSet.create({ data: { name: set.name, permissions: set.permissions } });
  }
  await createAdmin(api, username, sets.map((set) => ({ permissionSet: set.name, domain: set.domain })));
  return api.login(username, PASSWORD);
}

export const can = (actions: Permission['action'][], subject: string): Permission[] => actions.map((action) => ({ action, subject }));
