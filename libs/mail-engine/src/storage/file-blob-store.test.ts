import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { createAccounts, createMailDomain, createStorageUnit, filesUnder, temporaryDirectory } from '../../../../test/support/storage.js';
import { PrismaMailboxes } from '../mailbox/prisma-mailboxes.js';
import { blobPath, quarantineDirectory } from './blob-paths.js';
import { startStorageSweeper, sweepUnreferencedBlobs } from './blob-sweeper.js';
import { foldStorageUsage } from './usage.js';
import { createPrismaClient } from '@schoolmail/prisma';
import { BlobCorruptError } from './errors.js';
import { FileBlobStore } from './file-blob-store.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let store: FileBlobStore;
let unitDirectory: string;
let unitId: number;
let domain: { id: number; name: string };
const logged: string[] = [];

const message = (n: number | string, body = 'Hello') => Buffer.from(`From: a@example.org\r\nSubject: test ${n}\r\n\r\n${body}\r\n`);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  db = await createTestDatabase();
  domain = await createMailDomain(db.prisma, 'blobs.k12.us');
  unitDirectory = temporaryDirectory('unit');
  unitId = (await createStorageUnit(db.prisma, { name: 'main', directory: unitDirectory })).id;
  store = new FileBlobStore(db.prisma, { dataDir: temporaryDirectory('data'), log: (line) => logged.push(line) });
});
afterAll(() => db?.drop());

describe('FileBlobStore', () => {
  it('stores content once: the same bytes twice give one row and one file, durably under the fan-out', async () => {
    const bytes = message('dedup');
    const first = await db.prisma.$transaction((tx) => store.store(tx, bytes, domain.id));
    const second = await db.prisma.$transaction((tx) => store.store(tx, bytes, domain.id));
    const hash = sha(bytes);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ sha256: hash, size: bytes.length });
    expect(await db.prisma.messageBlob.count({ where: { sha256: hash } })).toBe(1);
    expect(filesUnder(unitDirectory).filter((f) => f.endsWith(hash))).toEqual([`${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`]);
    expect(readFileSync(blobPath(unitDirectory, hash))).toEqual(bytes);
    expect(filesUnder(unitDirectory).filter((f) => f.includes('.tmp-'))).toEqual([]);
    await foldStorageUsage(db.prisma);
    const unit = await db.prisma.storageUnit.findUniqueOrThrow({ where: { id: unitId } });
    expect(unit.usedBytes).toBe(BigInt(bytes.length));
    expect(await store.read(first.blobId)).toEqual(bytes);
  });

  it('counts one reference per mailbox: 50 recipients hold one blob, freed with its file after the last deletion', async () => {
    const accounts = await createAccounts(db.prisma, domain, 50, 'ref');
    const bytes = message('fifty');
    await foldStorageUsage(db.prisma);
    const usedBefore = (await db.prisma.storageUnit.findUniqueOrThrow({ where: { id: unitId } })).usedBytes;
    const blob = await db.prisma.$transaction(async (tx) => {
      const stored = await store.store(tx, bytes, domain.id);
      await new PrismaMailboxes().deliver(tx, { blobId: stored.blobId, size: stored.size, internalDate: new Date(), accountIds: accounts });
      return stored;
    });
    expect(await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: blob.blobId } })).toMatchObject({ refCount: 50, state: 'ok' });
    expect(await db.prisma.messageBlob.count()).toBe(2);

    await db.prisma.mailboxMessage.deleteMany({ where: { blobId: blob.blobId, folder: { accountId: { in: accounts.slice(0, 49) } } } });
    expect((await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: blob.blobId } })).refCount).toBe(1);
    expect((await sweepUnreferencedBlobs(db.prisma, { olderThanSeconds: 0 })).freed).toBe(1); // the unreferenced blob of the first test
    expect(existsSync(blobPath(unitDirectory, blob.sha256))).toBe(true);

    await db.prisma.mailboxMessage.deleteMany({ where: { blobId: blob.blobId } });
    expect((await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: blob.blobId } })).refCount).toBe(0);
    expect(await sweepUnreferencedBlobs(db.prisma, { olderThanSeconds: 0 })).toEqual({ freed: 1, bytes: bytes.length });
    expect(await db.prisma.messageBlob.findUnique({ where: { id: blob.blobId } })).toBeNull();
    expect(existsSync(blobPath(unitDirectory, blob.sha256))).toBe(false);
    expect(readdirSync(join(unitDirectory, 'trash'))).toEqual([]);
    await foldStorageUsage(db.prisma);
    const unit = await db.prisma.storageUnit.findUniqueOrThrow({ where: { id: unitId } });
    expect(unit.usedBytes).toBe(usedBefore - BigInt(message('dedup').length));
  });

  it('spares unreferenced blobs younger than the grace period', async () => {
    const blob = await db.prisma.$transaction((tx) => store.store(tx, message('young'), domain.id));
    expect((await sweepUnreferencedBlobs(db.prisma, { olderThanSeconds: 60 })).freed).toBe(0);
    expect(await store.read(blob.blobId)).toEqual(message('young'));
    await db.prisma.messageBlob.delete({ where: { id: blob.blobId } });
  });

  it('puts the file back when the sweeper frees identical content between write and record', async () => {
    const bytes = message('race');
    const old = await db.prisma.$transaction((tx) => store.store(tx, bytes, domain.id));
    // Unreferenced and old: a sweep may free it at any time.
    await db.prisma.$executeRaw`UPDATE "MessageBlob" SET "createdAt" = LOCALTIMESTAMP - interval '1 hour' WHERE id = ${old.blobId}`;
    const written = await store.write(bytes, domain.id); // finds the file present and relies on it
    expect((await sweepUnreferencedBlobs(db.prisma, { olderThanSeconds: 60 })).freed).toBe(1);
    expect(existsSync(blobPath(unitDirectory, old.sha256))).toBe(false);

    const again = await db.prisma.$transaction((tx) => store.record(tx, written));
    expect(again.blobId).not.toBe(old.blobId);
    expect(await store.read(again.blobId)).toEqual(bytes);
    await db.prisma.messageBlob.delete({ where: { id: again.blobId } });
  });

  it('refuses a corrupt blob, isolates the file in quarantine, reports it, and keeps serving the others', async () => {
    const [account] = await createAccounts(db.prisma, domain, 1, 'reader');
    const mailboxes = new PrismaMailboxes();
    const blobs = await db.prisma.$transaction(async (tx) => {
      const stored = [];
      for (const n of [1, 2, 3]) {
        const blob = await store.store(tx, message(`corrupt ${n}`), domain.id);
        await mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: [account!] });
        stored.push(blob);
      }
      return stored;
    });
    const victim = blobs[1]!;
    const path = blobPath(unitDirectory, victim.sha256);
    const bytes = readFileSync(path);
    bytes[10] ^= 0x01;
    writeFileSync(path, bytes);

    const failure = await store.read(victim.blobId).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BlobCorruptError);
    expect((failure as BlobCorruptError).kind).toBe('corrupt-blob');
    expect(existsSync(path)).toBe(false);
    const problems = await db.prisma.storageProblem.findMany({ where: { blobId: victim.blobId } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ storageUnitId: unitId, kind: 'corrupt-blob' });
    expect(problems[0]!.detail).toContain(victim.sha256);
    expect(problems[0]!.isolatedPath!.startsWith(quarantineDirectory(unitDirectory))).toBe(true);
    expect(readFileSync(problems[0]!.isolatedPath!)).toEqual(bytes);
    expect((await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: victim.blobId } })).state).toBe('corrupt');
    expect(logged.some((line) => line.includes(`message blob ${victim.blobId}`))).toBe(true);

    // Refused at once afterwards, reported once, and the rest of the mailbox stays readable.
    await expect(store.read(victim.blobId)).rejects.toBeInstanceOf(BlobCorruptError);
    expect(await db.prisma.storageProblem.count({ where: { blobId: victim.blobId } })).toBe(1);
    expect(await store.read(blobs[0]!.blobId)).toEqual(message('corrupt 1'));
    expect(await store.read(blobs[2]!.blobId)).toEqual(message('corrupt 3'));

    // The same content arriving again heals the blob.
    await db.prisma.$transaction((tx) => store.store(tx, message('corrupt 2'), domain.id));
    expect(await store.read(victim.blobId)).toEqual(message('corrupt 2'));
  });

  it('reports a missing file as missing-blob', async () => {
    const blob = await db.prisma.$transaction((tx) => store.store(tx, message('missing'), domain.id));
    const { unlinkSync } = await import('node:fs');
    unlinkSync(blobPath(unitDirectory, blob.sha256));
    const failure = await store.read(blob.blobId).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BlobCorruptError);
    expect(await db.prisma.storageProblem.findFirst({ where: { blobId: blob.blobId } })).toMatchObject({ kind: 'missing-blob', isolatedPath: null });
  });

  it('stores inside transactions without reading on other pooled connections (no pool starvation)', async () => {
    const small = createPrismaClient(db.url, { poolSize: 2 });
    try {
      const own = new FileBlobStore(small, { dataDir: temporaryDirectory('data') });
      const blobs = await Promise.all(
        Array.from({ length: 8 }, (_, n) => small.$transaction((tx) => own.store(tx, message(`pool ${n}`), domain.id), { maxWait: 20_000, timeout: 20_000 })),
      );
      expect(new Set(blobs.map((b) => b.blobId)).size).toBe(8);
    } finally {
      await small.$disconnect();
    }
  });

  it('sweeps in the background until stopped', async () => {
    const blob = await db.prisma.$transaction((tx) => store.store(tx, message('background'), domain.id));
    await db.prisma.$executeRaw`UPDATE "MessageBlob" SET "createdAt" = LOCALTIMESTAMP - interval '1 hour' WHERE "refCount" = 0`;
    const stop = startStorageSweeper(db.prisma, 50, { log: (line) => logged.push(line) });
    const deadline = Date.now() + 5000;
    while ((await db.prisma.messageBlob.count({ where: { id: blob.blobId } })) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await stop();
    expect(await db.prisma.messageBlob.count({ where: { id: blob.blobId } })).toBe(0);
    expect(existsSync(blobPath(unitDirectory, blob.sha256))).toBe(false);
  });
});
