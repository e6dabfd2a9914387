import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { createMailDomain, createStorageUnit, temporaryDirectory } from '../../../../test/support/storage.js';
import { blobPath } from './blob-paths.js';
import { NoStorageAvailableError } from './errors.js';
import { FileBlobStore } from './file-blob-store.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let counter = 0;
const uniqueMessage = (size = 100) => Buffer.from(`Subject: ${++counter} ${Math.random()}\r\n\r\n${'x'.repeat(size)}`);

beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db?.drop());

async function unitOf(store: FileBlobStore, domainId: number | null, bytes = uniqueMessage()) {
  const blob = await db.prisma.$transaction((tx) => store.store(tx, bytes, domainId));
  return (await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: blob.blobId }, include: { storageUnit: true } })).storageUnit.name;
}

describe('storage unit selection', () => {
  it('creates a shared default unit in the data directory on first use', async () => {
    const dataDir = temporaryDirectory('data');
    const store = new FileBlobStore(db.prisma, { dataDir });
    await store.init();
    await store.init();
    expect(await db.prisma.storageUnit.count()).toBe(1);
    const bytes = uniqueMessage();
    expect(await unitOf(store, null, bytes)).toBe('default');
    const unit = await db.prisma.storageUnit.findUniqueOrThrow({ where: { name: 'default' }, include: { domains: true } });
    expect(unit).toMatchObject({ directory: join(dataDir, 'storage', 'default'), state: 'active', domains: [] });
    expect(unit.capacityBytes).toBeGreaterThan(0n);
    expect(existsSync(blobPath(unit.directory, (await db.prisma.messageBlob.findFirstOrThrow()).sha256))).toBe(true);
  });

  it('prefers a unit assigned to the domain or a parent domain, then the shared ones', async () => {
    const district = await createMailDomain(db.prisma, 'district1.k12.us');
    const west = await createMailDomain(db.prisma, 'west.district1.k12.us', 'district1.k12.us');
    const east = await createMailDomain(db.prisma, 'east.district1.k12.us', 'district1.k12.us');
    const other = await createMailDomain(db.prisma, 'district2.k12.us');
    await createStorageUnit(db.prisma, { name: 'shared', directory: temporaryDirectory('shared'), capacityBytes: 10n ** 12n });
    await createStorageUnit(db.prisma, { name: 'district1', directory: temporaryDirectory('d1'), capacityBytes: 10n ** 9n, domainIds: [district.id] });
    await createStorageUnit(db.prisma, { name: 'west', directory: temporaryDirectory('west'), capacityBytes: 10n ** 6n, domainIds: [west.id] });
    const store = new FileBlobStore(db.prisma, { dataDir: temporaryDirectory('data') });
    expect(await unitOf(store, west.id)).toBe('west'); // nearest assignment, although it has the least room
    expect(await unitOf(store, east.id)).toBe('district1'); // inherited from the parent
    expect(await unitOf(store, district.id)).toBe('district1');
    expect(await unitOf(store, other.id)).toBe('shared');
    expect(await unitOf(store, null)).toBe('shared');
    expect(await db.prisma.storageUnit.count()).toBe(3); // no default unit while a shared one exists
  });

  it('skips full, read-only and draining units, most free space first, and says so when none is left', async () => {
    const domain = await createMailDomain(db.prisma, 'full.k12.us');
    await createStorageUnit(db.prisma, { name: 'tiny', directory: temporaryDirectory('tiny'), capacityBytes: 150n, domainIds: [domain.id] });
    await createStorageUnit(db.prisma, { name: 'frozen', directory: temporaryDirectory('frozen'), capacityBytes: 10n ** 12n, state: 'read_only', domainIds: [domain.id] });
    await createStorageUnit(db.prisma, { name: 'leaving', directory: temporaryDirectory('leaving'), capacityBytes: 10n ** 12n, state: 'draining', domainIds: [domain.id] });
    await createStorageUnit(db.prisma, { name: 'small', directory: temporaryDirectory('small'), capacityBytes: 10_000n, domainIds: [domain.id] });
    await createStorageUnit(db.prisma, { name: 'big', directory: temporaryDirectory('big'), capacityBytes: 20_000n, domainIds: [domain.id] });
    await createStorageUnit(db.prisma, { name: 'shared', directory: temporaryDirectory('shared'), capacityBytes: 10n ** 12n });
    const store = new FileBlobStore(db.prisma, { dataDir: temporaryDirectory('data'), unitRefreshMs: 0 });
    expect(await unitOf(store, domain.id, uniqueMessage(500))).toBe('big'); // tiny cannot hold 500 bytes
    const units: string[] = [];
    for (let n = 0; n < 25; n++) units.push(await unitOf(store, domain.id, uniqueMessage(900)));
    expect(new Set(units)).toEqual(new Set(['big', 'small'])); // they fill evenly
    for (const unit of await db.prisma.storageUnit.findMany({ where: { name: { in: ['big', 'small'] } } })) {
      expect(unit.usedBytes).toBeLessThanOrEqual(unit.capacityBytes);
    }
    await expect(async () => {
      for (let n = 0; n < 40; n++) await unitOf(store, domain.id, uniqueMessage(900));
    }).rejects.toBeInstanceOf(NoStorageAvailableError);
    // A domain's mail never spills over onto the shared units.
    expect(await db.prisma.messageBlob.count({ where: { storageUnit: { name: { in: ['shared', 'tiny', 'frozen', 'leaving'] } } } })).toBe(0);
  });

  it('sends new mail to a unit added to the domain while mail flows', async () => {
    const domain = await createMailDomain(db.prisma, 'growing.k12.us');
    const store = new FileBlobStore(db.prisma, { dataDir: temporaryDirectory('data') });
    let addedAt = 0;
    const placed: Array<{ at: number; unit: string }> = [];
    const deliveries = (async () => {
      const end = Date.now() + 4000;
      while (Date.now() < end) placed.push({ at: Date.now(), unit: await unitOf(store, domain.id) });
    })();
    await new Promise((resolve) => setTimeout(resolve, 800));
    await createStorageUnit(db.prisma, { name: 'new-volume', directory: temporaryDirectory('new'), domainIds: [domain.id] });
    addedAt = Date.now();
    await deliveries;
    expect(placed.filter((p) => p.at < addedAt).every((p) => p.unit === 'default')).toBe(true);
    expect(placed.filter((p) => p.at < addedAt).length).toBeGreaterThan(0);
    const afterTwoSeconds = placed.filter((p) => p.at > addedAt + 2000);
    expect(afterTwoSeconds.length).toBeGreaterThan(0);
    expect(afterTwoSeconds.every((p) => p.unit === 'new-volume')).toBe(true);
  });
});
