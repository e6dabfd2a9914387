/**
 * One table of every deliverable address (`Address`), whatever owns it: an account, an
 * alias, a mailing list or a group. Its primary key makes a duplicate across kinds
 * impossible, even under concurrent creates; these helpers turn that into a clear 409.
 */
import type { AddressKind } from '@schoolmail/prisma';
import type { Tx } from '../database/database.js';
import { AppError } from '../common/errors.js';

/** Reserves `address` for an object of `kind` in `domainId`, inside the caller's transaction. */
export async function claimAddress(tx: Tx, address: string, kind: AddressKind, domainId: number, field = 'localPart') {
  const existing = await tx.address.findUnique({ where: { address } });
  if (existing) throw AppError.conflict(`${address} is already used by ${existing.kind === 'alias' ? 'an' : 'a'} ${existing.kind === 'list' ? 'mailing list' : existing.kind}`, field);
  // The primary key still guards against a concurrent claim (P2002 -> 409).
  await tx.address.create({ data: { address, kind, domainId } });
}

export async function releaseAddress(tx: Tx, address: string) {
  await tx.address.deleteMany({ where: { address } });
}
