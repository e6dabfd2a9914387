import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { defineAbilityFor, permissionListSchema, type DomainScope, type Grant, type Principal } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor, Interface } from '../common/actor.js';

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
  constructor(@Inject(PRISMA) private readonly prisma: Database) {}

  async adminGrants(adminId: number): Promise<Grant[]> {
    const rows = await this.prisma.roleAssignment.findMany({ where: { adminId }, include: grantInclude });
    return rows.map(grantOf).filter((g): g is Grant => g !== null);
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
    const session = await this.prisma.session.findUnique({
      where: { tokenHash: hashToken(token) },
      include: { admin: true, account: { include: { domain: true } } },
    });
    if (!session || session.revokedAt || session.expiresAt <= new Date()) return null;
    if (session.admin) {
      if (session.admin.disabled) return null;
      const grants = await this.adminGrants(session.admin.id);
      return { principal: { kind: 'admin', adminId: session.admin.id, name: session.admin.username, grants } as Principal, sessionId: session.id };
    }
    if (session.account) {
      if (session.account.status !== 'active' || session.account.domain.status !== 'active') return null;
      return {
        principal: { kind: 'user', accountId: session.account.id, name: session.account.address, domainPath: session.account.domain.path } as Principal,
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
