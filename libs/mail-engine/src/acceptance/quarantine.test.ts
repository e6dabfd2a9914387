import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@schoolmail/prisma';
import { createTestDatabase } from '../../../../test/support/database.js';
import { blobStoreFor, makeAccount, makeDomain, quarantineMessage } from '../../../../test/support/acceptance.js';
import { PrismaMailboxes } from '../mailbox/index.js';
import type { FileBlobStore } from '../storage/index.js';
import { PrismaQuarantine, purgeDecidedQuarantine, QuarantineDecisionError, startQuarantinePurger } from './quarantine.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: PrismaClient;
let blobs: FileBlobStore;
const quarantine = new PrismaQuarantine();
const mailboxes = new PrismaMailboxes();
const raw = 'From: a@elsewhere.example\r\nTo: student@district1.k12.us\r\nSubject: held\r\n\r\nsomething bad\r\n';

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.prisma;
  blobs = blobStoreFor(db);
  await makeDomain(db, 'district1.k12.us');
  await makeAccount(db, 'student@district1.k12.us');
});

afterAll(async () => {
  await database?.drop();
});

const inboxOf = (address: string) =>
  db.mailboxMessage.findMany({ where: { folder: { name: 'INBOX', account: { address } } }, include: { folder: true } });

describe('PrismaQuarantine', () => {
  it('holds a message with one blob reference and nothing in the mailbox', async () => {
    const id = await quarantineMessage(db, blobs, { raw, sender: 'a@elsewhere.example', recipient: 'student@district1.k12.us', subject: 'held' });
    const entry = await db.quarantineEntry.findUniqueOrThrow({ where: { id }, include: { blob: true } });
    expect(entry).toMatchObject({ sender: 'a@elsewhere.example', recipient: 'student@district1.k12.us', direction: 'inbound', subject: 'held', decision: null });
    expect(entry.blob.refCount).toBe(1);
    expect((await blobs.read(entry.blobId)).toString()).toBe(raw);
    expect(await inboxOf('student@district1.k12.us')).toHaveLength(0);
  });

  it('releases into the INBOX and records who decided, in one transaction', async () => {
    const id = await quarantineMessage(db, blobs, { raw: raw + 'release me\r\n', sender: 'a@elsewhere.example', recipient: 'student@district1.k12.us' });
    const decided = await quarantine.release(db, id, { mailboxes }, 'pm1');
    expect(decided.after).toMatchObject({ decision: 'released', decidedBy: 'pm1' });
    expect(decided.after.decidedAt).toBeInstanceOf(Date);
    const inbox = await inboxOf('student@district1.k12.us');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ blobId: decided.before.blobId, uid: decided.delivery!.uid, internalDate: decided.before.createdAt });
    await expect(quarantine.release(db, id, { mailboxes }, 'pm2')).rejects.toMatchObject({ reason: 'already_decided' });
    expect(await inboxOf('student@district1.k12.us')).toHaveLength(1);
  });

  it('lets only one of two concurrent releases deliver', async () => {
    const id = await quarantineMessage(db, blobs, { raw: raw + 'race\r\n', sender: 'a@elsewhere.example', recipient: 'student@district1.k12.us' });
    const before = (await inboxOf('student@district1.k12.us')).length;
    const outcomes = await Promise.allSettled([quarantine.release(db, id, { mailboxes }, 'pm1'), quarantine.release(db, id, { mailboxes }, 'pm2')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await inboxOf('student@district1.k12.us')).length).toBe(before + 1);
  });

  it('marks a deleted entry, refuses to release it, and purges decided entries to free the blob', async () => {
    const body = raw + 'delete me\r\n';
    const id = await quarantineMessage(db, blobs, { raw: body, sender: 'a@elsewhere.example', recipient: 'student@district1.k12.us' });
    const decided = await quarantine.remove(db, id, 'pm1');
    expect(decided.after).toMatchObject({ decision: 'deleted', decidedBy: 'pm1' });
    await expect(quarantine.release(db, id, { mailboxes }, 'pm1')).rejects.toBeInstanceOf(QuarantineDecisionError);
    expect((await db.messageBlob.findUniqueOrThrow({ where: { id: decided.before.blobId } })).refCount).toBe(1);
    const purged = await purgeDecidedQuarantine(db, new Date(Date.now() + 1000));
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await db.quarantineEntry.findUnique({ where: { id } })).toBeNull();
    expect((await db.messageBlob.findUniqueOrThrow({ where: { id: decided.before.blobId } })).refCount).toBe(0);
  });

  it('answers not_found for an unknown entry and undeliverable when the mailbox is gone', async () => {
    await expect(quarantine.remove(db, 987654321n, 'pm1')).rejects.toMatchObject({ reason: 'not_found' });
    await makeAccount(db, 'leaver@district1.k12.us');
    const id = await quarantineMessage(db, blobs, { raw: raw + 'gone\r\n', sender: 'a@elsewhere.example', recipient: 'leaver@district1.k12.us' });
    await db.account.delete({ where: { address: 'leaver@district1.k12.us' } });
    await expect(quarantine.release(db, id, { mailboxes }, 'pm1')).rejects.toMatchObject({ reason: 'undeliverable' });
    expect((await db.quarantineEntry.findUniqueOrThrow({ where: { id } })).decision).toBeNull();
  });

  it('purges decided entries past their retention in the background, and keeps pending ones', async () => {
    const pending = await quarantineMessage(db, blobs, { raw: raw + 'pending\r\n', sender: 'a@elsewhere.example', recipient: 'student@district1.k12.us' });
    const old = await quarantineMessage(db, blobs, { raw: raw + 'old\r\n', sender: 'a@elsewhere.example', recipient: 'student@district1.k12.us' });
    await quarantine.remove(db, old, 'pm1');
    await db.quarantineEntry.update({ where: { id: old }, data: { decidedAt: new Date(Date.now() - 31 * 86_400_000) } });
    const lines: string[] = [];
    const stop = startQuarantinePurger(db, { retentionMs: 30 * 86_400_000, log: (line) => lines.push(line) });
    await expect.poll(() => db.quarantineEntry.findUnique({ where: { id: old } })).toBeNull();
    stop();
    expect(await db.quarantineEntry.findUnique({ where: { id: pending } })).not.toBeNull();
    expect(lines[0]).toMatch(/purged \d+ decided/);
  });
});
