/**
 * Local delivery into the INBOX of each recipient, in a fixed number of statements however
 * many recipients: 50 recipients cost the same round trips as one.
 */
import type { MailboxDelivery, Mailboxes, Tx } from '../contracts.js';
import { ensureDefaultFoldersOf, INBOX } from './default-folders.js';

interface AllocatedUid {
  folderId: number;
  accountId: number;
  uid: number;
  modSeq: bigint;
}

/**
 * Takes the next UID of each account's INBOX. The folder rows are locked in id order (the
 * ORDER BY under FOR NO KEY UPDATE), so two deliveries to overlapping recipient sets wait
 * for each other instead of deadlocking, and no two deliveries ever get the same UID.
 */
async function allocateInboxUids(tx: Tx, accountIds: number[]): Promise<AllocatedUid[]> {
  return tx.$queryRaw<AllocatedUid[]>`
    WITH locked AS (
      SELECT "id" FROM "MailboxFolder"
      WHERE "accountId" = ANY(${accountIds}::int[]) AND "name" = ${INBOX}
      ORDER BY "id"
      FOR NO KEY UPDATE
    )
    UPDATE "MailboxFolder" f SET "uidNext" = f."uidNext" + 1, "modSeq" = f."modSeq" + 1
    FROM locked WHERE f."id" = locked."id"
    RETURNING f."id" AS "folderId", f."accountId", f."uidNext" - 1 AS "uid", f."modSeq"`;
}

export class PrismaMailboxes implements Mailboxes {
  async deliver(
    tx: Tx,
    message: { blobId: bigint; size: number; internalDate: Date; accountIds: number[]; flags?: string[] },
  ): Promise<MailboxDelivery[]> {
    const accountIds = [...new Set(message.accountIds)].sort((a, b) => a - b);
    if (accountIds.length === 0) return [];
    let allocated = await allocateInboxUids(tx, accountIds);
    if (allocated.length < accountIds.length) {
      // First delivery to some of them: create their folders, then allocate for those only.
      const served = new Set(allocated.map((row) => row.accountId));
      const missing = accountIds.filter((id) => !served.has(id));
      await ensureDefaultFoldersOf(tx, missing);
      allocated = [...allocated, ...(await allocateInboxUids(tx, missing))];
      if (allocated.length < accountIds.length) {
        const reached = new Set(allocated.map((row) => row.accountId));
        throw new Error(`no INBOX for account(s) ${accountIds.filter((id) => !reached.has(id)).join(', ')}: do they exist?`);
      }
    }
    await tx.mailboxMessage.createMany({
      data: allocated.map((row) => ({
        folderId: row.folderId,
        uid: row.uid,
        blobId: message.blobId,
        size: message.size,
        flags: message.flags ?? [],
        internalDate: message.internalDate,
        modSeq: row.modSeq,
      })),
    });
    await tx.$executeRaw`
      WITH locked AS (SELECT "id" FROM "Account" WHERE "id" = ANY(${accountIds}::int[]) ORDER BY "id" FOR NO KEY UPDATE)
      UPDATE "Account" a SET "quotaUsedBytes" = a."quotaUsedBytes" + ${message.size}
      FROM locked WHERE a."id" = locked."id"`;
    return allocated
      .map((row) => ({ accountId: row.accountId, folderId: row.folderId, uid: row.uid }))
      .sort((a, b) => a.accountId - b.accountId);
  }
}
