/**
 * One table of every deliverable address (`Address`), whatever owns it: an account, an
 * alias, a mailing list or a group. Its primary key makes a duplicate across kinds
 * impossible, even under concurrent creates; these helpers turn that into a clear 409.
 */
import type { AddressKind } from '@schoolmail/prisma';
import type { Tx } from '../database/database.js';
import { AppError } from '../common/errors.js';

const OWNER_NAMES: Record<AddressKind, string> = { account: 'an account', alias: 'an alias', list: 'a mailing list', group: 'a group' };

/** "jane@x is already used by an account": the conflict message for an address taken by `kind`. */
export const alreadyUsedBy = (address: string, kind: AddressKind) => `${address} is already used by ${OWNER_NAMES[kind]}`;

/** Reserves `address` for an object of `kind` in `domainId`, inside the caller's transaction. */
export async function claimAddress(tx: Tx, address: string, kind: AddressKind, domainId: number, field = 'localPart') {
  const existing = await tx.address.findUnique({ where: { address } });
  if (existing) throw AppError.conflict(alreadyUsedBy(address, existing.kind), field);
  // The primary key still guards against a concurrent claim (P2002 -> 409).
  await tx.address.create({ data: { address, kind, domainId } });
}

export async function releaseAddress(tx: Tx, address: string) {
  await tx.address.deleteMany({ where: { address } });
}
