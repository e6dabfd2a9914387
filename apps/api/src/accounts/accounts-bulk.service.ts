import { DEFAULT_FOLDERS, newUidValidity } from '@schoolmail/mail-engine';
import { classOfServiceNamed } from '../classes-of-service/class-of-service.lookup.js';
import { refusalsAt } from '../classes-of-service/class-of-service.assignment.js';
import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, probeAt } from '@schoolmail/rbac';
import type { Service } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError, type ErrorCode } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { hashPassword } from '@schoolmail/mail-engine';
import { scopeOf } from '../auth/principals.js';
import { domainOfAccounts } from './account.view.js';
import { bulkCreateInput, createAccountInput, MAX_BULK_ACCOUNTS, type CreateAccountInput } from './account.schemas.js';
import { addressIn } from './accounts.service.js';
import { alreadyUsedBy } from '../addresses/address-registry.js';
import { DirectoryProvisioning } from '../ldap/directory-provisioning.js';

export interface BulkRowResult {
  index: number;
  address: string | null;
  status: 'created' | 'error';
  error?: { field: string; message: string; code: ErrorCode };
}

interface PendingRow {
  index: number;
  address: string;
  input: CreateAccountInput;
  passwordHash?: string;
}

/** Rows per INSERT statement (each column travels as one array parameter). */
const INSERT_CHUNK = 5_000;
/** Plain passwords are hashed with scrypt; a few at a time keeps the thread pool for others. */
const HASH_CONCURRENCY = 4;

async function inChunks<T>(items: T[], size: number, run: (chunk: T[]) => Promise<unknown>) {
  for (let start = 0; start < items.length; start += size) await run(items.slice(start, start + size));
}

async function hashAll(rows: PendingRow[]) {
  const queue = rows.filter((row) => row.passwordHash === undefined);
  const worker = async () => {
    for (let row = queue.pop(); row; row = queue.pop()) row.passwordHash = await hashPassword(row.input.password!);
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
}

/**
 * Bulk provisioning: up to 10,000 accounts per call, validated in memory, checked against
 * the batch itself and the address registry with one query, and written with a handful of
 * multi-row INSERTs in one transaction, with one audit event for the whole call.
 */
@Injectable()
export class AccountsBulkService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
    private readonly provisioning: DirectoryProvisioning,
  ) {}

  async bulkCreate(actor: Actor, domainName: string, rawInput: unknown) {
    const rawRows = (rawInput as { accounts?: unknown } | null)?.accounts;
    if (Array.isArray(rawRows) && rawRows.length > MAX_BULK_ACCOUNTS) {
      const message = `has ${rawRows.length} rows; at most ${MAX_BULK_ACCOUNTS} accounts per call`;
      throw new AppError('PAYLOAD_TOO_LARGE', `accounts: ${message}`, { errors: [{ field: 'accounts', message }] });
    }
    const { accounts, atomic } = parseInput(bulkCreateInput, rawInput);
    const domain = await domainOfAccounts(this.prisma, actor.ability, domainName);
    ForbiddenError.from(actor.ability).throwUnlessCan('create', probeAt('Account', scopeOf(domain)!));

    const results: BulkRowResult[] = [];
    const fail = (index: number, address: string | null, field: string, message: string, code: ErrorCode = 'BAD_USER_INPUT') => {
      results[index] = { index, address, status: 'error', error: { field, message, code } };
    };
    const pending = this.validateRows(accounts, domain.name, fail);
    await this.refuseTakenAddresses(pending, fail);
    const classIds = await this.resolveClasses(actor, pending, domain, fail);
    const valid = pending.filter((row) => results[row.index] === undefined);

    const failedCount = accounts.length - valid.length;
    if (atomic && failedCount > 0) throw atomicFailure(results.filter(Boolean));
    if (valid.length === 0) return { results, created: 0, failed: failedCount };
    await hashAll(valid);

    const createdAt = new Date();
    await this.provisioning.transaction(
      async (tx, directory) => {
        await inChunks(valid, INSERT_CHUNK, async (chunk) => {
          await insertAddresses(tx, chunk, domain.id);
          await insertAccounts(tx, chunk, domain.id, classIds, createdAt);
        });
        await this.saveBulkToggles(tx, valid, actor.principal.name);
        await directory.accountsCreated(domain.id, valid);
        await this.audit.record(tx, actor, {
          action: 'account.bulk-create',
          subjectType: 'Account',
          subjectId: domain.name,
          domain,
          after: { count: valid.length, atomic, failed: failedCount, addresses: valid.map((row) => row.address) },
        });
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    for (const row of valid) results[row.index] = { index: row.index, address: row.address, status: 'created' };
    return { results, created: valid.length, failed: failedCount };
  }

  private validateRows(rows: unknown[], domainName: string, fail: (i: number, a: string | null, f: string, m: string, c?: ErrorCode) => void) {
    const pending: PendingRow[] = [];
    const firstIndexOf = new Map<string, number>();
    rows.forEach((raw, index) => {
      const rawLocal = (raw as { localPart?: unknown } | null)?.localPart;
      const guessedAddress = typeof rawLocal === 'string' ? `${rawLocal.trim().toLowerCase()}@${domainName}` : null;
      const parsed = createAccountInput.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        fail(index, guessedAddress, issue.path.length ? issue.path.join('.') : '(row)', issue.message);
        return;
      }
      let address: string;
      try {
        address = addressIn(parsed.data.localPart, domainName);
      } catch (error) {
        fail(index, guessedAddress, 'localPart', (error as AppError).extra.errors?.[0]?.message ?? 'is too long');
        return;
      }
      const earlier = firstIndexOf.get(address);
      if (earlier !== undefined) {
        fail(index, address, 'localPart', `${address} appears earlier in this batch (row ${earlier})`, 'CONFLICT');
        return;
      }
      firstIndexOf.set(address, index);
      pending.push({ index, address, input: parsed.data, passwordHash: parsed.data.passwordHash });
    });
    return pending;
  }

  /** One query for the whole batch against every kind of address (accounts, aliases, lists, groups). */
  private async refuseTakenAddresses(rows: PendingRow[], fail: (i: number, a: string | null, f: string, m: string, c?: ErrorCode) => void) {
    if (rows.length === 0) return;
    const taken = await this.prisma.address.findMany({ where: { address: { in: rows.map((row) => row.address) } }, select: { address: true, kind: true } });
    const kindOf = new Map(taken.map((t) => [t.address, t.kind]));
    for (const row of rows) {
      const kind = kindOf.get(row.address);
      if (kind) fail(row.index, row.address, 'localPart', alreadyUsedBy(row.address, kind), 'CONFLICT');
    }
  }

  /**
   * The classes of service the rows name, looked up as usableClassOfService does (case-
   * insensitive names, readable by the actor, a district's own class only inside the
   * district), in one query for the whole batch; a class beyond the limits of the domain
   * fails its rows as assertAssignable says.
   */
  private async resolveClasses(
    actor: Actor,
    rows: PendingRow[],
    domain: { name: string; path: string },
    fail: (i: number, a: string | null, f: string, m: string, c?: ErrorCode) => void,
  ) {
    const names = [...new Set(rows.map((row) => row.input.classOfService).filter((name): name is string => name !== undefined))];
    const found = names.length
      ? await this.prisma.classOfService.findMany({
          where: { AND: [accessibleBy(actor.ability, 'read').ClassOfService, { OR: names.map(classOfServiceNamed) }] },
          include: { domain: { select: { path: true } } },
        })
      : [];
    const usable = found.filter((c) => !c.domain || domain.path.startsWith(c.domain.path));
    const refused = await refusalsAt(this.prisma, actor, usable, { kind: 'account', name: domain.name, domain, classOfServiceId: null });
    const idByName = new Map<string, number>();
    const refusalByName = new Map<string, string>();
    for (const name of names) {
      const match = usable.find((c) => c.name.toLowerCase() === name.trim().toLowerCase());
      const refusal = match && refused.get(match.id);
      if (refusal) refusalByName.set(name, refusal.extra.errors!.map((e) => e.message).join('; '));
      else if (match) idByName.set(name, match.id);
    }
    for (const row of rows) {
      const name = row.input.classOfService;
      if (name === undefined || idByName.has(name)) continue;
      fail(row.index, row.address, 'classOfService', refusalByName.get(name) ?? `unknown class of service "${name}"`);
    }
    return idByName;
  }

  /** Service toggles need the new ids: read them back only for the rows that set any. */
  private async saveBulkToggles(tx: Tx, rows: PendingRow[], changedBy: string) {
    const withToggles = rows.filter((row) => Object.values(row.input.services ?? {}).some((v) => v !== undefined));
    if (withToggles.length === 0) return;
    const ids = await tx.account.findMany({ where: { address: { in: withToggles.map((row) => row.address) } }, select: { id: true, address: true } });
    const idByAddress = new Map(ids.map((a) => [a.address, a.id]));
    const toggles = withToggles.flatMap((row) =>
      Object.entries(row.input.services ?? {})
        .filter(([, enabled]) => enabled !== undefined)
        .map(([service, enabled]) => ({ accountId: idByAddress.get(row.address)!, service: service as Service, enabled: enabled!, changedBy })),
    );
    await inChunks(toggles, INSERT_CHUNK, (chunk) => tx.serviceToggle.createMany({ data: chunk }));
  }
}

/*
 * Multi-row INSERTs from column arrays (`unnest`): one statement and a few parameters per
 * chunk. Prisma's createMany builds one bind parameter per cell and spends most of a bulk
 * call doing so; this keeps 10,000 rows well under a second.
 */
async function insertAddresses(tx: Tx, rows: PendingRow[], domainId: number) {
  await tx.$executeRaw`
    INSERT INTO "Address" (address, kind, "domainId")
    SELECT address, 'account'::"AddressKind", ${domainId}::int FROM unnest(${rows.map((row) => row.address)}::text[]) AS address`;
}

async function insertAccounts(tx: Tx, rows: PendingRow[], domainId: number, classIds: Map<string, number>, at: Date) {
  const column = <T>(pick: (row: PendingRow) => T) => rows.map(pick);
  await tx.$executeRaw`
    INSERT INTO "Account" (address, "localPart", "domainId", "passwordHash", "displayName", "classOfServiceId", status, "createdAt", "updatedAt")
    SELECT address, local_part, ${domainId}::int, password_hash, display_name, class_id, status, ${at}::timestamp, ${at}::timestamp
    FROM unnest(
      ${column((r) => r.address)}::text[],
      ${column((r) => r.input.localPart)}::text[],
      ${column((r) => r.passwordHash!)}::text[],
      ${column((r) => r.input.displayName ?? null)}::text[],
      ${column((r) => (r.input.classOfService ? classIds.get(r.input.classOfService)! : null))}::int[],
      ${column((r) => r.input.status ?? 'active')}::"AccountStatus"[]
    ) AS row(address, local_part, password_hash, display_name, class_id, status)`;
  // The default folders, created with the accounts so first deliveries never race to create them.
  await tx.$executeRaw`
    INSERT INTO "MailboxFolder" ("accountId", name, "specialUse", "uidValidity")
    SELECT a.id, f.name, f.special_use, ${newUidValidity()}::int
    FROM "Account" a
    CROSS JOIN unnest(${DEFAULT_FOLDERS.map((f) => f.name)}::text[], ${DEFAULT_FOLDERS.map((f) => f.specialUse)}::text[]) AS f(name, special_use)
    WHERE a.address = ANY(${column((r) => r.address)}::text[])`;
}

/** All-or-nothing refused: the problem document lists every failing row (index, address, field). */
function atomicFailure(failures: BulkRowResult[]) {
  const conflict = failures.some((row) => row.error?.code === 'CONFLICT');
  const errors = failures.map((row) => ({
    field: `accounts.${row.index}.${row.error!.field}`,
    message: row.error!.message,
    index: row.index,
    address: row.address,
    code: row.error!.code,
  }));
  return new AppError(
    conflict ? 'CONFLICT' : 'BAD_USER_INPUT',
    `${failures.length} of the accounts cannot be created, so none was (atomic): ${errors.slice(0, 3).map((e) => `${e.field}: ${e.message}`).join('; ')}${failures.length > 3 ? '; ...' : ''}`,
    { errors },
  );
}
