import { subject } from '@schoolmail/rbac';
import type { Database, Tx } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError, type FieldError } from '../common/errors.js';
import { boundingClass, outOfBounds, type ClassValues } from './class-of-service.bounds.js';

/**
 * Where a class of service is being assigned, with the class it has now (`classOfServiceId`):
 * - a domain: its own `path` and `depth` (one being created: its parent's path + "new/"),
 * - an account, or accounts being created, in `domain`.
 */
export type ClassPlace =
  | { kind: 'domain'; name: string; path: string; depth: number; classOfServiceId: number | null; created?: boolean }
  | { kind: 'account'; name: string; domain: { name: string; path: string }; classOfServiceId: number | null };

export type AssignableClass = ClassValues & { id: number; name: string };

const isStaff = (actor: Actor) => actor.ability.can('manage', 'all');

/** The path of the level above a domain (`/1/5/` -> `/1/`; a domain being created: its parent's). */
const parentPathOf = (path: string) => {
  const ids = path.split('/').filter(Boolean).slice(0, -1);
  return ids.length ? `/${ids.join('/')}/` : '/';
};

/**
 * May `actor` assign `klass` (null: remove the class) at `place`? A narrower level can only
 * restrict what a wider level allows (ARCHITECTURE.md §5), so for anyone but platform staff:
 * - a domain's class is decided one level up: changing it takes the right to change the parent
 *   domain, so the root of an administrator's subtree keeps the class set above it (by staff,
 *   or by the admin of a wider subtree), and removing it cannot lift that limit (403);
 * - the class must be within the bounds of the class that applies at the level above: for a
 *   domain, the nearest class among its parent domains; for an account, the nearest among its
 *   domain and their parents (400 naming `field` and each limit it would pass).
 * Staff assign anything. Keeping the class a place already has is never refused.
 */
export async function assertAssignable(db: Database | Tx, actor: Actor, klass: AssignableClass | null, place: ClassPlace, field = 'classOfService') {
  if (isStaff(actor) || (klass?.id ?? null) === place.classOfServiceId) return;
  if (place.kind === 'domain' && !place.created && !actor.ability.can('update', subject('Domain', { path: parentPathOf(place.path), depth: place.depth - 1 } as never))) {
    const message = `the class of service of ${place.name} is the limit set for it from above: only platform staff${place.depth > 0 ? ' or an administrator of its parent domain' : ''} may change it`;
    throw new AppError('FORBIDDEN', `${field}: ${message}`, { errors: [{ field, message }] });
  }
  if (!klass) return;
  const refusal = (await refusalsAt(db, actor, [klass], place, field)).get(klass.id);
  if (refusal) throw refusal;
}

/**
 * The classes of `classes` that `actor` may not assign at `place` for the bounds (as
 * `assertAssignable` says), each with its 400; one query for the whole set. Empty for staff.
 */
export async function refusalsAt(db: Database | Tx, actor: Actor, classes: AssignableClass[], place: ClassPlace, field = 'classOfService') {
  const refused = new Map<number, AppError>();
  if (isStaff(actor) || classes.length === 0) return refused;
  const bounds = await boundingClass(db, place.kind === 'domain' ? { path: parentPathOf(place.path) } : place.domain);
  for (const klass of classes) {
    const over = outOfBounds(bounds, klass);
    if (over.length === 0) continue;
    const errors: FieldError[] = over.map((e) => ({ field, message: `class of service "${klass.name}" is beyond the limits of ${place.name}: ${e.field} ${e.message}` }));
    refused.set(klass.id, new AppError('BAD_USER_INPUT', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors }));
  }
  return refused;
}

/**
 * May `actor` move a domain (`domain`: where its subtree is now) to `place` (its new path and
 * depth, named as the move)? A move must not carry a class of service past the limits of its
 * new place, so for anyone but staff every class assigned in the subtree (`classOfServiceId`:
 * the domain's own, as this change leaves it; its sub-domains' and its accounts') must be within
 * the bounds there (400 naming `field` and each class and limit). One query for the classes in
 * use, one for the bounds.
 */
export async function assertMovable(
  db: Database | Tx,
  actor: Actor,
  domain: { id: number; name: string; path: string },
  classOfServiceId: number | null,
  place: Extract<ClassPlace, { kind: 'domain' }>,
  field = 'parent',
) {
  if (isStaff(actor)) return;
  const inSubtree = { path: { startsWith: domain.path } };
  const used = await db.classOfService.findMany({
    where: {
      OR: [
        ...(classOfServiceId === null ? [] : [{ id: classOfServiceId }]),
        { domains: { some: { ...inSubtree, id: { not: domain.id } } } },
        { accounts: { some: { domain: inSubtree } } },
      ],
    },
    orderBy: { name: 'asc' },
  });
  const refused = [...(await refusalsAt(db, actor, used, place, field)).values()];
  if (refused.length === 0) return;
  const errors = refused.flatMap((refusal) => refusal.extra.errors ?? []);
  const summary = `${domain.name} or a sub-domain or account in it has a class of service beyond the limits of its new place`;
  throw new AppError('BAD_USER_INPUT', `${field}: ${summary}: ${errors.map((e) => e.message).join('; ')}`, { errors });
}
