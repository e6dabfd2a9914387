import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { createMailDomain, createStorageUnit, temporaryDirectory } from '../../../../test/support/storage.js';
import { blobPath } from './blob-paths.js';
import { sweepUnreferencedBlobs } from './blob-sweeper.js';
import { FileBlobStore } from './file-blob-store.js';
import { adoptOrphanFiles } from './orphan-files.js';
import { foldStorageUsage } from './usage.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let store: FileBlobStore;
let unitDirectory: string;
let unitId: number;
let domainId: number;

const TWO_HOURS_AGO = (Date.now() - 2 * 3600_000) / 1000;

/** A file as a crash between `write` and the transaction leaves it: durable, no row. */
function leftBehind(body: string, old: boolean) {
  const bytes = Buffer.from(`Subject: ${body}\r\n\r\n${body}\r\n`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const path = blobPath(unitDirectory, sha256);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  if (old) utimesSync(path, TWO_HOURS_AGO, TWO_HOURS_AGO);
  return { sha256, path, size: bytes.length };
}

beforeAll(async () => {
  db = await createTestDatabase();
  domainId = (await createMailDomain(db.prisma, 'orphans.k12.us')).id;
  unitDirectory = temporaryDirectory('unit');
  unitId = (await createStorageUnit(db.prisma, { name: 'main', directory: unitDirectory })).id;
  store = new FileBlobStore(db.prisma, { dataDir: temporaryDirectory('data'), log: () => {} });
});
afterAll(() => db?.drop());

describe('orphan files left by a crash', () => {
  it('frees old files without a row through the sweeper, and spares recent files and recorded blobs', async () => {
    const orphan = leftBehind('crashed before commit', true);
    const recent = leftBehind('transaction may still be running', false);
    const kept = await db.prisma.$transaction((tx) => store.store(tx, Buffer.from('Subject: kept\r\n\r\nkept\r\n'), domainId));
    utimesSync(blobPath(unitDirectory, kept.sha256), TWO_HOURS_AGO, TWO_HOURS_AGO);
    // `kept` is unreferenced but its row is young: the sweeper's grace period spares it.
    await foldStorageUsage(db.prisma);
    const usedBefore = (await db.prisma.storageUnit.findUniqueOrThrow({ where: { id: unitId } })).usedBytes;

    expect(await adoptOrphanFiles(db.prisma)).toEqual({ adopted: 1, bytes: orphan.size });
    await sweepUnreferencedBlobs(db.prisma, { olderThanSeconds: 60 });

    expect(existsSync(orphan.path)).toBe(false);
    expect(await db.prisma.messageBlob.count({ where: { sha256: orphan.sha256 } })).toBe(0);
    expect(existsSync(recent.path)).toBe(true);
    expect(existsSync(blobPath(unitDirectory, kept.sha256))).toBe(true);
    expect(await store.read(kept.blobId)).toEqual(Buffer.from('Subject: kept\r\n\r\nkept\r\n'));
    // Adoption added the orphan's size and the sweeper took it away again: usage is unchanged.
    await foldStorageUsage(db.prisma);
    expect((await db.prisma.storageUnit.findUniqueOrThrow({ where: { id: unitId } })).usedBytes).toBe(usedBefore);
  });

  it('adopts nothing twice and keeps a blob that a delivery recorded meanwhile', async () => {
    const orphan = leftBehind('recorded after all', true);
    // The connection broke during COMMIT, yet the commit happened: the row exists.
    const bytes = Buffer.from('Subject: recorded after all\r\n\r\nrecorded after all\r\n');
    const stored = await db.prisma.$transaction((tx) => store.store(tx, bytes, domainId));
    expect(stored.sha256).toBe(orphan.sha256);
    expect(await adoptOrphanFiles(db.prisma)).toEqual({ adopted: 0, bytes: 0 });
    expect(await store.read(stored.blobId)).toEqual(bytes);
  });
});
