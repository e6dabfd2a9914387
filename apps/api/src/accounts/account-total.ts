import { Prisma } from '@schoolmail/prisma';
import type { Database } from '../database/database.js';

/** Up to this many accounts an unfiltered list counts exactly; above it the planner's estimate is good enough. */
export const EXACT_TOTAL_LIMIT = 10_000;

export interface AccountTotal {
  count: number;
  /** True when `count` comes from PostgreSQL's statistics (more than EXACT_TOTAL_LIMIT accounts). */
  estimated: boolean;
}

/**
 * How many accounts a list matches, cheap enough to answer with every first page of a domain
 * of 200,000 accounts. A search counts exactly: the trigram indexes find the matches, as they
 * do for the page itself. Without a search, counting stops after EXACT_TOTAL_LIMIT rows (an
 * index-only scan of a few milliseconds); a bigger domain is answered with the planner's
 * estimate for its accounts, which ANALYZE keeps within a few percent.
 */
export async function countAccounts(db: Database, where: Prisma.AccountWhereInput, search: { searched: boolean; domainIds: () => Promise<number[]> }): Promise<AccountTotal> {
  if (search.searched) return { count: await db.account.count({ where }), estimated: false };
  const counted = await db.account.count({ where, take: EXACT_TOTAL_LIMIT + 1 });
  if (counted <= EXACT_TOTAL_LIMIT) return { count: counted, estimated: false };
  const domainIds = await search.domainIds();
  const [explained] = await db.$queryRaw<Array<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>>`
    EXPLAIN (FORMAT JSON) SELECT 1 FROM "Account" WHERE "domainId" IN (${Prisma.join(domainIds)})`;
  const estimate = Math.round(explained?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
  return { count: Math.max(estimate, counted), estimated: true };
}
