import { accessibleBy, type AppAbility } from '@schoolmail/rbac';
import type { Tx } from '../database/database.js';
import { AppError } from '../common/errors.js';

/**
 * The word lists a class of service may apply, by id: lists the actor can read, system lists
 * for a platform-wide class, and for a district's class also the lists of domains along its
 * branch (never a mailbox's own list). 400 naming `wordLists` otherwise.
 */
export async function attachableWordLists(tx: Tx, ability: AppAbility, ids: number[], owner: { path: string } | null) {
  if (ids.length === 0) return [];
  const rows = await tx.wordList.findMany({
    where: { AND: [accessibleBy(ability, 'read').WordList, { id: { in: ids } }] },
    select: { id: true, name: true, scope: true, domain: { select: { name: true, path: true } } },
  });
  for (const id of ids) {
    const row = rows.find((r) => r.id === id);
    if (!row) throw AppError.invalid('wordLists', `unknown word list ${id}`);
    if (row.scope === 'account') throw AppError.invalid('wordLists', `word list ${id} belongs to one mailbox and cannot be part of a class of service`);
    if (row.scope === 'domain') {
      const listPath = row.domain!.path;
      if (!owner) throw AppError.invalid('wordLists', `word list ${id} belongs to ${row.domain!.name}; a platform-wide class can apply only system word lists`);
      if (!owner.path.startsWith(listPath) && !listPath.startsWith(owner.path)) {
        throw AppError.invalid('wordLists', `word list ${id} belongs to ${row.domain!.name}, outside the branch of this class's domain`);
      }
    }
  }
  return rows.map((r) => ({ id: r.id }));
}
