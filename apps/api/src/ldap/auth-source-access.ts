/**
 * Who manages a domain's authentication source: platform staff, and, where staff set
 * `postmasterMayManage` on the source, whoever may update the domain that owns it (its
 * postmaster). Creating a source, deleting one and the flag itself stay with staff.
 */
import { subject, type AppAbility } from '@schoolmail/rbac';
import type { AuthSourceRow } from '@schoolmail/mail-engine';
import { AppError } from '../common/errors.js';
import type { SourceOwner } from './effective-auth-source.js';

export const isStaff = (ability: AppAbility) => ability.can('manage', 'all');

export function requireStaff(ability: AppAbility) {
  if (!isStaff(ability)) throw new AppError('FORBIDDEN', "only platform staff may create or delete a domain's authentication source or set postmasterMayManage");
}

/** Staff, or a postmaster of `owner` when its source allows postmasters. */
export function requireSourceManager(ability: AppAbility, source: { row: AuthSourceRow; owner: SourceOwner } | null) {
  if (isStaff(ability)) return;
  if (source?.row.postmasterMayManage && ability.can('update', subject('Domain', source.owner as never))) return;
  throw new AppError('FORBIDDEN', "only platform staff, or the domain's postmaster where staff allows it (postmasterMayManage), may manage this authentication source");
}
