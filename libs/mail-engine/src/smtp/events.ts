/**
 * MailEvent rows for the dashboard. Accepted messages write theirs in the acceptance
 * transaction; everything else (refusals, the queue's outcomes) goes through this sink,
 * which inserts in batches (one INSERT per second or per 500 events) so that a flood of
 * refused recipients costs no round trip each. Events are a statistic, not a record: a
 * batch lost in a crash is acceptable.
 */
import type { Db, MailEventSink } from '../contracts.js';

type MailEvent = Parameters<MailEventSink['record']>[0];

export class BatchedMailEvents implements MailEventSink {
  private pending: Array<MailEvent & { at: Date }> = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: (line: string) => void,
    private readonly maxBatch = 500,
    intervalMs = 1_000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(event: MailEvent): void {
    this.pending.push({ ...event, at: new Date() });
    if (this.pending.length >= this.maxBatch) void this.flush();
  }

  flush(): Promise<void> {
    if (this.pending.length === 0) return this.flushing;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing
      .then(() => this.db.mailEvent.createMany({ data: batch }))
      .then(
        () => undefined,
        (error: unknown) => this.log(`mail events: ${batch.length} lost: ${error instanceof Error ? error.message : String(error)}`),
      );
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
