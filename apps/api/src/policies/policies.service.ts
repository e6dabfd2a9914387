import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type AcceptancePolicy } from '@schoolmail/prisma';
import { probeAt } from '@schoolmail/rbac';
import { invalidateAcceptancePolicies } from '@schoolmail/mail-engine';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { assertVersion } from '../common/etag.js';
import { visibleDomain } from '../domains/domains.service.js';
import { visibleAccount } from '../accounts/account.view.js';
import { assertMayChange, describeTarget, isStaff, visibleTarget, type PolicyTarget } from './policy-targets.js';
import { delegatedNetworkProblem, listPoliciesQuery, putPolicyInput, type PolicyLevelName } from './policy.schemas.js';

export interface PolicyView {
  level: PolicyLevelName;
  domain: string | null;
  group: string | null;
  account: string | null;
  whitelistedSenders: string[];
  trustedNetworks: string[];
  maxAttachmentKb: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** `domainName`: the domain of the target (null for the server). */
function present(row: AcceptancePolicy, target: { level: PolicyLevelName; key: string | null; domainName: string | null }): PolicyView {
  return {
    level: row.level,
    domain: target.domainName,
    group: target.level === 'group' ? target.key : null,
    account: target.level === 'account' ? target.key : null,
    whitelistedSenders: row.whitelistedSenders,
    trustedNetworks: row.trustedNetworks,
    maxAttachmentKb: row.maxAttachmentKb,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const viewOf = (target: PolicyTarget) => ({ level: target.level, key: target.key, domainName: target.domain?.name ?? null });

interface ListedRow extends AcceptancePolicy {
  domainName: string | null;
  groupAddress: string | null;
  accountAddress: string | null;
}

const likePrefix = (path: string) => `${path.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * Acceptance policies (whitelisted senders, trusted networks, attachment limit) at the
 * server, domain, group and account levels; the engine reads them through
 * resolveAcceptancePolicy. A whitelisted sender or trusted network skips only the content
 * rules owned at its level or narrower (libs/mail-engine/src/acceptance/waivers.ts), and
 * only staff may trust networks wider than an IPv4 /8 or an IPv6 /32 (policy.schemas.ts).
 */
@Injectable()
export class PoliciesService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  /**
   * The policies the actor can see, filtered in SQL: the server's (every administrator may
   * read it), and those whose domain, group or account lies in a subtree where the actor may
   * read domains. Rows of objects deleted since are left out.
   */
  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listPoliciesQuery, rawQuery);
    const conditions: Prisma.Sql[] = [Prisma.sql`(p.level = 'server' OR COALESCE(d.path, gd.path, ad.path) IS NOT NULL)`];
    if (!isStaff(actor)) {
      const paths = this.readablePaths(actor);
      conditions.push(
        paths.length
          ? Prisma.sql`(p.level = 'server' OR COALESCE(d.path, gd.path, ad.path) LIKE ANY(${paths.map(likePrefix)}::text[]))`
          : Prisma.sql`p.level = 'server'`,
      );
    }
    if (query.level) conditions.push(Prisma.sql`p.level::text = ${query.level}`);
    if (query.domain) {
      const domain = await visibleDomain(this.prisma, actor.ability, query.domain);
      conditions.push(Prisma.sql`COALESCE(d.path, gd.path, ad.path) LIKE ${likePrefix(domain.path)}`);
    }
    if (query.group) conditions.push(Prisma.sql`p."groupId" = ${(await visibleTarget(this.prisma, actor, 'group', query.group)).where.groupId}`);
    if (query.account) conditions.push(Prisma.sql`p."accountId" = ${(await visibleAccount(this.prisma, actor.ability, query.account)).id}`);
    if (query.cursor) {
      const after = decodeCursor(query.cursor).id;
      if (!/^\d+$/.test(after)) throw AppError.invalid('cursor', 'is not a cursor this API gave out');
      conditions.push(Prisma.sql`p.id > ${Number(after)}`);
    }
    const rows = await this.prisma.$queryRaw<ListedRow[]>`
      SELECT p.*, COALESCE(d.name, gd.name, ad.name) AS "domainName", g.address AS "groupAddress", a.address AS "accountAddress"
      FROM "AcceptancePolicy" p
      LEFT JOIN "Domain" d ON p.level = 'domain' AND d.id = p."domainId"
      LEFT JOIN "Group" g ON p.level = 'group' AND g.id = p."groupId"
      LEFT JOIN "Domain" gd ON gd.id = g."domainId"
      LEFT JOIN "Account" a ON p.level = 'account' AND a.id = p."accountId"
      LEFT JOIN "Domain" ad ON ad.id = a."domainId"
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY p.id
      LIMIT ${query.limit + 1}`;
    const more = rows.length > query.limit;
    const kept = more ? rows.slice(0, query.limit) : rows;
    return {
      items: kept.map((row) => present(row, { level: row.level, key: row.groupAddress ?? row.accountAddress ?? row.domainName, domainName: row.domainName })),
      nextCursor: more ? encodeCursor(kept.at(-1)!.id, kept.at(-1)!.id) : null,
    };
  }

  /** Subtrees where the actor may read domains: the scopes of its grants that allow it. */
  private readablePaths(actor: Actor): string[] {
    if (actor.principal.kind === 'user') return [];
    return actor.principal.grants.flatMap((grant) => (grant.scope && actor.ability.can('read', probeAt('Domain', grant.scope)) ? [grant.scope.path] : []));
  }

  async get(actor: Actor, level: PolicyLevelName, key: string | null) {
    const target = await visibleTarget(this.prisma, actor, level, key);
    const row = await this.prisma.acceptancePolicy.findFirst({ where: target.where });
    if (!row) throw new AppError('NOT_FOUND', `no acceptance policy is set for ${describeTarget(target)}`);
    return present(row, viewOf(target));
  }

  /** Sets (creates or replaces) the policy of one target; `created` tells which. */
  async put(actor: Actor, level: PolicyLevelName, key: string | null, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(putPolicyInput, rawInput);
    if (!isStaff(actor)) {
      for (const [index, network] of input.trustedNetworks.entries()) {
        const problem = delegatedNetworkProblem(network);
        if (problem) throw AppError.invalid(`trustedNetworks.${index}`, problem);
      }
    }
    const result = await this.prisma.$transaction(async (tx) => {
      const target = await visibleTarget(tx, actor, level, key);
      assertMayChange(actor, target);
      const existing = await this.lockedPolicy(tx, target);
      if (!existing && expectedVersion !== undefined) {
        throw new AppError('PRECONDITION_FAILED', `no acceptance policy is set for ${describeTarget(target)}, so it cannot be at version ${expectedVersion}`);
      }
      if (existing) assertVersion(existing.version, expectedVersion);
      const row = existing
        ? await tx.acceptancePolicy.update({ where: { id: existing.id }, data: { ...input, version: { increment: 1 } } })
        : await tx.acceptancePolicy.create({ data: { ...target.where, ...input } });
      const view = present(row, viewOf(target));
      await this.audit.record(tx, actor, {
        action: existing ? 'policy.update' : 'policy.create',
        subjectType: 'AcceptancePolicy',
        subjectId: target.key ?? 'server',
        domain: target.domain,
        before: existing ? present(existing, viewOf(target)) : null,
        after: view,
      });
      return { created: !existing, policy: view };
    });
    invalidateAcceptancePolicies(this.prisma);
    return result;
  }

  async remove(actor: Actor, level: PolicyLevelName, key: string | null, expectedVersion?: number) {
    await this.prisma.$transaction(async (tx) => {
      const target = await visibleTarget(tx, actor, level, key);
      assertMayChange(actor, target);
      const existing = await this.lockedPolicy(tx, target);
      if (!existing) throw new AppError('NOT_FOUND', `no acceptance policy is set for ${describeTarget(target)}`);
      assertVersion(existing.version, expectedVersion);
      await tx.acceptancePolicy.delete({ where: { id: existing.id } });
      await this.audit.record(tx, actor, {
        action: 'policy.delete',
        subjectType: 'AcceptancePolicy',
        subjectId: target.key ?? 'server',
        domain: target.domain,
        before: present(existing, viewOf(target)),
      });
    });
    invalidateAcceptancePolicies(this.prisma);
  }

  /**
   * The target's policy row, with the target locked for this transaction: the unique index
   * cannot stop two concurrent first PUTs (its NULL columns never collide), this lock does.
   */
  private async lockedPolicy(tx: Tx, target: PolicyTarget) {
    const { level, domainId, groupId, accountId } = target.where;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`acceptance-policy:${level}:${domainId ?? groupId ?? accountId ?? 0}`}))`;
    return tx.acceptancePolicy.findFirst({ where: target.where });
  }
}
