/** Mail-data fixtures for the storage and mailbox tests, made straight in the database. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrismaClient } from '@schoolmail/prisma';

export async function createMailDomain(prisma: PrismaClient, name: string, parentName?: string) {
  const parent = parentName ? await prisma.domain.findUniqueOrThrow({ where: { name: parentName } }) : null;
  const created = await prisma.domain.create({ data: { name, parentId: parent?.id ?? null, path: `pending:${name}`, depth: parent ? parent.depth + 1 : 0 } });
  return prisma.domain.update({ where: { id: created.id }, data: { path: `${parent?.path ?? '/'}${created.id}/` } });
}

/** `count` mailboxes named `<prefix><n>@<domain>`; answers their ids in creation order. */
export async function createAccounts(prisma: PrismaClient, domain: { id: number; name: string }, count: number, prefix = 'user') {
  const ids: number[] = [];
  for (let n = 1; n <= count; n++) {
    const localPart = `${prefix}${n}`;
    const address = `${localPart}@${domain.name}`;
    await prisma.address.create({ data: { address, kind: 'account', domainId: domain.id } });
    ids.push((await prisma.account.create({ data: { address, localPart, domainId: domain.id, passwordHash: '{SCRYPT}x' } })).id);
  }
  return ids;
}

/** Every file under a unit's directory `root`, relative, excluding the quarantine and trash areas. */
export function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return ['quarantine', 'trash'].includes(relative) ? [] : filesUnder(root, relative);
    return [relative];
  });
}

export function temporaryDirectory(label: string) {
  return mkdtempSync(join(tmpdir(), `schoolmail-${label}-`));
}

export async function createStorageUnit(
  prisma: PrismaClient,
  unit: { name: string; directory: string; capacityBytes?: bigint; state?: 'active' | 'read_only' | 'draining'; domainIds?: number[] },
) {
  return prisma.storageUnit.create({
    data: {
      name: unit.name,
      directory: unit.directory,
      capacityBytes: unit.capacityBytes ?? 10n * 1024n ** 3n,
      state: unit.state ?? 'active',
      domains: { create: (unit.domainIds ?? []).map((domainId) => ({ domainId })) },
    },
  });
}
