import { Inject, Injectable, Logger } from '@nestjs/common';
import { accessibleBy, type AppAbility } from '@schoolmail/rbac';
import { z } from 'zod';
import type { Actor } from '../common/actor.js';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { keyset, pageQuery } from '../common/pagination.js';
import { parseInput } from '../common/validation.js';
import { AppError } from '../common/errors.js';
import { publishAuditEvent, publishAuditEvents } from '../webhooks/audit-events.js';

/** Audit rows written per INSERT by `recordMany`. */
const AUDIT_CHUNK = 1_000;

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

  /**
   * Records many successful writes of one transaction (e.g. a domain deleted with its content)
   * as `record` would, one row each, in one INSERT per AUDIT_CHUNK entries; their webhook
   * events go out in one INSERT per event and domain.
   */
  async recordMany(tx: Tx, actor: Actor, entries: AuditEntry[]) {
    if (entries.length === 0) return;
    const snapshots = entries.map((entry) => ({ ...entry, before: auditSnapshot(entry.before), after: auditSnapshot(entry.after) }));
    const who = actorIdentity(actor);
    const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
    const at = new Date();
    for (let i = 0; i < snapshots.length; i += AUDIT_CHUNK) {
      const chunk = snapshots.slice(i, i + AUDIT_CHUNK);
      const column = <T>(pick: (entry: (typeof chunk)[number]) => T) => chunk.map(pick);
      await tx.$executeRaw`
        INSERT INTO "AuditEvent" (at, "actorType", "actorId", "actorName", role, interface, "clientIp", action, "subjectType", "subjectId", "domainId", "domainPath", before, after)
        SELECT ${at}::timestamp, ${who.actorType}::text, ${who.actorId}::text, ${who.actorName}::text, ${who.role}::text, ${who.interface}::text, ${who.clientIp}::text,
          e.action, e.subject_type, e.subject_id, e.domain_id, e.domain_path, e.before::jsonb, e.after::jsonb
        FROM unnest(
          ${column((e) => e.action)}::text[],
          ${column((e) => e.subjectType)}::text[],
          ${column((e) => (e.subjectId == null ? null : String(e.subjectId)))}::text[],
          ${column((e) => e.domain?.id ?? null)}::int[],
          ${column((e) => e.domain?.path ?? null)}::text[],
          ${column((e) => json(e.before))}::text[],
          ${column((e) => json(e.after))}::text[]
        ) WITH ORDINALITY AS e(action, subject_type, subject_id, domain_id, domain_path, before, after, n)
        ORDER BY e.n`;
    }
    await publishAuditEvents(tx, actor, snapshots);
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
