/**
 * `POST /domains/{domain}/auth-source/sync`, GraphQL `syncDomainAuthSource` and
 * `schoolmail ldap sync`: the differences between a domain's accounts and its directory, and
 * with `apply` their repair in the direction directory-sync.ts documents. Each repair is its
 * own transaction with its own audit event, so one that fails leaves the others done and is
 * reported with its reason.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  changesToMatch,
  directoryConfigOf,
  directoryPassword,
  dnOf,
  ensureDefaultFolders,
  isSuspendedEntry,
  layoutAttributes,
  ldapjsDirectoryAdmin,
  mailHostOf,
  newEntryAttributes,
  provisioningLayoutOf,
  SealedSecrets,
  valuesOf,
  type DirectoryAdmin,
  type DirectoryEntry,
  type ProvisioningLayout,
} from '@schoolmail/mail-engine';
import { claimAddress } from '../addresses/address-registry.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError, ERROR_TITLE } from '../common/errors.js';
import { localPart as localPartSchema, parseInput } from '../common/validation.js';
import { PRISMA, type Database } from '../database/database.js';
import { visibleDomain } from '../domains/domains.service.js';
import { requireSourceManager } from './auth-source-access.js';
import { syncInput } from './auth-source.schemas.js';
import { directoryProblem } from './directory-errors.js';
import { provisionedAccount } from './directory-provisioning.js';
import { planSync, type SyncAccount, type SyncDifference, type SyncDirection } from './directory-sync.js';
import { effectiveAuthSource } from './effective-auth-source.js';

/** RFC 2696 page size: large enough for few round trips, below slapd's default size limit (500). */
const PAGE_SIZE = 250;

/**
 * The password hash of an account created from the directory: no scheme verifies it, so the
 * password lives only in the directory, where logins for the domain are checked anyway.
 */
export const DIRECTORY_ONLY_PASSWORD = '{DIRECTORY}';

const accountFields = { id: true, address: true, localPart: true, domainId: true, displayName: true, status: true, ldapDn: true, mailHost: true } as const;

export type SyncItem = SyncDifference & { result?: 'repaired' | 'failed'; error?: string; note?: string };

interface SyncContext {
  actor: Actor;
  domain: { id: number; name: string; path: string };
  admin: DirectoryAdmin;
  layout: ProvisioningLayout;
  mailHostAttribute: string | null;
  entries: Map<string, DirectoryEntry>;
}

@Injectable()
export class DirectorySyncService {
  private readonly logger = new Logger('ldap-sync');

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly secrets: SealedSecrets,
    private readonly audit: AuditService,
  ) {}

  async sync(actor: Actor, name: string, rawInput: unknown) {
    const input = parseInput(syncInput, rawInput ?? {});
    const domain = await visibleDomain(this.prisma, actor.ability, name);
    const source = await effectiveAuthSource(this.prisma, domain.path);
    requireSourceManager(actor.ability, source);
    if (!source || source.row.kind !== 'ldap') throw AppError.conflict(`domain ${domain.name} authenticates locally; there is no directory to synchronize with`);
    const { row } = source;
    const layout = provisioningLayoutOf(row);
    const direction: SyncDirection = row.provisioning ? 'schoolmail-to-directory' : 'directory-to-schoolmail';
    const admin = ldapjsDirectoryAdmin(directoryConfigOf(row, this.secrets));
    try {
      const base = row.provisioning ? layout.base : row.userBase;
      const mailHostAttribute = row.mailHostAttribute || null;
      const attributes = [...layoutAttributes(layout), ...(mailHostAttribute ? [mailHostAttribute] : [])];
      const [entries, accounts] = await Promise.all([
        admin.searchBySuffix(base, layout.mailAttribute, `@${domain.name}`, attributes, PAGE_SIZE),
        this.prisma.account.findMany({ where: { domainId: domain.id }, select: accountFields, orderBy: { address: 'asc' } }),
      ]);
      const differences: SyncItem[] = planSync({ provisioning: row.provisioning, layout, mailHostAttribute, accounts, entries });
      if (input.apply) {
        const context: SyncContext = { actor, domain, admin, layout, mailHostAttribute, entries: new Map(entries.map((entry) => [entry.dn, entry])) };
        const byAddress = new Map(accounts.map((account) => [account.address, account]));
        for (const item of differences) await this.repair(context, item, byAddress.get(item.address));
      }
      const remaining = differences.filter((item) => item.result !== 'repaired').length;
      return { domain: domain.name, source: source.owner.name, direction, applied: input.apply, directoryEntries: entries.length, accounts: accounts.length, differences, remaining };
    } catch (error) {
      throw directoryProblem(error);
    } finally {
      await admin.close();
    }
  }

  private async repair(context: SyncContext, item: SyncItem, account: SyncAccount | undefined) {
    // Two entries for one address: which one is meant is a person's decision.
    if (item.repair === 'none') return;
    try {
      const note = await this.repairOne(context, item, account);
      item.result = 'repaired';
      if (note) item.note = note;
    } catch (error) {
      const problem = directoryProblem(error);
      item.result = 'failed';
      item.error = problem instanceof AppError ? `${ERROR_TITLE[problem.code]}: ${problem.message}` : 'internal error; the server log has the details';
      if (!(problem instanceof AppError)) this.logger.error(`ldap sync of ${item.address}: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  /** One repair in one transaction, audited; the directory write last before the commit. Answers a note for the report, if any. */
  private async repairOne({ actor, domain, admin, layout, mailHostAttribute, entries }: SyncContext, item: SyncDifference, account: SyncAccount | undefined): Promise<string | null> {
    const audit = (tx: Parameters<AuditService['record']>[0], before: unknown, after: unknown) =>
      this.audit.record(tx, actor, { action: `ldap.sync.${item.repair}`, subjectType: 'Account', subjectId: item.address, domain, before, after });

    switch (item.repair) {
      case 'none':
        return null;
      case 'create-entry': {
        const wanted = provisionedAccount(account!);
        const dn = dnOf(layout, wanted);
        const stored = await this.prisma.account.findUniqueOrThrow({ where: { id: account!.id }, select: { passwordHash: true } });
        const userPassword = directoryPassword({ hash: stored.passwordHash });
        await this.prisma.$transaction(async (tx) => {
          await tx.account.update({ where: { id: account!.id }, data: { ldapDn: dn } });
          await audit(tx, null, { dn, withPassword: userPassword !== null });
          await admin.add(dn, newEntryAttributes(layout, wanted, userPassword));
        });
        return userPassword ? null : 'created without a password: its stored hash has no directory form; set the password through the API';
      }
      case 'delete-entry': {
        await this.prisma.$transaction(async (tx) => {
          await audit(tx, { dn: item.dn }, null);
          await admin.remove(item.dn);
        });
        return null;
      }
      case 'update-entry': {
        const entry = entries.get(item.dn)!;
        const changes = changesToMatch(layout, provisionedAccount(account!), entry);
        await this.prisma.$transaction(async (tx) => {
          await audit(tx, { dn: item.dn, fields: item.fields }, { changed: changes.map((change) => change.attribute) });
          await admin.modify(item.dn, changes);
        });
        return null;
      }
      case 'create-account': {
        const entry = entries.get(item.dn)!;
        const at = item.address.lastIndexOf('@');
        const parsed = localPartSchema.safeParse(item.address.slice(0, at));
        if (!parsed.success) throw AppError.invalid('mail', `${item.address} is not an address Schoolmail accepts`);
        const data = {
          address: item.address,
          localPart: parsed.data,
          domainId: domain.id,
          passwordHash: DIRECTORY_ONLY_PASSWORD,
          displayName: valuesOf(entry, layout.displayNameAttribute)[0] ?? null,
          status: isSuspendedEntry(entry) ? ('suspended' as const) : ('active' as const),
          ldapDn: item.dn,
          mailHost: mailHostOf(entry, mailHostAttribute),
        };
        await this.prisma.$transaction(async (tx) => {
          await claimAddress(tx, item.address, 'account', domain.id, 'mail');
          const created = await tx.account.create({ data });
          await ensureDefaultFolders(tx, created.id);
          await audit(tx, null, { address: data.address, displayName: data.displayName, status: data.status, ldapDn: data.ldapDn, mailHost: data.mailHost });
        });
        return null;
      }
      case 'suspend-account': {
        await this.prisma.$transaction(async (tx) => {
          await tx.account.update({ where: { id: account!.id }, data: { status: 'suspended', version: { increment: 1 } } });
          await audit(tx, { status: account!.status }, { status: 'suspended' });
        });
        return null;
      }
      case 'update-account': {
        const entry = entries.get(item.dn)!;
        // Only the fields that differ: in a provisioning domain this item carries mailHost alone,
        // and a locked account (too many failed logins) stays locked unless the directory suspends it.
        const differing = new Set(item.kind === 'attributes' ? item.fields.map((field) => field.field) : []);
        const data = {
          ...(differing.has('displayName') ? { displayName: valuesOf(entry, layout.displayNameAttribute)[0] ?? null } : {}),
          ...(differing.has('suspended') ? { status: isSuspendedEntry(entry) ? ('suspended' as const) : ('active' as const) } : {}),
          ...(differing.has('mailHost') ? { mailHost: mailHostOf(entry, mailHostAttribute) } : {}),
          ldapDn: item.dn,
        };
        const before = { displayName: account!.displayName, status: account!.status, ldapDn: account!.ldapDn, mailHost: account!.mailHost };
        await this.prisma.$transaction(async (tx) => {
          await tx.account.update({ where: { id: account!.id }, data: { ...data, version: { increment: 1 } } });
          await audit(tx, Object.fromEntries(Object.keys(data).map((key) => [key, before[key as keyof typeof before]])), data);
        });
        return null;
      }
    }
  }
}
