/**
 * Fixtures for the acceptance tests (policies, send-as, quarantine): domains, mailboxes and
 * groups made straight in the database, and quarantined messages stored through the real
 * FileBlobStore and PrismaQuarantine, as the SMTP pipeline holds them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrismaClient } from '@schoolmail/prisma';
import { FileBlobStore } from '../../libs/mail-engine/src/storage/index.js';
import { PrismaQuarantine } from '../../libs/mail-engine/src/acceptance/index.js';

export async function makeDomain(db: PrismaClient, name: string, parent?: string) {
  const parentRow = parent ? await db.domain.findUniqueOrThrow({ where: { name: parent } }) : null;
  const created = await db.domain.create({ data: { name, parentId: parentRow?.id ?? null, path: `pending:${name}`, depth: parentRow ? parentRow.depth + 1 : 0 } });
  return db.domain.update({ where: { id: created.id }, data: { path: `${parentRow?.path ?? '/'}${created.id}/` } });
}

export async function makeAccount(db: PrismaClient, address: string) {
  const [localPart, domainName] = address.split('@') as [string, string];
  const domain = await db.domain.findUniqueOrThrow({ where: { name: domainName } });
  await db.address.create({ data: { address, kind: 'account', domainId: domain.id } });
  return db.account.create({ data: { address, localPart, domainId: domain.id, passwordHash: '{SCRYPT}unused' } });
}

export async function makeGroup(db: PrismaClient, address: string, memberIds: number[] = []) {
  const [localPart, domainName] = address.split('@') as [string, string];
  const domain = await db.domain.findUniqueOrThrow({ where: { name: domainName } });
  await db.address.create({ data: { address, kind: 'group', domainId: domain.id } });
  return db.group.create({ data: { address, localPart, domainId: domain.id, members: { create: memberIds.map((accountId) => ({ accountId })) } } });
}

export async function makeAlias(db: PrismaClient, address: string, targets: string[]) {
  const [localPart, domainName] = address.split('@') as [string, string];
  const domain = await db.domain.findUniqueOrThrow({ where: { name: domainName } });
  await db.address.create({ data: { address, kind: 'alias', domainId: domain.id } });
  return db.alias.create({ data: { address, localPart, domainId: domain.id, targets } });
}

export function blobStoreFor(db: PrismaClient, dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-acceptance-'))) {
  return new FileBlobStore(db, { dataDir, log: () => {} });
}

/** Holds `raw` in the quarantine for `recipient` (a local mailbox) as a word-list match would; answers the entry id. */
export async function quarantineMessage(
  db: PrismaClient,
  blobs: FileBlobStore,
  options: { raw: string; sender: string; recipient: string; subject?: string; matches?: unknown },
): Promise<bigint> {
  const account = await db.account.findUnique({ where: { address: options.recipient }, include: { domain: true } });
  const domain = account?.domain ?? (await db.domain.findUniqueOrThrow({ where: { name: options.recipient.split('@')[1]! } }));
  const quarantine = new PrismaQuarantine();
  return db.$transaction(async (tx) => {
    const blob = await blobs.store(tx, Buffer.from(options.raw), domain.id);
    await quarantine.add(tx, {
      blobId: blob.blobId,
      sender: options.sender,
      recipient: options.recipient,
      accountId: account?.id ?? null,
      domainPath: domain.path,
      direction: 'inbound',
      subject: options.subject ?? null,
      matches: options.matches ?? [{ list: 'student-safe', entry: 'badword', action: 'quarantine' }],
    });
    const entry = await tx.quarantineEntry.findFirstOrThrow({ where: { blobId: blob.blobId, recipient: options.recipient }, orderBy: { id: 'desc' } });
    return entry.id;
  });
}
