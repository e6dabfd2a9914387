/**
 * Message operations of the store. UIDs come from the folder row as SMTP delivery takes them
 * (mailbox/prisma-mailboxes.ts): the row is locked FOR NO KEY UPDATE and uidNext/modSeq are
 * raised in the same statement, so deliveries, APPENDs and COPYs into one folder each get
 * their own UIDs, strictly increasing, never given twice. Locks are taken in one order
 * everywhere: the blob row (when storing bytes), folder rows by id, then the account row.
 */
import { Prisma } from '@schoolmail/prisma';
import type { BlobStore, Db, Tx } from '../contracts.js';
import { STORE_TRANSACTION } from './transactions.js';
import { DELETED, normalizeFlags, SEEN } from './flags.js';
import { MailStoreError, type FlagOperation, type FolderStatus, type MessageMeta } from './types.js';

/** The account's mailbox quota in bytes, null when unlimited. */
export type QuotaLimit = (accountId: number) => Promise<bigint | null>;

interface MessageRow {
  id: bigint;
  uid: number;
  size: number;
  flags: string[];
  internalDate: Date;
  modSeq: bigint;
  blobId: bigint;
}

const asMeta = (row: MessageRow): MessageMeta => ({
  id: BigInt(row.id),
  uid: row.uid,
  size: row.size,
  flags: row.flags,
  internalDate: row.internalDate,
  modSeq: BigInt(row.modSeq),
  blobId: BigInt(row.blobId),
});

const messageSelect = { id: true, uid: true, size: true, flags: true, internalDate: true, modSeq: true, blobId: true } as const;

/** A timestamp(3) column holds UTC wall time. */
const utc = (date: Date) => Prisma.sql`(to_timestamp(${date.getTime()}::float8 / 1000.0) AT TIME ZONE 'UTC')::timestamp(3)`;

const overQuota = () => new MailStoreError('overquota', 'the mailbox is over its quota');

export async function folderStatus(db: Db, folderId: number): Promise<FolderStatus> {
  const [row] = await db.$queryRaw<Array<{ uidNext: number; uidValidity: number; messages: number; unseen: number; firstUnseen: number | null }>>`
    WITH m AS (SELECT "uid", NOT (${SEEN} = ANY("flags")) AS "unseen" FROM "MailboxMessage" WHERE "folderId" = ${folderId}),
    first AS (SELECT min("uid") AS "uid" FROM m WHERE "unseen")
    SELECT f."uidNext", f."uidValidity",
      (SELECT count(*) FROM m)::int AS "messages",
      (SELECT count(*) FROM m WHERE "unseen")::int AS "unseen",
      CASE WHEN (SELECT "uid" FROM first) IS NULL THEN NULL
        ELSE (SELECT count(*) FROM m WHERE m."uid" <= (SELECT "uid" FROM first))::int END AS "firstUnseen"
    FROM "MailboxFolder" f WHERE f."id" = ${folderId}`;
  if (!row) throw new MailStoreError('nonexistent', 'the folder no longer exists');
  return row;
}

export async function listMessages(db: Db, folderId: number): Promise<MessageMeta[]> {
  const rows = await db.mailboxMessage.findMany({ where: { folderId }, select: messageSelect, orderBy: { uid: 'asc' } });
  return rows.map(asMeta);
}

export async function changedSince(db: Db, folderId: number, modSeq: bigint): Promise<MessageMeta[]> {
  const rows = await db.mailboxMessage.findMany({ where: { folderId, modSeq: { gt: modSeq } }, select: messageSelect, orderBy: { uid: 'asc' } });
  return rows.map(asMeta);
}

export async function appendMessage(
  db: Db,
  blobs: BlobStore,
  quotaLimit: QuotaLimit,
  input: { accountId: number; folderId: number; bytes: Buffer; flags: string[]; internalDate: Date },
): Promise<{ uid: number; uidValidity: number }> {
  const { accountId, folderId, bytes } = input;
  const [target] = await db.$queryRaw<Array<{ domainId: number; quotaUsedBytes: bigint }>>`
    SELECT a."domainId", a."quotaUsedBytes" FROM "MailboxFolder" f JOIN "Account" a ON a."id" = f."accountId"
    WHERE f."id" = ${folderId} AND f."accountId" = ${accountId}`;
  if (!target) throw new MailStoreError('nonexistent', 'the folder no longer exists');
  const limit = await quotaLimit(accountId);
  const size = BigInt(bytes.length);
  // Checked before the bytes are written, and again under the account row's lock below.
  if (limit !== null && BigInt(target.quotaUsedBytes) + size > limit) throw overQuota();

  const written = await blobs.write(bytes, target.domainId);
  const flags = normalizeFlags(input.flags);
  return db.$transaction(async (tx) => {
    const blob = await blobs.record(tx, written);
    const [row] = await tx.$queryRaw<Array<{ uid: number; uidValidity: number; fits: boolean }>>`
      WITH folder AS (
        UPDATE "MailboxFolder" SET "uidNext" = "uidNext" + 1, "modSeq" = "modSeq" + 1
        WHERE "id" = ${folderId} AND "accountId" = ${accountId}
        RETURNING "id", "uidNext" - 1 AS "uid", "modSeq", "uidValidity"
      ), quota AS (
        UPDATE "Account" SET "quotaUsedBytes" = "quotaUsedBytes" + ${size}
        WHERE "id" = ${accountId} AND EXISTS (SELECT 1 FROM folder)
          AND (${limit}::bigint IS NULL OR "quotaUsedBytes" + ${size} <= ${limit}::bigint)
        RETURNING 1
      ), inserted AS (
        INSERT INTO "MailboxMessage" ("folderId", "uid", "blobId", "size", "flags", "internalDate", "modSeq")
        SELECT "id", "uid", ${blob.blobId}, ${bytes.length}, ${flags}::text[], ${utc(input.internalDate)}, "modSeq"
        FROM folder WHERE EXISTS (SELECT 1 FROM quota)
        RETURNING 1
      )
      SELECT "uid", "uidValidity", EXISTS (SELECT 1 FROM inserted) AS "fits" FROM folder`;
    if (!row) throw new MailStoreError('nonexistent', 'the folder no longer exists');
    if (!row.fits) throw overQuota();
    return { uid: row.uid, uidValidity: row.uidValidity };
  }, STORE_TRANSACTION);
}

/** Locks both folders (id order) and checks they belong to the account. */
async function lockFolderPair(tx: Tx, accountId: number, fromFolderId: number, toFolderId: number) {
  const rows = await tx.$queryRaw<Array<{ id: number; accountId: number }>>`
    SELECT "id", "accountId" FROM "MailboxFolder" WHERE "id" IN (${fromFolderId}, ${toFolderId}) ORDER BY "id" FOR NO KEY UPDATE`;
  const owned = new Set(rows.filter((row) => row.accountId === accountId).map((row) => row.id));
  if (!owned.has(fromFolderId) || !owned.has(toFolderId)) throw new MailStoreError('nonexistent', 'the folder no longer exists');
}

/** The source messages among `uids`, in UID order (the folder is locked: the set cannot change). */
async function sourceMessages(tx: Tx, folderId: number, uids: number[]) {
  return tx.$queryRaw<Array<{ id: bigint; uid: number; size: number }>>`
    SELECT "id", "uid", "size" FROM "MailboxMessage" WHERE "folderId" = ${folderId} AND "uid" = ANY(${uids}::int[]) ORDER BY "uid"`;
}

/** Takes `count` UIDs in the folder: the first UID and the modSeq before them. */
async function allocateUids(tx: Tx, folderId: number, count: number) {
  const [row] = await tx.$queryRaw<Array<{ firstUid: number; baseModSeq: bigint }>>`
    UPDATE "MailboxFolder" SET "uidNext" = "uidNext" + ${count}, "modSeq" = "modSeq" + 1
    WHERE "id" = ${folderId} RETURNING "uidNext" - ${count} AS "firstUid", "modSeq" AS "baseModSeq"`;
  return row!;
}

export async function copyMessages(db: Db, quotaLimit: QuotaLimit, accountId: number, fromFolderId: number, uids: number[], toFolderId: number) {
  if (uids.length === 0) return [];
  const limit = await quotaLimit(accountId);
  return db.$transaction(async (tx) => {
    await lockFolderPair(tx, accountId, fromFolderId, toFolderId);
    const sources = await sourceMessages(tx, fromFolderId, uids);
    if (sources.length === 0) return [];
    const bytes = sources.reduce((sum, m) => sum + BigInt(m.size), 0n);
    const fits = await tx.$queryRaw<unknown[]>`
      UPDATE "Account" SET "quotaUsedBytes" = "quotaUsedBytes" + ${bytes}
      WHERE "id" = ${accountId} AND (${limit}::bigint IS NULL OR "quotaUsedBytes" + ${bytes} <= ${limit}::bigint)
      RETURNING 1`;
    if (fits.length === 0) throw overQuota();
    const { firstUid, baseModSeq } = await allocateUids(tx, toFolderId, sources.length);
    await tx.$executeRaw`
      INSERT INTO "MailboxMessage" ("folderId", "uid", "blobId", "size", "flags", "internalDate", "modSeq")
      SELECT ${toFolderId}, n."uid", m."blobId", m."size", m."flags", m."internalDate", ${baseModSeq}
      FROM unnest(${sources.map((m) => m.id)}::bigint[], ${sources.map((_, i) => firstUid + i)}::int[]) AS n("id", "uid")
      JOIN "MailboxMessage" m ON m."id" = n."id"`;
    return sources.map((m, i) => ({ from: m.uid, to: firstUid + i }));
  }, STORE_TRANSACTION);
}

/** MOVE (RFC 6851): the rows themselves change folder and UID, so blobs and quota are untouched. */
export async function moveMessages(db: Db, accountId: number, fromFolderId: number, uids: number[], toFolderId: number) {
  if (uids.length === 0) return [];
  return db.$transaction(async (tx) => {
    await lockFolderPair(tx, accountId, fromFolderId, toFolderId);
    const sources = await sourceMessages(tx, fromFolderId, uids);
    if (sources.length === 0) return [];
    const { firstUid, baseModSeq } = await allocateUids(tx, toFolderId, sources.length);
    await tx.$executeRaw`
      UPDATE "MailboxMessage" m SET "folderId" = ${toFolderId}, "uid" = n."uid", "modSeq" = ${baseModSeq}
      FROM unnest(${sources.map((s) => s.id)}::bigint[], ${sources.map((_, i) => firstUid + i)}::int[]) AS n("id", "uid")
      WHERE m."id" = n."id"`;
    if (fromFolderId !== toFolderId) await tx.$executeRaw`UPDATE "MailboxFolder" SET "modSeq" = "modSeq" + 1 WHERE "id" = ${fromFolderId}`;
    return sources.map((m, i) => ({ from: m.uid, to: firstUid + i }));
  }, STORE_TRANSACTION);
}

function newFlags(operation: FlagOperation, flags: string[]) {
  switch (operation) {
    case 'add':
      return Prisma.sql`m."flags" || ARRAY(SELECT x FROM unnest(${flags}::text[]) AS x WHERE NOT x = ANY(m."flags"))`;
    case 'remove':
      return Prisma.sql`ARRAY(SELECT x FROM unnest(m."flags") AS x WHERE NOT x = ANY(${flags}::text[]))`;
    case 'replace':
      return Prisma.sql`${flags}::text[]`;
  }
}

/**
 * Messages whose flags really change get the folder's next modSeq (one per STORE); the
 * folder row is locked first, so concurrent STOREs apply one after the other, none lost.
 */
export async function storeFlags(db: Db, folderId: number, uids: number[], operation: FlagOperation, rawFlags: string[]): Promise<MessageMeta[]> {
  if (uids.length === 0) return [];
  const flags = normalizeFlags(rawFlags);
  const [, rows] = await db.$transaction([
    db.$queryRaw`SELECT 1 FROM "MailboxFolder" WHERE "id" = ${folderId} FOR NO KEY UPDATE`,
    db.$queryRaw<MessageRow[]>`
      WITH target AS (
        SELECT m."id", m."flags", ${newFlags(operation, flags)} AS "next"
        FROM "MailboxMessage" m WHERE m."folderId" = ${folderId} AND m."uid" = ANY(${uids}::int[])
      ), changed AS (
        SELECT "id", "next" FROM target WHERE NOT ("next" @> "flags" AND "flags" @> "next")
      ), bump AS (
        UPDATE "MailboxFolder" SET "modSeq" = "modSeq" + 1
        WHERE "id" = ${folderId} AND EXISTS (SELECT 1 FROM changed) RETURNING "modSeq"
      ), updated AS (
        UPDATE "MailboxMessage" m SET "flags" = c."next", "modSeq" = (SELECT "modSeq" FROM bump)
        FROM changed c WHERE m."id" = c."id"
        RETURNING m."id", m."uid", m."size", m."flags", m."internalDate", m."modSeq", m."blobId"
      )
      SELECT * FROM updated
      UNION ALL
      SELECT m."id", m."uid", m."size", m."flags", m."internalDate", m."modSeq", m."blobId" FROM "MailboxMessage" m
      WHERE m."folderId" = ${folderId} AND m."uid" = ANY(${uids}::int[]) AND m."id" NOT IN (SELECT "id" FROM changed)
      ORDER BY "uid"`,
  ]);
  return rows.map(asMeta);
}

/** Deletes messages of the folder (all of `uids`, or those flagged \Deleted), releasing their quota. */
async function removeWhere(db: Db, folderId: number, uids: number[] | null, onlyDeleted: boolean): Promise<number[]> {
  const [, rows] = await db.$transaction([
    db.$queryRaw`SELECT 1 FROM "MailboxFolder" WHERE "id" = ${folderId} FOR NO KEY UPDATE`,
    db.$queryRaw<Array<{ uid: number }>>`
      WITH gone AS (
        DELETE FROM "MailboxMessage"
        WHERE "folderId" = ${folderId}
          AND (${uids === null}::boolean OR "uid" = ANY(${uids ?? []}::int[]))
          AND (NOT ${onlyDeleted}::boolean OR ${DELETED} = ANY("flags"))
        RETURNING "uid", "size"
      ), bump AS (
        UPDATE "MailboxFolder" SET "modSeq" = "modSeq" + 1
        WHERE "id" = ${folderId} AND EXISTS (SELECT 1 FROM gone) RETURNING "accountId"
      ), quota AS (
        UPDATE "Account" a SET "quotaUsedBytes" = GREATEST(0, a."quotaUsedBytes" - (SELECT sum("size") FROM gone))
        FROM bump WHERE a."id" = bump."accountId"
        RETURNING 1
      )
      SELECT "uid" FROM gone ORDER BY "uid"`,
  ]);
  return rows.map((row) => row.uid);
}

export const expungeMessages = (db: Db, folderId: number, uids?: number[]) => removeWhere(db, folderId, uids ?? null, true);

export const removeMessages = (db: Db, folderId: number, uids: number[]) => (uids.length ? removeWhere(db, folderId, uids, false) : Promise.resolve([]));
