import { Inject, Injectable, Logger } from '@nestjs/common';
import { accessibleBy, type AppAbility } from '@schoolmail/rbac';
import { z } from 'zod';
import type { Actor } from '../common/actor.js';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { keyset, pageQuery } from '../common/pagination.js';
import { parseInput } from '../common/validation.js';
import { AppError } from '../common/errors.js';
import { publishAuditEvent } from '../webhooks/audit-events.js';

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId?: string | number | bigint | null;
  /** The domain the subject lives in, for scoped reading of the log. */
  domain?: { id: number; path: string } | null;
  before?: unknown;
  after?: unknown;
}

/** JSON-safe copy (BigInt and Bytes become strings) with secrets left out. */
export function auditSnapshot(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (key, v) => {
      if (key === 'passwordHash' || key === 'secretHash' || key === 'tokenHash' || key === 'brandLogo') return v ? '(redacted)' : v;
      if (typeof v === 'bigint') return v.toString();
      return v;
    }),
  );
}

export function actorIdentity(actor: Actor) {
  const p = actor.principal;
  return {
    actorType: p.kind,
    actorId: String(p.kind === 'admin' ? p.adminId : p.kind === 'apiKey' ? p.apiKeyId : p.accountId),
    actorName: p.name,
    role: actor.role,
    interface: actor.interface,
    clientIp: actor.clientIp,
  };
}

export const auditQuery = pageQuery.extend({
  actor: z.string().max(320).optional(),
  domain: z.string().max(253).optional(),
  action: z.string().max(100).optional(),
  outcome: z.enum(['success', 'denied']).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
});

@Injectable()
export class AuditService {
  private readonly logger = new Logger('audit');

  constructor(@Inject(PRISMA) private readonly prisma: Database) {}

  /** Records a successful write inside the transaction that made it. */
  async record(tx: Tx, actor: Actor, entry: AuditEntry) {
    const snapshot = { ...entry, before: auditSnapshot(entry.before), after: auditSnapshot(entry.after) };
    await tx.auditEvent.create({
      data: {
        ...actorIdentity(actor),
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId == null ? null : String(entry.subjectId),
        domainId: entry.domain?.id ?? null,
        domainPath: entry.domain?.path ?? null,
        before: (snapshot.before ?? undefined) as never,
        after: (snapshot.after ?? undefined) as never,
      },
    });
    // Webhook outbox, in this same transaction: an event goes out only if the change commits.
    await publishAuditEvent(tx, actor, snapshot);
  }

  /** Records a refused attempt (there is no transaction to join: nothing was written). */
  async recordDenied(actor: Actor, action: string, reason: string) {
    try {
      await this.prisma.auditEvent.create({
        data: { ...actorIdentity(actor), action, outcome: 'denied', subjectType: 'request', after: { reason } },
      });
    } catch (error) {
      this.logger.error(`could not record a refused attempt: ${String(error)}`);
    }
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(auditQuery, rawQuery);
    const ability: AppAbility = actor.ability;
    const filters: object[] = [accessibleBy(ability, 'read').AuditEvent];
    if (query.actor) filters.push({ actorName: query.actor });
    if (query.action) filters.push({ action: { startsWith: query.action } });
    if (query.outcome) filters.push({ outcome: query.outcome });
    if (query.since) filters.push({ at: { gte: query.since } });
    if (query.until) filters.push({ at: { lt: query.until } });
    if (query.domain) {
      const domain = await this.prisma.domain.findFirst({ where: { AND: [accessibleBy(ability, 'read').Domain, { name: query.domain.toLowerCase() }] } });
      if (!domain) throw AppError.notFound('domain', query.domain);
      filters.push({ domainPath: { startsWith: domain.path } });
    }
    const page = keyset<{ id: bigint }>({ sortField: 'id', direction: 'desc', limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.auditEvent.findMany({ where: { AND: [...filters, page.where] }, orderBy: page.orderBy as never, take: page.take });
    return page.page(rows, (row) => ({ ...row, id: String(row.id) }));
  }
}
