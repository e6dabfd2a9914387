import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { createAccounts, createMailDomain, createStorageUnit, filesUnder, temporaryDirectory } from '../../../../test/support/storage.js';
import { PrismaMailboxes } from '../mailbox/prisma-mailboxes.js';
import { blobPath, quarantineDirectory } from './blob-paths.js';
import { FileBlobStore } from './file-blob-store.js';
import { DRAIN_BLOCKED, startUnitDrainer, UnitDrainer, type DrainOptions } from './unit-drainer.js';
import { foldStorageUsage } from './usage.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let logged: string[];
let counter = 0;

const message = (label: string, size = 200) => Buffer.from(`Subject: ${label} ${++counter}\r\n\r\n${'x'.repeat(size)}\r\n`);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const newStore = () => new FileBlobStore(db.prisma, { dataDir: temporaryDirectory('data'), unitRefreshMs: 0, log: (line) => logged.push(line) });
const drainer = (store: FileBlobStore, options: DrainOptions = {}) =>
  new UnitDrainer(db.prisma, store, { batchSize: 3, pauseMs: 0, log: (line) => logged.push(line), ...options });

/** Stores `bytes` for `domainId` and delivers it to the mailboxes; answers the blob. */
async function deliver(store: FileBlobStore, bytes: Buffer, domainId: number, accountIds: number[]) {
  return db.prisma.$transaction(async (tx) => {
    const blob = await store.store(tx, bytes, domainId);
    if (accountIds.length) await new PrismaMailboxes().deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds });
    return { ...blob, bytes };
  });
}

async function unitOfBlob(blobId: bigint) {
  return (await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: blobId }, include: { storageUnit: true } })).storageUnit.name;
}

async function usedBytes() {
  await foldStorageUsage(db.prisma);
  const units = await db.prisma.storageUnit.findMany();
  return new Map(units.map((unit) => [unit.name, unit.usedBytes]));
}

const setState = (id: number, state: 'active' | 'read_only' | 'draining') => db.prisma.storageUnit.update({ where: { id }, data: { state } });

beforeEach(async () => {
  db = await createTestDatabase();
  logged = [];
});
afterEach(() => db?.drop());

describe('draining a storage unit', () => {
  it('moves every referenced blob to a unit of the domains holding it, readable throughout, and leaves corrupt and unreferenced blobs', async () => {
    const district = await createMailDomain(db.prisma, 'drain.k12.us');
    const other = await createMailDomain(db.prisma, 'other.k12.us');
    const [d1, d2, d3] = await createAccounts(db.prisma, district, 3);
    const [e1, e2] = await createAccounts(db.prisma, other, 2);
    const a = await createStorageUnit(db.prisma, { name: 'volume-east', directory: temporaryDirectory('a'), domainIds: [district.id] });
    // B serves the district too, but takes no mail until the blobs are on A.
    const b = await createStorageUnit(db.prisma, { name: 'volume-west', directory: temporaryDirectory('b'), state: 'read_only', domainIds: [district.id] });
    const otherUnit = await createStorageUnit(db.prisma, { name: 'other-volume', directory: temporaryDirectory('o'), domainIds: [other.id] });
    const shared = await createStorageUnit(db.prisma, { name: 'shared', directory: temporaryDirectory('s') });
    const store = newStore();

    const plain = [];
    for (let n = 0; n < 5; n++) plain.push(await deliver(store, message(`plain ${n}`, 100 + n), district.id, [d1!]));
    const twoMailboxes = await deliver(store, message('two mailboxes'), district.id, [d1!, d2!]);
    const mostlyDistrict = await deliver(store, message('two district mailboxes, one other'), district.id, [d1!, d2!, e1!]);
    const mostlyOther = await deliver(store, message('one district mailbox, two other'), district.id, [d3!, e1!, e2!]);
    const outboundOnly = await deliver(store, message('relayed for an outside sender'), district.id, []);
    await db.prisma.outboundMessage.create({ data: { id: 'drain-outbound', blobId: outboundOnly.blobId, sender: 'someone@outside.example', size: outboundOnly.size } });
    const unreferenced = await deliver(store, message('unreferenced'), district.id, []);
    const corrupt = await deliver(store, message('corrupt'), district.id, [d1!]);
    const all = [...plain, twoMailboxes, mostlyDistrict, mostlyOther, outboundOnly, unreferenced, corrupt];
    for (const blob of all) expect(await unitOfBlob(blob.blobId)).toBe('volume-east');
    const bad = readFileSync(blobPath(a.directory, corrupt.sha256));
    bad[5] ^= 0x20;
    writeFileSync(blobPath(a.directory, corrupt.sha256), bad);

    await setState(b.id, 'active');
    await setState(a.id, 'draining');
    const before = await usedBytes();

    // Readers keep reading every referenced blob while it moves.
    const movable = [...plain, twoMailboxes, mostlyDistrict, mostlyOther, outboundOnly];
    const readFailures: unknown[] = [];
    let reads = 0;
    let draining = true;
    const readers = (async () => {
      const reader = newStore();
      while (draining) {
        for (const blob of movable) {
          try {
            expect(await reader.read(blob.blobId)).toEqual(blob.bytes);
            reads++;
          } catch (error) {
            readFailures.push(error);
          }
        }
      }
    })();
    const [report] = await drainer(store).runOnce().finally(() => (draining = false));
    await readers;

    expect(readFailures).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(report).toMatchObject({ unit: 'volume-east', moved: movable.length, corrupt: 1, blocked: 0, remaining: 0, empty: false });
    // Each blob went where its holders' domains put new mail.
    for (const blob of [...plain, twoMailboxes, mostlyDistrict]) expect(await unitOfBlob(blob.blobId)).toBe('volume-west');
    expect(await unitOfBlob(mostlyOther.blobId)).toBe('other-volume');
    expect(await unitOfBlob(outboundOnly.blobId)).toBe('shared');
    const directoryOf = new Map([a, b, otherUnit, shared].map((unit) => [unit.name, unit.directory]));
    for (const blob of movable) {
      const path = blobPath(directoryOf.get(await unitOfBlob(blob.blobId))!, blob.sha256);
      expect(readFileSync(path)).toEqual(blob.bytes);
      expect(existsSync(blobPath(a.directory, blob.sha256))).toBe(false);
      expect(await store.read(blob.blobId)).toEqual(blob.bytes);
    }
    // References are untouched.
    expect((await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: twoMailboxes.blobId } })).refCount).toBe(2);
    expect((await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: mostlyOther.blobId } })).refCount).toBe(3);

    // The unreferenced blob is the sweeper's: row and file stay on A.
    expect(await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: unreferenced.blobId } })).toMatchObject({ storageUnitId: a.id, refCount: 0, state: 'ok' });
    expect(readFileSync(blobPath(a.directory, unreferenced.sha256))).toEqual(unreferenced.bytes);

    // The corrupt blob was isolated and reported as the read path does, and not moved.
    expect(await db.prisma.messageBlob.findUniqueOrThrow({ where: { id: corrupt.blobId } })).toMatchObject({ storageUnitId: a.id, state: 'corrupt' });
    const problems = await db.prisma.storageProblem.findMany({ where: { blobId: corrupt.blobId } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ storageUnitId: a.id, kind: 'corrupt-blob' });
    expect(problems[0]!.isolatedPath!.startsWith(quarantineDirectory(a.directory))).toBe(true);
    expect(readFileSync(problems[0]!.isolatedPath!)).toEqual(bad);
    for (const unit of [b, otherUnit, shared]) expect(existsSync(blobPath(unit.directory, corrupt.sha256))).toBe(false);
    expect(logged.some((line) => line.includes(`message blob ${corrupt.blobId}`))).toBe(true);

    // The usage moved with the bytes.
    const after = await usedBytes();
    const sizeOf = (blobs: Array<{ size: number }>) => BigInt(blobs.reduce((sum, blob) => sum + blob.size, 0));
    expect(after.get('volume-east')).toBe(before.get('volume-east')! - sizeOf(movable));
    expect(after.get('volume-west')).toBe(before.get('volume-west')! + sizeOf([...plain, twoMailboxes, mostlyDistrict]));
    expect(after.get('other-volume')).toBe(before.get('other-volume')! + sizeOf([mostlyOther]));
    expect(after.get('shared')).toBe(before.get('shared')! + sizeOf([outboundOnly]));

    expect(logged).toContain('storage: draining volume-east: 10 blobs to move');
    expect(logged).toContain('storage: draining volume-east: 9 of 10 blobs moved');
    expect(logged).toContain('storage: draining volume-east: every movable blob moved; 1 corrupt blob left on it (see its problems), 1 unreferenced blob left for the sweeper');

    // Nothing left to do: a second pass moves nothing and says nothing new.
    const lines = logged.length;
    expect(await drainer(store).runOnce()).toMatchObject([{ moved: 0, remaining: 0 }]);
    const again = drainer(store);
    await again.runOnce();
    await again.runOnce();
    expect(logged.slice(lines).filter((line) => line.includes('every movable blob moved'))).toHaveLength(2); // once per drainer
  });

  it('loses nothing when a move fails before its commit or stops after it, and the next run completes', async () => {
    const domain = await createMailDomain(db.prisma, 'crash.k12.us');
    const [account] = await createAccounts(db.prisma, domain, 1);
    const a = await createStorageUnit(db.prisma, { name: 'leaving', directory: temporaryDirectory('a'), domainIds: [domain.id] });
    const b = await createStorageUnit(db.prisma, { name: 'staying', directory: temporaryDirectory('b'), state: 'read_only', domainIds: [domain.id] });
    const store = newStore();
    const blobs = [];
    for (let n = 0; n < 4; n++) blobs.push(await deliver(store, message(`crash ${n}`), domain.id, [account!]));
    await setState(b.id, 'active');
    await setState(a.id, 'draining');
    const before = await usedBytes();

    // 1. The transaction fails after the copies were written: rows, files and usage as before, no stray copy.
    let copiesSeen = 0;
    const failing = drainer(store, {
      batchSize: 10,
      hooks: {
        beforeCommit: () => {
          copiesSeen = filesUnder(b.directory).length;
          throw new Error('injected failure before commit');
        },
      },
    });
    await expect(failing.runOnce()).rejects.toThrow('injected failure before commit');
    expect(copiesSeen).toBe(4); // the copies were durable before the commit was tried
    for (const blob of blobs) {
      expect(await unitOfBlob(blob.blobId)).toBe('leaving');
      expect(readFileSync(blobPath(a.directory, blob.sha256))).toEqual(blob.bytes);
      expect(await store.read(blob.blobId)).toEqual(blob.bytes);
    }
    expect(filesUnder(b.directory)).toEqual([]);
    expect(await usedBytes()).toEqual(before);

    // A process killed at that point would have left its copies; even a damaged one is replaced.
    const stale = blobPath(b.directory, blobs[0]!.sha256);
    mkdirSync(dirname(stale), { recursive: true });
    writeFileSync(stale, 'half a message');

    // 2. The process stops right after the commit, before the old files go.
    const stopping = drainer(store, {
      batchSize: 10,
      hooks: {
        afterCommit: () => {
          throw new Error('killed after commit');
        },
      },
    });
    await expect(stopping.runOnce()).rejects.toThrow('killed after commit');
    for (const blob of blobs) {
      expect(await unitOfBlob(blob.blobId)).toBe('staying');
      expect(readFileSync(blobPath(b.directory, blob.sha256))).toEqual(blob.bytes);
      expect(existsSync(blobPath(a.directory, blob.sha256))).toBe(true); // left behind
      expect(await store.read(blob.blobId)).toEqual(blob.bytes);
    }

    // 3. The next run finds the unit empty and removes what the interrupted move left.
    const [report] = await drainer(store, { leftoverGraceSeconds: 0 }).runOnce();
    expect(report).toMatchObject({ moved: 0, remaining: 0, empty: true });
    expect(filesUnder(a.directory)).toEqual([]);
    for (const blob of blobs) expect(await store.read(blob.blobId)).toEqual(blob.bytes);
    const after = await usedBytes();
    const total = BigInt(blobs.reduce((sum, blob) => sum + blob.size, 0));
    expect(after.get('leaving')).toBe(before.get('leaving')! - total);
    expect(after.get('staying')).toBe(before.get('staying')! + total);
    expect(logged.some((line) => /^storage: draining leaving: empty \(4 files left by an interrupted move removed\); it holds no message and can be retired$/.test(line))).toBe(true);
  });

  it('lets two drainers work at once: each blob is moved exactly once', async () => {
    const domain = await createMailDomain(db.prisma, 'pair.k12.us');
    const [account] = await createAccounts(db.prisma, domain, 1);
    const a = await createStorageUnit(db.prisma, { name: 'leaving', directory: temporaryDirectory('a'), domainIds: [domain.id] });
    const b = await createStorageUnit(db.prisma, { name: 'staying', directory: temporaryDirectory('b'), state: 'read_only', domainIds: [domain.id] });
    const store = newStore();
    const blobs = [];
    for (let n = 0; n < 30; n++) blobs.push(await deliver(store, message(`pair ${n}`, 50 + n), domain.id, [account!]));
    await setState(b.id, 'active');
    await setState(a.id, 'draining');
    const before = await usedBytes();

    // The first drainer holds its first batch uncommitted until the second has committed one:
    // the second one's claim runs while the first one's rows are locked.
    let firstHolds!: () => void;
    const holding = new Promise<void>((resolve) => (firstHolds = resolve));
    let secondCommitted!: () => void;
    const committed = new Promise<void>((resolve) => (secondCommitted = resolve));
    const first = drainer(newStore(), {
      batchSize: 4,
      hooks: {
        beforeCommit: async () => {
          firstHolds();
          await committed;
        },
      },
    });
    const second = drainer(newStore(), { batchSize: 4, hooks: { afterCommit: () => secondCommitted() } });
    const firstRun = first.runOnce();
    await holding;
    const [[one], [two]] = await Promise.all([firstRun, second.runOnce()]);

    const movedByFirst = one!.movedBlobIds.map(String);
    const movedBySecond = two!.movedBlobIds.map(String);
    expect(movedByFirst.length).toBeGreaterThan(0);
    expect(movedBySecond.length).toBeGreaterThan(0);
    expect(movedByFirst.filter((id) => movedBySecond.includes(id))).toEqual([]);
    expect(new Set([...movedByFirst, ...movedBySecond])).toEqual(new Set(blobs.map((blob) => String(blob.blobId))));
    for (const blob of blobs) {
      expect(await unitOfBlob(blob.blobId)).toBe('staying');
      expect(await store.read(blob.blobId)).toEqual(blob.bytes);
    }
    expect(filesUnder(a.directory)).toEqual([]);
    expect(filesUnder(b.directory)).toHaveLength(30);
    // Usage counted once per blob, not once per drainer.
    const total = BigInt(blobs.reduce((sum, blob) => sum + blob.size, 0));
    const after = await usedBytes();
    expect(after.get('leaving')).toBe(before.get('leaving')! - total);
    expect(after.get('staying')).toBe(before.get('staying')! + total);
  });

  it('reports a unit whose blobs have nowhere to go, retries, and drains it once room appears', async () => {
    const domain = await createMailDomain(db.prisma, 'full.k12.us');
    const [account] = await createAccounts(db.prisma, domain, 1);
    const a = await createStorageUnit(db.prisma, { name: 'leaving', directory: temporaryDirectory('a'), domainIds: [domain.id] });
    const b = await createStorageUnit(db.prisma, { name: 'tiny', directory: temporaryDirectory('b'), capacityBytes: 100n, domainIds: [domain.id] });
    // A shared unit with room: the domain's mail never spills onto it.
    await createStorageUnit(db.prisma, { name: 'shared', directory: temporaryDirectory('s') });
    const store = newStore();
    const blobs = [];
    for (let n = 0; n < 3; n++) blobs.push(await deliver(store, message(`full ${n}`), domain.id, [account!]));
    await setState(a.id, 'draining');

    const blocked = drainer(store, { intervalMs: 30_000 });
    expect(await blocked.runOnce()).toMatchObject([{ moved: 0, blocked: 3, remaining: 3 }]);
    expect(await blocked.runOnce()).toMatchObject([{ moved: 0, blocked: 3, remaining: 3 }]);
    const complaints = logged.filter((line) => line.startsWith('storage: draining leaving: 3 blobs have nowhere to go ('));
    expect(complaints).toHaveLength(2); // once per pass, i.e. once per interval
    expect(complaints[0]).toContain('full, read-only or draining');
    expect(complaints[0]).toContain('retrying in 30 s');
    const problems = await db.prisma.storageProblem.findMany({ where: { storageUnitId: a.id } });
    expect(problems).toHaveLength(1); // recorded once while it lasts
    expect(problems[0]).toMatchObject({ kind: DRAIN_BLOCKED, blobId: null, resolvedAt: null });
    expect(problems[0]!.detail).toContain('3 blobs cannot leave draining unit leaving');
    for (const blob of blobs) expect(await unitOfBlob(blob.blobId)).toBe('leaving');

    // Room appears; the background drainer picks it up on its next round.
    await db.prisma.storageUnit.update({ where: { id: b.id }, data: { capacityBytes: 10n ** 9n } });
    const stop = startUnitDrainer(db.prisma, store, { intervalMs: 50, pauseMs: 0, log: (line) => logged.push(line) });
    const deadline = Date.now() + 10_000;
    while (!logged.some((line) => line.startsWith('storage: draining leaving: empty')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await stop();
    for (const blob of blobs) {
      expect(await unitOfBlob(blob.blobId)).toBe('tiny');
      expect(await store.read(blob.blobId)).toEqual(blob.bytes);
    }
    expect(logged).toContain('storage: draining leaving: its blobs have somewhere to go again');
    expect(logged).toContain('storage: draining leaving: empty; it holds no message and can be retired');
    expect((await db.prisma.storageProblem.findFirstOrThrow({ where: { id: problems[0]!.id } })).resolvedAt).not.toBeNull();
    expect(filesUnder(a.directory)).toEqual([]);
  });
});
