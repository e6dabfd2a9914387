/**
 * What aliases, mailing lists and groups have in common: each is a local part in a domain,
 * claimed in the address registry, and found again by its full address.
 */
import { ForbiddenError, subject } from '@schoolmail/rbac';
import type { Database, Tx } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { mailAddress } from '../common/validation.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination.js';
import { visibleDomain } from '../domains/domains.service.js';

export type AddressedSubject = 'Alias' | 'MailingList' | 'Group';

/**
 * The domain a new alias, list or group goes into: 404 when the actor cannot see it,
 * 403 when it can see it but may not create this kind of object there.
 */
export async function domainForNewObject(tx: Tx, actor: Actor, subjectName: AddressedSubject, domainName: string) {
  const domain = await visibleDomain(tx, actor.ability, domainName);
  ForbiddenError.from(actor.ability).throwUnlessCan(
    'create',
    subject(subjectName, { domainId: domain.id, domain: { path: domain.path, depth: domain.depth } } as never),
  );
  return domain;
}

/** The normalized form of an address taken from a URL, or null when it cannot be one. */
export function normalizedAddress(raw: string): string | null {
  const parsed = mailAddress.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** A member address from a URL or argument: normalized, or a 400 naming `member`. */
export function memberAddress(raw: string): string {
  const parsed = mailAddress.safeParse(raw);
  if (!parsed.success) throw AppError.invalid('member', parsed.error.issues[0]?.message ?? 'is not an e-mail address');
  return parsed.data;
}

/** Refuses, naming `<field>.N`, an entry that is the object's own address (a delivery loop). */
export function refuseSelfReference(field: string, ownAddress: string, addresses: readonly string[] | undefined, what: string) {
  const index = addresses?.indexOf(ownAddress) ?? -1;
  if (index >= 0) throw AppError.invalid(`${field}.${index}`, `${ownAddress} is the ${what} itself: that would make a delivery loop`);
}

/** A zod refinement for arrays of addresses: each one at most once, naming `<field>.N`. */
export function noRepeats(list: readonly string[], ctx: { addIssue: (issue: { code: 'custom'; path: number[]; message: string }) => void }) {
  list.forEach((value, index) => {
    if (list.indexOf(value) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `repeats ${value}` });
  });
}

/**
 * Keyset pagination for member tables, whose rows have no surrogate id: the member's
 * address is unique within its list or group, so it is the whole key.
 */
export function addressKeyset(query: { limit: number; cursor?: string | undefined }) {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor).value;
  if (after !== undefined && typeof after !== 'string') throw AppError.invalid('cursor', 'is not a cursor this API gave out');
  return {
    after: after as string | undefined,
    take: query.limit + 1,
    page<Row, Out>(rows: Row[], addressOf: (row: Row) => string, present: (row: Row) => Out): Page<Out> {
      const more = rows.length > query.limit;
      const kept = more ? rows.slice(0, query.limit) : rows;
      const last = kept.at(-1);
      return { items: kept.map(present), nextCursor: more && last ? encodeCursor(addressOf(last), addressOf(last)) : null };
    },
  };
}

/** The domain of a list query, by name: 404 when out of scope. */
export async function domainToList(db: Database, actor: Actor, domainName: string) {
  return visibleDomain(db, actor.ability, domainName);
}

/** A 201 for a member just added, a 200 for one that already was (PUT is idempotent). */
export interface StatusSettable {
  status(code: number): unknown;
}
