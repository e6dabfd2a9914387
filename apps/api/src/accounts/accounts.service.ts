import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, probeAt, subject } from '@schoolmail/rbac';
import { loadEffectiveSettings } from '@schoolmail/mail-engine';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { decodeCursor, keyset } from '../common/pagination.js';
import { assertVersion } from '../common/etag.js';
import { saveToggles } from '../service-toggles/service-toggles.js';
import { ensureDefaultFolders } from '@schoolmail/mail-engine';
import { usableClassOfService } from '../classes-of-service/class-of-service.lookup.js';
import { assertAssignable } from '../classes-of-service/class-of-service.assignment.js';
import { alreadyUsedBy, claimAddress, releaseAddress } from '../addresses/address-registry.js';
import { hashPassword, schemeOf, verifyPassword } from '@schoolmail/mail-engine';
import { scopeOf } from '../auth/principals.js';
import { aliasInclude, presentAlias } from '../aliases/aliases.service.js';
import { moveListMemberships } from '../mailing-lists/moved-member.js';
import { moveAliasTargets } from '../aliases/moved-target.js';
import { DirectoryProvisioning } from '../ldap/directory-provisioning.js';
import { createAccountInput, listAccountsQuery, renameAccountInput, setPasswordInput, updateAccountInput } from './account.schemas.js';
import { accountInclude, domainOfAccounts, presentAccounts, presentOne, visibleAccount, type AccountRow } from './account.view.js';
import { countAccounts } from './account-total.js';
import { personalPasswordProblem } from './password-policy.js';

const UPDATABLE_FIELDS = ['displayName', 'classOfService', 'services', 'status'] as const;
const MAX_ADDRESS_LENGTH = 254;

/** The full address of `localPart` in `domainName`, or a 400 naming `localPart` when too long (RFC 5321). */
export function addressIn(localPartValue: string, domainName: string) {
  const address = `${localPartValue}@${domainName}`;
  if (address.length > MAX_ADDRESS_LENGTH) {
    throw AppError.invalid('localPart', `makes the address ${address.length} characters long; at most ${MAX_ADDRESS_LENGTH} are allowed (RFC 5321)`);
  }
  return address;
}

@Injectable()
export class AccountsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
    private readonly provisioning: DirectoryProvisioning,
  ) {}

  async create(actor: Actor, domainName: string, rawInput: unknown) {
    const input = parseInput(createAccountInput, rawInput);
    // Hashing is slow on purpose: do it before the transaction holds any lock.
    const passwordHash = input.passwordHash ?? (await hashPassword(input.password!));
    return this.provisioning.transaction(async (tx, directory) => {
      const domain = await domainOfAccounts(tx, actor.ability, domainName);
      ForbiddenError.from(actor.ability).throwUnlessCan('create', probeAt('Account', scopeOf(domain)!));
      const address = addressIn(input.localPart, domain.name);
      const classOfService = input.classOfService ? await usableClassOfService(tx, actor.ability, input.classOfService, 'classOfService', domain.path) : null;
      await assertAssignable(tx, actor, classOfService, { kind: 'account', name: address, domain, classOfServiceId: null });
      await claimAddress(tx, address, 'account', domain.id);
      const created = await tx.account.create({
        data: {
          address,
          localPart: input.localPart,
          domainId: domain.id,
          passwordHash,
          displayName: input.displayName ?? null,
          classOfServiceId: classOfService?.id ?? null,
          status: input.status ?? 'active',
        },
      });
      await saveToggles(tx, { accountId: created.id }, input.services, actor.principal.name);
      // Folders exist from the start, so first deliveries never race to create them.
      await ensureDefaultFolders(tx, created.id);
      await directory.accountCreated(created, input.password !== undefined ? { password: input.password } : { hash: passwordHash });
      const view = await presentOne(tx, await tx.account.findUniqueOrThrow({ where: { id: created.id }, include: accountInclude }));
      await this.audit.record(tx, actor, { action: 'account.create', subjectType: 'Account', subjectId: address, domain, after: view });
      return view;
    });
  }

  async list(actor: Actor, domainName: string, rawQuery: unknown) {
    const query = parseInput(listAccountsQuery, rawQuery);
    const domain = await domainOfAccounts(this.prisma, actor.ability, domainName);
    const filters: Prisma.AccountWhereInput[] = [
      accessibleBy(actor.ability, 'read').Account,
      query.subtree ? { domain: { is: { path: { startsWith: domain.path } } } } : { domainId: domain.id },
    ];
    if (query.q) {
      filters.push({ OR: [{ address: { contains: query.q.toLowerCase() } }, { displayName: { contains: query.q, mode: 'insensitive' } }] });
    }
    const nullableSort = query.sort === 'displayName';
    const page = keyset<AccountRow>({
      sortField: query.sort,
      direction: query.order,
      unique: query.sort === 'address',
      limit: query.limit,
      cursor: nullableSort ? undefined : query.cursor,
      parseValue: query.sort === 'createdAt' ? parseDateCursor : undefined,
    });
    // The total comes with the first page only (the pages after it are of the same list),
    // counted while the page is read.
    const total = query.cursor
      ? null
      : countAccounts(this.prisma, { AND: [...filters] }, {
          searched: Boolean(query.q),
          domainIds: async () =>
            query.subtree ? (await this.prisma.domain.findMany({ where: { path: { startsWith: domain.path } }, select: { id: true } })).map((d) => d.id) : [domain.id],
        });
    if (nullableSort && query.cursor) filters.push(afterDisplayName(query.cursor, query.order));
    const [rows, counted] = await Promise.all([
      this.prisma.account.findMany({
        where: { AND: [...filters, page.where] },
        orderBy: page.orderBy as never,
        take: page.take,
        include: accountInclude,
      }),
      total,
    ]);
    const { items, nextCursor } = page.page(rows, (row) => row);
    return { items: await presentAccounts(this.prisma, items), nextCursor, total: counted };
  }

  async get(actor: Actor, address: string) {
    return presentOne(this.prisma, await visibleAccount(this.prisma, actor.ability, address));
  }

  async update(actor: Actor, address: string, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(updateAccountInput, rawInput);
    return this.provisioning.transaction(async (tx, directory) => {
      const row = await visibleAccount(tx, actor.ability, address);
      // Field by field: a mailbox owner may change its password, not its own limits.
      const fields = Object.keys(input);
      for (const field of fields.length ? fields : UPDATABLE_FIELDS) {
        ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Account', row), field);
      }
      assertVersion(row.version, expectedVersion);
      const before = await presentOne(tx, row);
      const data: Prisma.AccountUncheckedUpdateManyInput = { version: { increment: 1 } };
      if (input.displayName !== undefined) data.displayName = input.displayName;
      if (input.status) data.status = input.status;
      if (input.classOfService !== undefined) {
        const classOfService = input.classOfService === null ? null : await usableClassOfService(tx, actor.ability, input.classOfService, 'classOfService', row.domain.path);
        await assertAssignable(tx, actor, classOfService, { kind: 'account', name: row.address, domain: row.domain, classOfServiceId: row.classOfServiceId });
        data.classOfServiceId = classOfService?.id ?? null;
      }
      const updated = await tx.account.updateMany({ where: { id: row.id, version: row.version }, data });
      if (updated.count === 0) throw new AppError('PRECONDITION_FAILED', 'the account changed while this update ran; read it again and retry');
      await saveToggles(tx, { accountId: row.id }, input.services, actor.principal.name);
      await directory.accountChanged(row);
      const after = await presentOne(tx, await tx.account.findUniqueOrThrow({ where: { id: row.id }, include: accountInclude }));
      await this.audit.record(tx, actor, { action: 'account.update', subjectType: 'Account', subjectId: row.address, domain: row.domain, before, after });
      return after;
    });
  }

  /**
   * Gives a mailbox a new local part in its own domain. What is keyed by the account id stays
   * (messages, sessions, policies); send-as grants follow the Address row. Keeping the old
   * address as an alias to the new one lets mail already queued, or sent out of habit, arrive.
   *
   * References by address move with the mailbox, in the same transaction and whether or not
   * the old address is kept: every alias that targets the old address targets the new one
   * instead (in its place; once, if it already targeted both), and every mailing-list member
   * row of the old address becomes one of the new address (a list that already had both
   * keeps the new row, made an owner if the old one was). So an alias or list never names a
   * freed address that a later account could take, and skips the hop through a kept alias.
   * They are moved wherever they live, even in domains outside the actor's scope: the right
   * to rename the mailbox is the right to its consequences. Each changed alias and list is
   * audited (`alias.update`, `list.member.update`, `list.member.remove`) in its own domain.
   */
  async rename(actor: Actor, address: string, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(renameAccountInput, rawInput);
    return this.provisioning.transaction(async (tx, directory) => {
      const row = await visibleAccount(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Account', row), 'address');
      assertVersion(row.version, expectedVersion);
      const newAddress = addressIn(input.localPart, row.domain.name);
      if (newAddress === row.address) throw AppError.invalid('localPart', `is already the local part of ${row.address}`);
      const taken = await tx.address.findUnique({ where: { address: newAddress } });
      if (taken) throw AppError.conflict(alreadyUsedBy(newAddress, taken.kind), 'localPart');
      const before = await presentOne(tx, row);
      const data = { address: newAddress, localPart: input.localPart, version: { increment: 1 } };
      const updated = await tx.account.updateMany({ where: { id: row.id, version: row.version }, data });
      if (updated.count === 0) throw new AppError('PRECONDITION_FAILED', 'the account changed while it was being renamed; read it again and retry');
      // Moved rather than released and claimed again, so the send-as grants on it move too (ON UPDATE CASCADE).
      await tx.address.update({ where: { address: row.address }, data: { address: newAddress } });
      // Before the kept alias exists: it is created pointing at the new address already.
      await moveAliasTargets(tx, this.audit, actor, row.address, newAddress);
      await moveListMemberships(tx, this.audit, actor, row.address, newAddress);
      if (input.keepOldAddressAsAlias) await this.keepAsAlias(tx, actor, row, newAddress);
      await directory.accountChanged(row);
      const after = await presentOne(tx, await tx.account.findUniqueOrThrow({ where: { id: row.id }, include: accountInclude }));
      await this.audit.record(tx, actor, {
        action: 'account.rename',
        subjectType: 'Account',
        subjectId: newAddress,
        domain: row.domain,
        before,
        after: { ...after, oldAddressKeptAsAlias: input.keepOldAddressAsAlias },
      });
      return after;
    });
  }

  private async keepAsAlias(tx: Tx, actor: Actor, row: AccountRow, newAddress: string) {
    await claimAddress(tx, row.address, 'alias', row.domainId);
    const alias = await tx.alias.create({ data: { address: row.address, localPart: row.localPart, domainId: row.domainId, targets: [newAddress] }, include: aliasInclude });
    await this.audit.record(tx, actor, { action: 'alias.create', subjectType: 'Alias', subjectId: alias.address, domain: row.domain, after: presentAlias(alias) });
  }

  /**
   * Sets a new password (hashed here) or a pre-hashed one. A mailbox owner changing its own
   * password proves it knows the current one, and may not send a hash.
   */
  async setPassword(actor: Actor, address: string, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(setPasswordInput, rawInput);
    const row = await visibleAccount(this.prisma, actor.ability, address);
    ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Account', row), 'password');
    assertVersion(row.version, expectedVersion);
    const personal = input.password === undefined ? null : personalPasswordProblem(input.password, row.localPart);
    if (personal) throw AppError.invalid('password', personal);
    if (actor.principal.kind === 'user') {
      if (input.passwordHash !== undefined) throw AppError.invalid('passwordHash', 'a mailbox owner sets a password, not a hash');
      if (input.currentPassword === undefined) throw AppError.invalid('currentPassword', 'is required to change your own password');
      const stored = await this.prisma.account.findUniqueOrThrow({ where: { id: row.id }, select: { passwordHash: true } });
      if (!(await verifyPassword(input.currentPassword, stored.passwordHash))) {
        throw new AppError('FORBIDDEN', 'currentPassword: is not the current password', { errors: [{ field: 'currentPassword', message: 'is not the current password' }] });
      }
    }
    const passwordHash = input.passwordHash ?? (await hashPassword(input.password!));
    await this.provisioning.transaction(async (tx, directory) => {
      const updated = await tx.account.updateMany({ where: { id: row.id, version: row.version }, data: { passwordHash, version: { increment: 1 } } });
      if (updated.count === 0) throw new AppError('PRECONDITION_FAILED', 'the account changed while the password was being set; retry');
      await directory.passwordSet(row, input.password !== undefined ? { password: input.password } : { hash: passwordHash });
      await this.audit.record(tx, actor, {
        action: 'account.set-password',
        subjectType: 'Account',
        subjectId: row.address,
        domain: row.domain,
        before: { address: row.address, version: row.version },
        after: { address: row.address, version: row.version + 1, passwordChanged: true, scheme: schemeOf(passwordHash) },
      });
    });
  }

  async remove(actor: Actor, address: string, expectedVersion?: number) {
    await this.provisioning.transaction(async (tx, directory) => {
      const row = await visibleAccount(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('Account', row));
      assertVersion(row.version, expectedVersion);
      const before = await presentOne(tx, row);
      await tx.account.delete({ where: { id: row.id } });
      await releaseAddress(tx, row.address);
      await directory.accountDeleted(row);
      await this.audit.record(tx, actor, { action: 'account.delete', subjectType: 'Account', subjectId: row.address, domain: row.domain, before });
    });
  }

  async effectiveSettings(actor: Actor, address: string) {
    const row = await visibleAccount(this.prisma, actor.ability, address);
    return (await loadEffectiveSettings(this.prisma, [row.id])).get(row.id)!;
  }
}

function parseDateCursor(raw: unknown) {
  const date = typeof raw === 'string' ? new Date(raw) : null;
  if (!date || Number.isNaN(date.getTime())) throw AppError.invalid('cursor', 'is not a cursor this API gave out');
  return date;
}

/**
 * Keyset condition after a cursor on the nullable display name. PostgreSQL sorts NULLs
 * last when ascending and first when descending; the cursor walks through them by id.
 */
function afterDisplayName(cursor: string, order: 'asc' | 'desc'): Prisma.AccountWhereInput {
  const { value, id: rawId } = decodeCursor(cursor);
  const id = Number(rawId);
  if ((value !== null && typeof value !== 'string') || !Number.isInteger(id)) throw AppError.invalid('cursor', 'is not a cursor this API gave out');
  if (order === 'asc') {
    return value === null
      ? { displayName: null, id: { gt: id } }
      : { OR: [{ displayName: { gt: value } }, { displayName: value, id: { gt: id } }, { displayName: null }] };
  }
  return value === null
    ? { OR: [{ displayName: null, id: { lt: id } }, { displayName: { not: null } }] }
    : { OR: [{ displayName: { lt: value } }, { displayName: value, id: { lt: id } }] };
}
