import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { accessibleBy, ForbiddenError, subject } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import type { OwnerDomain } from '../webhooks/owner-scope.js';
import { JobRunner } from './job-runner.js';
import { storedActorOf } from './job-actor.js';
import { reportCsv } from './job-report-csv.js';
import type { JobReport } from './job-progress.js';
import { listJobsQuery } from './job.schemas.js';

const jobInclude = { domain: { select: { id: true, name: true, path: true, depth: true } } } satisfies Prisma.JobInclude;
type JobRow = Prisma.JobGetPayload<{ include: typeof jobInclude }>;

export function presentJob(row: JobRow) {
  const percent = row.total ? Math.min(100, Math.floor((row.processed / row.total) * 100)) : row.status === 'succeeded' ? 100 : null;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    domain: row.domain?.name ?? null,
    createdBy: row.createdBy,
    dryRun: row.dryRun,
    total: row.total,
    processed: row.processed,
    succeeded: row.succeeded,
    failed: row.failed,
    skipped: row.skipped,
    percent,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
export type JobView = ReturnType<typeof presentJob>;

export interface NewJob {
  kind: string;
  /** JSON the handler reads back as `ctx.job.params` (the creator is added). */
  params: Record<string, unknown>;
  domain: OwnerDomain | null;
  dryRun?: boolean;
  total?: number;
}

@Injectable()
export class JobsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
    private readonly runner: JobRunner,
  ) {}

  /** Queues a job (the caller has checked the actor may start it in `domain`) and wakes the runner. */
  async enqueue(actor: Actor, job: NewJob): Promise<JobView> {
    const view = await this.prisma.$transaction(async (tx) => {
      const row = await tx.job.create({
        data: {
          id: randomUUID(),
          kind: job.kind,
          domainId: job.domain?.id ?? null,
          createdBy: actor.principal.name,
          dryRun: job.dryRun ?? false,
          total: job.total ?? null,
          params: { ...job.params, actor: storedActorOf(actor) } as never,
        },
        include: jobInclude,
      });
      const created = presentJob(row);
      await this.audit.record(tx, actor, { action: 'job.create', subjectType: 'Job', subjectId: row.id, domain: job.domain, after: created });
      return created;
    });
    this.runner.wake();
    return view;
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listJobsQuery, rawQuery);
    const filters: Prisma.JobWhereInput[] = [accessibleBy(actor.ability, 'read').Job];
    if (query.kind) filters.push({ kind: query.kind });
    if (query.status) filters.push({ status: query.status });
    // Job ids are UUIDs: keyset's type names numeric ids, but it compares whatever id it is given.
    const page = keyset<{ id: number }>({ sortField: 'createdAt', direction: 'desc', limit: query.limit, cursor: query.cursor, parseValue: (raw) => new Date(String(raw)) });
    const rows = await this.prisma.job.findMany({ where: { AND: [...filters, page.where] }, orderBy: page.orderBy as never, take: page.take, include: jobInclude });
    return page.page(rows as unknown as Array<{ id: number }>, (row) => presentJob(row as unknown as JobRow));
  }

  async get(actor: Actor, id: string) {
    return presentJob(await this.visible(this.prisma, actor, id));
  }

  /** Stops a queued or running job; what it already did stays done. */
  async cancel(actor: Actor, id: string) {
    const view = await this.prisma.$transaction(async (tx) => {
      const row = await this.visible(tx, actor, id);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Job', row));
      if (row.status !== 'queued' && row.status !== 'running') throw AppError.conflict(`job ${id} has already ${row.status === 'cancelled' ? 'been cancelled' : row.status}`);
      const updated = await tx.job.update({ where: { id: row.id }, data: { status: 'cancelled', finishedAt: new Date() }, include: jobInclude });
      const after = presentJob(updated);
      await this.audit.record(tx, actor, { action: 'job.cancel', subjectType: 'Job', subjectId: row.id, domain: row.domain, before: presentJob(row), after });
      return after;
    });
    this.runner.abortLocal(id);
    return view;
  }

  /** The per-row report: rows that failed or were skipped, with the reason, and the kind's summary. */
  async report(actor: Actor, id: string) {
    const row = await this.visible(this.prisma, actor, id);
    const report = (row.report as JobReport | null) ?? { rows: [], omitted: 0 };
    return { job: presentJob(row), rows: report.rows, omitted: report.omitted, summary: report.summary ?? null };
  }

  async reportCsv(actor: Actor, id: string) {
    const { rows, omitted } = await this.report(actor, id);
    return reportCsv(rows, omitted);
  }

  private async visible(db: Database | Tx, actor: Actor, id: string) {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await db.job.findFirst({ where: { AND: [accessibleBy(actor.ability, 'read').Job, { id }] }, include: jobInclude })
      : null;
    if (!row) throw AppError.notFound('job', id);
    return row;
  }
}
