/**
 * The background job runner of the API process.
 *
 * A feature adds a kind of job in two steps:
 *
 *   1. Register a handler once, at start-up (e.g. in its service's `onModuleInit`), with the
 *      injected runner:
 *
 *        this.runner.registerJobKind('vpopmail-import', async (ctx) => {
 *          const params = ctx.job.params as MyParams;          // what you queued
 *          let next = (ctx.checkpoint as { next?: number } | null)?.next ?? 0;  // resume point
 *          ctx.setTotal(items.length);
 *          for (; next < items.length && !ctx.signal.aborted; next++) {
 *            ... do one unit of work (its own transaction) ...
 *            ctx.advance({ processed: 1, succeeded: 1 }, { next: next + 1 });
 *            // or: ctx.reportRow({ row: next + 1, key, status: 'error', reason }) with { processed: 1, failed: 1 }
 *          }
 *          return { imported: 12, skipped: 3 };                // any JSON: the report's summary
 *        });
 *
 *   2. Queue jobs from the feature's service with `JobsService.enqueue(actor, { kind, params,
 *      domain, dryRun, total? })`, which answers the job view (id, status, percent...). Get
 *      `domain` (the subtree the job belongs to, which decides who sees it) and the check that
 *      the actor may start jobs there from `ownerDomainFor(db, actor, 'Job', requestedName)`
 *      (webhooks/owner-scope.ts). Seal secrets you put in `params` (see accounts-import).
 *
 * The runner claims queued jobs of the kinds registered in this process (FOR UPDATE SKIP
 * LOCKED, so several API processes share the table), runs them one or two at a time, keeps
 * a heartbeat, and saves counters + checkpoint + report together at most every 250 ms. A
 * job whose heartbeat went stale (its process died) is claimed again and its handler is
 * called with the last saved `checkpoint` and counters: write handlers so that redoing the
 * work after the checkpoint is harmless. Cancelling aborts `ctx.signal` (at once in this
 * process, at the next save elsewhere); the handler should stop at the next unit of work.
 * `ctx.actor` has the rights the job's creator holds when it runs. At shutdown the signal's
 * reason is 'shutdown' and the job goes back to the queue, to resume from its checkpoint.
 *
 * Settings: SCHOOLMAIL_JOB_POLL_MS (1000), SCHOOLMAIL_JOB_HEARTBEAT_MS (5000),
 * SCHOOLMAIL_JOB_STALE_MS (30000: a running job without heartbeat for this long is resumed
 * elsewhere), SCHOOLMAIL_JOB_CONCURRENCY (2 per process).
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job } from '@schoolmail/prisma';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { PrincipalResolver } from '../auth/principals.js';
import { rebuildActor, type StoredActor } from './job-actor.js';
import { JobProgress, type JobCounts, type ReportRow } from './job-progress.js';

export interface JobContext {
  readonly job: { id: string; kind: string; params: unknown; dryRun: boolean; domainId: number | null; createdBy: string };
  readonly actor: Actor;
  /** Where the last run stopped (null on a first run). */
  readonly checkpoint: unknown;
  /** The counters so far (non-zero when resuming). */
  readonly counts: Readonly<JobCounts>;
  /** Aborted when the job is cancelled or the process shuts down. */
  readonly signal: AbortSignal;
  setTotal(total: number): void;
  advance(delta: Partial<JobCounts>, checkpoint?: unknown): void;
  reportRow(entry: ReportRow): void;
  /** Saves progress now (e.g. right after a unit of work committed). */
  save(): Promise<void>;
}

/** Answers an optional summary kept in the report; throwing fails the job with the message. */
export type JobHandler = (ctx: JobContext) => Promise<unknown>;

function positiveNumber(name: string, fallback: number) {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('jobs');
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly pollMs = positiveNumber('SCHOOLMAIL_JOB_POLL_MS', 1_000);
  private readonly heartbeatMs = positiveNumber('SCHOOLMAIL_JOB_HEARTBEAT_MS', 5_000);
  private readonly staleMs = positiveNumber('SCHOOLMAIL_JOB_STALE_MS', 30_000);
  private readonly concurrency = positiveNumber('SCHOOLMAIL_JOB_CONCURRENCY', 2);
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly principals: PrincipalResolver,
  ) {}

  /** Makes `kind` runnable in this process (see the comment at the top of this file). */
  registerJobKind(kind: string, handler: JobHandler) {
    if (this.handlers.has(kind)) throw new Error(`job kind "${kind}" is registered twice`);
    this.handlers.set(kind, handler);
  }

  onApplicationBootstrap() {
    this.schedule(0);
  }

  /** Stops claiming; running jobs stop at their next unit of work and go back to the queue. */
  async onApplicationShutdown() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    for (const job of this.running.values()) job.abort.abort('shutdown');
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  /** Looks for work now (after queuing a job). */
  wake() {
    if (this.stopped || this.polling) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Cancels a job running in this process at once (others notice at their next save). */
  abortLocal(jobId: string) {
    this.running.get(jobId)?.abort.abort('cancelled');
  }

  private schedule(delayMs: number) {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.claimAndStart()
        .catch((error: unknown) => this.logger.warn(`claiming jobs failed: ${String(error)}`))
        .finally(() => {
          this.polling = null;
          if (!this.stopped) this.schedule(this.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async claimAndStart() {
    const kinds = [...this.handlers.keys()];
    while (!this.stopped && kinds.length > 0 && this.running.size < this.concurrency) {
      const [job] = await this.prisma.$queryRaw<Job[]>`
        UPDATE "Job" SET status = 'running', "heartbeatAt" = now(), "startedAt" = COALESCE("startedAt", now())
        WHERE id = (
          SELECT id FROM "Job"
          WHERE kind = ANY(${kinds}::text[])
            AND (status = 'queued' OR (status = 'running' AND "heartbeatAt" < now() - make_interval(secs => ${this.staleMs / 1000}::double precision)))
          ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`;
      if (!job) return;
      const abort = new AbortController();
      const done = this.run(job, abort).finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
      this.running.set(job.id, { abort, done });
    }
  }

  private async run(job: Job, abort: AbortController) {
    const handler = this.handlers.get(job.kind)!;
    const progress = new JobProgress(this.prisma, job.id, job, () => abort.abort('cancelled'));
    const heartbeat = setInterval(() => {
      void this.prisma.job
        .updateMany({ where: { id: job.id, status: 'running' }, data: { heartbeatAt: new Date() } })
        .then((result) => result.count === 0 && abort.abort('cancelled'))
        .catch(() => {});
    }, this.heartbeatMs);
    heartbeat.unref();
    try {
      const stored = (job.params as { actor?: StoredActor } | null)?.actor;
      const actor = stored ? await rebuildActor(this.prisma, this.principals, stored) : null;
      if (!actor) throw new Error('the administrator or API key that started this job no longer exists or is disabled');
      const summary = await handler({
        job: { id: job.id, kind: job.kind, params: job.params, dryRun: job.dryRun, domainId: job.domainId, createdBy: job.createdBy },
        actor,
        checkpoint: job.checkpoint ?? null,
        counts: progress.counts,
        signal: abort.signal,
        setTotal: (total) => progress.setTotal(total),
        advance: (delta, checkpoint) => progress.advance(delta, checkpoint),
        reportRow: (entry) => progress.reportRow(entry),
        save: () => progress.save(),
      });
      if (summary !== undefined) progress.report.summary = summary;
      await this.finish(progress, abort, { status: 'succeeded', finishedAt: new Date() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!abort.signal.aborted) this.logger.warn(`job ${job.id} (${job.kind}) failed: ${message}`);
      await this.finish(progress, abort, { status: 'failed', error: message.slice(0, 1000), finishedAt: new Date() });
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Ends a run: its own outcome, or progress only when cancelled, or back to the queue at shutdown. */
  private async finish(progress: JobProgress, abort: AbortController, outcome: { status: 'succeeded' | 'failed'; error?: string; finishedAt: Date }) {
    if (abort.signal.reason === 'cancelled') await progress.saveFinal({}, 'cancelled');
    else if (abort.signal.reason === 'shutdown') await progress.saveFinal({ status: 'queued' }, 'running');
    else await progress.saveFinal(outcome, 'running');
  }
}
