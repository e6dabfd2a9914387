import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { createAccounts, createMailDomain, createStorageUnit, temporaryDirectory } from '../../../../test/support/storage.js';
import { ensureDefaultFoldersOf } from '../mailbox/default-folders.js';
import { foldStorageUsage } from '../storage/usage.js';
import { GroupCommitter } from './committer.js';
import { LocalCommits } from './local-commit.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let lane: LocalCommits;
let unitId: number;
let withInbox: number[];
let withoutInbox: number;
const logged: string[] = [];

/** A file as `BlobStore.write` describes it (the lane records rows; it never reads files). */
const file = (text: string) => {
  const bytes = Buffer.from(text);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, storageUnitId: unitId };
};
const inbox = (accountId: number) =>
  db.prisma.mailboxMessage.findMany({ where: { folder: { accountId, name: 'INBOX' } }, orderBy: { uid: 'asc' }, select: { uid: true, size: true, blob: { select: { sha256: true } } } });

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  lane = new LocalCommits(pool, (line) => logged.push(line));
  const domain = await createMailDomain(db.prisma, 'lane.k12.us');
  unitId = (await createStorageUnit(db.prisma, { name: 'main', directory: temporaryDirectory('lane') })).id;
  const ids = await createAccounts(db.prisma, domain, 3);
  withInbox = ids.slice(0, 2);
  withoutInbox = ids[2]!;
  await db.prisma.$transaction((tx) => ensureDefaultFoldersOf(tx, withInbox));
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('LocalCommits (the group commit fast lane)', () => {
  it('commits a batch in one go: blob rows with their references, consecutive UIDs, quota, usage and events', async () => {
    const [a, b] = withInbox as [number, number];
    const first = file('message one');
    const second = file('message two, a little longer');
    const tagged = file('[Filtered] message two, a little longer');
    const at = new Date('2026-11-28T10:00:00.123Z');
    const committed = await lane.commit([
      { rows: { deliveries: [{ file: first, accountIds: [b, a] }], internalDate: at }, events: [{ kind: 'accepted', queueId: 'QONE', recipient: 'user1@lane.k12.us' }] },
      {
        rows: { deliveries: [{ file: second, accountIds: [a] }, { file: tagged, accountIds: [b] }], internalDate: at },
        events: [{ kind: 'accepted', queueId: 'QTWO' }, { kind: 'accepted', queueId: 'QTWO' }],
      },
    ]);
    expect(committed).toBe(true);
    expect(await inbox(a)).toEqual([
      { uid: 1, size: first.size, blob: { sha256: first.sha256 } },
      { uid: 2, size: second.size, blob: { sha256: second.sha256 } },
    ]);
    expect(await inbox(b)).toEqual([
      { uid: 1, size: first.size, blob: { sha256: first.sha256 } },
      { uid: 2, size: tagged.size, blob: { sha256: tagged.sha256 } },
    ]);
    const blobs = await db.prisma.messageBlob.findMany({ select: { sha256: true, refCount: true } });
    expect(new Map(blobs.map((blob) => [blob.sha256, blob.refCount]))).toEqual(new Map([[first.sha256, 2], [second.sha256, 1], [tagged.sha256, 1]]));
    const accounts = await db.prisma.account.findMany({ where: { id: { in: [a, b] } }, orderBy: { id: 'asc' }, select: { quotaUsedBytes: true } });
    expect(accounts.map((account) => Number(account.quotaUsedBytes))).toEqual([first.size + second.size, first.size + tagged.size]);
    const folder = await db.prisma.mailboxFolder.findFirstOrThrow({ where: { accountId: a, name: 'INBOX' } });
    expect(folder.uidNext).toBe(3);
    const message = await db.prisma.mailboxMessage.findFirstOrThrow({ where: { folderId: folder.id, uid: 1 } });
    expect(message.internalDate.toISOString()).toBe(at.toISOString());
    expect(message.flags).toEqual([]);
    expect(await db.prisma.mailEvent.findMany({ orderBy: { id: 'asc' }, select: { queueId: true, recipient: true } })).toEqual([
      { queueId: 'QONE', recipient: 'user1@lane.k12.us' },
      { queueId: 'QTWO', recipient: null },
      { queueId: 'QTWO', recipient: null },
    ]);
    await foldStorageUsage(db.prisma);
    const unit = await db.prisma.storageUnit.findUniqueOrThrow({ where: { id: unitId } });
    expect(unit.usedBytes).toBe(BigInt(first.size + second.size + tagged.size));
  });

  it('hands back, untouched, a batch with a first delivery (no INBOX yet) or content already recorded', async () => {
    const counts = async () => [await db.prisma.messageBlob.count(), await db.prisma.mailboxMessage.count(), await db.prisma.mailEvent.count()];
    const before = await counts();
    const noInbox = await lane.commit([
      { rows: { deliveries: [{ file: file('to a new mailbox'), accountIds: [withoutInbox, withInbox[0]!] }], internalDate: new Date() }, events: [{ kind: 'accepted' }] },
    ]);
    const known = await lane.commit([
      { rows: { deliveries: [{ file: file('message one'), accountIds: [withInbox[0]!] }], internalDate: new Date() }, events: [{ kind: 'accepted' }] },
    ]);
    expect([noInbox, known]).toEqual([false, false]);
    expect(await counts()).toEqual(before);
  });

  it('hands back a batch the server refuses (logged, nothing written) and throws when the outcome is unknown', async () => {
    const counts = async () => [await db.prisma.messageBlob.count(), await db.prisma.mailboxMessage.count(), await db.prisma.mailEvent.count()];
    const before = await counts();
    const noSuchUnit = { ...file('on a unit that does not exist'), storageUnitId: 999_999 };
    const refused = await lane.commit([{ rows: { deliveries: [{ file: noSuchUnit, accountIds: [withInbox[0]!] }], internalDate: new Date() }, events: [{ kind: 'accepted' }] }]);
    expect(refused).toBe(false);
    expect(logged.splice(0)).toEqual([expect.stringMatching(/fast group commit failed.*foreign key/)]);
    expect(await counts()).toEqual(before);

    // No answer from the server: whether it committed is unknown, so the caller must not retry the rows.
    const unreachable = new pg.Pool({ connectionString: db.url.replace(/:\d+\//, ':1/'), max: 1 });
    const blind = new LocalCommits(unreachable, (line) => logged.push(line));
    await expect(blind.commit([{ rows: { deliveries: [{ file: file('never sent'), accountIds: [withInbox[0]!] }], internalDate: new Date() }, events: [] }])).rejects.toThrow();
    await unreachable.end();
    expect(await counts()).toEqual(before);
  });

  it('lets the committer run the general path for what the lane hands back, and answers each caller once committed', async () => {
    const committer = new GroupCommitter(db.prisma, { localLane: lane, maxInFlight: 1 });
    const ran: string[] = [];
    const job = (name: string, accountId: number) =>
      committer.commit(
        async () => {
          ran.push(name);
        },
        [{ kind: 'accepted', queueId: name }],
        { deliveries: [{ file: file(`general path test ${name}`), accountIds: [accountId] }], internalDate: new Date() },
      );
    // Same batch: the lane declines it as a whole (one first delivery), so both go the general way.
    await Promise.all([job('QNEW', withoutInbox), job('QOLD', withInbox[1]!)]);
    expect(ran.sort()).toEqual(['QNEW', 'QOLD']);
    // Alone, a delivery to a mailbox with an INBOX is the lane's: its `work` never runs.
    await job('QLANE', withInbox[1]!);
    expect(ran).not.toContain('QLANE');
    expect(await db.prisma.mailEvent.count({ where: { queueId: { in: ['QNEW', 'QOLD', 'QLANE'] } } })).toBe(3);
    expect((await inbox(withInbox[1]!)).at(-1)!.blob.sha256).toBe(file('general path test QLANE').sha256);
    expect(logged).toEqual([]);
  });

  it('commits the fast lane one batch at a time, gathering what arrives meanwhile into the next batch', async () => {
    const batches: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const counting = Object.assign(Object.create(lane) as LocalCommits, {
      commit: async (batch: Parameters<LocalCommits['commit']>[0]) => {
        batches.push(batch.length);
        mostAtOnce = Math.max(mostAtOnce, ++running);
        try {
          return await lane.commit(batch);
        } finally {
          running--;
        }
      },
    });
    const committer = new GroupCommitter(db.prisma, { localLane: counting });
    const accountId = withInbox[0]!;
    const before = (await inbox(accountId)).length;
    // Eight waves of five, arriving while earlier batches commit.
    const committed: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      committed.push(
        committer.commit(
          async () => {
            throw new Error('the general path is not needed');
          },
          [{ kind: 'accepted', queueId: `QGATHER${i}` }],
          { deliveries: [{ file: file(`gathered ${i}`), accountIds: [accountId] }], internalDate: new Date() },
        ),
      );
    }
    await Promise.all(committed);
    expect(mostAtOnce).toBe(1);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(40);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThan(40);
    const uids = (await inbox(accountId)).map((message) => message.uid);
    expect(uids.length).toBe(before + 40);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe('gathering for announced messages', () => {
    /** The real lane, recording the size of each batch it is given. */
    const recordingLane = (batches: number[]) =>
      Object.assign(Object.create(lane) as LocalCommits, {
        commit: (batch: Parameters<LocalCommits['commit']>[0]) => {
          batches.push(batch.length);
          return lane.commit(batch);
        },
      });
    const delivery = (committer: GroupCommitter, name: string) =>
      committer.commit(
        async () => {
          throw new Error('the general path is not needed');
        },
        [{ kind: 'accepted', queueId: name }],
        { deliveries: [{ file: file(`gathering ${name}`), accountIds: [withInbox[0]!] }], internalDate: new Date() },
      );

    it('waits for a message announced as on its way, and commits both in one batch', async () => {
      const batches: number[] = [];
      const committer = new GroupCommitter(db.prisma, { localLane: recordingLane(batches), gatherMs: 60_000 });
      const firstArrived = committer.announce();
      const secondArrived = committer.announce();
      const first = delivery(committer, 'QWAIT1');
      firstArrived();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(batches).toEqual([]);
      const second = delivery(committer, 'QWAIT2');
      secondArrived();
      await Promise.all([first, second]);
      expect(batches).toEqual([2]);
    });

    it('commits without waiting when nothing is announced, and waits at most gatherMs for what never comes', async () => {
      const batches: number[] = [];
      const alone = new GroupCommitter(db.prisma, { localLane: recordingLane(batches), gatherMs: 60_000 });
      await delivery(alone, 'QALONE');
      expect(batches).toEqual([1]);

      const capped = new GroupCommitter(db.prisma, { localLane: recordingLane(batches), gatherMs: 200 });
      const neverArrives = capped.announce();
      const started = performance.now();
      await delivery(capped, 'QCAPPED');
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(batches).toEqual([1, 1]);
      neverArrives();
    });
  });
});
