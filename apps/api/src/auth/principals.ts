import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { defineAbilityFor, permissionListSchema, type DomainScope, type Grant, type Principal } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor, Interface } from '../common/actor.js';
import { MailboxAccess } from './mailbox-access.js';

export const SESSION_TOKEN_PREFIX = 'sms_';
export const API_KEY_PREFIX = 'smk_';

export function hashToken(token: string) {
  return createHash('sha256').update(token).digest('hex');
}

export function newSecret() {
  return randomBytes(32).toString('base64url');
}

const grantInclude = { domain: true, permissionSet: true } satisfies Prisma.RoleAssignmentInclude;
type GrantRow = Prisma.RoleAssignmentGetPayload<{ include: typeof grantInclude }>;

export function scopeOf(domain: { id: number; name: string; path: string; depth: number } | null): DomainScope | null {
  return domain ? { domainId: domain.id, name: domain.name, path: domain.path, depth: domain.depth } : null;
}

/** A role assignment or an API key as a grant for the ability factory. */
export function grantOf(row: Pick<GrantRow, 'role' | 'permissionSet' | 'domain'>): Grant | null {
  const scope = scopeOf(row.domain);
  if (row.role) return { role: row.role === 'subdomain_admin' ? 'subdomain-admin' : row.role, scope };
  if (row.permissionSet && scope) {
    const permissions = permissionListSchema.safeParse(row.permissionSet.permissions);
    return permissions.success ? { permissionSet: row.permissionSet.name, permissions: permissions.data, scope } : null;
  }
  return null;
}

export function roleLabel(principal: Principal): string {
  if (principal.kind === 'user') return 'user';
  const labels = principal.grants.map((g) => ('role' in g ? g.role : `set:${g.permissionSet}`));
  return [...new Set(labels)].join(',') || 'none';
}

/** Resolves bearer tokens (sessions and API keys) to principals and their ability. */
@Injectable()
export class PrincipalResolver {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly mailboxes: MailboxAccess,
  ) {}

  /**
   * An admin's grants in one query (authentication runs on every request: joins in SQL
   * rather than one query per relation).
   */
  async adminGrants(adminId: number): Promise<Grant[]> {
    const rows = await this.prisma.$queryRaw<
      Array<{ role: GrantRow['role']; setName: string | null; permissions: unknown; domainId: number | null; name: string | null; path: string | null; depth: number | null }>
    >`
      SELECT ra.role, ps.name AS "setName", ps.permissions, d.id AS "domainId", d.name, d.path, d.depth
      FROM "RoleAssignment" ra
      LEFT JOIN "PermissionSet" ps ON ps.id = ra."permissionSetId"
      LEFT JOIN "Domain" d ON d.id = ra."domainId"
      WHERE ra."adminId" = ${adminId}`;
    return rows
      .map((row) =>
        grantOf({
          role: row.role,
          permissionSet: row.setName === null ? null : ({ name: row.setName, permissions: row.permissions } as GrantRow['permissionSet']),
          domain: row.domainId === null ? null : ({ id: row.domainId, name: row.name!, path: row.path!, depth: row.depth! } as GrantRow['domain']),
        }),
      )
      .filter((g): g is Grant => g !== null);
  }

  async fromToken(token: string, meta: { interface: Interface; clientIp: string | null }): Promise<Actor | null> {
    const principal = token.startsWith(API_KEY_PREFIX) ? await this.fromApiKey(token) : await this.fromSession(token);
    if (!principal) return null;
    return {
      principal: principal.principal,
      ability: defineAbilityFor(principal.principal),
      role: roleLabel(principal.principal),
      interface: meta.interface,
      clientIp: meta.clientIp,
      sessionId: principal.sessionId,
    };
  }

  private async fromSession(token: string) {
    const [session] = await this.prisma.$queryRaw<
      Array<{
        id: string;
        expiresAt: Date;
        revokedAt: Date | null;
        adminId: number | null;
        username: string | null;
        disabled: boolean | null;
        accountId: number | null;
        address: string | null;
        accountStatus: string | null;
        domainStatus: string | null;
        domainPath: string | null;
      }>
    >`
      SELECT s.id, s."expiresAt", s."revokedAt", a.id AS "adminId", a.username, a.disabled,
             acc.id AS "accountId", acc.address, acc.status::text AS "accountStatus", d.status::text AS "domainStatus", d.path AS "domainPath"
      FROM "Session" s
      LEFT JOIN "Admin" a ON a.id = s."adminId"
      LEFT JOIN "Account" acc ON acc.id = s."accountId"
      LEFT JOIN "Domain" d ON d.id = acc."domainId"
      WHERE s."tokenHash" = ${hashToken(token)}`;
    if (!session || session.revokedAt || session.expiresAt <= new Date()) return null;
    if (session.adminId !== null) {
      if (session.disabled) return null;
      const grants = await this.adminGrants(session.adminId);
      return { principal: { kind: 'admin', adminId: session.adminId, name: session.username!, grants } as Principal, sessionId: session.id };
    }
    if (session.accountId !== null) {
      if (session.accountStatus !== 'active' || session.domainStatus !== 'active') return null;
      // Self-service lasts only while webmail is effective: switched off, the open session ends too.
      if ((await this.mailboxes.access.refusal(session.accountId, 'webmail')) !== null) return null;
      return {
        principal: { kind: 'user', accountId: session.accountId, name: session.address!, domainPath: session.domainPath! } as Principal,
        sessionId: session.id,
      };
    }
    return null;
  }

  private async fromApiKey(token: string) {
    const prefix = token.slice(API_KEY_PREFIX.length).split('.')[0] ?? '';
    const key = await this.prisma.apiKey.findUnique({ where: { prefix }, include: { domain: true, permissionSet: true } });
    if (!key || key.revokedAt || key.secretHash !== hashToken(token)) return null;
    // Last use is informational: record it at most once a minute per key, off the request path.
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
      void this.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
    }
    const grant = grantOf(key);
    return { principal: { kind: 'apiKey', apiKeyId: key.id, name: `apikey:${key.name}`, grants: grant ? [grant] : [] } as Principal, sessionId: undefined };
  }
}
