/**
 * The ability factory: one CASL ability per request, built from the principal's grants.
 * Every scoped rule carries a condition on the domain subtree (materialized path prefix),
 * so the same rules check single objects in memory and filter lists in SQL.
 */
import { AbilityBuilder, subject as caslSubject } from '@casl/ability';
import { createPrismaAbility, type AppAbility } from './casl-prisma.js';
import { PERMISSION_REGISTRY, type Permission, type SubjectName } from './permissions.js';

export type BuiltInRoleName = 'staff' | 'postmaster' | 'subdomain-admin';
export const BUILT_IN_ROLES: readonly BuiltInRoleName[] = ['staff', 'postmaster', 'subdomain-admin'];

/** Where a grant applies: a domain subtree (null scope = the whole platform, staff only). */
export interface DomainScope {
  domainId: number;
  name: string;
  path: string;
  depth: number;
}

export type Grant =
  | { role: BuiltInRoleName; scope: DomainScope | null }
  | { permissionSet: string; permissions: Permission[]; scope: DomainScope };

export type Principal =
  | { kind: 'admin'; adminId: number; name: string; grants: Grant[] }
  | { kind: 'apiKey'; apiKeyId: number; name: string; grants: Grant[] }
  | { kind: 'user'; accountId: number; name: string; domainPath: string };

type Can = AbilityBuilder<AppAbility>['can'];

/** The condition that puts an object of `subject` inside the subtree at `path`. */
export function subtreeConditions(subject: SubjectName, path: string): object[] {
  const underPath = { path: { startsWith: path } };
  const inDomain = { domain: { is: underPath } };
  switch (subject) {
    case 'Domain':
      return [underPath];
    case 'Account':
    case 'Alias':
    case 'MailingList':
    case 'Group':
    case 'ClassOfService':
    case 'RoleAssignment':
    case 'PermissionSet':
    case 'ApiKey':
    case 'Webhook':
    case 'Job':
      return [inDomain];
    case 'RpopSource':
      return [{ account: { is: inDomain } }];
    case 'WordList':
      return [
        { scope: 'domain', ...inDomain },
        { scope: 'account', account: { is: inDomain } },
      ];
    case 'Admin':
      return [{ assignments: { some: inDomain } }];
    case 'AuditEvent':
    case 'QuarantineEntry':
      return [{ domainPath: { startsWith: path } }];
    case 'QueueEntry':
      // Mail sent from the subtree, and mail its aliases and lists forward elsewhere.
      return [{ senderDomainPath: { startsWith: path } }, { localDomainPath: { startsWith: path } }];
    case 'StorageUnit':
    case 'Transport':
    case 'RemoteDomain':
      // Platform infrastructure has no place in a subtree: only staff (manage all) reaches it.
      return [];
  }
}

function grantPermission(can: Can, permission: Permission, scope: DomainScope) {
  for (const condition of subtreeConditions(permission.subject, scope.path)) {
    if (permission.subject === 'Domain' && permission.action === 'delete') {
      // A delegated admin may remove sub-domains of its subtree, never the subtree's root.
      can('delete', 'Domain', { path: { startsWith: scope.path }, depth: { gt: scope.depth } });
      continue;
    }
    can(permission.action, permission.subject, condition as never);
  }
}

/** The rights of the delegated roles: the whole registry inside their subtree. */
const DELEGATED_ROLE_PERMISSIONS: Permission[] = PERMISSION_REGISTRY.map(({ action, subject }) => ({ action, subject }));

export function permissionsOf(grant: Grant): Permission[] | 'all' {
  if ('permissionSet' in grant) return grant.permissions;
  return grant.role === 'staff' ? 'all' : DELEGATED_ROLE_PERMISSIONS;
}

export function defineAbilityFor(principal: Principal): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createPrismaAbility);
  if (principal.kind === 'user') {
    // A mailbox owner: its own mailbox and its own word lists, nothing else. Not the system
    // lists: their entries are the platform's filter (a student must not download it), and
    // no screen of the owner's needs the lists themselves; the names, actions and directions
    // of every list applied to the mailbox come with its effective settings (read Account).
    can('read', 'Account', { id: principal.accountId });
    can('update', 'Account', ['password'], { id: principal.accountId });
    can(['read', 'create', 'update', 'delete'], 'WordList', { scope: 'account', accountId: principal.accountId });
    can(['read', 'create', 'update', 'delete'], 'RpopSource', { accountId: principal.accountId });
    return build();
  }
  for (const grant of principal.grants) {
    const permissions = permissionsOf(grant);
    if (permissions === 'all') {
      can('manage', 'all');
      continue;
    }
    if (!grant.scope) continue;
    for (const permission of permissions) grantPermission(can, permission, grant.scope);
  }
  if (principal.grants.length > 0) {
    // Shared, platform-wide objects that every administrator may look at (never change).
    can('read', 'ClassOfService', { domainId: null });
    can('read', 'WordList', { scope: 'system' });
    can('read', 'PermissionSet', { domainId: null });
  }
  if (principal.kind === 'admin' && principal.grants.some((grant) => permissionsOf(grant) === 'all' || hasPermission(grant, 'create', 'Admin'))) {
    // Admins one created stay visible to their creator until they get an assignment.
    can(['read', 'update', 'delete'], 'Admin', { createdById: principal.adminId });
  }
  return build();
}

function hasPermission(grant: Grant, action: Permission['action'], subject: SubjectName) {
  const permissions = permissionsOf(grant);
  return permissions === 'all' || permissions.some((p) => p.action === action && p.subject === subject);
}

/**
 * An object of `subjectName` placed at `domain`, to ask "could I do `action` there?".
 * Deleting a domain is asked of a sub-domain, since no delegated admin may delete the root
 * of its own subtree.
 */
export function probeAt(subjectName: SubjectName, domain: DomainScope, action?: Permission['action']) {
  const inDomain = { domainId: domain.domainId, domain: { path: domain.path, depth: domain.depth } };
  switch (subjectName) {
    case 'Domain':
      return action === 'delete'
        ? caslSubject('Domain', { path: `${domain.path}sub/`, depth: domain.depth + 1 } as never)
        : caslSubject('Domain', { id: domain.domainId, path: domain.path, depth: domain.depth } as never);
    case 'WordList':
      return caslSubject('WordList', { scope: 'domain', ...inDomain } as never);
    case 'Admin':
      return caslSubject('Admin', { assignments: [{ domain: { path: domain.path } }] } as never);
    case 'AuditEvent':
    case 'QuarantineEntry':
      return caslSubject(subjectName, { domainPath: domain.path } as never);
    case 'QueueEntry':
      return caslSubject('QueueEntry', { senderDomainPath: domain.path, localDomainPath: domain.path } as never);
    case 'RpopSource':
      return caslSubject('RpopSource', { account: inDomain } as never);
    default:
      return caslSubject(subjectName, inDomain as never);
  }
}

const ROLE_RANK: Record<BuiltInRoleName, number> = { staff: 3, postmaster: 2, 'subdomain-admin': 1 };

/**
 * May `principal` hand out `grant`? Nobody grants a right they do not hold, nor over a
 * scope wider than their own: staff grants anything; a postmaster grants sub-domain admins
 * inside its subtree; a sub-domain admin grants sub-domain admins inside its own subtree;
 * a permission set only when the grantor could do every one of its actions at the target.
 */
export function canGrant(principal: Principal, ability: AppAbility, grant: Grant): boolean {
  if (principal.kind === 'user') return false;
  if (principal.grants.some((held) => permissionsOf(held) === 'all')) return true;
  const target = grant.scope;
  if (!target) return false;
  if ('role' in grant) {
    if (grant.role === 'staff' || grant.role === 'postmaster') return false;
    return principal.grants.some(
      (held) =>
        'role' in held &&
        held.scope !== null &&
        ROLE_RANK[held.role] >= ROLE_RANK[grant.role] &&
        target.path.startsWith(held.scope.path),
    );
  }
  return grant.permissions.every((permission) => ability.can(permission.action, probeAt(permission.subject, target, permission.action)));
}
