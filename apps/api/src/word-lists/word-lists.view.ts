import { accessibleBy, type AppAbility } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import type { Database, Tx } from '../database/database.js';
import { AppError } from '../common/errors.js';

const domainRef = { select: { id: true, name: true, path: true, depth: true } } as const;

export const wordListInclude = {
  domain: domainRef,
  account: { select: { id: true, address: true, domainId: true, domain: domainRef } },
  _count: { select: { entries: true } },
} satisfies Prisma.WordListInclude;
export type WordListRow = Prisma.WordListGetPayload<{ include: typeof wordListInclude }>;

/** The representation; `entries` only when given (a single list), lists carry just the count. */
export function presentWordList(row: WordListRow, entries?: string[]) {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    domain: row.domain?.name ?? null,
    account: row.account?.address ?? null,
    action: row.action,
    direction: row.direction,
    ...(entries ? { entries } : {}),
    entryCount: entries?.length ?? row._count.entries,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type WordListView = ReturnType<typeof presentWordList>;

/** The domain whose audit trail a list's changes belong to (none for system lists). */
export const auditDomainOf = (row: WordListRow) => row.domain ?? row.account?.domain ?? null;

/** Ids are numbers; anything else names no list. */
export function parseWordListId(raw: string | number): number | null {
  const text = String(raw).trim();
  if (!/^\d{1,10}$/.test(text)) return null;
  const id = Number(text);
  return id >= 1 && id <= 2_147_483_647 ? id : null;
}

/** Reads a word list the actor can see: 404 when it does not exist or is out of scope. */
export async function visibleWordList(db: Database | Tx, ability: AppAbility, rawId: string | number) {
  const id = parseWordListId(rawId);
  const row = id === null ? null : await db.wordList.findFirst({ where: { AND: [accessibleBy(ability, 'read').WordList, { id }] }, include: wordListInclude });
  if (!row) throw AppError.notFound('word list', String(rawId));
  return row;
}

export async function entriesOf(db: Database | Tx, wordListId: number): Promise<string[]> {
  const rows = await db.wordListEntry.findMany({ where: { wordListId }, select: { text: true } });
  return rows.map((r) => r.text).sort();
}
