/**
 * The RPOP scheduler: every `rpop.pollMilliseconds` it claims due sources (FOR UPDATE SKIP
 * LOCKED, pushing their nextRunAt past a lease so no other engine process takes them while
 * this one works) and collects up to `rpop.concurrency` at once. A source is collected only
 * while `rpop` is effective for its account. After a run, nextRunAt is set from the source's
 * interval; after a failure, from an exponential backoff, with the error and the count of
 * failures in a row kept on the row for the API to show. A destination the policy refuses
 * (destination-policy.ts) is such a failure: its reason is the last error.
 *
 * In a cluster a node claims only the sources of mailboxes it holds (or that no node holds,
 * cluster/ownership.ts): what it collects is stored on its own storage units, where the
 * owner's IMAP and POP3 sessions read. The sources of a node that is down wait for it, as its
 * mail does.
 */
import type { MailAccess } from '../access/types.js';
import type { EngineConfig } from '../config.js';
import type { Db } from '../contracts.js';
import { OWNER_NODE_OF_ACCOUNT } from '../cluster/ownership.js';
import { collectSource, emptyTally, type CollectDeps, type RpopSourceRow } from './collect.js';
import { DeliveryDeferred } from './deliver.js';
import { RpopDestinationPolicy } from './destination-policy.js';
import { Pop3ClientError } from './pop3-client.js';

const MAX_BACKOFF_SECONDS = 6 * 3600;

/** Seconds until the next try after `failures` failures in a row: the interval, doubled per failure, capped. */
export function backoffSeconds(intervalSeconds: number, failures: number): number {
  return Math.min(intervalSeconds * 2 ** Math.min(failures, 16), Math.max(intervalSeconds, MAX_BACKOFF_SECONDS));
}

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

export interface RpopSchedulerOptions extends Omit<CollectDeps, 'destinations'> {
  access: MailAccess;
  config: Pick<EngineConfig, 'rpop' | 'nodeId'>;
  log: (line: string) => void;
}

export class RpopScheduler {
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<void>>();
  private ticking = false;
  private readonly collectDeps: CollectDeps;

  /** Throws when the destination settings (config.rpop.destinations) cannot be read. */
  constructor(private readonly options: RpopSchedulerOptions) {
    this.collectDeps = { ...options, destinations: new RpopDestinationPolicy(options.config.rpop.destinations) };
  }

  start() {
    this.timer = setInterval(() => void this.tick(), this.options.config.rpop.pollMilliseconds);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running]);
  }

  /** Claims what is due and starts it; runs in flight keep going between ticks. */
  async tick(): Promise<void> {
    const free = this.options.config.rpop.concurrency - this.running.size;
    if (this.ticking || free <= 0 || !this.timer) return;
    this.ticking = true;
    try {
      for (const source of await this.claim(free)) {
        const run = this.run(source).finally(() => this.running.delete(run));
        this.running.add(run);
      }
    } catch (error) {
      this.options.log(`rpop: claiming sources failed: ${String(error)}`);
    } finally {
      this.ticking = false;
    }
  }

  private claim(limit: number): Promise<RpopSourceRow[]> {
    // A run that outlives its lease (or a process that died) lets another process take the source again.
    const leaseSeconds = Math.max(300, Math.ceil((this.options.timeoutMs / 1000) * 10));
    return this.options.db.$queryRaw<RpopSourceRow[]>`
      UPDATE "RpopSource" SET "nextRunAt" = now() + make_interval(secs => ${leaseSeconds}::int), "lastRunAt" = now()
      WHERE "id" IN (
        SELECT s."id" FROM "RpopSource" s
        JOIN "Account" a ON a.id = s."accountId" JOIN "Domain" ad ON ad.id = a."domainId"
        WHERE s."nextRunAt" <= now() AND coalesce(lower(${OWNER_NODE_OF_ACCOUNT}), lower(${this.options.config.nodeId})) = lower(${this.options.config.nodeId})
        ORDER BY s."nextRunAt" LIMIT ${limit}::int FOR UPDATE OF s SKIP LOCKED)
      RETURNING "id", "accountId", "host", "port", "tls"::text AS "tls", "username", "passwordSealed", "intervalSeconds", "leaveOnServer", "consecutiveFailures"`;
  }

  private async run(source: RpopSourceRow): Promise<void> {
    const { db, access, log } = this.options;
    try {
      const refusal = await access.refusal(source.accountId, 'rpop');
      if (refusal !== null) {
        await db.rpopSource.update({ where: { id: source.id }, data: { nextRunAt: later(source.intervalSeconds), lastError: `not collected: ${refusal}` } });
        return;
      }
      const tally = emptyTally();
      let failure: unknown = null;
      try {
        await collectSource(this.collectDeps, source, tally);
      } catch (error) {
        failure = error;
      }
      const collected = tally.delivered + tally.tagged + tally.quarantined;
      if (failure === null) {
        await db.rpopSource.update({
          where: { id: source.id },
          data: { nextRunAt: later(source.intervalSeconds), lastSuccessAt: new Date(), lastError: null, consecutiveFailures: 0, fetchedCount: { increment: collected } },
        });
        return;
      }
      const failures = source.consecutiveFailures + 1;
      if (!(failure instanceof Pop3ClientError || failure instanceof DeliveryDeferred)) log(`rpop: source ${source.id} (${source.host}): ${String(failure)}`);
      await db.rpopSource.update({
        where: { id: source.id },
        data: {
          nextRunAt: later(backoffSeconds(source.intervalSeconds, failures)),
          lastError: describeFailure(failure),
          consecutiveFailures: failures,
          fetchedCount: { increment: collected },
        },
      });
    } catch (error) {
      log(`rpop: source ${source.id}: ${String(error)}`);
    }
  }
}

/** What the account's owner and administrators read in the API: the remote server's words, or what went wrong. */
function describeFailure(error: unknown): string {
  if (error instanceof Pop3ClientError) return `${error.step}: ${error.text}`.slice(0, 500);
  if (error instanceof DeliveryDeferred) return `delivery deferred: ${error.message}`;
  return error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
}
