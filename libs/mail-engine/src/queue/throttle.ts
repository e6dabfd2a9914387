/**
 * The virtual queues: one RemoteDomain row per destination domain. Consecutive temporary
 * failures hold the domain (its entries wait in state `held`); while held, one probe
 * message is tried per probe interval; the first success releases the domain and wakes
 * its entries. An administrator's hold (heldBy = a name) is never probed.
 */
import type { EngineConfig } from '../config.js';
import type { Tx } from '../contracts.js';
import { remoteDomainHeldEvent } from '../webhooks/engine-events.js';

export const AUTOMATIC_HOLD = 'automatic';

/** The state an entry of `domain` should wait in after a failed attempt. */
export type WaitingState = 'deferred' | 'held';

export class Throttle {
  constructor(private readonly config: Pick<EngineConfig, 'queue'>) {}

  /**
   * The remote server answered (accepted or refused for good): the domain works. Releases
   * it when it was held automatically, putting its held entries back in line now.
   */
  async recordAnswer(tx: Tx, domain: string, delivered: number, failed: number) {
    const rows = await tx.$queryRaw<Array<{ state: string; heldBy: string | null }>>`
      INSERT INTO "RemoteDomain" (domain, state, "consecutiveFailures", "lastAttemptAt", "lastSuccessAt", delivered, failed, "updatedAt")
      VALUES (${domain}, 'active', 0, now(), now(), ${delivered}, ${failed}, now())
      ON CONFLICT (domain) DO UPDATE SET
        "consecutiveFailures" = 0, "lastAttemptAt" = now(), "lastSuccessAt" = now(),
        delivered = "RemoteDomain".delivered + ${delivered}, failed = "RemoteDomain".failed + ${failed}, "updatedAt" = now()
      RETURNING state::text AS state, "heldBy"`;
    const row = rows[0]!;
    if (row.state === 'held' && row.heldBy === AUTOMATIC_HOLD) await this.release(tx, domain);
  }

  /**
   * A temporary failure (4xx or no connection). Counts it, holds the domain when the count
   * reaches the threshold, and answers the state the failed entries should wait in.
   */
  async recordTemporaryFailure(tx: Tx, domain: string, error: string): Promise<WaitingState> {
    const threshold = this.config.queue.holdAfterFailures;
    const rows = await tx.$queryRaw<Array<{ state: string; consecutiveFailures: number }>>`
      INSERT INTO "RemoteDomain" (domain, state, "consecutiveFailures", "lastAttemptAt", "lastError", "updatedAt")
      VALUES (${domain}, 'active', 1, now(), ${error}, now())
      ON CONFLICT (domain) DO UPDATE SET
        "consecutiveFailures" = "RemoteDomain"."consecutiveFailures" + 1, "lastAttemptAt" = now(), "lastError" = ${error}, "updatedAt" = now()
      RETURNING state::text AS state, "consecutiveFailures"`;
    const row = rows[0]!;
    if (row.state === 'held') return 'held';
    if (threshold > 0 && row.consecutiveFailures >= threshold) {
      await this.hold(tx, domain, AUTOMATIC_HOLD, error);
      await remoteDomainHeldEvent(tx, domain, error);
      return 'held';
    }
    return 'deferred';
  }

  /**
   * Holds `domain`: its waiting entries move to `held`. An automatic hold is probed after
   * the probe interval; an administrator's hold waits for a release.
   */
  async hold(tx: Tx, domain: string, heldBy: string, error: string | null = null) {
    const probeSeconds = heldBy === AUTOMATIC_HOLD ? this.config.queue.probeIntervalSeconds : null;
    await tx.$executeRaw`
      INSERT INTO "RemoteDomain" (domain, state, "heldSince", "heldBy", "lastError", "nextProbeAt", "updatedAt")
      VALUES (${domain}, 'held', now(), ${heldBy}, ${error}, now() + make_interval(secs => ${probeSeconds}::int), now())
      ON CONFLICT (domain) DO UPDATE SET
        state = 'held', "heldSince" = COALESCE("RemoteDomain"."heldSince", now()), "heldBy" = ${heldBy},
        "lastError" = COALESCE(${error}, "RemoteDomain"."lastError"),
        "nextProbeAt" = now() + make_interval(secs => ${probeSeconds}::int), "updatedAt" = now()`;
    await tx.$executeRaw`
      UPDATE "QueueEntry" SET state = 'held' WHERE "remoteDomain" = ${domain} AND state IN ('queued', 'deferred')`;
  }

  /** Releases `domain` and puts its held entries back in line, due now. Answers how many. */
  async release(tx: Tx, domain: string) {
    await tx.$executeRaw`
      UPDATE "RemoteDomain" SET state = 'active', "heldSince" = NULL, "heldBy" = NULL, "nextProbeAt" = NULL,
        "consecutiveFailures" = 0, "updatedAt" = now()
      WHERE domain = ${domain}`;
    return tx.$executeRaw`
      UPDATE "QueueEntry" SET state = (CASE WHEN attempts > 0 THEN 'deferred' ELSE 'queued' END)::"QueueState", "nextAttemptAt" = now()
      WHERE "remoteDomain" = ${domain} AND state = 'held'`;
  }

  /**
   * Takes the right to probe one automatically held domain whose probe is due, moving its
   * next probe one interval on in the same statement, so one process in the cluster probes.
   */
  async takeDueProbe(tx: Tx): Promise<string | null> {
    const rows = await tx.$queryRaw<Array<{ domain: string }>>`
      UPDATE "RemoteDomain" SET "nextProbeAt" = now() + make_interval(secs => ${this.config.queue.probeIntervalSeconds}::int)
      WHERE domain = (
        SELECT domain FROM "RemoteDomain"
        WHERE state = 'held' AND "heldBy" = ${AUTOMATIC_HOLD} AND "nextProbeAt" <= now()
        ORDER BY "nextProbeAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING domain`;
    return rows[0]?.domain ?? null;
  }
}
