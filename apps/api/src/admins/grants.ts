/**
 * What admins, role assignments and API keys share: a grant asked for as `{ role | permissionSet,
 * domain }`, resolved against the actor's scope, and the one rule for handing it out.
 */
import { z } from 'zod';
import { accessibleBy, canGrant, permissionListSchema, probeAt, type Grant, type BuiltInRoleName } from '@schoolmail/rbac';
import type { BuiltInRole, Prisma } from '@schoolmail/prisma';
import type { Database, Tx } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { domainName } from '../common/validation.js';
import { scopeOf } from '../auth/principals.js';

export const ROLE_NAMES = ['staff', 'postmaster', 'subdomain-admin'] as const;

export const grantFields = {
  role: z.enum(ROLE_NAMES).optional(),
  permissionSet: z.string().trim().min(1, 'is required').max(64).optional(),
  domain: z.string().trim().min(1, 'is required').max(253).optional(),
};

/** Exactly one of role / permissionSet; staff takes no domain, everything else needs one. */
export function refineGrant(value: { role?: string | undefined; permissionSet?: string | undefined; domain?: string | undefined }, ctx: z.RefinementCtx) {
  if (value.role && value.permissionSet) ctx.addIssue({ code: 'custom', path: ['permissionSet'], message: 'give either "role" or "permissionSet", not both' });
  else if (!value.role && !value.permissionSet) ctx.addIssue({ code: 'custom', path: ['role'], message: 'give a "role" (staff, postmaster, subdomain-admin) or a "permissionSet"' });
  else if (value.role === 'staff' && value.domain) ctx.addIssue({ code: 'custom', path: ['domain'], message: 'the staff role is platform-wide and takes no domain' });
  else if (value.role !== 'staff' && !value.domain) ctx.addIssue({ code: 'custom', path: ['domain'], message: `is required for ${value.role ? `the ${value.role} role` : 'a permission set'}` });
}

export type GrantInput = { role?: (typeof ROLE_NAMES)[number] | undefined; permissionSet?: string | undefined; domain?: string | undefined };

export const toDbRole = (role: BuiltInRoleName): BuiltInRole => (role === 'subdomain-admin' ? 'subdomain_admin' : role);
export const fromDbRole = (role: BuiltInRole | null): BuiltInRoleName | null => (role === 'subdomain_admin' ? 'subdomain-admin' : role);

/** The same answer for a domain that does not exist and one outside the actor's scope. */
const unknownDomain = (name: string) => AppError.invalid('domain', `unknown domain "${name}"`);

/** A domain the actor can see, by name, for a body field; 400 naming the field otherwise. */
export async function domainForField(db: Database | Tx, actor: Actor, name: string, field = 'domain') {
  const parsed = domainName.safeParse(name);
  const notThere = field === 'domain' ? unknownDomain(name) : AppError.invalid(field, `unknown domain "${name}"`);
  if (!parsed.success) throw notThere;
  const domain = await db.domain.findFirst({ where: { AND: [accessibleBy(actor.ability, 'read').Domain, { name: parsed.data }] } });
  if (!domain) throw notThere;
  return domain;
}

export interface ResolvedGrant {
  grant: Grant;
  domain: { id: number; name: string; path: string } | null;
  /** The columns that store this grant (RoleAssignment and ApiKey share them). */
  columns: { role: BuiltInRole | null; permissionSetId: number | null; domainId: number | null };
}

/** Turns `{ role | permissionSet, domain }` into a grant the ability factory understands. */
export async function resolveGrant(db: Database | Tx, actor: Actor, input: GrantInput): Promise<ResolvedGrant> {
  const domain = input.domain ? await domainForField(db, actor, input.domain) : null;
  const scope = scopeOf(domain);
  if (input.role) {
    return {
      grant: { role: input.role, scope },
      domain,
      columns: { role: toDbRole(input.role), permissionSetId: null, domainId: domain?.id ?? null },
    };
  }
  const name = input.permissionSet!;
  const set = await db.permissionSet.findFirst({
    where: { AND: [accessibleBy(actor.ability, 'read').PermissionSet, { name }] },
    include: { domain: true },
  });
  if (!set) throw AppError.invalid('permissionSet', `unknown permission set "${name}"`);
  if (!scope) throw AppError.invalid('domain', 'is required for a permission set');
  if (set.domain && !scope.path.startsWith(set.domain.path)) {
    throw AppError.invalid('domain', `permission set "${name}" belongs to ${set.domain.name} and applies only inside it`);
  }
  const permissions = permissionListSchema.safeParse(set.permissions);
  if (!permissions.success) throw AppError.conflict(`permission set "${name}" holds permissions this server no longer knows; fix the set first`, 'permissionSet');
  return {
    grant: { permissionSet: set.name, permissions: permissions.data, scope },
    domain,
    columns: { role: null, permissionSetId: set.id, domainId: domain?.id ?? null },
  };
}

export const CANNOT_GRANT = 'you cannot grant a right you do not hold or a scope wider than yours';

/**
 * Nobody hands out (or takes back) a right they do not hold, nor over a scope wider than
 * theirs: the actor needs `action` on `subjectName` at the target domain and must be able
 * to grant what the grant gives.
 */
export function assertMayGrant(actor: Actor, subjectName: 'RoleAssignment' | 'ApiKey', action: 'create' | 'delete', grant: Grant) {
  const allowedHere = grant.scope ? actor.ability.can(action, probeAt(subjectName, grant.scope)) : actor.ability.can('manage', 'all');
  if (!allowedHere || !canGrant(actor.principal, actor.ability, grant)) throw new AppError('FORBIDDEN', CANNOT_GRANT);
}

export const grantRowInclude = { domain: true, permissionSet: true } satisfies Prisma.RoleAssignmentInclude;

/** How a stored grant reads in representations. */
export function presentGrantColumns(row: { role: BuiltInRole | null; permissionSet: { name: string } | null; domain: { name: string } | null }) {
  return { role: fromDbRole(row.role), permissionSet: row.permissionSet?.name ?? null, domain: row.domain?.name ?? null };
}

/** The domain an audit event about the actor's own delegation work is filed under. */
export function actorHome(actor: Actor) {
  if (actor.principal.kind === 'user') return null;
  const scoped = actor.principal.grants.find((g) => g.scope !== null);
  return scoped?.scope ? { id: scoped.scope.domainId, path: scoped.scope.path } : null;
}
