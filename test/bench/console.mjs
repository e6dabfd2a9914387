// Issue 5 benchmark: the console in Chromium with 200,000 accounts and 100,000 queue entries.
// Loads the data with INSERT ... SELECT FROM generate_series into a fresh server's database,
// then measures, p50 of 10 fresh page loads each: first contentful paint and "interactive"
// (the first data row of the table is on screen and the page answers input) of the accounts
// and queue screens, and the time from typing a filter to the filtered table.
// Needs a build (`npm run build`) and /usr/bin/chromium; run with `npm run bench -- console`.
import pg from 'pg';
import { chromium } from 'playwright-core';
import { fmt, percentile, startServer } from './lib.mjs';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200_000);
const QUEUE_ENTRIES = Number(process.env.BENCH_QUEUE_ENTRIES ?? 100_000);
const RUNS = 10;
const DISTRICT = 'bench.k12.us';
const pgPort = 50001 + Math.floor(Math.random() * 10000);

// HTTP only: no queue workers touching the entries while they are measured.
const server = await startServer({ SCHOOLMAIL_ROLE: 'api', SCHOOLMAIL_PG_PORT: String(pgPort) });
const db = new pg.Client({ connectionString: `postgresql://schoolmail:schoolmail@127.0.0.1:${pgPort}/schoolmail` });
await db.connect();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  console.log(`# console benchmark: ${fmt(ACCOUNTS)} accounts, ${fmt(QUEUE_ENTRIES)} queue entries, p50 of ${RUNS}`);
  await server.staff.post('/domains', { name: DISTRICT });
  const started = Date.now();
  const domain = await db.query(`SELECT id, path FROM "Domain" WHERE name = $1`, [DISTRICT]);
  const { id: domainId, path } = domain.rows[0];
  await db.query(
    `INSERT INTO "Account" (address, "localPart", "domainId", "passwordHash", "displayName", "quotaUsedBytes", "updatedAt", "createdAt")
     SELECT 'user' || g || '@${DISTRICT}', 'user' || g, $1, '{SCRYPT}$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
       'Student ' || g, (g % 1000) * 1048576, now(), now() - g * interval '1 second'
     FROM generate_series(1, $2::int) g`,
    [domainId, ACCOUNTS],
  );
  const unit = await db.query(`INSERT INTO "StorageUnit" (name, directory, "capacityBytes", "updatedAt") VALUES ('bench', '/nonexistent/bench', 1000000000000, now()) RETURNING id`);
  const blob = await db.query(`INSERT INTO "MessageBlob" (sha256, size, "storageUnitId") VALUES (repeat('0', 64), 4096, $1) RETURNING id`, [unit.rows[0].id]);
  await db.query(
    `INSERT INTO "OutboundMessage" (id, "blobId", sender, size, "senderDomainPath", "createdAt")
     SELECT 'BENCH' || lpad(m::text, 8, '0'), $1, 'user' || m || '@${DISTRICT}', 4096, $2, now() FROM generate_series(1, $3::int) m`,
    [blob.rows[0].id, path, Math.ceil(QUEUE_ENTRIES / 10)],
  );
  await db.query(
    `INSERT INTO "QueueEntry" ("messageId", recipient, "remoteDomain", sender, size, state, attempts, "nextAttemptAt", "expiresAt", "senderDomainPath", "createdAt")
     SELECT 'BENCH' || lpad(((g - 1) / 10 + 1)::text, 8, '0'), 'rcpt' || g || '@r' || (g % 1000) || '.remote.test', 'r' || (g % 1000) || '.remote.test',
       'user' || ((g - 1) / 10 + 1) || '@${DISTRICT}', 1000 + g % 50000, (ARRAY['queued', 'deferred', 'held', 'deferred'])[1 + g % 4]::"QueueState", g % 5,
       now() + interval '1 day', now() + interval '5 days', $1, now() - (g % 1440) * interval '1 minute'
     FROM generate_series(1, $2::int) g`,
    [path, QUEUE_ENTRIES],
  );
  for (const table of ['Account', 'QueueEntry', 'OutboundMessage']) await db.query(`VACUUM (ANALYZE) "${table}"`);
  console.log(`loaded in ${fmt((Date.now() - started) / 1000, 1)} s`);

  // One signed-in browser context (the session cookie), a fresh page per run: the browser's
  // HTTP cache is warm after the first load, as for a person who uses the console daily.
  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 800 } });
  const signIn = await context.newPage();
  await signIn.goto('/sign-in');
  await signIn.getByRole('textbox', { name: 'Username or email address' }).fill('admin');
  await signIn.getByRole('textbox', { name: 'Password' }).fill('bench-password-1');
  await signIn.getByRole('button', { name: 'Sign in' }).click();
  await signIn.getByTestId('signed-in-as').waitFor();
  await signIn.close();

  async function measure(label, url, firstRow, filter) {
    const fcp = [];
    const interactive = [];
    const filtered = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await context.newPage();
      const start = Date.now();
      await page.goto(url);
      await page.locator(firstRow).first().waitFor({ timeout: 30_000 });
      // Interactive: the table shows data and the main thread answers a task right away.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
      interactive.push(Date.now() - start);
      fcp.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
      if (filter) filtered.push(await filter(page));
      await page.close();
    }
    const line = [`${label}: first contentful paint p50 ${fmt(percentile(fcp, 50))} ms`, `interactive p50 ${fmt(percentile(interactive, 50))} ms`];
    if (filter) line.push(`filter applied p50 ${fmt(percentile(filtered, 50))} ms`);
    console.log(line.join(', '));
  }

  await measure('accounts', `/accounts?domain=${DISTRICT}`, 'table[aria-label="Accounts"] tbody a', async (page) => {
    const start = Date.now();
    await page.getByRole('textbox', { name: 'Search' }).fill('user123456');
    await page.getByRole('link', { name: `user123456@${DISTRICT}`, exact: true }).waitFor();
    await page.locator('table[aria-label="Accounts"] tbody a').nth(1).waitFor({ state: 'detached' }).catch(() => undefined);
    return Date.now() - start;
  });

  if ((await fetch(`${server.base}/queue`)).status === 404) {
    console.log('queue: no queue screen in this build; not measured');
  } else {
    await measure('queue', '/queue', 'table[aria-label="Queue entries"] tbody tr', async (page) => {
      const start = Date.now();
      await page.getByRole('textbox', { name: 'Sender' }).fill(`user77@${DISTRICT}`);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('rcpt770@r770.remote.test').first().waitFor({ timeout: 30_000 });
      return Date.now() - start;
    });
  }
} finally {
  await browser.close();
  await db.end();
  await server.stop();
}
