/**
 * Local delivery into the INBOX of each recipient, in one statement however many recipients
 * and however many messages: the deliveries made in one transaction at the same moment (the
 * messages of one group commit, see tx-batch.ts) are coalesced, so a batch of 20 messages
 * for 50 recipients each costs the same round trip as one message for one recipient.
 */
import type { MailboxDelivery, Mailboxes, Tx } from '../contracts.js';
import { TxBatcher } from '../tx-batch.js';
import { ensureDefaultFoldersOf, INBOX } from './default-folders.js';

export interface DeliveryRequest {
  blobId: bigint;
  size: number;
  internalDate: Date;
  accountIds: number[];
  flags?: string[];
}

interface DeliveredRow {
  row: number;
  folderId: number;
  uid: number;
}

/**
 * Each row of `rows` (one per message and account) gets the next UID of its account's
 * INBOX, k rows of one account the next k UIDs in row order, and the message's modSeq is the
 * folder's as raised by it. The folder rows are locked in id order (the ORDER BY under FOR
 * NO KEY UPDATE), then the account rows in id order for the quota, so deliveries to
 * overlapping recipient sets wait for each other instead of deadlocking, and no two
 * deliveries ever get the same UID. When an account has no INBOX yet, the statement changes
 * nothing and answers no row (the caller creates the folders and runs it again).
 */
async function deliverRows(tx: Tx, rows: Array<{ accountId: number; blobId: bigint; size: number; internalDate: Date; flags: string[] }>, accountIds: number[]) {
  return tx.$queryRaw<DeliveredRow[]>`
    WITH input AS (
      SELECT t."row"::int AS "row", t."accountId", t."blobId", t."size", t."flags",
        (to_timestamp(t."ms" / 1000.0) AT TIME ZONE 'UTC')::timestamp(3) AS "internalDate"
      FROM unnest(${rows.map((r) => r.accountId)}::int[], ${rows.map((r) => r.blobId)}::bigint[], ${rows.map((r) => r.size)}::int[],
        ${rows.map((r) => r.internalDate.getTime())}::float8[], ${rows.map((r) => JSON.stringify(r.flags))}::text[])
        WITH ORDINALITY AS t("accountId", "blobId", "size", "ms", "flags", "row")
    ), per_account AS (
      SELECT "accountId", count(*)::int AS "n", sum("size")::bigint AS "bytes" FROM input GROUP BY "accountId"
    ), locked AS (
      SELECT "id", "accountId" FROM "MailboxFolder"
      WHERE "accountId" = ANY(${accountIds}::int[]) AND "name" = ${INBOX}
      ORDER BY "id"
      FOR NO KEY UPDATE
    ), complete AS (
      SELECT (SELECT count(*) FROM locked) = (SELECT count(*) FROM per_account) AS "ok"
    ), allocated AS (
      UPDATE "MailboxFolder" f SET "uidNext" = f."uidNext" + p."n", "modSeq" = f."modSeq" + p."n"
      FROM locked JOIN per_account p ON p."accountId" = locked."accountId", complete
      WHERE f."id" = locked."id" AND complete."ok"
      RETURNING f."id" AS "folderId", f."accountId", f."uidNext" - p."n" AS "firstUid", f."modSeq" - p."n" AS "firstModSeq"
    ), numbered AS (
      SELECT input.*, (row_number() OVER (PARTITION BY "accountId" ORDER BY "row") - 1)::int AS "k" FROM input
    ), placed AS (
      SELECT n."row", a."folderId", (a."firstUid" + n."k")::int AS "uid", a."firstModSeq" + n."k" + 1 AS "modSeq",
        n."blobId", n."size", n."flags", n."internalDate"
      FROM numbered n JOIN allocated a ON a."accountId" = n."accountId"
    ), inserted AS (
      INSERT INTO "MailboxMessage" ("folderId", "uid", "blobId", "size", "flags", "internalDate", "modSeq")
      SELECT "folderId", "uid", "blobId", "size", ARRAY(SELECT jsonb_array_elements_text("flags"::jsonb)), "internalDate", "modSeq"
      FROM placed ORDER BY "row"
      RETURNING 1
    ), locked_accounts AS (
      SELECT "id" FROM "Account" WHERE "id" = ANY(${accountIds}::int[]) AND (SELECT "ok" FROM complete) ORDER BY "id" FOR NO KEY UPDATE
    ), quota AS (
      UPDATE "Account" a SET "quotaUsedBytes" = a."quotaUsedBytes" + p."bytes"
      FROM locked_accounts l JOIN per_account p ON p."accountId" = l."id"
      WHERE a."id" = l."id"
      RETURNING 1
    )
    SELECT "row", "folderId", "uid" FROM placed`;
}

async function deliverAll(tx: Tx, messages: DeliveryRequest[]): Promise<MailboxDelivery[][]> {
  const perMessage = messages.map((message) => [...new Set(message.accountIds)].sort((a, b) => a - b));
  const rows = messages.flatMap((message, i) =>
    perMessage[i]!.map((accountId) => ({ accountId, blobId: message.blobId, size: message.size, internalDate: message.internalDate, flags: message.flags ?? [] })),
  );
  if (rows.length === 0) return messages.map(() => []);
  const accountIds = [...new Set(rows.map((row) => row.accountId))].sort((a, b) => a - b);
  let delivered = await deliverRows(tx, rows, accountIds);
  if (delivered.length < rows.length) {
    // First delivery to some of them: create their folders, then deliver.
    const present = await tx.mailboxFolder.findMany({ where: { accountId: { in: accountIds }, name: INBOX }, select: { accountId: true } });
    const served = new Set(present.map((folder) => folder.accountId));
    await ensureDefaultFoldersOf(tx, accountIds.filter((id) => !served.has(id)));
    delivered = await deliverRows(tx, rows, accountIds);
    if (delivered.length < rows.length) {
      const reached = new Set((await tx.mailboxFolder.findMany({ where: { accountId: { in: accountIds }, name: INBOX }, select: { accountId: true } })).map((f) => f.accountId));
      throw new Error(`no INBOX for account(s) ${accountIds.filter((id) => !reached.has(id)).join(', ')}: do they exist?`);
    }
  }
  const byRow = new Map(delivered.map((d) => [Number(d.row), d]));
  let next = 1;
  return perMessage.map((ids) =>
    ids.map((accountId) => {
      const d = byRow.get(next++)!;
      return { accountId, folderId: d.folderId, uid: d.uid };
    }),
  );
}

export class PrismaMailboxes implements Mailboxes {
  private readonly batcher = new TxBatcher<DeliveryRequest, MailboxDelivery[]>(deliverAll);

  deliver(tx: Tx, message: DeliveryRequest): Promise<MailboxDelivery[]> {
    return this.batcher.load(tx, message);
  }
}
