/**
 * The accounts table says how many accounts the list holds ("1,234 accounts"): for a district
 * with its sub-domains or alone, for a search, on every page; a district too big to count
 * cheaply shows PostgreSQL's estimate as "about ...".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, newPage, signIn, startConsoleServer, STAFF_PASSWORD, type ConsoleServer } from './harness.js';

const DISTRICT = 'totals.k12.us';
const SUB = `north.${DISTRICT}`;
const BIG = 'huge.k12.us';
const BIG_SIZE = 12_500;
// A loaded 2-core machine can take seconds to answer; wait on the screen, never on a clock.
const SLOW = { timeout: 30_000, intervals: [100, 250, 500] };

let server: ConsoleServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

/** Accounts loaded as the benchmark loads them: one INSERT ... SELECT. */
async function loadAccounts(domainName: string, prefix: string, count: number) {
  const domain = await server.prisma.domain.findUniqueOrThrow({ where: { name: domainName } });
  await server.prisma.$executeRawUnsafe(
    `INSERT INTO "Account" (address, "localPart", "domainId", "passwordHash", "displayName", "quotaUsedBytes", "updatedAt")
     SELECT '${prefix}' || g || '@${domainName}', '${prefix}' || g, $1, '{SCRYPT}x', 'Person ' || g, 0, now() FROM generate_series(1, $2::int) g`,
    domain.id,
    count,
  );
}

/** A number as the console writes it: in the browser's own locale. */
const inBrowser = (page: Page, n: number) => page.evaluate((value) => value.toLocaleString(), n);

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  for (const body of [{ name: DISTRICT }, { name: SUB, parent: DISTRICT }, { name: BIG }]) expect((await server.staff.post('/domains', body)).status).toBe(201);
  await loadAccounts(DISTRICT, 'user', 1_200);
  await loadAccounts(SUB, 'pupil', 34);
  await loadAccounts(BIG, 'student', BIG_SIZE);
  await server.prisma.$executeRawUnsafe('ANALYZE "Account"');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('console: the accounts total', () => {
  it('shows the total of the district, of the domain alone and of a search, on every page', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await signIn(page, 'staff', STAFF_PASSWORD);
    await page.goto(`/accounts?domain=${DISTRICT}`);
    const total = page.getByTestId('accounts-total');
    await expect.poll(() => total.textContent(), SLOW).toBe(`${await inBrowser(page, 1_234)} accounts`);
    await expectAccessible(page);

    const firstLink = page.getByRole('table', { name: 'Accounts' }).getByRole('link').first();
    const onPageOne = await firstLink.textContent();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2').waitFor();
    await expect.poll(() => firstLink.textContent(), SLOW).not.toBe(onPageOne);
    expect(await total.textContent()).toBe(`${await inBrowser(page, 1_234)} accounts`);

    await page.getByRole('checkbox', { name: 'Include sub-domains' }).uncheck();
    await expect.poll(() => total.textContent(), SLOW).toBe(`${await inBrowser(page, 1_200)} accounts`);

    // user12, user120..user129, user1200.
    await page.getByRole('textbox', { name: 'Search' }).fill('user12');
    await expect.poll(() => total.textContent(), SLOW).toBe('12 accounts match "user12"');
    await page.getByRole('textbox', { name: 'Search' }).fill('user1199');
    await expect.poll(() => total.textContent(), SLOW).toBe('1 account matches "user1199"');
    await page.context().close();
  });

  it('shows an estimate for a district above the exact limit', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await signIn(page, 'staff', STAFF_PASSWORD);
    await page.goto(`/accounts?domain=${BIG}`);
    const total = page.getByTestId('accounts-total');
    await expect.poll(() => total.textContent(), SLOW).toMatch(/^about [\d,.\s]+ accounts$/);
    const shown = Number((await total.textContent())!.replace(/\D/g, ''));
    expect(Math.abs(shown - BIG_SIZE) / BIG_SIZE).toBeLessThan(0.1);
    await page.context().close();
  });
});
