/**
 * The fast lane of the group commit (committer.ts): a batch of messages that go to local
 * mailboxes only is committed by ONE statement on a plain pg connection, in autocommit: the
 * blob rows, the MailEvent rows and every delivery (UIDs, modSeq, quota). Through a Prisma
 * interactive transaction the same rows cost five round trips per batch and the query
 * engine's work on each; here it is one round trip (no BEGIN, no COMMIT: the statement is its
 * own transaction, and PostgreSQL answers it only after the commit is flushed), and the
 * statement is prepared once per connection, so PostgreSQL plans it once, not per batch.
 *
 * The statement only takes the plain case. Whatever it cannot finish alone aborts it (the
 * guard `schoolmail_hand_back_unless`, prisma/routines/004_hand_back.sql) and is handed back
 * untouched, for the general path (each message's `work`) to do: a recipient's first
 * delivery (its folders are created there), and content whose blob row existed already (its
 * file must be checked under the row lock, see FileBlobStore.record). The blobs are unique
 * writes (`BlobStore.write` with `unique`): a row this statement creates for them had no
 * earlier row for the sweeper to free, so their files need no second look.
 */
import pg from 'pg';
import { deliveryCtes, internalDateOf } from '../mailbox/delivery-sql.js';
import { blobRowCtes, blobRowParams } from '../storage/blob-rows-sql.js';
import { eventParams, insertEventsSql, type CommittedEvent } from './committer.js';

interface WrittenFile {
  sha256: string;
  size: number;
  storageUnitId: number;
}

/** The rows one accepted message makes when all its recipients are local mailboxes. */
export interface LocalAcceptance {
  /** Each written file (as received, tagged) with the accounts that get it. */
  deliveries: Array<{ file: WrittenFile; accountIds: number[] }>;
  internalDate: Date;
}

const STATEMENT = `
  WITH ${blobRowCtes('$1', '$2', '$3')},
  events AS (${insertEventsSql(4)} RETURNING 1),
  input AS (
    SELECT t."row"::int AS "row", t."accountId", u."id" AS "blobId", t."size", '[]'::text AS "flags", ${internalDateOf('t."ms"')} AS "internalDate"
    FROM unnest($10::int[], $11::text[], $12::int[], $13::float8[]) WITH ORDINALITY AS t("accountId", "sha256", "size", "ms", "row")
    JOIN upserted u USING ("sha256")
  ), ${deliveryCtes('$14')}
  SELECT schoolmail_hand_back_unless((SELECT count(*) FROM placed) = $15 AND (SELECT bool_and("inserted") FROM upserted))`;

/** The guard's SQLSTATE: the statement changed nothing and the batch is the general path's. */
const HANDED_BACK = 'SM001';

export class LocalCommits {
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Commits the batch and answers true, or changes nothing and answers false: handed back by
   * the guard, or refused by the server (its error aborted the statement's transaction; it is
   * logged, and the general path tries again and reports per message). A failure that leaves
   * the outcome unknown (the connection broke while the statement ran) is thrown: the rows
   * may be committed, so they must not be made a second time.
   */
  async commit(batch: ReadonlyArray<{ rows: LocalAcceptance; events: readonly CommittedEvent[] }>): Promise<boolean> {
    const rows = batch.flatMap(({ rows: { deliveries, internalDate } }) =>
      deliveries.flatMap(({ file, accountIds }) =>
        [...new Set(accountIds)].sort((a, b) => a - b).map((accountId) => ({ accountId, file, ms: internalDate.getTime() })),
      ),
    );
    if (rows.length === 0) return false;
    const { params: blobParams } = blobRowParams(rows.map((row) => row.file));
    const accountIds = [...new Set(rows.map((row) => row.accountId))].sort((a, b) => a - b);
    const values = [
      ...blobParams,
      ...eventParams(batch.flatMap((job) => job.events)),
      rows.map((row) => row.accountId),
      rows.map((row) => row.file.sha256),
      rows.map((row) => row.file.size),
      rows.map((row) => row.ms),
      accountIds,
      rows.length,
    ];
    try {
      await this.pool.query({ name: 'schoolmail-local-commit', text: STATEMENT, values });
      return true;
    } catch (error) {
      // Only an error from the server says the statement's transaction certainly rolled back.
      if (!(error instanceof pg.DatabaseError)) throw error;
      if (error.code !== HANDED_BACK) this.log(`smtp: fast group commit failed, handing the batch to the general path: ${error.message}`);
      return false;
    }
  }
}
