/**
 * The dry-run half of a vpopmail import: what each parsed mailbox would become (the row the
 * bulk account service takes) or why it is skipped, with one query for the addresses already
 * taken and three for the classes of service that could carry the old quotas.
 */
import { accessibleBy } from '@schoolmail/rbac';
import { idsOfPath, LEGACY_SCHEMES, type ReportItem, type VpopmailAccount } from '@schoolmail/mail-engine';
import type { Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { createAccountInput } from '../accounts/account.schemas.js';
import { refusalsAt } from '../classes-of-service/class-of-service.assignment.js';

const MB = 1024 * 1024;
/** Stands in for the scrypt hash a clear-text password will get, so the dry run validates the row the same way. */
const PLACEHOLDER_HASH = '{SCRYPT}$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface TargetDomain {
  id: number;
  name: string;
  path: string;
}

export interface PlannedAccount {
  line: number;
  address: string;
  /** The bulk-create row; passwordHash is filled from `clearPassword` just before creation when needed. */
  row: { localPart: string; passwordHash?: string; displayName?: string; classOfService?: string; services?: Record<string, boolean> };
  clearPassword: string | null;
  notes: string[];
}

interface QuotaClass {
  name: string | null;
  note?: string;
}

export class VpopmailPlanner {
  constructor(
    private readonly prisma: Database,
    private readonly actor: Actor,
    private readonly domain: TargetDomain,
    /** Skips and errors found while planning, for the caller to report in line order. */
    private readonly outcomes: ReportItem[],
  ) {}

  async plan(entries: VpopmailAccount[]): Promise<PlannedAccount[]> {
    const candidates: PlannedAccount[] = [];
    const firstLineOf = new Map<string, number>();
    const classFor = await this.quotaClasses();
    for (const entry of entries) {
      const guessed = `${entry.localPart.toLowerCase()}@${this.domain.name}`;
      const skip = (reason: string) => this.outcomes.push({ item: guessed, line: entry.line, action: 'skip', reason });
      const fail = (reason: string) => this.outcomes.push({ item: guessed, line: entry.line, action: 'error', reason });
      if (entry.domain !== null && entry.domain !== this.domain.name) {
        skip(`belongs to ${entry.domain}, not ${this.domain.name}`);
        continue;
      }
      if (entry.passwordHash === null && entry.clearPassword === null) {
        fail(`the password hash is in no scheme this server verifies (${LEGACY_SCHEMES.map((s) => `{${s}}`).join(', ')}) and there is no clear-text copy`);
        continue;
      }
      const quota = classFor(entry.quotaBytes);
      const row: PlannedAccount['row'] = {
        localPart: entry.localPart,
        ...(entry.passwordHash ? { passwordHash: entry.passwordHash } : {}),
        ...(entry.displayName ? { displayName: entry.displayName.slice(0, 256) } : {}),
        ...(quota.name ? { classOfService: quota.name } : {}),
        ...(entry.disabledServices.length ? { services: Object.fromEntries(entry.disabledServices.map((service) => [service, false])) } : {}),
      };
      const parsed = createAccountInput.safeParse({ ...row, passwordHash: row.passwordHash ?? PLACEHOLDER_HASH });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        fail(`${issue.path.join('.') || 'row'} ${issue.message}`);
        continue;
      }
      const address = `${parsed.data.localPart}@${this.domain.name}`;
      const earlier = firstLineOf.get(address);
      if (earlier !== undefined) {
        skip(`appears earlier in the file (line ${earlier})`);
        continue;
      }
      firstLineOf.set(address, entry.line);
      const notes = [quota.note, entry.passwordHash ? undefined : 'clear-text password hashed with the current scheme'].filter((n): n is string => !!n);
      candidates.push({ line: entry.line, address, row: { ...row, localPart: parsed.data.localPart }, clearPassword: entry.passwordHash ? null : entry.clearPassword, notes });
    }
    return this.withoutTakenAddresses(candidates);
  }

  /** An address that is an account already was imported (or created) before: skipped, so re-runs are harmless. */
  private async withoutTakenAddresses(candidates: PlannedAccount[]) {
    const kindOf = new Map<string, string>();
    for (let start = 0; start < candidates.length; start += 10_000) {
      const addresses = candidates.slice(start, start + 10_000).map((c) => c.address);
      const taken = await this.prisma.address.findMany({ where: { address: { in: addresses } }, select: { address: true, kind: true } });
      for (const row of taken) kindOf.set(row.address, row.kind);
    }
    return candidates.filter((candidate) => {
      const kind = kindOf.get(candidate.address);
      if (kind === undefined) return true;
      if (kind === 'account') this.outcomes.push({ item: candidate.address, line: candidate.line, action: 'skip', reason: 'the account exists already' });
      else this.outcomes.push({ item: candidate.address, line: candidate.line, action: 'error', reason: `the address is used by ${kind === 'alias' ? 'an alias' : `a ${kind}`}` });
      return false;
    });
  }

  /**
   * vpopmail quotas become classes of service: none when the domain's own class already has
   * that quota, else a class the actor may assign here with exactly that quota (one it can read,
   * of the platform or of a district above, and within the limits set above the domain's
   * accounts, as the bulk creation checks); an account cannot carry a quota of its own, so a
   * quota no such class has is reported and the domain's applies.
   */
  private async quotaClasses(): Promise<(bytes: number | null) => QuotaClass> {
    const [classes, chain] = await Promise.all([
      this.prisma.classOfService.findMany({
        where: accessibleBy(this.actor.ability, 'read').ClassOfService,
        // What the bounds compare, besides the quota.
        select: {
          id: true, name: true, smtp: true, imap: true, pop3: true, webmail: true, rpop: true,
          maxMessageSizeKb: true, mailboxQuotaMb: true, maxRecipients: true, sendingRatePerHour: true,
          domain: { select: { path: true } },
        },
        orderBy: { name: 'asc' },
      }),
      this.prisma.domain.findMany({ where: { id: { in: idsOfPath(this.domain.path) } }, select: { depth: true, classOfService: { select: { mailboxQuotaMb: true } } } }),
    ]);
    const domainQuotaMb = chain.sort((a, b) => b.depth - a.depth).find((d) => d.classOfService)?.classOfService?.mailboxQuotaMb ?? null;
    // A district's own classes first (deepest first), then the platform's.
    const inScope = classes.filter((c) => !c.domain || this.domain.path.startsWith(c.domain.path));
    const refused = await refusalsAt(this.prisma, this.actor, inScope, { kind: 'account', name: this.domain.name, domain: this.domain, classOfServiceId: null });
    const usable = inScope.filter((c) => !refused.has(c.id)).sort((a, b) => (b.domain?.path.length ?? 0) - (a.domain?.path.length ?? 0));
    const beyondLimits = inScope.filter((c) => refused.has(c.id));
    return (bytes) => {
      if (bytes === null) return { name: null };
      const mb = bytes / MB;
      if (mb === domainQuotaMb) return { name: null };
      const match = Number.isInteger(mb) ? usable.find((c) => c.mailboxQuotaMb === mb) : undefined;
      if (match) return { name: match.name, note: `quota ${mb} MB -> class of service ${match.name}` };
      const shown = Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
      const applies = `so the domain's quota applies${domainQuotaMb === null ? '' : ` (${domainQuotaMb} MB)`}`;
      const tooBig = Number.isInteger(mb) ? beyondLimits.filter((c) => c.mailboxQuotaMb === mb) : [];
      if (tooBig.length) {
        const why = tooBig.flatMap((c) => refused.get(c.id)!.extra.errors ?? []).map((e) => e.message);
        return { name: null, note: `quota ${shown}: no class of service assignable in ${this.domain.name} has it (${why.join('; ')}), ${applies}` };
      }
      return { name: null, note: `quota ${shown}: no class of service has it, ${applies}` };
    };
  }
}
