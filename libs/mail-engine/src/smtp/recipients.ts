/**
 * Local recipient resolution: which mailboxes an address delivers to, and which remote
 * addresses it forwards to. An account delivers to itself; an alias to its targets (local
 * ones resolved in turn, remote ones queued); a mailing list to its members; a group to its
 * member accounts. Nested aliases and lists are followed a few levels deep, each address once.
 * In a cluster, a mailbox that another back-end holds (its domain pinned there, or its own
 * mailHost: cluster/ownership.ts) is not delivered here: its address joins the remote ones,
 * and the queue relays it to its owner (cluster/relay-routes.ts).
 * Answers are cached for a few seconds (see ttl-cache.ts); so are the mailbox settings.
 */
import { domainToASCII } from 'node:url';
import { mailboxOwners } from '../cluster/ownership.js';
import type { Db } from '../contracts.js';
import { loadEffectiveSettings, type AppliedWordList, type AccountStatusValue } from '../settings/effective-settings.js';
import { TtlCache } from './ttl-cache.js';

const MAX_DEPTH = 5;
const CACHE_MS = 5_000;

export interface LocalDomain {
  id: number;
  name: string;
  path: string;
}

export type Resolution =
  /** `toOldPlatform`: an address of a domain being migrated that has no account here yet (forwarded, not refused). */
  | { kind: 'remote'; address: string; domain: string; toOldPlatform?: boolean }
  | { kind: 'unknown'; address: string; domain: LocalDomain }
  | {
      kind: 'account' | 'alias' | 'list' | 'group';
      address: string;
      domain: LocalDomain;
      /** Mailboxes it delivers to, each once. */
      accountIds: number[];
      /** Remote addresses it forwards to, each once (mailboxes held by other back-ends included). */
      remote: string[];
      /** Mailboxes it reaches that other back-ends hold (relayed there, their addresses in `remote`). */
      relayedAccountIds?: number[];
    };

/** What the pipeline needs to know about one mailbox, from its effective settings. */
export interface MailboxInfo {
  accountId: number;
  address: string;
  domainId: number;
  domainPath: string;
  status: AccountStatusValue;
  smtpEnabled: boolean;
  quotaBytes: number;
  /** Kept current by this process's own deliveries between reloads. */
  usedBytes: number;
  maxMessageBytes: number;
  maxRecipients: number;
  wordLists: AppliedWordList[];
}

/** Lower-case local part and ASCII (IDNA) lower-case domain; null when there is no domain. */
export function normalizeAddress(raw: string): { address: string; local: string; domain: string } | null {
  const text = raw.trim().replace(/^<|>$/g, '');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return null;
  const local = text.slice(0, at).toLowerCase();
  const domain = domainToASCII(text.slice(at + 1).toLowerCase().replace(/\.$/, '')) || text.slice(at + 1).toLowerCase();
  return { address: `${local}@${domain}`, local, domain };
}

export class Directory {
  private readonly domains = new TtlCache<string, LocalDomain | null>(CACHE_MS);
  private readonly resolutions = new TtlCache<string, Resolution>(CACHE_MS);
  private readonly mailboxCache = new TtlCache<number, MailboxInfo | null>(CACHE_MS);
  private readonly listPosting = new TtlCache<string, { allowed: boolean; policy: 'anyone' | 'members' | 'owners' }>(CACHE_MS);

  constructor(
    private readonly db: Db,
    /** This engine's node id: mailboxes pinned to another node are relayed. Absent: every mailbox is local. */
    private readonly nodeId?: string,
  ) {}

  /**
   * May `sender` post to the mailing list at `list`? By its posting policy: anyone, its
   * members, or its owners; the null sender (a bounce) is nobody's member.
   */
  mayPostToList(list: string, sender: string): Promise<{ allowed: boolean; policy: 'anyone' | 'members' | 'owners' }> {
    return this.listPosting.get(`${list}\0${sender}`, async () => {
      const row = await this.db.mailingList.findUnique({
        where: { address: list },
        select: { postingPolicy: true, members: { where: { address: sender }, select: { isOwner: true } } },
      });
      const policy = row?.postingPolicy ?? 'anyone';
      const member = row?.members[0];
      return { policy, allowed: policy === 'anyone' || (member !== undefined && (policy === 'members' || member.isOwner)) };
    });
  }

  localDomain(name: string): Promise<LocalDomain | null> {
    return this.domains.get(name, () => this.db.domain.findUnique({ where: { name }, select: { id: true, name: true, path: true } }));
  }

  /** Resolves a recipient address (any case); `null` for an address without a domain. */
  async resolve(raw: string): Promise<Resolution | null> {
    const parsed = normalizeAddress(raw);
    if (!parsed) return null;
    return this.resolutions.get(parsed.address, () => this.expand(parsed.address, parsed.domain));
  }

  private async expand(address: string, domainName: string): Promise<Resolution> {
    const domain = await this.localDomain(domainName);
    if (!domain) return { kind: 'remote', address, domain: domainName };
    const owner = await this.db.address.findUnique({ where: { address }, select: { kind: true } });
    if (!owner) {
      const migrating = await this.db.domain.count({ where: { id: domain.id, migrationState: 'migrating', migrationForwardTo: { not: null } } });
      return migrating ? { kind: 'remote', address, domain: domainName, toOldPlatform: true } : { kind: 'unknown', address, domain };
    }
    const accountIds = new Set<number>();
    const remote = new Set<string>();
    await this.collect(address, owner.kind, accountIds, remote, new Set([address]), 0);
    const relayed = await this.heldElsewhere([...accountIds]);
    if (relayed.length === 0) return { kind: owner.kind, address, domain, accountIds: [...accountIds], remote: [...remote] };
    for (const mailbox of relayed) {
      accountIds.delete(mailbox.accountId);
      remote.add(mailbox.address);
    }
    return { kind: owner.kind, address, domain, accountIds: [...accountIds], remote: [...remote], relayedAccountIds: relayed.map((m) => m.accountId) };
  }

  private async heldElsewhere(accountIds: number[]) {
    if (this.nodeId === undefined || accountIds.length === 0) return [];
    const owners = await mailboxOwners(this.db, accountIds);
    return [...owners.values()].filter((owner) => owner.node !== null && owner.node !== this.nodeId);
  }

  private async collect(address: string, kind: string, accountIds: Set<number>, remote: Set<string>, seen: Set<string>, depth: number): Promise<void> {
    switch (kind) {
      case 'account': {
        const account = await this.db.account.findUnique({ where: { address }, select: { id: true } });
        if (account) accountIds.add(account.id);
        return;
      }
      case 'group': {
        const members = await this.db.groupMember.findMany({ where: { group: { address } }, select: { accountId: true } });
        for (const member of members) accountIds.add(member.accountId);
        return;
      }
      case 'alias': {
        const alias = await this.db.alias.findUnique({ where: { address }, select: { targets: true } });
        return this.collectTargets(alias?.targets ?? [], accountIds, remote, seen, depth);
      }
      case 'list': {
        const members = await this.db.mailingListMember.findMany({ where: { list: { address } }, select: { address: true } });
        return this.collectTargets(
          members.map((m) => m.address),
          accountIds,
          remote,
          seen,
          depth,
        );
      }
    }
  }

  private async collectTargets(targets: string[], accountIds: Set<number>, remote: Set<string>, seen: Set<string>, depth: number): Promise<void> {
    if (depth >= MAX_DEPTH) return;
    for (const target of targets) {
      const parsed = normalizeAddress(target);
      if (!parsed || seen.has(parsed.address)) continue;
      seen.add(parsed.address);
      if (!(await this.localDomain(parsed.domain))) {
        remote.add(parsed.address);
        continue;
      }
      const owner = await this.db.address.findUnique({ where: { address: parsed.address }, select: { kind: true } });
      // An alias or list may name a local address that no longer exists: it is skipped.
      if (owner) await this.collect(parsed.address, owner.kind, accountIds, remote, seen, depth + 1);
    }
  }

  /** Mailbox settings by account id (missing ids are absent), from cache where fresh. */
  async mailboxes(accountIds: readonly number[]): Promise<Map<number, MailboxInfo>> {
    const unique = [...new Set(accountIds)];
    const missing = unique.filter((id) => !this.mailboxCache.has(id));
    if (missing.length) {
      // One batch query for all misses (a list of 50); each id then has its own cache entry.
      const batch = this.loadMailboxes(missing);
      for (const id of missing) void this.mailboxCache.get(id, () => batch.then((found) => found.get(id) ?? null));
    }
    const infos = await Promise.all(unique.map((id) => this.mailboxCache.get(id, () => this.loadMailboxes([id]).then((found) => found.get(id) ?? null))));
    const result = new Map<number, MailboxInfo>();
    for (const info of infos) if (info) result.set(info.accountId, info);
    return result;
  }

  /** One mailbox; `fresh` reads the database (AUTH: a just-suspended account must not log in). */
  async mailbox(accountId: number, options: { fresh?: boolean } = {}): Promise<MailboxInfo | null> {
    if (options.fresh) this.mailboxCache.delete(accountId);
    return (await this.mailboxes([accountId])).get(accountId) ?? null;
  }

  /** Forgets cached mailbox settings that changed (told by the access module's NOTIFY-driven cache). */
  forgetMailboxes(accountIds: readonly number[] | 'all'): void {
    if (accountIds === 'all') this.mailboxCache.clear();
    else for (const id of accountIds) this.mailboxCache.delete(id);
  }

  /** Counts this process's deliveries into the cached usage, so quota holds between reloads. */
  async addUsage(accountId: number, bytes: number): Promise<void> {
    const info = await this.mailboxCache.peek(accountId);
    if (info) info.usedBytes += bytes;
  }

  private async loadMailboxes(ids: number[]): Promise<Map<number, MailboxInfo>> {
    const [accounts, settings] = await Promise.all([
      this.db.account.findMany({
        where: { id: { in: ids } },
        select: { id: true, address: true, domainId: true, quotaUsedBytes: true, domain: { select: { path: true } } },
      }),
      loadEffectiveSettings(this.db, ids),
    ]);
    const result = new Map<number, MailboxInfo>();
    for (const account of accounts) {
      const effective = settings.get(account.id);
      if (!effective) continue;
      result.set(account.id, {
        accountId: account.id,
        address: account.address,
        domainId: account.domainId,
        domainPath: account.domain.path,
        status: effective.status.value,
        smtpEnabled: effective.services.smtp.value,
        quotaBytes: effective.mailboxQuotaMb.value * 1024 * 1024,
        usedBytes: Number(account.quotaUsedBytes),
        maxMessageBytes: effective.maxMessageSizeKb.value * 1024,
        maxRecipients: effective.maxRecipients.value,
        wordLists: effective.wordLists,
      });
    }
    return result;
  }
}
