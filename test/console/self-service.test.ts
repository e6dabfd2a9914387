/**
 * End-user self-service in a real browser against the real built server: a mailbox owner
 * signs in (refused with the reason while webmail is off), sees only its own screens, changes
 * its password under the published policy (the new one then works for SMTP AUTH), edits its
 * word list, reads its quota, and manages its remote POP sources. Every page runs under the
 * console's Content-Security-Policy with no violation, and an injected inline script is blocked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pythonSmtp } from '../support/smtp.js';
import { expectAccessible, launchBrowser, newPage, screenshot, signIn, startConsoleServer, STAFF_PASSWORD, type ConsoleServer } from './harness.js';

const DOMAIN = 'brookside.k12.us';
const PAT = `pat@${DOMAIN}`;
const QUINN = `quinn@${DOMAIN}`;
const PAT_START = 'amber-lantern-field';
const PAT_NEW = 'willow-creek-lantern';
const MB = 1024 * 1024;
// A loaded 2-core machine can take a while between a click and the server's answer.
const SLOW = { timeout: 15_000 };

let server: ConsoleServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

/** Every CSP violation a page reports, from the browser console and from the DOM event. */
interface CspWatch {
  page: Page;
  reported: string[];
  violations(): Promise<string[]>;
}

async function watchedPage(): Promise<CspWatch> {
  const page = await newPage(browser.browser, server.baseUrl);
  const reported: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) reported.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __cspViolations: string[] }).__cspViolations = []);
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
  });
  return {
    page,
    reported,
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
  };
}

async function expectNoCspViolation(watch: CspWatch) {
  expect(await watch.violations()).toEqual([]);
  expect(watch.reported).toEqual([]);
}

function nav(page: Page, label: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });
}

async function smtpAuth(user: string, password: string) {
  const result = await pythonSmtp({ port: server.submissionPort, starttls: true, auth: { user, password }, sender: user, recipients: [] });
  return result.reply('auth')?.code;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  expect((await server.staff.post('/domains', { name: DOMAIN })).status).toBe(201);
  const pat = await server.staff.post(`/domains/${DOMAIN}/accounts`, { localPart: 'pat', password: PAT_START, displayName: 'Pat Lee' });
  expect(pat.status).toBe(201);
  const quinn = await server.staff.post(`/domains/${DOMAIN}/accounts`, { localPart: 'quinn', password: PAT_START, services: { webmail: false } });
  expect(quinn.status).toBe(201);
  await server.prisma.account.update({ where: { address: PAT }, data: { quotaUsedBytes: BigInt(40 * MB) } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('console self-service: signing in', () => {
  it('refuses a mailbox owner whose webmail is off, saying why', async () => {
    const watch = await watchedPage();
    const { page } = watch;
    await page.goto('/sign-in');
    await page.getByLabel('Username or email address').fill(QUINN);
    await page.getByRole('textbox', { name: 'Password' }).fill(PAT_START);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Webmail' });
    await expect.poll(() => alert.textContent(), SLOW).toMatch(/^Webmail and self-service are turned off for your account\. WebMail is disabled for the account quinn@brookside\.k12\.us/);
    expect(page.url()).toContain('/sign-in');
    await screenshot(page, 'self-service-refused');
    await expectAccessible(page);
    await expectNoCspViolation(watch);
  });

  it('blocks an inline script injected into a console page', async () => {
    const watch = await watchedPage();
    const { page } = watch;
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.appendChild(script);
    });
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    await expect.poll(() => watch.violations(), SLOW).toEqual([expect.stringMatching(/^script-src(-elem)? inline /)]);
    // The browser's console says so too (what the other tests listen to).
    expect(watch.reported).toEqual([expect.stringMatching(/^Executing inline script violates the following Content Security Policy directive 'script-src 'self' 'sha256-/)]);
  });
});

describe('console under its Content-Security-Policy: administration screens', () => {
  it('every screen in the staff navigation renders with no CSP violation (charts, tables, forms)', async () => {
    const watch = await watchedPage();
    const { page } = watch;
    await signIn(page, 'staff', STAFF_PASSWORD);
    const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    const labels = await links.allTextContents();
    expect(labels).toContain('Dashboard');
    expect(labels).not.toContain('My mailbox');
    for (const label of labels) {
      await nav(page, label).click();
      await page.getByRole('main').getByRole('heading', { level: 2 }).first().waitFor();
      await page.waitForLoadState('networkidle');
    }
    await expectNoCspViolation(watch);
  });
});

describe('console self-service: a mailbox owner', () => {
  let watch: CspWatch;
  let page: Page;
  beforeAll(async () => {
    watch = await watchedPage();
    page = watch.page;
  });

  it('lands on its mailbox, sees only its own screens and its quota', async () => {
    await signIn(page, PAT, PAT_START);
    await page.getByRole('heading', { name: 'My mailbox' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/me');
    const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    expect(await links.allTextContents()).toEqual(['My mailbox', 'Password', 'My word list', 'Remote mailboxes']);
    await page.getByText(/^40 MB of [\d.]+ (MB|GB) used$/).waitFor();
    await screenshot(page, 'self-service-mailbox');
    await expectAccessible(page);

    // Administration screens are not for mailbox owners: back to its own.
    await page.goto('/accounts');
    await page.waitForURL('**/me');
    await page.getByRole('heading', { name: 'My mailbox' }).waitFor();
    await expectNoCspViolation(watch);
  });

  it('changes its password: the rules show first, a violation shows next to the field, then the new one works for SMTP', async () => {
    await nav(page, 'Password').click();
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    await page.getByTestId('password-rules').getByText('At least 10 characters', { exact: false }).waitFor();

    await page.getByLabel('Current password').fill(PAT_START);
    const newField = page.getByRole('textbox', { name: /^New password(?! again)/ });
    await newField.fill('pat-rocks-2026');
    await page.getByLabel('New password again').fill('pat-rocks-2026');
    await page.getByRole('button', { name: 'Change password' }).click();
    // The API's message sits in the field's own wrapper, under the field it concerns.
    const newFieldWrapper = page.locator('.mantine-InputWrapper-root', { has: newField });
    await newFieldWrapper.getByText("must not contain the mailbox's address or its name before the @").waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'must not contain' }).count()).toBe(0);
    await screenshot(page, 'self-service-password-error');
    await expectAccessible(page);
    expect(await smtpAuth(PAT, PAT_START)).toBe(235);

    await newField.fill(PAT_NEW);
    await page.getByLabel('New password again').fill(PAT_NEW);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Use the new password from now on').waitFor();
    expect(await smtpAuth(PAT, PAT_NEW)).toBe(235);
    expect(await smtpAuth(PAT, PAT_START)).toBe(535);
    await screenshot(page, 'self-service-password');
    await expectNoCspViolation(watch);
  });

  it('keeps its own word list: creates it, adds and removes entries, chooses the action', async () => {
    await nav(page, 'My word list').click();
    await page.getByRole('button', { name: 'Create my word list' }).click();
    const entry = page.getByRole('textbox', { name: 'New entry' });
    for (const text of ['free ipad', 'crypto giveaway']) {
      await entry.fill(text);
      await page.getByRole('button', { name: 'Add entry' }).click();
      await page.getByRole('cell', { name: text, exact: true }).waitFor();
    }
    await page.getByRole('button', { name: 'Remove free ipad' }).click();
    await page.getByRole('cell', { name: 'free ipad', exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('combobox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'reject', exact: true }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();

    const owner = await server.login(PAT, PAT_NEW);
    await expect
      .poll(async () => {
        const [list] = (await owner.get(`/word-lists?scope=account&account=${PAT}`)).body.items;
        return list && { action: list.action, entries: (await owner.get(`/word-lists/${list.id}`)).body.entries };
      }, SLOW)
      .toEqual({ action: 'reject', entries: ['crypto giveaway'] });
    await screenshot(page, 'self-service-word-list');
    await expectAccessible(page);
    await expectNoCspViolation(watch);
  });

  it('adds and removes a remote POP source, sees the state of collection and never its password again', async () => {
    const account = await server.prisma.account.findUniqueOrThrow({ where: { address: PAT } });
    // A source the collector already failed on three times: it backs off until the next run.
    await server.prisma.rpopSource.create({
      data: {
        accountId: account.id,
        host: 'pop.oldschool.org',
        port: 110,
        tls: 'starttls',
        username: 'pat.legacy',
        passwordSealed: 'not-used',
        lastRunAt: new Date(Date.now() - 10 * 60_000),
        lastError: 'connection refused',
        consecutiveFailures: 3,
        nextRunAt: new Date(Date.now() + 60 * 60_000),
      },
    });
    await nav(page, 'Remote mailboxes').click();
    const legacy = page.getByTestId('rpop-row').filter({ hasText: 'pop.oldschool.org:110' });
    await legacy.getByText(/connection refused \(3 failures in a row; next try /).waitFor();

    await page.getByRole('textbox', { name: 'POP3 server' }).fill('pop.example.org');
    await page.getByRole('combobox', { name: 'Encryption' }).click();
    await page.getByRole('option', { name: 'TLS from the start (port 995)' }).click();
    await page.getByRole('textbox', { name: 'User name there' }).fill('pat.old');
    await page.getByLabel('Password there').fill('old-pop-secret-1');
    await page.getByRole('button', { name: 'Add remote mailbox' }).click();
    const added = page.getByTestId('rpop-row').filter({ hasText: 'pop.example.org:995' });
    await added.waitFor();
    expect(await added.textContent()).toContain('pat.old');
    expect(await page.getByLabel('Password there').inputValue()).toBe('');
    expect(await page.content()).not.toContain('old-pop-secret-1');
    await screenshot(page, 'self-service-remote-pop');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Remove pat.old at pop.example.org' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await added.waitFor({ state: 'detached' });
    expect(await server.prisma.rpopSource.count({ where: { accountId: account.id } })).toBe(1);
    await expectNoCspViolation(watch);
  });
});
