/**
 * Folder operations of the store: list, look up, create, delete, rename, subscribe. Every
 * write locks folder rows (by id order) before the account row, the order SMTP delivery uses
 * (mailbox/prisma-mailboxes.ts), so the two never deadlock.
 */
import type { Db, Tx } from '../contracts.js';
import { ensureDefaultFolders, INBOX } from '../mailbox/default-folders.js';
import { canonicalName, nameProblem, parentsOf, validName } from './folder-names.js';
import { STORE_TRANSACTION } from './transactions.js';
import { MailStoreError, type FolderInfo } from './types.js';

interface FolderRow {
  id: number;
  accountId: number;
  name: string;
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
  modSeq: bigint;
  subscribed: boolean;
}

const folderSelect = { id: true, accountId: true, name: true, specialUse: true, uidValidity: true, uidNext: true, modSeq: true, subscribed: true } as const;

const asInfo = (row: FolderRow): FolderInfo => ({ ...row, modSeq: BigInt(row.modSeq) });

/** INBOX first, then by name. */
const byListOrder = (a: FolderInfo, b: FolderInfo) => (a.name === INBOX ? -1 : b.name === INBOX ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** An account that never received mail has no folders yet: it gets the default set on first look. */
async function ensureFolders(db: Db | Tx, accountId: number): Promise<boolean> {
  const account = await db.account.findUnique({ where: { id: accountId }, select: { id: true } });
  if (!account) return false;
  await ensureDefaultFolders(db as Tx, accountId);
  return true;
}

export async function listFolders(db: Db, accountId: number): Promise<FolderInfo[]> {
  let rows = await db.mailboxFolder.findMany({ where: { accountId }, select: folderSelect });
  if (!rows.some((row) => row.name === INBOX)) {
    if (!(await ensureFolders(db, accountId))) return [];
    rows = await db.mailboxFolder.findMany({ where: { accountId }, select: folderSelect });
  }
  return rows.map(asInfo).sort(byListOrder);
}

export async function findFolder(db: Db, accountId: number, name: string): Promise<FolderInfo | null> {
  if (nameProblem(name)) return null;
  const canonical = canonicalName(name);
  const where = { accountId_name: { accountId, name: canonical } };
  let row = await db.mailboxFolder.findUnique({ where, select: folderSelect });
  if (!row && canonical === INBOX && (await ensureFolders(db, accountId))) row = await db.mailboxFolder.findUnique({ where, select: folderSelect });
  return row ? asInfo(row) : null;
}

/** Inserts a folder with a fresh UIDVALIDITY (prisma/routines/003_uid_validity.sql); null when the name is taken. */
async function insertFolder(tx: Tx, accountId: number, name: string, specialUse: string | null = null): Promise<FolderRow | null> {
  const [row] = await tx.$queryRaw<FolderRow[]>`
    INSERT INTO "MailboxFolder" ("accountId", "name", "specialUse", "uidValidity")
    VALUES (${accountId}, ${name}, ${specialUse}, schoolmail_next_uid_validity())
    ON CONFLICT ("accountId", "name") DO NOTHING
    RETURNING "id", "accountId", "name", "specialUse", "uidValidity", "uidNext", "modSeq", "subscribed"`;
  return row ?? null;
}

/** Creates the missing superior levels of `name` (RFC 3501 6.3.3: "foo/bar" creates "foo"). */
async function createParents(tx: Tx, accountId: number, name: string) {
  for (const parent of parentsOf(name)) if (parent !== INBOX) await insertFolder(tx, accountId, parent);
}

export async function createFolder(db: Db, accountId: number, name: string): Promise<FolderInfo> {
  const canonical = validName(name);
  if (canonical === INBOX) throw new MailStoreError('exists', 'INBOX always exists');
  return db.$transaction(async (tx) => {
    if (!(await ensureFolders(tx, accountId))) throw new MailStoreError('nonexistent', 'no such account');
    await createParents(tx, accountId, canonical);
    const row = await insertFolder(tx, accountId, canonical);
    if (!row) throw new MailStoreError('exists', `a folder named "${canonical}" already exists`);
    return asInfo(row);
  }, STORE_TRANSACTION);
}

export async function deleteFolder(db: Db, accountId: number, name: string): Promise<void> {
  if (nameProblem(name)) throw new MailStoreError('nonexistent', 'no such folder');
  const canonical = canonicalName(name);
  if (canonical === INBOX) throw new MailStoreError('forbidden', 'INBOX cannot be deleted');
  await db.$transaction(async (tx) => {
    const [folder] = await tx.$queryRaw<Array<{ id: number }>>`
      SELECT "id" FROM "MailboxFolder" WHERE "accountId" = ${accountId} AND "name" = ${canonical} FOR UPDATE`;
    if (!folder) throw new MailStoreError('nonexistent', `no folder named "${canonical}"`);
    // Its messages leave the quota; the folders below it stay (RFC 3501 6.3.4).
    await tx.$executeRaw`
      WITH gone AS (DELETE FROM "MailboxMessage" WHERE "folderId" = ${folder.id} RETURNING "size")
      UPDATE "Account" SET "quotaUsedBytes" = GREATEST(0, "quotaUsedBytes" - (SELECT sum("size") FROM gone))
      WHERE "id" = ${accountId} AND EXISTS (SELECT 1 FROM gone)`;
    await tx.$executeRaw`DELETE FROM "MailboxFolder" WHERE "id" = ${folder.id}`;
  }, STORE_TRANSACTION);
}

/**
 * RENAME (RFC 3501 6.3.5): the folder and the folders below it take the new name, each with a
 * new UIDVALIDITY, so a client that knew another folder by that name cannot mistake their
 * UIDs. Renaming INBOX moves its messages to a new folder and leaves INBOX empty (its own
 * folders below stay where they are).
 */
export async function renameFolder(db: Db, accountId: number, from: string, to: string): Promise<void> {
  if (nameProblem(from)) throw new MailStoreError('nonexistent', 'no such folder');
  const source = canonicalName(from);
  const target = validName(to);
  if (target === INBOX) throw new MailStoreError('exists', 'INBOX always exists');
  if (target === source) throw new MailStoreError('exists', `a folder named "${target}" already exists`);
  if (source !== INBOX && target.startsWith(`${source}/`)) throw new MailStoreError('invalid', 'a folder cannot be moved below itself');
  await db.$transaction(async (tx) => {
    if (source === INBOX) {
      await ensureFolders(tx, accountId);
      await renameInbox(tx, accountId, target);
      return;
    }
    const moving = await tx.$queryRaw<Array<{ id: number; name: string }>>`
      SELECT "id", "name" FROM "MailboxFolder"
      WHERE "accountId" = ${accountId} AND ("name" = ${source} OR left("name", ${source.length + 1}) = ${`${source}/`})
      ORDER BY "id" FOR UPDATE`;
    if (!moving.some((folder) => folder.name === source)) throw new MailStoreError('nonexistent', `no folder named "${source}"`);
    const newNames = moving.map((folder) => target + folder.name.slice(source.length));
    const taken = await tx.mailboxFolder.findFirst({ where: { accountId, name: { in: newNames } }, select: { name: true } });
    if (taken) throw new MailStoreError('exists', `a folder named "${taken.name}" already exists`);
    await tx.$executeRaw`
      UPDATE "MailboxFolder" f SET "name" = n."name", "uidValidity" = schoolmail_next_uid_validity()
      FROM unnest(${moving.map((folder) => folder.id)}::int[], ${newNames}::text[]) AS n("id", "name")
      WHERE f."id" = n."id"`;
    await createParents(tx, accountId, target);
  }, STORE_TRANSACTION);
}

async function renameInbox(tx: Tx, accountId: number, target: string) {
  const [inbox] = await tx.$queryRaw<Array<{ id: number; uidNext: number; modSeq: bigint }>>`
    SELECT "id", "uidNext", "modSeq" FROM "MailboxFolder" WHERE "accountId" = ${accountId} AND "name" = ${INBOX} FOR NO KEY UPDATE`;
  if (!inbox) throw new MailStoreError('nonexistent', 'no such account');
  await createParents(tx, accountId, target);
  const created = await insertFolder(tx, accountId, target);
  if (!created) throw new MailStoreError('exists', `a folder named "${target}" already exists`);
  // A new folder with a new UIDVALIDITY: the messages keep their UIDs there. INBOX keeps its
  // uidNext, so its UIDs are never given again.
  await tx.$executeRaw`
    UPDATE "MailboxFolder" SET "uidNext" = ${inbox.uidNext}, "modSeq" = ${inbox.modSeq} + 1 WHERE "id" = ${created.id}`;
  await tx.$executeRaw`UPDATE "MailboxMessage" SET "folderId" = ${created.id} WHERE "folderId" = ${inbox.id}`;
  await tx.$executeRaw`UPDATE "MailboxFolder" SET "modSeq" = "modSeq" + 1 WHERE "id" = ${inbox.id}`;
}

export async function setSubscribed(db: Db, accountId: number, name: string, subscribed: boolean): Promise<void> {
  const folder = await findFolder(db, accountId, name);
  if (!folder) throw new MailStoreError('nonexistent', `no folder named "${name}"`);
  await db.mailboxFolder.update({ where: { id: folder.id }, data: { subscribed } });
}
