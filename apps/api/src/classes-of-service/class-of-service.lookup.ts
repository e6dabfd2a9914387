import { accessibleBy, type AppAbility } from '@schoolmail/rbac';
import type { Database, Tx } from '../database/database.js';
import { AppError } from '../common/errors.js';

/** A class of service the actor may assign (one it can read), by name; 400 naming the field otherwise. */
export async function usableClassOfService(db: Database | Tx, ability: AppAbility, name: string, field = 'classOfService') {
  const found = await db.classOfService.findFirst({ where: { AND: [accessibleBy(ability, 'read').ClassOfService, { name }] } });
  if (!found) throw AppError.invalid(field, `unknown class of service "${name}"`);
  return found;
}
