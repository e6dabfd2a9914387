import { probeAt, type Grant } from '@schoolmail/rbac';
import type { QueueScope } from '@schoolmail/mail-engine';
import type { Actor } from '../common/actor.js';

export const isStaff = (actor: Actor) => actor.ability.can('manage', 'all');

/**
 * The queue entries an actor may see (`read`) or act on (`update`, `delete`), as the
 * domain-path prefixes the engine's queue administration filters on in SQL: staff all of
 * them; another administrator those whose sender's domain lies under one of its grants
 * whose ability allows that action on QueueEntry there.
 */
export function queueScope(actor: Actor, action: 'read' | 'update' | 'delete'): QueueScope {
  if (isStaff(actor)) return 'all';
  if (actor.principal.kind === 'user') return [];
  const grants: Grant[] = actor.principal.grants;
  const paths = grants.filter((g) => g.scope && actor.ability.can(action, probeAt('QueueEntry', g.scope))).map((g) => g.scope!.path);
  // A path under another one adds nothing.
  return [...new Set(paths)].filter((path, _, all) => !all.some((other) => other !== path && path.startsWith(other)));
}

/** The domain an actor's queue actions are filed under in the audit log (its first scope). */
export function auditDomainOf(actor: Actor) {
  if (isStaff(actor) || actor.principal.kind === 'user') return null;
  const scope = actor.principal.grants.find((g) => g.scope)?.scope;
  return scope ? { id: scope.domainId, path: scope.path } : null;
}
