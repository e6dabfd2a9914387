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
 */
import type { Db, Tx } from '../contracts.js';

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
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitterOptions {
  /** Messages per transaction at most (default 50). */
  maxBatch?: number;
  /** Batches committing at once (default 2: one commits while the next runs its statements). */
  maxInFlight?: number;
}

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

/** One INSERT for the batch's events, as raw SQL: the model API costs more CPU than the insert. */
async function insertEvents(tx: Tx, events: CommittedEvent[]) {
  if (events.length === 0) return;
  const column = (pick: (event: CommittedEvent) => string | null | undefined) => events.map((event) => pick(event) ?? null);
  await tx.$executeRaw`
    INSERT INTO "MailEvent" ("kind", "queueId", "sender", "recipient", "domainPath", "detail")
    SELECT * FROM unnest(${column((e) => e.kind)}::text[], ${column((e) => e.queueId)}::text[], ${column((e) => e.sender)}::text[],
      ${column((e) => e.recipient)}::text[], ${column((e) => e.domainPath)}::text[], ${column((e) => e.detail)}::text[])`;
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
  private readonly pending: Job[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Db,
    options: GroupCommitterOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 50);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  }

  /** Runs `work` (and writes `events`) in a transaction shared with other messages; resolves once it is committed. */
  commit(work: TransactionWork, events: CommittedEvent[] = []): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ work, events, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    // Let the replies of this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain() {
    while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
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
}
