/**
 * The accounts list's total, which the console shows as "1,234 accounts": exact for a search
 * and for an ordinary domain, within the caller's scope, on the first page only; a domain
 * of more than EXACT_TOTAL_LIMIT accounts gets PostgreSQL's estimate, marked as such.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXACT_TOTAL_LIMIT } from '../../apps/api/src/accounts/account-total.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/accounts.js';

let api: TestApi;
let people: Districts;

const DISTRICT = 'district1.k12.us';
const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const BIG = 'big.k12.us';
const BIG_SIZE = EXACT_TOTAL_LIMIT + 2_500;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(people.postmaster1, DISTRICT, { localPart: 'principal', displayName: 'Pat Principal' });
  for (const name of ['wendy', 'walter', 'wilma']) await createMailbox(people.postmaster1, WEST, { localPart: name });
  await createMailbox(people.postmaster1, EAST, { localPart: 'eddie', displayName: 'Eddie East' });

  // A big district, loaded as the benchmark does (one INSERT ... SELECT), then analyzed as autovacuum would.
  expect((await people.staff.post('/domains', { name: BIG })).status).toBe(201);
  const big = await api.prisma.domain.findUniqueOrThrow({ where: { name: BIG } });
  await api.prisma.$executeRawUnsafe(
    `INSERT INTO "Account" (address, "localPart", "domainId", "passwordHash", "displayName", "quotaUsedBytes", "updatedAt")
     SELECT 'student' || g || '@${BIG}', 'student' || g, $1, '{SCRYPT}x', 'Student ' || g, 0, now() FROM generate_series(1, $2::int) g`,
    big.id,
    BIG_SIZE,
  );
  await api.prisma.$executeRawUnsafe('ANALYZE "Account"');
}, 120_000);
afterAll(() => api?.close());

const totalOf = async (client: Districts[keyof Districts], path: string) => {
  const response = await client.get(path);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.total;
};

describe('accounts: the total of a list', () => {
  it('counts a domain, its subtree and a search exactly', async () => {
    expect(await totalOf(people.postmaster1, `/domains/${WEST}/accounts`)).toEqual({ count: 3, estimated: false });
    expect(await totalOf(people.postmaster1, `/domains/${DISTRICT}/accounts`)).toEqual({ count: 1, estimated: false });
    expect(await totalOf(people.postmaster1, `/domains/${DISTRICT}/accounts?subtree=true`)).toEqual({ count: 5, estimated: false });
    // A search on address or display name, through the same filters as the page.
    expect(await totalOf(people.postmaster1, `/domains/${DISTRICT}/accounts?subtree=true&q=w`)).toEqual({ count: 3, estimated: false });
    expect(await totalOf(people.postmaster1, `/domains/${DISTRICT}/accounts?subtree=true&q=east`)).toEqual({ count: 1, estimated: false });
    expect(await totalOf(people.postmaster1, `/domains/${DISTRICT}/accounts?subtree=true&q=nobody-here`)).toEqual({ count: 0, estimated: false });
  });

  it('gives the same total through GraphQL, on the first page only', async () => {
    const first = await people.postmaster1.graphql(`{ accounts(domain: "${DISTRICT}", subtree: true, limit: 2) { items { address } nextCursor total { count estimated } } }`);
    expect(first.errors).toBeUndefined();
    expect(first.data.accounts.total).toEqual({ count: 5, estimated: false });
    const next = await people.postmaster1.graphql(`{ accounts(domain: "${DISTRICT}", subtree: true, limit: 2, cursor: "${first.data.accounts.nextCursor}") { total { count } } }`);
    expect(next.data.accounts.total).toBeNull();
  });

  it('counts only what the caller may see', async () => {
    // The west sub-domain admin's subtree of west is west itself; the parent is not its to list.
    expect(await totalOf(people.westAdmin, `/domains/${WEST}/accounts?subtree=true`)).toEqual({ count: 3, estimated: false });
    expect((await people.westAdmin.get(`/domains/${DISTRICT}/accounts?subtree=true`)).status).toBe(404);
  });

  it('answers the total with the first page only', async () => {
    const first = await people.postmaster1.get(`/domains/${WEST}/accounts?limit=2`);
    expect(first.body.total).toEqual({ count: 3, estimated: false });
    expect(first.body.items).toHaveLength(2);
    const second = await people.postmaster1.get(`/domains/${WEST}/accounts?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.total).toBeNull();
  });

  it('estimates a domain above the exact limit from the statistics, and still counts a search in it exactly', async () => {
    const total = await totalOf(people.staff, `/domains/${BIG}/accounts?subtree=true`);
    expect(total.estimated).toBe(true);
    expect(total.count).toBeGreaterThan(EXACT_TOTAL_LIMIT);
    expect(Math.abs(total.count - BIG_SIZE) / BIG_SIZE).toBeLessThan(0.1);
    // "student1234" and "student12340".."student12349" (those up to BIG_SIZE).
    const expected = 1 + Array.from({ length: 10 }, (_, i) => 12340 + i).filter((n) => n <= BIG_SIZE).length;
    expect(await totalOf(people.staff, `/domains/${BIG}/accounts?q=student1234`)).toEqual({ count: expected, estimated: false });
  });
});
