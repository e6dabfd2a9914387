/**
 * Group commit for acceptance transactions. At a thousand messages a second, one
 * transaction per message spends most of its time on per-transaction costs (BEGIN, COMMIT
 * and its WAL flush, the client's per-query overhead) and on waiting for row locks that
 * every acceptance takes. So the transactions of messages arriving together are run as ONE
 * database transaction: while a batch commits, the next one gathers. Each message's client
 * still hears 250 only after the commit that holds its rows.
 *
 * A batch that fails is rolled back as a whole; then each of its messages is retried in a
 * transaction of its own, so one bad message costs the others only time, and gets its own
 * error.
 *
 * Messages for local mailboxes only (the MX's daily bread) may also describe their rows
 * (`local`): those of a batch first go through the fast lane (local-commit.ts), one
 * statement on a plain connection; what it hands back goes the general way, by `work`.
 *
 * The fast lane's statement costs the database about 0.55 ms of CPU whatever the batch, plus
 * about 0.1 ms per message (the lane alone against the embedded server: 655 µs per message
 * one at a time, 145 µs in batches of 8). So a batch waits, briefly, for the messages announced
 * as on their way (their files are being written, about an fsync away): until they have
 * arrived, GATHER_ENOUGH jobs are waiting, or the first has waited `gatherMs` (2 ms). A message
 * alone on the server never waits.
 */
import type { Db, Tx } from '../contracts.js';
import type { LocalAcceptance, LocalCommits } from './local-commit.js';

export type TransactionWork = (tx: Tx) => Promise<void>;

/** A MailEvent row written with the transaction (one INSERT for the whole batch). */
export interface CommittedEvent {
  kind: string;
  queueId?: string;
  sender?: string;
  recipient?: string;
  domainPath?: string | null;
  detail?: string;
}

interface Job {
  work: TransactionWork;
  events: CommittedEvent[];
  local?: LocalAcceptance;
  /** performance.now() when it was queued. */
  queuedAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitterOptions {
  /** Messages per transaction at most (default 50). */
  maxBatch?: number;
  /** General-path batches committing at once (default 2: one commits while the next runs its statements). */
  maxInFlight?: number;
  /** The fast lane for jobs that describe their rows (absent: every job goes by `work`). */
  localLane?: LocalCommits;
  /** How long a fast-lane job may wait for announced messages at most (ms, default 2). */
  gatherMs?: number;
}

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

/** A fast-lane batch this large goes without waiting for more. */
const GATHER_ENOUGH = 8;

/** The INSERT of MailEvent rows over six placeholders: the columns of `eventParams`. */
export function insertEventsSql(first: number): string {
  const p = (i: number) => `$${first + i}::text[]`;
  return `INSERT INTO "MailEvent" ("kind", "queueId", "sender", "recipient", "domainPath", "detail")
    SELECT * FROM unnest(${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`;
}

export function eventParams(events: readonly CommittedEvent[]) {
  const column = (pick: (event: CommittedEvent) => string | null | undefined) => events.map((event) => pick(event) ?? null);
  return [column((e) => e.kind), column((e) => e.queueId), column((e) => e.sender), column((e) => e.recipient), column((e) => e.domainPath), column((e) => e.detail)];
}

/** One INSERT for the batch's events, as raw SQL: the model API costs more CPU than the insert. */
async function insertEvents(tx: Tx, events: CommittedEvent[]) {
  if (events.length === 0) return;
  await tx.$executeRawUnsafe(insertEventsSql(1), ...eventParams(events));
}

/**
 * The jobs of a batch run side by side on the one transaction, so the statements they make
 * at the same step (record the blob, deliver to mailboxes) are coalesced into one each
 * (tx-batch.ts). Every job is waited for before the first failure is thrown: none is left
 * running on a transaction being rolled back.
 */
async function runTogether(tx: Tx, batch: Job[]) {
  const outcomes = await Promise.allSettled(batch.map((job) => job.work(tx)));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

export class GroupCommitter {
  /** Jobs for the fast lane, and jobs for the general path (including what the lane hands back). */
  private readonly localPending: Job[] = [];
  private readonly pending: Job[] = [];
  private localBusy = false;
  /** Fast-lane messages announced and not yet committing (see `announce`). */
  private arriving = 0;
  private gatherTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly localLane?: LocalCommits;
  private readonly gatherMs: number;

  constructor(
    private readonly db: Db,
    options: GroupCommitterOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 50);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.localLane = options.localLane;
    this.gatherMs = options.gatherMs ?? 2;
  }

  /**
   * Runs `work` (and writes `events`) in a transaction shared with other messages; resolves
   * once it is committed. `local`, when given, describes exactly the rows `work` makes.
   */
  commit(work: TransactionWork, events: CommittedEvent[] = [], local?: LocalAcceptance): Promise<void> {
    return new Promise((resolve, reject) => {
      const job = { work, events, local, queuedAt: performance.now(), resolve, reject };
      (local && this.localLane ? this.localPending : this.pending).push(job);
      this.schedule();
    });
  }

  /**
   * Says that a message for local mailboxes only is on its way (its files are being written):
   * the fast lane's next batch waits a little for it. Call the answer once, right after the
   * message's `commit`, or when it will not commit.
   */
  announce(): () => void {
    if (!this.localLane) return () => {};
    this.arriving++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.arriving--;
      this.schedule();
    };
  }

  private schedule() {
    if (this.scheduled) return;
    const localReady = !this.localBusy && this.localPending.length > 0;
    const generalReady = this.inFlight < this.maxInFlight && this.pending.length > 0;
    if (!localReady && !generalReady) return;
    this.scheduled = true;
    // Let the replies of this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /**
   * The fast lane commits one batch at a time: its statement is a single round trip, so the
   * next batch gathers while it runs, and batches grow with the load (each commit costs the
   * database about a millisecond whatever its size; two at once also queue on the same
   * mailbox rows). The general path keeps `maxInFlight` batches, as a Prisma transaction
   * spends most of its time on round trips that another batch can use.
   */
  private drain() {
    if (!this.localBusy && this.localPending.length > 0 && !this.waitForArrivals()) {
      if (this.gatherTimer) clearTimeout(this.gatherTimer);
      this.gatherTimer = null;
      const batch = this.localPending.splice(0, this.maxBatch);
      this.localBusy = true;
      void this.runLocalLane(batch).finally(() => {
        this.localBusy = false;
        this.schedule();
      });
    }
    while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /**
   * True while the fast lane's next batch should wait for announced messages: no job waits for
   * them more than `gatherMs` after it was queued (time spent behind a busy lane counts).
   */
  private waitForArrivals(): boolean {
    if (this.arriving === 0 || this.localPending.length >= GATHER_ENOUGH) return false;
    const left = this.localPending[0]!.queuedAt + this.gatherMs - performance.now();
    if (left <= 0) return false;
    this.gatherTimer ??= setTimeout(() => {
      this.gatherTimer = null;
      this.schedule();
    }, left);
    return true;
  }

  private async run(batch: Job[]) {
    try {
      await this.db.$transaction(async (tx) => {
        // Rows that need no lock go first: what follows waits on blob and mailbox rows.
        const events = batch.flatMap((job) => job.events);
        await insertEvents(tx, events);
        await runTogether(tx, batch);
      }, TRANSACTION_OPTIONS);
      batch.forEach((job) => job.resolve());
      return;
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
    }
    for (const job of batch) {
      try {
        await this.db.$transaction(async (tx) => {
          await insertEvents(tx, job.events);
          await job.work(tx);
        }, TRANSACTION_OPTIONS);
        job.resolve();
      } catch (error) {
        job.reject(error);
      }
    }
  }

  /** Commits a batch of jobs that describe their rows; what the lane declines joins the general path. */
  private async runLocalLane(batch: Job[]) {
    try {
      if (await this.localLane!.commit(batch.map((job) => ({ rows: job.local!, events: job.events })))) {
        batch.forEach((job) => job.resolve());
        return;
      }
      this.pending.push(...batch);
    } catch (error) {
      // The outcome is unknown (the connection broke): its rows may exist, so they are not made again (no 250).
      batch.forEach((job) => job.reject(error));
    }
  }
}
