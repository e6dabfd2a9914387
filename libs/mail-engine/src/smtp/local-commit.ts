/**
 * The fast lane of the group commit (committer.ts): a batch of messages that go to local
 * mailboxes only is committed by ONE statement on a plain pg connection, between BEGIN and
 * COMMIT: the blob rows, the MailEvent rows and every delivery (UIDs, modSeq, quota). Through
 * a Prisma interactive transaction the same rows cost five round trips per batch and the query
 * engine's work on each; this is three round trips and little CPU.
 *
 * The statement only takes the plain case. Whatever it cannot finish alone it rolls back and
 * hands back untouched, for the general path (each message's `work`) to do: a recipient's
 * first delivery (its folders are created there), and content whose blob row existed already
 * (its file must be checked under the row lock, see FileBlobStore.record). The blobs are
 * unique writes (`BlobStore.write` with `unique`): a row this statement creates for them had
 * no earlier row for the sweeper to free, so their files need no second look.
 */
import type pg from 'pg';
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
  SELECT (SELECT count(*) FROM placed)::int AS "delivered", (SELECT bool_and("inserted") FROM upserted) AS "fresh"`;

export class LocalCommits {
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Commits the batch and answers true, or changes nothing and answers false (see above; a
   * failure before COMMIT is also handed back, for the general path to try and report). A
   * failed COMMIT is thrown: the rows may be committed after all, so they must not be made
   * a second time.
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
    const params = [
      ...blobParams,
      ...eventParams(batch.flatMap((job) => job.events)),
      rows.map((row) => row.accountId),
      rows.map((row) => row.file.sha256),
      rows.map((row) => row.file.size),
      rows.map((row) => row.ms),
      accountIds,
    ];
    let client: pg.PoolClient | undefined;
    let complete: boolean;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      const { rows: [outcome] } = await client.query<{ delivered: number; fresh: boolean }>(STATEMENT, params);
      complete = outcome !== undefined && outcome.delivered === rows.length && outcome.fresh;
      if (!complete) await client.query('ROLLBACK');
    } catch (error) {
      this.log(`smtp: fast group commit failed, handing the batch to the general path: ${error instanceof Error ? error.message : String(error)}`);
      // A connection that failed mid-transaction is not handed out again.
      client?.release(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    if (!complete) {
      client.release();
      return false;
    }
    try {
      await client.query('COMMIT');
      client.release();
      return true;
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }
}
