import { accessibleBy, probeAt, type AppAbility } from '@schoolmail/rbac';
import { idsOfPath, SERVER_DEFAULTS } from '@schoolmail/mail-engine';
import type { Prisma } from '@schoolmail/prisma';
import type { Database, Tx } from '../database/database.js';
import { AppError } from '../common/errors.js';
import { domainName, mailAddress } from '../common/validation.js';
import { scopeOf } from '../auth/principals.js';
import { servicesOf } from '../service-toggles/service-toggles.js';

/** What a representation needs; `domain.path` also lets CASL check the row in memory. */
export const accountInclude = {
  domain: { select: { id: true, name: true, path: true, depth: true } },
  classOfService: { select: { name: true, mailboxQuotaMb: true } },
  serviceToggles: { select: { service: true, enabled: true } },
} satisfies Prisma.AccountInclude;
export type AccountRow = Prisma.AccountGetPayload<{ include: typeof accountInclude }>;

const MB = 1024 * 1024;

export function presentAccount(row: AccountRow, quotaLimitMb: number) {
  return {
    address: row.address,
    localPart: row.localPart,
    domain: row.domain.name,
    displayName: row.displayName,
    classOfService: row.classOfService?.name ?? null,
    services: servicesOf(row.serviceToggles),
    status: row.status,
    quota: { usedBytes: Number(row.quotaUsedBytes), limitBytes: quotaLimitMb * MB },
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}
export type AccountView = ReturnType<typeof presentAccount>;

/**
 * Presents a batch of rows. The quota limit comes from the class of service that applies:
 * the account's own, else the nearest domain's up the parent chain (one query for the
 * whole batch), else the server default.
 */
export async function presentAccounts(db: Database | Tx, rows: AccountRow[]): Promise<AccountView[]> {
  const needChain = rows.filter((row) => row.classOfService === null);
  const chainIds = [...new Set(needChain.flatMap((row) => idsOfPath(row.domain.path)))];
  const domains = chainIds.length
    ? await db.domain.findMany({ where: { id: { in: chainIds } }, select: { id: true, classOfService: { select: { mailboxQuotaMb: true } } } })
    : [];
  const quotaByDomain = new Map(domains.map((d) => [d.id, d.classOfService?.mailboxQuotaMb ?? null]));
  return rows.map((row) => {
    if (row.classOfService) return presentAccount(row, row.classOfService.mailboxQuotaMb);
    const nearest = idsOfPath(row.domain.path)
      .reverse()
      .map((id) => quotaByDomain.get(id))
      .find((quota) => quota !== null && quota !== undefined);
    return presentAccount(row, nearest ?? SERVER_DEFAULTS.mailboxQuotaMb);
  });
}

export async function presentOne(db: Database | Tx, row: AccountRow) {
  return (await presentAccounts(db, [row]))[0]!;
}

/** An address from a URL, normalized the way addresses are stored. */
export function normalizeAddress(raw: string) {
  const parsed = mailAddress.safeParse(raw);
  return parsed.success ? parsed.data : raw.trim().toLowerCase();
}

/** Reads an account the actor can see, by address: 404 when it does not exist or is out of scope. */
export async function visibleAccount(db: Database | Tx, ability: AppAbility, address: string): Promise<AccountRow> {
  const row = await db.account.findFirst({
    where: { AND: [accessibleBy(ability, 'read').Account, { address: normalizeAddress(address) }] },
    include: accountInclude,
  });
  if (!row) throw AppError.notFound('account', address);
  return row;
}

/**
 * The domain whose mailboxes are asked for, when the actor may read mailboxes there (a
 * custom set may hold account rights without domain rights); 404 otherwise.
 */
export async function domainOfAccounts(db: Database | Tx, ability: AppAbility, name: string) {
  const parsed = domainName.safeParse(name);
  const row = await db.domain.findUnique({
    where: { name: parsed.success ? parsed.data : name.toLowerCase() },
    select: { id: true, name: true, path: true, depth: true },
  });
  if (!row || !ability.can('read', probeAt('Account', scopeOf(row)!))) throw AppError.notFound('domain', name);
  return row;
}
