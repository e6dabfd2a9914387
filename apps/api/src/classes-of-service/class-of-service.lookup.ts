import { accessibleBy, type AppAbility } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import type { Database, Tx } from '../database/database.js';
import { AppError } from '../common/errors.js';

/** Names are unique regardless of case ("Gold" and "gold" are one class), so look them up that way. */
export const classOfServiceNamed = (name: string): Prisma.ClassOfServiceWhereInput => ({ name: { equals: name.trim(), mode: 'insensitive' } });

/**
 * A class of service the actor may assign (one it can read), by name; 400 naming the field
 * otherwise. With `forDomainPath` (the path of the domain that will use it, or of the
 * account's domain), a district's own class is refused outside the district's subtree.
 */
export async function usableClassOfService(db: Database | Tx, ability: AppAbility, name: string, field = 'classOfService', forDomainPath?: string) {
  const found = await db.classOfService.findFirst({
    where: { AND: [accessibleBy(ability, 'read').ClassOfService, classOfServiceNamed(name)] },
    include: { domain: { select: { name: true, path: true } } },
  });
  if (!found) throw AppError.invalid(field, `unknown class of service "${name}"`);
  if (forDomainPath !== undefined && found.domain && !forDomainPath.startsWith(found.domain.path)) {
    throw AppError.invalid(field, `class of service "${found.name}" belongs to ${found.domain.name} and can be used only there and in its sub-domains`);
  }
  return found;
}
