/**
 * The SQL of local delivery, shared by the delivery of any transaction (prisma-mailboxes.ts)
 * and the one-statement acceptance of a batch of SMTP messages (smtp/local-commit.ts), which
 * puts it after its own blob rows. It reads a CTE named `input` with the columns "row" (1..n),
 * "accountId", "blobId", "size", "flags" (a JSON array as text) and "internalDate", and ends
 * with a CTE `placed` holding "row", "folderId" and "uid" of each row delivered.
 *
 * Each row gets the next UID of its account's INBOX, k rows of one account the next k UIDs in
 * row order, and the message's modSeq is the folder's as raised by it. The folder rows are
 * locked in id order (the ORDER BY under FOR NO KEY UPDATE), then the account rows in id
 * order for the quota, so deliveries to overlapping recipient sets wait for each other
 * instead of deadlocking, and no two deliveries ever get the same UID. When an account has no
 * INBOX yet, nothing is delivered and `placed` is empty (the caller creates the folders and
 * runs it again).
 */
import { INBOX } from './default-folders.js';

/** The CTEs after `input` (no leading WITH); `accountIds` is the placeholder of the sorted, distinct account ids (int[]). */
export function deliveryCtes(accountIds: string): string {
  return `
    per_account AS (
      SELECT "accountId", count(*)::int AS "n", sum("size")::bigint AS "bytes" FROM input GROUP BY "accountId"
    ), locked AS (
      SELECT "id", "accountId" FROM "MailboxFolder"
      WHERE "accountId" = ANY(${accountIds}::int[]) AND "name" = '${INBOX}'
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
    )`;
}

/** Epoch milliseconds (float8) as the timestamp(3) column value, in UTC. */
export const internalDateOf = (ms: string) => `(to_timestamp(${ms} / 1000.0) AT TIME ZONE 'UTC')::timestamp(3)`;
