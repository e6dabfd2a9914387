/**
 * The class of service's sending rate (`sendingRatePerHour`, the number the effective-settings
 * explanation shows): how many messages an authenticated account may send per hour, counted
 * across every engine process of a cluster.
 *
 * What is counted: each message accepted (answered 250) in a session authenticated as the
 * account (submission AUTH, or a front-end's XCLIENT LOGIN), once, whatever its number of
 * recipients: the class's maxRecipients bounds those per message, so recipients per hour are
 * at most rate x maxRecipients. A message sent "as" an alias or a group counts for the account
 * that logged in. Refused messages do not count. Mail on the MX (no AUTH) is neither counted
 * nor limited, and accounts without a limit are not counted (a limit set later starts from 0).
 *
 * Where: the SendingCounter table, a ring of WINDOW_BUCKETS five-minute buckets per account
 * (at most 13 rows each; a slot's row is reused when its bucket comes round again, so nothing
 * is ever swept). The acceptance transaction adds the message to the account's current bucket
 * (`count`: one upsert per group-commit batch for all its counted messages, in account order),
 * so a message is counted exactly when it is committed. MAIL FROM (`check`) reads the
 * account's ring by primary key and refuses with 451 4.7.1 when the current bucket and the 12
 * before it already hold `limit` messages. So no 60 minutes ever hold more than the limit, and
 * a refused sender may wait up to one bucket (5 minutes) longer than an exact sliding hour
 * would make it. Buckets are numbered by the database's clock, the same for every process.
 *
 * Across processes: all read and write the same rows. A refusal is remembered by the process
 * until the moment it computed (within a window counts only grow, so no other process can make
 * it wrong early), and a blocked account's flood of attempts costs no query. What is not seen:
 * messages that passed MAIL FROM and are not committed yet. N sessions of one account racing
 * past its last free place, on any processes, may overshoot the limit by up to N - 1 messages.
 */
import type { Db, Tx } from '../contracts.js';
import { TxBatcher } from '../tx-batch.js';
import { refuse } from './replies.js';

export const BUCKET_SECONDS = 300;
/** Buckets looked at: the current one and the 12 before it (and the ring's size). */
export const WINDOW_BUCKETS = 13;

/** One row of an account's ring: messages counted in a bucket (epoch seconds / BUCKET_SECONDS). */
export interface CounterRow {
  bucket: number;
  messages: number;
}

export interface RateVerdict {
  /** Messages counted in the window. */
  sent: number;
  allowed: boolean;
  /** When refused: seconds until enough of the oldest buckets have left the window. */
  retryAfterSeconds: number;
}

export const bucketOf = (epochSeconds: number) => Math.floor(epochSeconds / BUCKET_SECONDS);

/** May one more message go, at `nowSeconds`, given an account's counter rows? */
export function rateVerdict(nowSeconds: number, rows: readonly CounterRow[], limit: number): RateVerdict {
  const current = bucketOf(nowSeconds);
  // A row from the future (a clock set back) is counted: never fewer than were sent.
  const inWindow = rows.filter((row) => row.bucket > current - WINDOW_BUCKETS).sort((a, b) => a.bucket - b.bucket);
  const sent = inWindow.reduce((total, row) => total + row.messages, 0);
  if (sent < limit) return { sent, allowed: true, retryAfterSeconds: 0 };
  let left = sent;
  for (const row of inWindow) {
    left -= row.messages;
    if (left < limit) return { sent, allowed: false, retryAfterSeconds: (row.bucket + WINDOW_BUCKETS) * BUCKET_SECONDS - nowSeconds };
  }
  // A limit of 0: nothing may go; look again after a window.
  return { sent, allowed: false, retryAfterSeconds: WINDOW_BUCKETS * BUCKET_SECONDS };
}

/**
 * The counted messages of a batch, added to each account's current bucket. A slot holding an
 * older bucket starts over; one holding a newer bucket (the clock went back over an hour) is
 * left alone. Rows are locked in account order, so two batches never wait on each other in a
 * circle.
 */
const COUNT_SQL = `
  INSERT INTO "SendingCounter" AS c ("accountId", "slot", "bucket", "messages")
  SELECT t."accountId", n."bucket" % ${WINDOW_BUCKETS}, n."bucket", t."messages"
  FROM unnest($1::int[], $2::int[]) AS t("accountId", "messages"),
       (SELECT floor(extract(epoch FROM statement_timestamp()) / ${BUCKET_SECONDS})::int AS "bucket") AS n
  ORDER BY t."accountId"
  ON CONFLICT ("accountId", "slot") DO UPDATE SET
    "messages" = CASE
      WHEN c."bucket" = EXCLUDED."bucket" THEN c."messages" + EXCLUDED."messages"
      WHEN c."bucket" > EXCLUDED."bucket" THEN c."messages"
      ELSE EXCLUDED."messages" END,
    "bucket" = GREATEST(c."bucket", EXCLUDED."bucket")`;

/** Remembered refusals at most (the oldest is forgotten first: it is only looked up again). */
const MAX_REMEMBERED = 100_000;

export class SendingRate {
  /** Accounts known to be at their limit: until when (this process's clock), and for which limit. */
  private readonly blocked = new Map<number, { limit: number; until: number }>();
  private readonly counts = new TxBatcher<number, void>((tx, accountIds) => this.countAll(tx, accountIds));

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /** MAIL FROM: refuses with 451 4.7.1 when the account has sent `limit` messages within the hour. */
  async check(accountId: number, limit: number): Promise<void> {
    const known = this.blocked.get(accountId);
    if (known) {
      if (known.limit === limit && known.until > this.clock()) throw refuse.sendingRateReached(limit);
      this.blocked.delete(accountId);
    }
    const rows = await this.db.$queryRaw<Array<{ now: number; bucket: number | null; messages: number | null }>>`
      SELECT extract(epoch FROM statement_timestamp())::float8 AS "now", c."bucket", c."messages"
      FROM (SELECT 1) AS one LEFT JOIN "SendingCounter" c ON c."accountId" = ${accountId}`;
    const counted = rows.flatMap((row) => (row.bucket === null || row.messages === null ? [] : [{ bucket: row.bucket, messages: row.messages }]));
    const verdict = rateVerdict(rows[0]!.now, counted, limit);
    if (verdict.allowed) return;
    if (this.blocked.size >= MAX_REMEMBERED) this.blocked.delete(this.blocked.keys().next().value!);
    this.blocked.set(accountId, { limit, until: this.clock() + verdict.retryAfterSeconds * 1000 });
    throw refuse.sendingRateReached(limit);
  }

  /**
   * Counts one accepted message for the account, in its acceptance transaction. Call it first
   * thing in the transaction's work: the calls of a batch then make one statement, and every
   * batch takes these row locks before any other.
   */
  count(tx: Tx, accountId: number): Promise<void> {
    return this.counts.load(tx, accountId);
  }

  private async countAll(tx: Tx, accountIds: number[]): Promise<void[]> {
    const perAccount = new Map<number, number>();
    for (const id of accountIds) perAccount.set(id, (perAccount.get(id) ?? 0) + 1);
    const ids = [...perAccount.keys()].sort((a, b) => a - b);
    await tx.$executeRawUnsafe(COUNT_SQL, ids, ids.map((id) => perAccount.get(id)!));
    return accountIds.map(() => undefined);
  }
}
