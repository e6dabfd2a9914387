import { ForbiddenError, probeAt, subject, type SubjectName } from '@schoolmail/rbac';
import type { Database, Tx } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { domainName } from '../common/validation.js';
import { scopeOf } from '../auth/principals.js';

export interface OwnerDomain {
  id: number;
  name: string;
  path: string;
  depth: number;
}

/**
 * The domain subtree a new webhook or job belongs to: the one asked for, else the actor's
 * own scope when it has exactly one, else the platform (null) for staff. Checks that the
 * actor may `create` a `subjectName` there: 404 for a domain outside its scope, 403 inside
 * it without the right.
 */
export async function ownerDomainFor(db: Database | Tx, actor: Actor, subjectName: SubjectName, requested: string | undefined): Promise<OwnerDomain | null> {
  const domain = requested ? await namedDomain(db, actor, subjectName, requested) : defaultDomain(actor);
  const scope = scopeOf(domain);
  ForbiddenError.from(actor.ability).throwUnlessCan('create', scope ? probeAt(subjectName, scope) : subject(subjectName, { domainId: null } as never));
  return domain;
}

async function namedDomain(db: Database | Tx, actor: Actor, subjectName: SubjectName, name: string) {
  const parsed = domainName.safeParse(name);
  const row = parsed.success ? await db.domain.findUnique({ where: { name: parsed.data }, select: { id: true, name: true, path: true, depth: true } }) : null;
  if (!row || !actor.ability.can('read', probeAt(subjectName, scopeOf(row)!))) throw AppError.notFound('domain', name);
  return row;
}

function defaultDomain(actor: Actor): OwnerDomain | null {
  if (actor.ability.can('manage', 'all') || actor.principal.kind === 'user') return null;
  const scopes = [...new Map(actor.principal.grants.flatMap((grant) => (grant.scope ? [[grant.scope.domainId, grant.scope] as const] : []))).values()];
  if (scopes.length !== 1) throw AppError.invalid('domain', 'is required: you administer several domains, say which one this belongs to');
  const scope = scopes[0]!;
  return { id: scope.domainId, name: scope.name, path: scope.path, depth: scope.depth };
}
