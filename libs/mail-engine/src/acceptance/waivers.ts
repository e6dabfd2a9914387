/**
 * Which content rules a whitelisted sender or a trusted network skips.
 *
 * ARCHITECTURE.md 5: a narrower level can only restrict what a wider level allows, and the
 * system word lists apply together with the domain and account lists. So a waiver (a
 * trusted network or whitelisted sender in the acceptance policy of one level) skips only
 * the content rules OWNED at that level or narrower:
 *
 * - server (staff's policy): every rule;
 * - domain D (its postmaster's): the lists of D and of D's sub-domains, the attachment
 *   limits set at D, below D, or on groups and accounts of D's subtree, and the own lists
 *   of D's mailboxes; never a system list, a parent domain's list or limit, the server's
 *   limit, nor anything of another district (an authenticated sender's district does not
 *   waive its recipients' lists elsewhere);
 * - group G: its own limit and the rules owned by the accounts of the message that are its
 *   members (their own lists and limits);
 * - account A: its own lists and its own limit.
 *
 * A rule is owned by whoever may change it: a system list by staff (server), a domain list
 * by its domain, an account list by its mailbox, an attachment limit by the level of the
 * policy that sets it. A list applied through a class of service keeps its owner: a
 * district's class may apply a parent's list, and a waiver at the district must not skip it.
 *
 * Simpler rules were weighed: "only staff's waivers count" breaks the districts' own
 * whitelists (a partner school's newsletter skipping the district's own list), and "a
 * waiver skips everything of the levels it applies to" is what let one postmaster switch
 * the platform's system lists off.
 */
import type { PrismaClient } from '@schoolmail/prisma';
import type { AppliedWordList } from '../settings/resolve-settings.js';
import { appliesTo, type MailDirection } from '../policy/types.js';
import type { PolicyLevelRef } from './resolve-policy.js';

/** Who owns a content rule (a word list, an attachment limit). */
export type RuleOwner =
  | { level: 'server' }
  | { level: 'domain'; path: string }
  | { level: 'group'; id: number; domainPath: string }
  | { level: 'account'; id: number; domainPath: string };

export interface Waiver {
  /** The level whose policy trusts the client or whitelists the sender. */
  at: PolicyLevelRef;
  /** e.g. "trusted network 10.0.0.0/8 at domain district1.k12.us". */
  reason: string;
}

/** The owner of the rules a level's policy sets (its attachment limit). */
export function ownerOfLevel(ref: PolicyLevelRef): RuleOwner {
  switch (ref.level) {
    case 'server':
      return { level: 'server' };
    case 'domain':
      return { level: 'domain', path: ref.path };
    case 'group':
      return { level: 'group', id: ref.id, domainPath: ref.domainPath };
    case 'account':
      return { level: 'account', id: ref.id, domainPath: ref.domainPath };
  }
}

/** Does a waiver at `at` cover a rule owned by `owner`? (The rules are in the header.) */
export function covers(at: PolicyLevelRef, owner: RuleOwner): boolean {
  switch (at.level) {
    case 'server':
      return true;
    case 'domain':
      if (owner.level === 'server') return false;
      return (owner.level === 'domain' ? owner.path : owner.domainPath).startsWith(at.path);
    case 'group':
      return (owner.level === 'group' && owner.id === at.id) || (owner.level === 'account' && at.members.includes(owner.id));
    case 'account':
      return owner.level === 'account' && owner.id === at.id;
  }
}

/** The widest of `decision`'s waivers that covers a rule of `owner`, if any. */
export function waiverOf(decision: { waivers: readonly Waiver[] }, owner: RuleOwner): Waiver | undefined {
  return decision.waivers.find((waiver) => covers(waiver.at, owner));
}

export type WordListOwnerDb = Pick<PrismaClient, 'wordList'>;

const OWNER_TTL_MS = 5_000;
/** Per database client (test databases reuse ids): list id -> owner, for a few seconds (a domain can move). */
const ownerCaches = new WeakMap<object, Map<number, { owner: RuleOwner; expires: number }>>();

/** The owners of domain and account word lists by id; a list that is gone counts as the server's (never waived below it). */
export async function wordListOwners(db: WordListOwnerDb, ids: readonly number[]): Promise<Map<number, RuleOwner>> {
  let cache = ownerCaches.get(db);
  if (!cache) ownerCaches.set(db, (cache = new Map()));
  const now = Date.now();
  const result = new Map<number, RuleOwner>();
  const missing: number[] = [];
  for (const id of new Set(ids)) {
    const hit = cache.get(id);
    if (hit && hit.expires >= now) result.set(id, hit.owner);
    else missing.push(id);
  }
  if (missing.length) {
    const rows = await db.wordList.findMany({
      where: { id: { in: missing } },
      select: { id: true, scope: true, accountId: true, domain: { select: { path: true } }, account: { select: { domain: { select: { path: true } } } } },
    });
    if (cache.size >= 10_000) cache.clear();
    for (const id of missing) {
      const row = rows.find((r) => r.id === id);
      const owner: RuleOwner =
        row?.scope === 'domain' && row.domain
          ? { level: 'domain', path: row.domain.path }
          : row?.scope === 'account' && row.account && row.accountId !== null
            ? { level: 'account', id: row.accountId, domainPath: row.account.domain.path }
            : { level: 'server' };
      cache.set(id, { owner, expires: now + OWNER_TTL_MS });
      result.set(id, owner);
    }
  }
  return result;
}

export interface ApplicableWordLists {
  /** The lists to scan with. */
  apply: AppliedWordList[];
  /** The lists of the direction that a waiver skips, each with the waiver. */
  waived: Array<{ list: AppliedWordList; waiver: Waiver }>;
}

/**
 * The word lists that apply to a mailbox's mail in one direction under an acceptance
 * decision: of its effective lists (effective settings: system, domain chain, account and
 * class-of-service lists), those of the direction, minus those a waiver covers. SMTP (DATA)
 * and the API's dry run both ask here, so they cannot disagree.
 */
export async function applicableWordLists(
  db: WordListOwnerDb,
  lists: readonly AppliedWordList[],
  direction: MailDirection,
  decision: { waivers: readonly Waiver[] },
): Promise<ApplicableWordLists> {
  const ofDirection = lists.filter((list) => appliesTo(list, direction));
  if (decision.waivers.length === 0 || ofDirection.length === 0) return { apply: ofDirection, waived: [] };
  const everything = decision.waivers.find((waiver) => waiver.at.level === 'server');
  if (everything) return { apply: [], waived: ofDirection.map((list) => ({ list, waiver: everything })) };
  const owned = ofDirection.filter((list) => list.scope !== 'system').map((list) => list.id);
  const owners = owned.length ? await wordListOwners(db, owned) : new Map<number, RuleOwner>();
  const result: ApplicableWordLists = { apply: [], waived: [] };
  for (const list of ofDirection) {
    const waiver = waiverOf(decision, owners.get(list.id) ?? { level: 'server' });
    if (waiver) result.waived.push({ list, waiver });
    else result.apply.push(list);
  }
  return result;
}
