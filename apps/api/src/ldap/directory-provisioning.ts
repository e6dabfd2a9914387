/**
 * Provisioning mode: an account written through the API is written to its domain's directory
 * in the same operation. The database writes happen in the transaction, the directory write
 * last before the commit; a refused or unreachable directory rolls the transaction back (502 /
 * 503), and when the transaction fails after the directory was written (the commit itself, or
 * a later step), each directory write is undone, newest first.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  changesToMatch,
  directoryConfigOf,
  directoryPassword,
  dnOf,
  layoutAttributes,
  ldapjsDirectoryAdmin,
  newEntryAttributes,
  provisioningLayoutOf,
  rdnOf,
  SealedSecrets,
  type DirectoryAdmin,
  type DirectoryAdminFactory,
  type DirectoryChange,
  type DirectoryEntry,
  type ProvisionedAccount,
  type ProvisioningLayout,
} from '@schoolmail/mail-engine';
import { AppError } from '../common/errors.js';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { directoryProblem } from './directory-errors.js';
import { provisioningSource } from './effective-auth-source.js';
import { parentDn } from './dn-parts.js';

/** Directory round trips run inside the transaction: room for a few of them at their own deadlines. */
const TRANSACTION_TIMEOUT_MS = 20_000;

export interface AccountFields {
  id: number;
  address: string;
  localPart: string;
  domainId: number;
  displayName: string | null;
  status: string;
  ldapDn: string | null;
}

export type DirectorySecret = { password: string } | { hash: string };

/** A row of a bulk create as the bulk use case holds it. */
export interface BulkCreatedRow {
  address: string;
  passwordHash?: string;
  input: { localPart: string; displayName?: string | null; status?: string; password?: string };
}

export const provisionedAccount = (account: AccountFields): ProvisionedAccount => ({
  address: account.address,
  localPart: account.localPart,
  displayName: account.displayName,
  suspended: account.status === 'suspended',
});

/** The modify that puts back what `changes` replaced, given the entry as it was before them. */
function reverseOf(changes: DirectoryChange[], before: DirectoryEntry): DirectoryChange[] {
  return changes.map((change) => {
    if (change.attribute === 'objectClass') return { operation: 'delete', attribute: 'objectClass', values: change.values };
    const old = Object.entries(before.attributes).find(([name]) => name.toLowerCase() === change.attribute.toLowerCase())?.[1] ?? [];
    return old.length ? { operation: 'replace', attribute: change.attribute, values: old } : { operation: 'delete', attribute: change.attribute, values: [] };
  });
}

interface Target {
  admin: DirectoryAdmin;
  layout: ProvisioningLayout;
}

/** The directory writes of one transaction, each remembered with the step that undoes it. */
export class DirectoryWrites {
  private readonly undos: Array<{ what: string; run: () => Promise<void> }> = [];
  private readonly admins = new Map<number, DirectoryAdmin>();

  constructor(
    private readonly tx: Tx,
    private readonly secrets: SealedSecrets,
    private readonly connect: DirectoryAdminFactory,
  ) {}

  async accountCreated(account: AccountFields, secret: DirectorySecret) {
    const target = await this.target(account.domainId);
    if (!target) return;
    const userPassword = directoryPassword(secret);
    if (!userPassword) {
      throw AppError.invalid('passwordHash', 'cannot be verified by the LDAP directory this domain is provisioned to: send a password, or a {SHA512-CRYPT}, {SHA256-CRYPT}, {MD5-CRYPT} or {BCRYPT} hash');
    }
    const wanted = provisionedAccount(account);
    const dn = dnOf(target.layout, wanted);
    await this.tx.account.update({ where: { id: account.id }, data: { ldapDn: dn } });
    await target.admin.add(dn, newEntryAttributes(target.layout, wanted, userPassword));
    this.undos.push({ what: `delete ${dn}`, run: () => target.admin.remove(dn) });
  }

  /**
   * The accounts of one bulk call (or CSV import chunk), after their rows were inserted. The
   * directory part is all-or-nothing: the first entry refused rolls the whole call back, and
   * the entries added before it are removed again.
   */
  async accountsCreated(domainId: number, rows: BulkCreatedRow[]) {
    const target = await this.target(domainId);
    if (!target || rows.length === 0) return;
    const planned = rows.map((row, index) => {
      const userPassword = directoryPassword(row.input.password !== undefined ? { password: row.input.password } : { hash: row.passwordHash ?? '' });
      if (!userPassword) throw AppError.invalid(`accounts.${index}.passwordHash`, 'cannot be verified by the LDAP directory this domain is provisioned to: send a password or a crypt hash');
      const wanted: ProvisionedAccount = { address: row.address, localPart: row.input.localPart, displayName: row.input.displayName ?? null, suspended: row.input.status === 'suspended' };
      return { wanted, dn: dnOf(target.layout, wanted), userPassword };
    });
    await this.tx.$executeRaw`
      UPDATE "Account" SET "ldapDn" = planned.dn
      FROM unnest(${planned.map((row) => row.wanted.address)}::text[], ${planned.map((row) => row.dn)}::text[]) AS planned(address, dn)
      WHERE "Account".address = planned.address`;
    for (const { wanted, dn, userPassword } of planned) {
      await target.admin.add(dn, newEntryAttributes(target.layout, wanted, userPassword));
      this.undos.push({ what: `delete ${dn}`, run: () => target.admin.remove(dn) });
    }
  }

  /** After the account row was updated in this transaction: rename the entry when its RDN value changed, then match its attributes. */
  async accountChanged(before: AccountFields) {
    const target = await this.target(before.domainId);
    if (!target) return;
    const { admin, layout } = target;
    const after = await this.tx.account.findUniqueOrThrow({ where: { id: before.id } });
    const wanted = provisionedAccount(after);
    let dn = before.ldapDn ?? dnOf(layout, provisionedAccount(before));
    const oldRdn = rdnOf(layout, provisionedAccount(before));
    const newRdn = rdnOf(layout, wanted);
    if (newRdn !== oldRdn) {
      const renamed = `${newRdn},${parentDn(dn)}`;
      await this.tx.account.update({ where: { id: after.id }, data: { ldapDn: renamed } });
      await admin.rename(dn, newRdn);
      this.undos.push({ what: `rename ${renamed}`, run: () => admin.rename(renamed, oldRdn) });
      dn = renamed;
    }
    const entry = await admin.read(dn, layoutAttributes(layout));
    if (!entry) throw this.missing(dn);
    const changes = changesToMatch(layout, wanted, entry);
    await admin.modify(dn, changes);
    if (changes.length) this.undos.push({ what: `modify ${dn}`, run: () => admin.modify(dn, reverseOf(changes, entry)) });
  }

  async passwordSet(account: AccountFields, secret: DirectorySecret) {
    const target = await this.target(account.domainId);
    if (!target) return;
    const userPassword = directoryPassword(secret);
    if (!userPassword) throw AppError.invalid('passwordHash', 'cannot be verified by the LDAP directory this domain is provisioned to: send a password or a crypt hash');
    const dn = account.ldapDn ?? dnOf(target.layout, provisionedAccount(account));
    const entry = await target.admin.read(dn, ['userPassword']);
    if (!entry) throw this.missing(dn);
    const change: DirectoryChange = { operation: 'replace', attribute: 'userPassword', values: [userPassword] };
    await target.admin.modify(dn, [change]);
    this.undos.push({ what: `restore the password of ${dn}`, run: () => target.admin.modify(dn, reverseOf([change], entry)) });
  }

  /** Deletes the entry; the undo adds it back with every attribute it had. A missing entry is already the wanted state. */
  async accountDeleted(account: AccountFields) {
    const target = await this.target(account.domainId);
    if (target) await this.entryDeleted(target, account);
  }

  /**
   * The accounts of one call (a domain deleted with its content, sub-domains included): each
   * entry as `accountDeleted` would, the source of each domain looked up once. All-or-nothing
   * like the transaction: the first failure rolls it back and the entries removed before it
   * are added back.
   */
  async accountsDeleted(accounts: AccountFields[]) {
    const targets = new Map<number, Target | null>();
    for (const account of accounts) {
      if (!targets.has(account.domainId)) targets.set(account.domainId, await this.target(account.domainId));
      const target = targets.get(account.domainId);
      if (target) await this.entryDeleted(target, account);
    }
  }

  private async entryDeleted(target: Target, account: AccountFields) {
    const dn = account.ldapDn ?? dnOf(target.layout, provisionedAccount(account));
    const entry = await target.admin.read(dn, ['*']);
    if (!entry) return;
    await target.admin.remove(dn);
    this.undos.push({ what: `add back ${dn}`, run: () => target.admin.add(dn, entry.attributes) });
  }

  async undo(logger: Logger) {
    for (const step of this.undos.splice(0).reverse()) {
      // Nothing more can be done here than to say which entry now differs; `ldap sync` repairs it.
      await step.run().catch((error: unknown) => logger.error(`could not undo a directory write (${step.what}): ${error instanceof Error ? error.message : String(error)}; run "schoolmail ldap sync --apply"`));
    }
  }

  async close() {
    await Promise.all([...this.admins.values()].map((admin) => admin.close()));
    this.admins.clear();
  }

  private missing(dn: string) {
    return new AppError('DIRECTORY_REFUSED', `the entry ${dn} does not exist; "schoolmail ldap sync" shows and repairs the difference`);
  }

  private async target(domainId: number): Promise<Target | null> {
    const source = await provisioningSource(this.tx, domainId);
    if (!source) return null;
    let admin = this.admins.get(source.id);
    if (!admin) {
      admin = this.connect(directoryConfigOf(source, this.secrets));
      this.admins.set(source.id, admin);
    }
    return { admin, layout: provisioningLayoutOf(source) };
  }
}

@Injectable()
export class DirectoryProvisioning {
  private readonly logger = new Logger('directory');

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly secrets: SealedSecrets,
  ) {}

  /** `work` in one transaction, with `directory` to write the accounts it changed to a provisioning domain's directory. */
  async transaction<T>(work: (tx: Tx, directory: DirectoryWrites) => Promise<T>, options: { timeout?: number; maxWait?: number } = {}): Promise<T> {
    let writes: DirectoryWrites | undefined;
    try {
      return await this.prisma.$transaction(
        async (tx) => {
          writes = new DirectoryWrites(tx, this.secrets, ldapjsDirectoryAdmin);
          return work(tx, writes);
        },
        { timeout: TRANSACTION_TIMEOUT_MS, ...options },
      );
    } catch (error) {
      await writes?.undo(this.logger);
      throw directoryProblem(error);
    } finally {
      await writes?.close();
    }
  }
}
