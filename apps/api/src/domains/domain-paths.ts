/**
 * Copies of domain paths. Scoping reads the place of a quarantined message, a queue entry, a
 * mail event or an audit entry in the domain tree from a path copied onto its row (those rows
 * have no foreign key to a domain), so a sub-domain that moves takes every copy of its
 * subtree's old path prefix with it; otherwise its old district's admins would go on seeing
 * and acting on its mail, and its new district's would not.
 *
 * The move's transaction rewrites every copy that scoping reads (all of them, except mail
 * events older than the dashboard's window: a subtree's whole event history may be millions
 * of rows, too many to keep the moved domains locked for). A job queued in the same
 * transaction then sweeps what is left in short batches: those older events, and the rows
 * that engine processes, holding the old path they had read (cached for a few seconds), had
 * committed after the move's UPDATEs ran (those committed after the sweep are not caught).
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { JobRunner, type JobContext } from '../jobs/job-runner.js';
import { storedActorOf } from '../jobs/job-actor.js';

/**
 * Every column that holds a copy of a domain path; each has a prefix index (text_pattern_ops)
 * so that a subtree's rows are found without reading the table (test/api/domain-move.test.ts
 * checks both against the database).
 */
export const DOMAIN_PATH_COLUMNS = [
  { table: 'AuditEvent', column: 'domainPath' },
  { table: 'QuarantineEntry', column: 'domainPath' },
  { table: 'QueueEntry', column: 'senderDomainPath' },
  { table: 'QueueEntry', column: 'localDomainPath' },
  { table: 'OutboundMessage', column: 'senderDomainPath' },
  // Its index is ("domainPath", at): the recent rows of a subtree without touching the older ones.
  { table: 'MailEvent', column: 'domainPath', recentOnly: true },
] as const;

/** How far back the dashboard reads mail events (stats.service.ts: 25 hours of traffic, 8 days of deferrals). */
const DASHBOARD_WINDOW = Prisma.sql`interval '8 days'`;

export const DOMAIN_PATHS_JOB = 'domain-paths';
const SWEEP_BATCH = 5_000;

const likePrefix = (path: string) => `${path.replace(/[\\%_]/g, '\\$&')}%`;
const identifiers = (table: string, column: string) => [Prisma.raw(`"${table}"`), Prisma.raw(`"${column}"`)] as const;

type PathColumn = (typeof DOMAIN_PATH_COLUMNS)[number];

/** The move's UPDATE of one column: `from` (the subtree's old path prefix) becomes `to`. */
export function rewriteStatement(entry: PathColumn, from: string, to: string) {
  const [table, column] = identifiers(entry.table, entry.column);
  const recent = 'recentOnly' in entry ? Prisma.sql`AND at > now() - ${DASHBOARD_WINDOW}` : Prisma.empty;
  return Prisma.sql`
    UPDATE ${table} SET ${column} = ${to} || substr(${column}, ${from.length + 1})
    WHERE ${column} LIKE ${likePrefix(from)} ${recent}`;
}

/**
 * Inside the move's transaction: `from` becomes `to` in every copy, one indexed UPDATE per
 * column (mail events within the dashboard's window only).
 */
export async function unsafeRewriteDomainPaths(tx: Tx, from: string, to: string) {
  for (const entry of DOMAIN_PATH_COLUMNS) await tx.$executeRaw(rewriteStatement(entry, from, to));
}

/** Queues the sweep of what the move's transaction left with the prefix `from` (in that transaction). */
export async function queueDomainPathSweep(tx: Tx, actor: Actor, domain: { id: number; path: string }, from: string) {
  const job = await tx.job.create({
    data: {
      id: randomUUID(),
      kind: DOMAIN_PATHS_JOB,
      domainId: domain.id,
      createdBy: actor.principal.name,
      params: { from, to: domain.path, actor: storedActorOf(actor) } as never,
    },
  });
  return job.id;
}

/**
 * One batch of the sweep: up to SWEEP_BATCH rows of one column still under `from` take the
 * moved domain's path as it is NOW (so a later move, or a move back, is never undone).
 * Nothing when the domain is gone or back at `from`.
 */
export function sweepStatement(entry: PathColumn, domainId: number, from: string) {
  const [table, column] = identifiers(entry.table, entry.column);
  return Prisma.sql`
    UPDATE ${table} AS t SET ${column} = d.path || substr(t.${column}, ${from.length + 1})
    FROM "Domain" d
    WHERE d.id = ${domainId} AND d.path <> ${from}
      AND t.id IN (SELECT id FROM ${table} WHERE ${column} LIKE ${likePrefix(from)} LIMIT ${SWEEP_BATCH})`;
}

@Injectable()
export class DomainPathSweep implements OnModuleInit {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly runner: JobRunner,
  ) {}

  onModuleInit() {
    this.runner.registerJobKind(DOMAIN_PATHS_JOB, (ctx) => this.run(ctx));
  }

  /** Each batch is its own short transaction and redoing one is harmless: no checkpoint needed. */
  private async run(ctx: JobContext) {
    const { from } = ctx.job.params as { from: string };
    const domainId = ctx.job.domainId;
    if (domainId === null) return { rewritten: 0 };
    let rewritten = 0;
    for (const entry of DOMAIN_PATH_COLUMNS) {
      let count = SWEEP_BATCH;
      while (count === SWEEP_BATCH && !ctx.signal.aborted) {
        count = await this.prisma.$executeRaw(sweepStatement(entry, domainId, from));
        rewritten += count;
        ctx.advance({ processed: count, succeeded: count });
      }
    }
    return { rewritten };
  }
}
