import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy } from '@schoolmail/rbac';
import { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { scopePaths } from './stats.scope.js';

const HOURS = 24;

/** `column LIKE ANY(prefixes)`; TRUE for staff. Callers skip the query when the scope is empty. */
function inScope(column: Prisma.Sql, paths: string[] | 'all'): Prisma.Sql {
  if (paths === 'all') return Prisma.sql`TRUE`;
  const patterns = paths.map((path) => `${path.replace(/[\\%_]/g, '\\$&')}%`);
  return Prisma.sql`${column} LIKE ANY(${patterns}::text[])`;
}

const isEmpty = (paths: string[] | 'all') => paths !== 'all' && paths.length === 0;

/**
 * The dashboard's figures, each in the reader's scope and present only when the reader may
 * see that kind of object (null otherwise, so the console shows nothing rather than zeros).
 */
@Injectable()
export class StatsService {
  constructor(@Inject(PRISMA) private readonly prisma: Database) {}

  async dashboard(actor: Actor) {
    const [queueDepth, traffic, heldRemoteDomains, quarantineWaiting, storage] = await Promise.all([
      this.queueDepth(actor),
      this.traffic(actor),
      this.heldRemoteDomains(actor),
      this.quarantineWaiting(actor),
      this.storage(actor),
    ]);
    return { generatedAt: new Date().toISOString(), queueDepth, traffic, heldRemoteDomains, quarantineWaiting, storage };
  }

  /**
   * Queue entries waiting at the end of each of the last 24 hours. The queue keeps no history:
   * an hour's depth is the entries still queued that had arrived by then, plus those that
   * had already been deferred by then and were delivered or bounced since (MailEvent).
   */
  private async queueDepth(actor: Actor) {
    const paths = scopePaths(actor.principal, 'read', 'QueueEntry');
    if (isEmpty(paths)) return null;
    const entryScope = paths === 'all' ? Prisma.sql`TRUE` : Prisma.sql`(${inScope(Prisma.sql`e."senderDomainPath"`, paths)} OR ${inScope(Prisma.sql`e."localDomainPath"`, paths)})`;
    const eventScope = inScope(Prisma.sql`"domainPath"`, paths);
    const rows = await this.prisma.$queryRaw<Array<{ at: Date; depth: bigint }>>`
      WITH hours AS (
        SELECT LEAST(h + interval '1 hour', now()) AS t
        FROM generate_series(date_trunc('hour', now()) - interval '${Prisma.raw(String(HOURS - 1))} hours', date_trunc('hour', now()), interval '1 hour') h
      ),
      finished AS (
        SELECT "queueId", recipient, max(at) AS fin FROM "MailEvent"
        WHERE kind IN ('delivered', 'bounced') AND at > now() - interval '25 hours' AND ${eventScope}
        GROUP BY 1, 2
      ),
      deferred AS (
        SELECT "queueId", recipient, min(at) AS first FROM "MailEvent"
        WHERE kind = 'deferred' AND at > now() - interval '8 days' AND ${eventScope}
        GROUP BY 1, 2
      ),
      waited AS (SELECT d.first, f.fin FROM finished f JOIN deferred d USING ("queueId", recipient))
      SELECT hours.t AS at,
        (SELECT count(*) FROM "QueueEntry" e WHERE e."createdAt" <= hours.t AND ${entryScope})
        + (SELECT count(*) FROM waited w WHERE w.first <= hours.t AND w.fin > hours.t) AS depth
      FROM hours ORDER BY hours.t`;
    return rows.map((row) => ({ at: row.at.toISOString(), depth: Number(row.depth) }));
  }

  /** Deliveries, deferrals, bounces and refusals per hour. Refusals at the SMTP door belong to no domain: staff only. */
  private async traffic(actor: Actor) {
    const paths = scopePaths(actor.principal, 'read', 'QueueEntry');
    if (isEmpty(paths)) return null;
    const rows = await this.prisma.$queryRaw<Array<{ hour: Date; delivered: bigint; deferred: bigint; bounced: bigint; refused: bigint }>>`
      SELECT h AS hour,
        count(e.*) FILTER (WHERE e.kind = 'delivered') AS delivered,
        count(e.*) FILTER (WHERE e.kind = 'deferred') AS deferred,
        count(e.*) FILTER (WHERE e.kind = 'bounced') AS bounced,
        count(e.*) FILTER (WHERE e.kind = 'refused') AS refused
      FROM generate_series(date_trunc('hour', now()) - interval '${Prisma.raw(String(HOURS - 1))} hours', date_trunc('hour', now()), interval '1 hour') h
      LEFT JOIN "MailEvent" e ON e.at >= h AND e.at < h + interval '1 hour'
        AND e.kind IN ('delivered', 'deferred', 'bounced', 'refused') AND ${inScope(Prisma.sql`e."domainPath"`, paths)}
      GROUP BY h ORDER BY h`;
    return rows.map((row) => ({
      hour: row.hour.toISOString(),
      delivered: Number(row.delivered),
      deferred: Number(row.deferred),
      bounced: Number(row.bounced),
      refused: Number(row.refused),
    }));
  }

  private async heldRemoteDomains(actor: Actor) {
    if (!actor.ability.can('read', 'RemoteDomain')) return null;
    const where = { AND: [accessibleBy(actor.ability, 'read').RemoteDomain, { state: 'held' as const }] };
    const [count, first] = await Promise.all([
      this.prisma.remoteDomain.count({ where }),
      this.prisma.remoteDomain.findMany({ where, orderBy: { heldSince: 'asc' }, take: 5, select: { domain: true, heldSince: true, lastError: true, consecutiveFailures: true } }),
    ]);
    return { count, domains: first.map((d) => ({ ...d, heldSince: d.heldSince?.toISOString() ?? null })) };
  }

  private async quarantineWaiting(actor: Actor) {
    if (!actor.ability.can('read', 'QuarantineEntry')) return null;
    const where = { AND: [accessibleBy(actor.ability, 'read').QuarantineEntry, { decision: null }] };
    const [count, oldest] = await Promise.all([
      this.prisma.quarantineEntry.count({ where }),
      this.prisma.quarantineEntry.findFirst({ where, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
    ]);
    return { count, oldestAt: oldest?.createdAt.toISOString() ?? null };
  }

  /** Staff see the storage units; delegated admins the mail stored by each domain of their subtree. */
  private async storage(actor: Actor) {
    if (actor.ability.can('read', 'StorageUnit')) {
      const units = await this.prisma.storageUnit.findMany({
        where: accessibleBy(actor.ability, 'read').StorageUnit,
        orderBy: { name: 'asc' },
        take: 50,
        select: { name: true, usedBytes: true, capacityBytes: true, state: true },
      });
      return { kind: 'units' as const, items: units.map((u) => ({ name: u.name, usedBytes: Number(u.usedBytes), capacityBytes: Number(u.capacityBytes), state: u.state })) };
    }
    const paths = scopePaths(actor.principal, 'read', 'Account');
    if (isEmpty(paths)) return null;
    const rows = await this.prisma.$queryRaw<Array<{ name: string; usedBytes: bigint; accounts: bigint }>>`
      SELECT d.name, COALESCE(sum(a."quotaUsedBytes"), 0)::bigint AS "usedBytes", count(a.id) AS accounts
      FROM "Domain" d LEFT JOIN "Account" a ON a."domainId" = d.id
      WHERE ${inScope(Prisma.sql`d.path`, paths)}
      GROUP BY d.name ORDER BY 2 DESC, d.name LIMIT 10`;
    return { kind: 'domains' as const, items: rows.map((r) => ({ name: r.name, usedBytes: Number(r.usedBytes), accounts: Number(r.accounts) })) };
  }
}
