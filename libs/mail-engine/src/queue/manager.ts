/**
 * The queue's workers. Each claims due entries (FOR UPDATE SKIP LOCKED, so any number of
 * workers in any number of processes share one queue), marks them `delivering` with a lease
 * (claimedBy, claimedUntil), delivers the entries of one message to one domain in one SMTP
 * transaction, and settles every recipient in one database transaction. A process that dies
 * leaves leases that run out; the reaper puts those entries back in line.
 */
import { Prisma } from '@schoolmail/prisma';
import type { EngineConfig } from '../config.js';
import type { BlobStore, Db, OutboundQueue, Tx } from '../contracts.js';
import { buildDsn, statusOfReply, type FailedRecipient } from './dsn.js';
import { deliverMessage, type DeliveryReport, type RecipientResult } from './smtp-client.js';
import { newQueueId, PrismaOutboundQueue } from './spool.js';
import { Throttle } from './throttle.js';
import { NextHopResolver, RoutingError, type Route } from './transport.js';

/** Puts a delivery status notification into a local mailbox (wired by the engine to its mailboxes). */
export type DeliverLocal = (bytes: Buffer, sender: string, recipientAccountId: number) => Promise<void>;

export interface QueueManagerOptions {
  db: Db;
  config: Pick<EngineConfig, 'queue' | 'hostname' | 'nodeId'>;
  blobs: Pick<BlobStore, 'read' | 'store'>;
  deliverLocal: DeliverLocal;
  queue?: OutboundQueue;
  resolver?: NextHopResolver;
  /** How often leases that ran out and expired entries are looked for (default 30 s). */
  reapIntervalMs?: number;
  log?: (line: string) => void;
}

/** An entry's expiry set to this instant means "an administrator asked for a bounce". */
export const BOUNCE_NOW = new Date(0);

const MAX_RECIPIENTS_PER_TRANSACTION = 100;

interface ClaimedEntry {
  id: bigint;
  messageId: string;
  recipient: string;
  remoteDomain: string;
  attempts: number;
  expiresAt: Date;
  lastError: string | null;
  lastAttemptAt: Date | null;
}

type Outcome =
  | { entry: ClaimedEntry; result: 'delivered'; detail: string }
  | { entry: ClaimedEntry; result: 'temporary'; detail: string }
  | { entry: ClaimedEntry; result: 'permanent'; failure: FailedRecipient };

/** How the destination behaved in this attempt, for its virtual queue. */
type DomainVerdict = 'answered' | 'failing' | 'not-tried';

const RETURNING = Prisma.sql`RETURNING q.id, q."messageId", q.recipient, q."remoteDomain", q.attempts, q."expiresAt", q."lastError", q."lastAttemptAt"`;

export class QueueManager {
  private readonly db: Db;
  private readonly throttle: Throttle;
  private readonly queue: OutboundQueue;
  private readonly resolver: NextHopResolver;
  private readonly log: (line: string) => void;
  private running = false;
  private workers: Promise<void>[] = [];
  private reaper: NodeJS.Timeout | null = null;
  private sleepers = new Set<() => void>();
  /** The one idle worker that looks for due entries every poll interval (see workerLoop). */
  private lookout: number | null = null;
  private preferDeferred = false;

  constructor(private readonly options: QueueManagerOptions) {
    this.db = options.db;
    this.throttle = new Throttle(options.config);
    this.queue = options.queue ?? new PrismaOutboundQueue(options.config);
    this.resolver = options.resolver ?? new NextHopResolver(options.db);
    this.log = options.log ?? (() => {});
  }

  start() {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < this.options.config.queue.workers; i++) this.workers.push(this.workerLoop(i));
    const reapEvery = this.options.reapIntervalMs ?? 30_000;
    this.reaper = setInterval(() => void this.reap().catch((error) => this.log(`queue reaper: ${String(error)}`)), reapEvery);
  }

  /** Stops claiming; answers when the deliveries under way have been settled. */
  async stop() {
    this.running = false;
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = null;
    this.wake();
    await Promise.all(this.workers);
    this.workers = [];
  }

  /** Makes every idle worker look for work now (an admin action, entries put back in line). */
  wake() {
    for (const resume of this.sleepers) resume();
    this.sleepers.clear();
  }

  /** Makes one idle worker look for work now (a message was queued in this process). */
  wakeOne() {
    const [resume] = this.sleepers;
    resume?.();
  }

  /**
   * An idle queue costs one claim per poll interval, not one per worker: the first worker to
   * find nothing becomes the lookout and polls; the others sleep until woken. A worker that
   * claims a batch wakes one more before it delivers, so a burst brings in the workers one by
   * one, a single entry wakes nobody in vain, and a lookout busy with a slow delivery has
   * handed its watch over.
   */
  private async workerLoop(index: number) {
    while (this.running) {
      try {
        const batch = (await this.claimProbe()) ?? (await this.claimDue());
        if (batch) {
          if (this.lookout === index) this.lookout = null;
          this.wakeOne();
          await this.deliverBatch(batch);
          continue;
        }
      } catch (error) {
        this.log(`queue worker ${index}: ${error instanceof Error ? error.stack : String(error)}`);
      }
      if (!this.running) break;
      this.lookout ??= index;
      await this.sleep(this.lookout === index ? this.options.config.queue.pollMilliseconds : null);
    }
    if (this.lookout === index) this.lookout = null;
  }

  /** Until woken, or `ms` (with jitter, so processes sharing a queue do not poll in step). */
  private sleep(ms: number | null) {
    return new Promise<void>((resolve) => {
      const timer = ms === null ? undefined : setTimeout(done, ms * (0.75 + Math.random() / 2));
      const sleepers = this.sleepers;
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });
  }

  /** Puts entries whose lease ran out back in line, then bounces expired entries. */
  async reap() {
    const requeued = await this.db.$executeRaw`
      UPDATE "QueueEntry" e SET
        state = (CASE WHEN EXISTS (SELECT 1 FROM "RemoteDomain" r WHERE r.domain = e."remoteDomain" AND r.state = 'held') THEN 'held'
                      WHEN e.attempts > 0 THEN 'deferred' ELSE 'queued' END)::"QueueState",
        "claimedBy" = NULL, "claimedUntil" = NULL, "nextAttemptAt" = now()
      WHERE e.state = 'delivering' AND e."claimedUntil" < now()`;
    if (requeued > 0) this.log(`queue: ${requeued} entries whose worker stopped were put back in line`);
    for (let batch = await this.claimExpired(); batch; batch = await this.claimExpired()) await this.deliverBatch(batch);
    if (requeued > 0) this.wake();
  }

  private lease() {
    return Prisma.sql`"claimedBy" = ${this.options.config.nodeId}, "claimedUntil" = now() + make_interval(secs => ${this.options.config.queue.claimSeconds}::int)`;
  }

  /**
   * One due entry (oldest due first) and the other due entries of its message to the same
   * domain. New and retried entries are taken in turn, each through its index.
   */
  private async claimDue(): Promise<ClaimedEntry[] | null> {
    this.preferDeferred = !this.preferDeferred;
    const order = this.preferDeferred ? (['deferred', 'queued'] as const) : (['queued', 'deferred'] as const);
    for (const state of order) {
      const rows = await this.db.$queryRaw<ClaimedEntry[]>`
        WITH lead AS (
          SELECT e."messageId", e."remoteDomain" FROM "QueueEntry" e
          WHERE e.state = ${state}::"QueueState" AND e."nextAttemptAt" <= now()
            AND NOT EXISTS (SELECT 1 FROM "RemoteDomain" r WHERE r.domain = e."remoteDomain" AND r.state = 'held')
          ORDER BY e."nextAttemptAt" LIMIT 1
          FOR UPDATE SKIP LOCKED
        ), batch AS (
          SELECT e.id FROM "QueueEntry" e JOIN lead ON e."messageId" = lead."messageId" AND e."remoteDomain" = lead."remoteDomain"
          WHERE e.state IN ('queued', 'deferred') AND e."nextAttemptAt" <= now()
          ORDER BY e.id LIMIT ${MAX_RECIPIENTS_PER_TRANSACTION}
          FOR UPDATE OF e SKIP LOCKED
        )
        UPDATE "QueueEntry" q SET state = 'delivering', ${this.lease()}
        FROM batch WHERE q.id = batch.id
        ${RETURNING}`;
      if (rows.length) return rows;
    }
    return null;
  }

  /** The probe of one held destination whose probe is due: one message, held entries only. */
  private async claimProbe(): Promise<ClaimedEntry[] | null> {
    return this.db.$transaction(async (tx) => {
      const domain = await this.throttle.takeDueProbe(tx);
      if (!domain) return null;
      const rows = await tx.$queryRaw<ClaimedEntry[]>`
        WITH lead AS (
          SELECT e."messageId" FROM "QueueEntry" e WHERE e."remoteDomain" = ${domain} AND e.state = 'held'
          ORDER BY e."nextAttemptAt", e.id LIMIT 1 FOR UPDATE SKIP LOCKED
        ), batch AS (
          SELECT e.id FROM "QueueEntry" e JOIN lead ON e."messageId" = lead."messageId"
          WHERE e."remoteDomain" = ${domain} AND e.state = 'held'
          ORDER BY e.id LIMIT ${MAX_RECIPIENTS_PER_TRANSACTION} FOR UPDATE OF e SKIP LOCKED
        )
        UPDATE "QueueEntry" q SET state = 'delivering', ${this.lease()}
        FROM batch WHERE q.id = batch.id
        ${RETURNING}`;
      if (rows.length) this.log(`queue: probing held destination ${domain} with ${rows[0]!.messageId}`);
      return rows.length ? rows : null;
    });
  }

  /** Entries past their expiry (or bounced by an administrator), whatever their domain's state. */
  private async claimExpired(): Promise<ClaimedEntry[] | null> {
    const rows = await this.db.$queryRaw<ClaimedEntry[]>`
      WITH lead AS (
        SELECT e."messageId", e."remoteDomain" FROM "QueueEntry" e
        WHERE e.state IN ('queued', 'deferred', 'held') AND e."expiresAt" <= now()
        LIMIT 1 FOR UPDATE SKIP LOCKED
      ), batch AS (
        SELECT e.id FROM "QueueEntry" e JOIN lead ON e."messageId" = lead."messageId" AND e."remoteDomain" = lead."remoteDomain"
        WHERE e.state IN ('queued', 'deferred', 'held') AND e."expiresAt" <= now()
        ORDER BY e.id LIMIT ${MAX_RECIPIENTS_PER_TRANSACTION} FOR UPDATE OF e SKIP LOCKED
      )
      UPDATE "QueueEntry" q SET state = 'delivering', ${this.lease()}
      FROM batch WHERE q.id = batch.id
      ${RETURNING}`;
    return rows.length ? rows : null;
  }

  /** Delivers the claimed entries of one message to one domain, then settles each of them. */
  private async deliverBatch(entries: ClaimedEntry[]) {
    const { messageId, remoteDomain } = entries[0]!;
    const message = await this.db.outboundMessage.findUnique({ where: { id: messageId } });
    if (!message) {
      await this.db.queueEntry.deleteMany({ where: { id: { in: entries.map((e) => e.id) } } });
      return;
    }
    const now = new Date();
    const outcomes: Outcome[] = [];
    for (const entry of entries.filter((e) => e.expiresAt <= now)) outcomes.push(expiredOutcome(entry));
    const live = entries.filter((e) => e.expiresAt > now);
    let original: Buffer | null = null;
    try {
      original = await this.options.blobs.read(message.blobId);
    } catch (error) {
      this.log(`queue: cannot read message ${messageId} (blob ${message.blobId}): ${String(error)}`);
    }
    let verdict: DomainVerdict = 'not-tried';
    let domainError = '';
    if (live.length > 0 && original === null) {
      // Our own storage failed, not the destination: retry later without counting it against the domain.
      for (const entry of live) outcomes.push({ entry, result: 'temporary', detail: 'the message content could not be read from storage' });
    } else if (live.length > 0) {
      const attempt = await this.attempt(remoteDomain, message.sender, live, original!);
      outcomes.push(...attempt.outcomes);
      verdict = attempt.verdict;
      domainError = attempt.error;
    }
    await this.settle(message, outcomes, verdict, domainError, original);
  }

  private async attempt(domain: string, sender: string, entries: ClaimedEntry[], bytes: Buffer) {
    let routes: Route[];
    try {
      routes = await this.resolver.routes(domain, entries.map((e) => e.recipient));
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      const outcomes: Outcome[] = entries.map((entry) =>
        error.permanent
          ? { entry, result: 'permanent', failure: { recipient: entry.recipient, kind: 'routing', status: error.status, diagnostic: error.message, fromRemoteServer: false, remoteMta: null, lastAttemptAt: new Date() } }
          : { entry, result: 'temporary', detail: error.message },
      );
      return { outcomes, verdict: (error.permanent ? 'answered' : 'failing') as DomainVerdict, error: error.message };
    }
    const queue = this.options.config.queue;
    // One SMTP transaction per route: in a cluster, mailboxes of one domain may live on several back-ends.
    const results: Array<RecipientResult & { remoteMta: string | null }> = [];
    for (const route of routes) {
      if (route.unavailable) {
        results.push(...route.recipients.map((recipient) => ({ recipient, outcome: 'temporary' as const, code: null, response: route.unavailable!, remoteMta: null })));
        continue;
      }
      const report: DeliveryReport = await deliverMessage(route.hops, sender, route.recipients, bytes, {
        hostname: this.options.config.hostname,
        connectTimeoutMs: queue.connectTimeoutMs,
        socketTimeoutMs: Math.max(1000, Math.min(300_000, (queue.claimSeconds * 1000) / 3)),
      });
      results.push(...report.results.map((result) => ({ ...result, remoteMta: report.remoteMta })));
    }
    const byRecipient = new Map(results.map((r) => [r.recipient, r]));
    const outcomes: Outcome[] = entries.map((entry) => {
      const result = byRecipient.get(entry.recipient)!;
      if (result.outcome === 'delivered') return { entry, result: 'delivered', detail: result.response };
      if (result.outcome === 'temporary') return { entry, result: 'temporary', detail: result.response };
      return {
        entry,
        result: 'permanent',
        failure: { recipient: entry.recipient, kind: 'rejected', status: statusOfReply(result.code, result.response), diagnostic: result.response, fromRemoteServer: result.code !== null, remoteMta: result.remoteMta, lastAttemptAt: new Date() },
      };
    });
    const answered = results.some((r) => r.outcome !== 'temporary');
    const firstTemporary = results.find((r) => r.outcome === 'temporary');
    return { outcomes, verdict: (answered ? 'answered' : 'failing') as DomainVerdict, error: firstTemporary?.response ?? '' };
  }

  /**
   * Writes the outcome of one attempt: delivered and failed entries go, deferred ones wait
   * with backoff, the virtual queue learns how the destination behaved, the sender gets a
   * report of permanent failures, and the message goes when its last entry has.
   */
  private async settle(message: { id: string; sender: string; isBounce: boolean; senderDomainPath: string | null; createdAt: Date }, outcomes: Outcome[], verdict: DomainVerdict, domainError: string, original: Buffer | null) {
    const failures = outcomes.filter((o): o is Extract<Outcome, { result: 'permanent' }> => o.result === 'permanent');
    const wantsReport = failures.length > 0 && !message.isBounce && message.sender !== '';
    const report = wantsReport
      ? buildDsn({ hostname: this.options.config.hostname, queueId: message.id, to: message.sender, arrivalDate: message.createdAt, recipients: failures.map((f) => f.failure), original })
      : null;
    const localSender = report ? await this.db.account.findUnique({ where: { address: message.sender.toLowerCase() }, select: { id: true } }) : null;
    // A local mailbox takes the report in its own transaction, before the entries go: at worst a crash repeats it.
    if (report && localSender) await this.options.deliverLocal(report, '', localSender.id);
    const domain = outcomes[0]?.entry.remoteDomain;
    const nodeId = this.options.config.nodeId;
    await this.db.$transaction(async (tx) => {
      // Settles of one message take turns, so the last one sees that no entry is left.
      await tx.$queryRaw`SELECT id FROM "OutboundMessage" WHERE id = ${message.id} FOR UPDATE`;
      if (report && !localSender) await this.enqueueReport(tx, message, report);
      let waiting: 'deferred' | 'held' = 'deferred';
      if (domain && verdict === 'answered') {
        await this.throttle.recordAnswer(tx, domain, outcomes.filter((o) => o.result === 'delivered').length, failures.length);
      } else if (domain && verdict === 'failing') {
        waiting = await this.throttle.recordTemporaryFailure(tx, domain, domainError.slice(0, 1000));
      } else if (domain) {
        const state = await tx.remoteDomain.findUnique({ where: { domain }, select: { state: true } });
        if (state?.state === 'held') waiting = 'held';
      }
      const finished = outcomes.filter((o) => o.result !== 'temporary').map((o) => o.entry.id);
      if (finished.length) await tx.queueEntry.deleteMany({ where: { id: { in: finished }, state: 'delivering', claimedBy: nodeId } });
      await this.defer(tx, outcomes.filter((o) => o.result === 'temporary') as Array<Extract<Outcome, { result: 'temporary' }>>, waiting);
      await tx.mailEvent.createMany({
        data: outcomes.map((o) => ({
          kind: o.result === 'delivered' ? 'delivered' : o.result === 'temporary' ? 'deferred' : 'bounced',
          queueId: message.id,
          sender: message.sender,
          recipient: o.entry.recipient,
          domainPath: message.senderDomainPath,
          detail: (o.result === 'permanent' ? `${o.failure.status} ${o.failure.diagnostic}` : o.detail).slice(0, 1000),
        })),
      });
      await tx.$executeRaw`
        DELETE FROM "OutboundMessage" m WHERE m.id = ${message.id}
          AND NOT EXISTS (SELECT 1 FROM "QueueEntry" e WHERE e."messageId" = m.id)`;
    });
    for (const o of outcomes) {
      this.log(`queue ${message.id}: <${o.entry.recipient}> ${o.result === 'permanent' ? `bounced: ${o.failure.diagnostic}` : `${o.result}: ${o.detail}`}`);
    }
  }

  /** Retry later: attempts + 1, next attempt after the schedule's step (its last step repeats). */
  private async defer(tx: Tx, deferred: Array<{ entry: ClaimedEntry; detail: string }>, waiting: 'deferred' | 'held') {
    const schedule = this.options.config.queue.retrySchedule;
    const byError = new Map<string, bigint[]>();
    for (const { entry, detail } of deferred) byError.set(detail, [...(byError.get(detail) ?? []), entry.id]);
    for (const [error, ids] of byError) {
      await tx.$executeRaw`
        UPDATE "QueueEntry" SET attempts = attempts + 1, "lastAttemptAt" = now(), "lastError" = ${error.slice(0, 1000)},
          state = ${waiting}::"QueueState", "claimedBy" = NULL, "claimedUntil" = NULL,
          "nextAttemptAt" = now() + make_interval(secs => (${schedule}::int[])[LEAST(attempts + 1, ${schedule.length}::int)])
        WHERE id IN (${Prisma.join(ids)}) AND state = 'delivering' AND "claimedBy" = ${this.options.config.nodeId}`;
    }
  }

  /** A report for a sender elsewhere leaves as a message of its own, from the null sender. */
  private async enqueueReport(tx: Tx, message: { id: string; sender: string; senderDomainPath: string | null }, report: Buffer) {
    const stored = await this.options.blobs.store(tx, report, null);
    await this.queue.enqueue(tx, {
      id: newQueueId(),
      blobId: stored.blobId,
      sender: '',
      recipients: [message.sender],
      size: report.length,
      clientIp: null,
      authUser: null,
      senderDomainPath: message.senderDomainPath,
      isBounce: true,
    });
  }
}

function expiredOutcome(entry: ClaimedEntry): Outcome {
  const byAdministrator = entry.expiresAt.getTime() === BOUNCE_NOW.getTime();
  const lastError = entry.lastError ?? '';
  return {
    entry,
    result: 'permanent',
    failure: {
      recipient: entry.recipient,
      kind: byAdministrator ? 'administrator' : 'expired',
      status: byAdministrator ? '5.0.0' : '4.4.7',
      diagnostic: byAdministrator ? lastError : lastError || 'delivery time expired',
      fromRemoteServer: /^[245]\d\d[ -]/.test(lastError),
      remoteMta: null,
      lastAttemptAt: entry.lastAttemptAt,
    },
  };
}
