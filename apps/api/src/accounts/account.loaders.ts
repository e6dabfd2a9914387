/**
 * Batch loaders for nested GraphQL reads (domain -> accounts -> effective settings): each
 * level costs a fixed number of SQL queries, however many parents the page has.
 */
import { accessibleBy, probeAt } from '@schoolmail/rbac';
import { loadEffectiveSettings, type EffectiveSettings } from '@schoolmail/mail-engine';
import type { Database } from '../database/database.js';
import type { RequestWithActor } from '../common/actor.js';
import type { GraphqlContext } from '../graphql/context.js';
import { AppError } from '../common/errors.js';
import { decodeCursor, encodeCursor, pageQuery, type Page } from '../common/pagination.js';
import { parseInput } from '../common/validation.js';
import { scopeOf } from '../auth/principals.js';
import { accountInclude, presentAccounts, type AccountView } from './account.view.js';
import { z } from 'zod';

const nestedPageQuery = pageQuery.extend({ q: z.string().trim().max(320).optional() });

function abilityOf(request: RequestWithActor) {
  if (!request.actor) throw new Error('loader used before authentication');
  return request.actor.ability;
}

interface DomainPageKey {
  domain: string;
  limit: number;
  after: string | null;
  q: string | null;
}

/** The page of a domain's accounts that a nested `accounts(limit, cursor, q)` asks for. */
export function accountsOfDomain(context: GraphqlContext, domain: string, args: { limit?: number; cursor?: string; q?: string }) {
  const query = parseInput(nestedPageQuery, Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined && v !== null)));
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor).value;
  if (after !== null && typeof after !== 'string') throw AppError.invalid('cursor', 'is not a cursor this API gave out');
  const key: DomainPageKey = { domain, limit: query.limit, after, q: query.q ?? null };
  return context.loaders.named<string, Page<AccountView>>('accounts.byDomain', batchAccountsOfDomains).load(JSON.stringify(key));
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

async function batchAccountsOfDomains(keys: readonly string[], prisma: Database, request: RequestWithActor): Promise<Page<AccountView>[]> {
  const ability = abilityOf(request);
  const wanted = keys.map((key) => JSON.parse(key) as DomainPageKey);
  const domains = await prisma.domain.findMany({
    where: { name: { in: [...new Set(wanted.map((w) => w.domain))] } },
    select: { id: true, name: true, path: true, depth: true },
  });
  // Whoever may read accounts at a domain may read all of its accounts (rules are per subtree).
  const readableIdByName = new Map(domains.filter((d) => ability.can('read', probeAt('Account', scopeOf(d)!))).map((d) => [d.name, d.id]));

  // Usually every parent asks with the same arguments: then this is one SQL query.
  const groups = new Map<string, DomainPageKey[]>();
  for (const w of wanted) {
    const signature = JSON.stringify([w.limit, w.after, w.q]);
    groups.set(signature, [...(groups.get(signature) ?? []), w]);
  }
  const idsByKey = new Map<string, number[]>();
  for (const group of groups.values()) {
    const { limit, after, q } = group[0]!;
    const domainIds = [...new Set(group.map((w) => readableIdByName.get(w.domain)).filter((id): id is number => id !== undefined))];
    if (domainIds.length === 0) continue;
    const pattern = q === null ? null : likePattern(q);
    const rows = await prisma.$queryRaw<Array<{ id: number; domainId: number }>>`
      SELECT id, "domainId" FROM (
        SELECT a.id, a."domainId", ROW_NUMBER() OVER (PARTITION BY a."domainId" ORDER BY a.address) AS position
        FROM "Account" a
        WHERE a."domainId" = ANY(${domainIds}::int[])
          AND (${after}::text IS NULL OR a.address > ${after}::text)
          AND (${pattern}::text IS NULL OR a.address LIKE lower(${pattern}::text) OR a."displayName" ILIKE ${pattern}::text)
      ) ranked
      WHERE position <= ${limit + 1}
      ORDER BY "domainId", position`;
    for (const w of group) {
      const domainId = readableIdByName.get(w.domain);
      idsByKey.set(JSON.stringify(w), rows.filter((row) => row.domainId === domainId).map((row) => row.id));
    }
  }

  const allIds = [...new Set([...idsByKey.values()].flat())];
  const rows = allIds.length ? await prisma.account.findMany({ where: { id: { in: allIds } }, include: accountInclude }) : [];
  const views = await presentAccounts(prisma, rows);
  const viewById = new Map(rows.map((row, i) => [row.id, views[i]!]));
  return wanted.map((w) => {
    const ids = idsByKey.get(JSON.stringify(w)) ?? [];
    const kept = ids.slice(0, w.limit);
    const last = kept.at(-1);
    return {
      items: kept.map((id) => viewById.get(id)!),
      nextCursor: ids.length > w.limit && last !== undefined ? encodeCursor(viewById.get(last)!.address, last) : null,
    };
  });
}

/** Effective settings of accounts by address (the parent account was already authorized; checked again here). */
export function effectiveSettingsOf(context: GraphqlContext, address: string) {
  return context.loaders.named<string, EffectiveSettings>('accounts.effectiveSettings', batchEffectiveSettings).load(address);
}

async function batchEffectiveSettings(addresses: readonly string[], prisma: Database, request: RequestWithActor): Promise<EffectiveSettings[]> {
  const accounts = await prisma.account.findMany({
    where: { AND: [accessibleBy(abilityOf(request), 'read').Account, { address: { in: [...addresses] } }] },
    select: { id: true, address: true },
  });
  const settings = await loadEffectiveSettings(prisma, accounts.map((a) => a.id));
  const idByAddress = new Map(accounts.map((a) => [a.address, a.id]));
  return addresses.map((address) => {
    const id = idByAddress.get(address);
    // DataLoader hands an Error value to the one field that asked for it.
    return ((id !== undefined && settings.get(id)) || AppError.notFound('account', address)) as EffectiveSettings;
  });
}
