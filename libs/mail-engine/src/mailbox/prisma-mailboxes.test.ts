import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@schoolmail/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { createAccounts, createMailDomain, createStorageUnit, temporaryDirectory } from '../../../../test/support/storage.js';
import { FileBlobStore } from '../storage/file-blob-store.js';
import { ensureDefaultFolders } from './default-folders.js';
import { PrismaMailboxes } from './prisma-mailboxes.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let store: FileBlobStore;
let domain: { id: number; name: string };
const mailboxes = new PrismaMailboxes();
const TX = { maxWait: 30_000, timeout: 30_000 };

beforeAll(async () => {
  db = await createTestDatabase();
  domain = await createMailDomain(db.prisma, 'mail.k12.us');
  await createStorageUnit(db.prisma, { name: 'main', directory: temporaryDirectory('unit') });
  store = new FileBlobStore(db.prisma, { dataDir: temporaryDirectory('data') });
});
afterAll(() => db?.drop());

async function storeMessage(text: string) {
  return db.prisma.$transaction((tx) => store.store(tx, Buffer.from(text), domain.id));
}

describe('PrismaMailboxes.deliver', () => {
  it('creates the default folders on first delivery and files the message in INBOX with UID 1', async () => {
    const [account] = await createAccounts(db.prisma, domain, 1, 'first');
    const blob = await storeMessage('Subject: first\r\n\r\nhi\r\n');
    const internalDate = new Date('2026-11-03T10:00:00.000Z');
    const deliveries = await db.prisma.$transaction((tx) => mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate, accountIds: [account!] }));
    const folders = await db.prisma.mailboxFolder.findMany({ where: { accountId: account }, orderBy: { id: 'asc' } });
    expect(folders.map((f) => [f.name, f.specialUse])).toEqual([
      ['INBOX', null],
      ['Sent', '\\Sent'],
      ['Drafts', '\\Drafts'],
      ['Trash', '\\Trash'],
      ['Junk', '\\Junk'],
    ]);
    expect(Math.abs(folders[0]!.uidValidity - Date.now() / 1000)).toBeLessThan(120);
    const inbox = folders[0]!;
    expect(deliveries).toEqual([{ accountId: account, folderId: inbox.id, uid: 1 }]);
    expect(inbox).toMatchObject({ uidNext: 2, modSeq: 2n });
    const [row] = await db.prisma.mailboxMessage.findMany({ where: { folderId: inbox.id } });
    expect(row).toMatchObject({ uid: 1, blobId: blob.blobId, size: blob.size, flags: [], internalDate, modSeq: 2n });
    expect((await db.prisma.account.findUniqueOrThrow({ where: { id: account } })).quotaUsedBytes).toBe(BigInt(blob.size));

    // ensureDefaultFolders is idempotent and keeps UIDVALIDITY.
    await db.prisma.$transaction((tx) => ensureDefaultFolders(tx, account!));
    expect(await db.prisma.mailboxFolder.findMany({ where: { accountId: account }, orderBy: { id: 'asc' } })).toEqual(folders.map((f) => (f.id === inbox.id ? { ...f, uidNext: 2, modSeq: 2n } : f)));
  });

  it('gives 20 parallel deliveries to one mailbox the distinct UIDs 1..20 and counts every byte', async () => {
    const [account] = await createAccounts(db.prisma, domain, 1, 'busy');
    const blob = await storeMessage('Subject: busy\r\n\r\nagain and again\r\n');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        db.prisma.$transaction((tx) => mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: [account!], flags: ['\\Recent'] }), TX),
      ),
    );
    expect(results.map((r) => r[0]!.uid).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const inbox = await db.prisma.mailboxFolder.findFirstOrThrow({ where: { accountId: account, name: 'INBOX' } });
    expect(inbox.uidNext).toBe(21);
    expect(await db.prisma.mailboxFolder.count({ where: { accountId: account } })).toBe(5);
    expect((await db.prisma.account.findUniqueOrThrow({ where: { id: account } })).quotaUsedBytes).toBe(BigInt(20 * blob.size));
    expect((await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: blob.blobId } })).refCount).toBe(20);
    expect((await db.prisma.mailboxMessage.findFirstOrThrow({ where: { folderId: inbox.id } })).flags).toEqual(['\\Recent']);
  });

  it('delivers to 50 mailboxes in a fixed number of statements, and overlapping deliveries do not deadlock', async () => {
    const accounts = await createAccounts(db.prisma, domain, 50, 'many');
    const blob = await storeMessage('Subject: everyone\r\n\r\nassembly at 10\r\n');
    const counting = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }), log: [{ emit: 'event', level: 'query' }] });
    let statements = 0;
    counting.$on('query', (event) => {
      if (!/^(BEGIN|COMMIT|ROLLBACK)/i.test(event.query.trim())) statements++;
    });
    try {
      const first = await counting.$transaction((tx) => mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: accounts }));
      expect(first).toHaveLength(50);
      expect(statements).toBeLessThanOrEqual(5); // folders created on the way
      statements = 0;
      const second = await counting.$transaction((tx) => mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: accounts }));
      expect(second.every((d) => d.uid === 2)).toBe(true);
      expect(statements).toBe(1); // UIDs, messages and quota in one statement
      statements = 0;
      // Deliveries made together in one transaction (a group commit) share that statement.
      const together = await counting.$transaction((tx) =>
        Promise.all(Array.from({ length: 4 }, () => mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: accounts.slice(0, 3) }))),
      );
      expect(statements).toBe(1);
      expect(together.map((deliveries) => deliveries.map((d) => d.uid))).toEqual([[3, 3, 3], [4, 4, 4], [5, 5, 5], [6, 6, 6]]);
    } finally {
      await counting.$disconnect();
    }
    // Opposite orders and overlapping sets at once: the sorted lock order keeps them apart.
    const reversed = [...accounts].reverse();
    await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        db.prisma.$transaction((tx) => mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: n % 2 ? accounts : reversed.slice(n) }), TX),
      ),
    );
    const counts = await db.prisma.mailboxMessage.groupBy({ by: ['folderId'], where: { blobId: blob.blobId }, _count: true, _max: { uid: true } });
    for (const folder of counts) expect(folder._max.uid).toBe(folder._count);
    const rows = await db.prisma.mailboxMessage.findMany({ where: { blobId: blob.blobId }, select: { uid: true, modSeq: true } });
    expect(rows.every((row) => row.modSeq === BigInt(row.uid + 1))).toBe(true);
    expect((await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: blob.blobId } })).refCount).toBe(counts.reduce((sum, c) => sum + c._count, 0));
  });

  it('answers nothing for no recipients and fails for an account that does not exist', async () => {
    const blob = await storeMessage('Subject: nobody\r\n\r\n.\r\n');
    expect(await db.prisma.$transaction((tx) => mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: [] }))).toEqual([]);
    await expect(db.prisma.$transaction((tx) => mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: [999_999] }))).rejects.toThrow();
  });
});
