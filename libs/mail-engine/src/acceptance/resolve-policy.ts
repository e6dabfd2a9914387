/**
 * The effective acceptance policy of one message for one recipient (ARCHITECTURE.md 3 and 5):
 * the AcceptancePolicy rows of every level that applies (server, each domain up the parent
 * chain, each group the account belongs to, the account) taken together. A whitelisted
 * sender or a trusted client network at a level is a waiver of that level: it skips the
 * content rules owned at that level or narrower, never those of a wider level (see
 * waivers.ts). The attachment limit is the strictest (smallest) one set along the chain
 * that no waiver covers.
 *
 * Called per message and recipient, so both the level chain of a subject and the compiled
 * policies of a chain are cached for a few seconds (per database client, so test databases
 * with overlapping ids never share entries). A change made through the API shows within
 * that time, or at once in the same process through `invalidateAcceptancePolicies`.
 */
import type { PrismaClient } from '@schoolmail/prisma';
import { findNetwork, parseNetwork, type Network } from './cidr.js';
import { parseSenderPattern, senderMatches, senderParts, type SenderPattern } from './sender-patterns.js';
import { ownerOfLevel, waiverOf, type Waiver } from './waivers.js';

export type AcceptanceDb = Pick<PrismaClient, 'account' | 'domain' | 'acceptancePolicy'>;

export interface AcceptanceQuery {
  clientIp: string | null | undefined;
  /** Envelope sender (MAIL FROM); empty for bounces, which no whitelist covers. */
  sender: string | null | undefined;
  recipientAccountId?: number | null;
  /** The recipient's domain when it has no account of its own (an alias, a list). */
  recipientDomainId?: number | null;
  /** The authenticated sender, whose own chain applies to what it sends. */
  senderAccountId?: number | null;
}

export interface AcceptanceDecision {
  /** Every content rule is waived: a waiver at the server level (staff's), which covers all. */
  skipContentChecks: boolean;
  /** The widest waiver's reason, e.g. "whitelisted sender @partner.org at domain district1.k12.us". */
  reason?: string;
  /** The levels whose policy trusts the client or whitelists the sender, widest first. */
  waivers: Waiver[];
  /** The strictest attachment limit that no waiver covers; null for none. */
  maxAttachmentKb: number | null;
}

export type PolicyLevelRef =
  | { level: 'server' }
  | { level: 'domain'; id: number; name: string; path: string }
  /** `members`: the accounts of the message (recipient, authenticated sender) that belong to the group. */
  | { level: 'group'; id: number; address: string; domainPath: string; members: number[] }
  | { level: 'account'; id: number; address: string; domainPath: string };

interface CompiledPolicy {
  key: string;
  where: string;
  senders: SenderPattern[];
  networks: Network[];
  maxAttachmentKb: number | null;
}

const DEFAULT_TTL_MS = 5_000;
const LEVEL_RANK = { server: 0, domain: 1, group: 2, account: 3 } as const;

const keyOf = (ref: PolicyLevelRef) => (ref.level === 'server' ? 'server' : `${ref.level[0]}${ref.id}`);
/** Parent domains before their sub-domains (a path has one more "/" per level). */
const depthOf = (ref: PolicyLevelRef) => (ref.level === 'domain' ? ref.path.length - ref.path.replaceAll('/', '').length : 0);

/** How a level reads in a decision's reason. */
export function describeLevel(ref: PolicyLevelRef): string {
  switch (ref.level) {
    case 'server':
      return 'server';
    case 'domain':
      return `domain ${ref.name}`;
    default:
      return `${ref.level} ${ref.address}`;
  }
}

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  constructor(private readonly ttlMs: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V) {
    // Bounded: a burst of distinct recipients cannot grow the map without limit.
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
  }

  clear() {
    this.entries.clear();
  }
}

export function compilePolicy(ref: PolicyLevelRef, row: { whitelistedSenders: string[]; trustedNetworks: string[]; maxAttachmentKb: number | null }): CompiledPolicy {
  // Rows are validated on the way in; anything unparsable (written around the API) is skipped.
  const senders = row.whitelistedSenders.map(parseSenderPattern).filter((p): p is SenderPattern => !('error' in p));
  const networks = row.trustedNetworks.map(parseNetwork).filter((n): n is Network => !('error' in n));
  return { key: keyOf(ref), where: describeLevel(ref), senders, networks, maxAttachmentKb: row.maxAttachmentKb };
}

export class AcceptancePolicyResolver {
  private readonly chains: TtlCache<PolicyLevelRef[]>;
  private readonly policies: TtlCache<CompiledPolicy[]>;

  constructor(
    private readonly db: AcceptanceDb,
    ttlMs = DEFAULT_TTL_MS,
  ) {
    this.chains = new TtlCache(ttlMs);
    this.policies = new TtlCache(ttlMs);
  }

  invalidate() {
    this.chains.clear();
    this.policies.clear();
  }

  async resolve(query: AcceptanceQuery): Promise<AcceptanceDecision> {
    const levels = await this.levelsOf(query);
    const compiled = await this.policiesOf(levels);
    const refOf = new Map(levels.map((ref) => [keyOf(ref), ref]));
    const sender = senderParts(query.sender);
    // One waiver per level at most: its trusted network, else its whitelisted sender.
    const waivers: Waiver[] = [];
    for (const policy of compiled) {
      const network = findNetwork(policy.networks, query.clientIp);
      const pattern = network || !sender ? undefined : policy.senders.find((p) => senderMatches(p, sender));
      if (network) waivers.push({ at: refOf.get(policy.key)!, reason: `trusted network ${network.text} at ${policy.where}` });
      else if (pattern) waivers.push({ at: refOf.get(policy.key)!, reason: `whitelisted sender ${pattern.text} at ${policy.where}` });
    }
    // A limit is a content rule of the level that set it: only a waiver at that level or wider lifts it.
    const maxima = compiled
      .filter((policy) => policy.maxAttachmentKb !== null && !waiverOf({ waivers }, ownerOfLevel(refOf.get(policy.key)!)))
      .map((policy) => policy.maxAttachmentKb!);
    const maxAttachmentKb = maxima.length ? Math.min(...maxima) : null;
    const everything = waivers.find((waiver) => waiver.at.level === 'server');
    return { skipContentChecks: everything !== undefined, reason: waivers[0]?.reason, waivers, maxAttachmentKb };
  }

  /**
   * Every level that applies to the message, widest first, each once; a group names the
   * accounts of the message that belong to it.
   */
  async levelsOf(query: AcceptanceQuery): Promise<PolicyLevelRef[]> {
    const subjects: string[] = [];
    if (query.recipientAccountId != null) subjects.push(`a${query.recipientAccountId}`);
    if (query.senderAccountId != null) subjects.push(`a${query.senderAccountId}`);
    if (query.recipientDomainId != null) subjects.push(`d${query.recipientDomainId}`);
    const byKey = new Map<string, PolicyLevelRef>([['server', { level: 'server' }]]);
    for (const subject of subjects) {
      for (const ref of await this.chainOf(subject)) {
        const key = keyOf(ref);
        const seen = byKey.get(key);
        // The same group reached from both the recipient and the sender: both are its members here.
        if (seen?.level === 'group' && ref.level === 'group') byKey.set(key, { ...seen, members: [...new Set([...seen.members, ...ref.members])] });
        else if (!seen) byKey.set(key, ref);
      }
    }
    return [...byKey.values()].sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || depthOf(a) - depthOf(b));
  }

  private async chainOf(subject: string): Promise<PolicyLevelRef[]> {
    const cached = this.chains.get(subject);
    if (cached) return cached;
    const id = Number(subject.slice(1));
    const chain = subject.startsWith('a') ? await this.accountChain(id) : await this.domainChain(id);
    this.chains.set(subject, chain);
    return chain;
  }

  private async accountChain(accountId: number): Promise<PolicyLevelRef[]> {
    const account = await this.db.account.findUnique({
      where: { id: accountId },
      select: {
        id: true,
        address: true,
        domain: { select: { path: true } },
        groupMemberships: { select: { group: { select: { id: true, address: true, domain: { select: { path: true } } } } } },
      },
    });
    if (!account) return [];
    return [
      ...(await this.domainsOfPath(account.domain.path)),
      ...account.groupMemberships.map(
        ({ group }): PolicyLevelRef => ({ level: 'group', id: group.id, address: group.address, domainPath: group.domain.path, members: [account.id] }),
      ),
      { level: 'account', id: account.id, address: account.address, domainPath: account.domain.path },
    ];
  }

  private async domainChain(domainId: number): Promise<PolicyLevelRef[]> {
    const domain = await this.db.domain.findUnique({ where: { id: domainId }, select: { path: true } });
    return domain ? this.domainsOfPath(domain.path) : [];
  }

  private async domainsOfPath(path: string): Promise<PolicyLevelRef[]> {
    const ids = path.split('/').filter(Boolean).map(Number);
    const rows = await this.db.domain.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, path: true } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.filter((id) => byId.has(id)).map((id) => ({ level: 'domain', id, name: byId.get(id)!.name, path: byId.get(id)!.path }));
  }

  private async policiesOf(levels: PolicyLevelRef[]): Promise<CompiledPolicy[]> {
    const key = levels.map(keyOf).join(',');
    const cached = this.policies.get(key);
    if (cached) return cached;
    const idsOf = (level: PolicyLevelRef['level']) => levels.flatMap((ref) => (ref.level === level && ref.level !== 'server' ? [ref.id] : []));
    const rows = await this.db.acceptancePolicy.findMany({
      where: {
        OR: [
          { level: 'server' },
          { level: 'domain', domainId: { in: idsOf('domain') } },
          { level: 'group', groupId: { in: idsOf('group') } },
          { level: 'account', accountId: { in: idsOf('account') } },
        ],
      },
    });
    const rowOf = (ref: PolicyLevelRef) =>
      rows.find((row) =>
        ref.level === 'server'
          ? row.level === 'server'
          : row.level === ref.level && (ref.level === 'domain' ? row.domainId : ref.level === 'group' ? row.groupId : row.accountId) === ref.id,
      );
    const compiled = levels.flatMap((ref) => {
      const row = rowOf(ref);
      return row ? [compilePolicy(ref, row)] : [];
    });
    this.policies.set(key, compiled);
    return compiled;
  }
}

const resolvers = new WeakMap<object, AcceptancePolicyResolver>();

function resolverFor(db: AcceptanceDb) {
  let resolver = resolvers.get(db);
  if (!resolver) {
    resolver = new AcceptancePolicyResolver(db);
    resolvers.set(db, resolver);
  }
  return resolver;
}

/** The effective acceptance policy of one message for one recipient (cached for a few seconds). */
export function resolveAcceptancePolicy(db: AcceptanceDb, query: AcceptanceQuery): Promise<AcceptanceDecision> {
  return resolverFor(db).resolve(query);
}

/** Forgets cached chains and policies of `db` (after a policy, group or account change in this process). */
export function invalidateAcceptancePolicies(db: AcceptanceDb) {
  resolvers.get(db)?.invalidate();
}
