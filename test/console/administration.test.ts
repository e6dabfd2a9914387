/**
 * The console in a real browser against the real built server: staff sets up a district,
 * its postmaster and sub-domain admin work inside it and see nothing else, and the district's
 * branding shows on its sign-in page and header. Screenshots and an axe check of each screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, newPage, screenshot, signIn, startConsoleServer, STAFF_PASSWORD, type ConsoleServer } from './harness.js';

const ADMIN_PASSWORD = 'district-admin-pass-1';
// A 2x2 PNG, so the logo upload and its display are real.
const LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

let server: ConsoleServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

async function createAdmin(username: string, role: 'postmaster' | 'subdomain-admin', domain: string) {
  const created = await server.staff.post('/admins', { username, password: ADMIN_PASSWORD });
  expect(created.status).toBe(201);
  expect((await server.staff.post(`/admins/${created.body.id}/assignments`, { role, domain })).status).toBe(201);
}

/** A link of the main navigation (screens also link to each other by the same names). */
function nav(page: Page, label: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });
}

async function pickOption(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  // Another district, with an account the postmaster of district9 must not reach.
  await server.staff.post('/domains', { name: 'other.k12.us' });
  await server.staff.post('/domains/other.k12.us/accounts', { localPart: 'secret', password: 'mailbox-password-1' });
  const cos = await server.staff.post('/classes-of-service', { name: 'students', maxMessageSizeKb: 10_240, mailboxQuotaMb: 500, maxRecipients: 50 });
  expect(cos.status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('console: staff sets up a district', () => {
  it('creates a district and a sub-domain, assigns a class of service and brands the district', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await signIn(page, 'staff', STAFF_PASSWORD);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'Storage units' }).waitFor();
    await screenshot(page, 'dashboard-staff');
    await expectAccessible(page);

    await nav(page, 'Domains').click();
    await page.getByRole('button', { name: 'New domain' }).click();
    await page.getByRole('textbox', { name: 'Domain name' }).fill('district9.k12.us');
    await page.getByRole('button', { name: 'Create domain' }).click();
    await page.getByRole('heading', { name: 'district9.k12.us' }).waitFor();

    await pickOption(page, 'Class of service', 'students');
    await page.getByRole('button', { name: 'Save class of service' }).click();
    await expect.poll(async () => (await server.staff.get('/domains/district9.k12.us')).body.classOfService).toBe('students');
    await page.getByText('Saved', { exact: true }).waitFor();

    await page.getByRole('textbox', { name: 'Product name' }).fill('District Nine Mail');
    await page.getByRole('textbox', { name: 'Primary colour' }).fill('#7b1fa2');
    await page.getByRole('heading', { name: 'Branding' }).click();
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(async () => (await server.staff.get('/domains/district9.k12.us')).body.branding.productName).toBe('District Nine Mail');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await (await chooser).setFiles({ name: 'logo.png', mimeType: 'image/png', buffer: LOGO });
    await expect.poll(async () => (await server.staff.get('/domains/district9.k12.us')).body.branding.hasLogo).toBe(true);
    await screenshot(page, 'domain-view');
    await expectAccessible(page);

    // A bad colour comes back as a problem document and shows next to its field.
    await page.getByRole('textbox', { name: 'Primary colour' }).fill('purple');
    await page.getByRole('heading', { name: 'Branding' }).click();
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(() => page.getByText('must be a colour like #1a5fb4').count()).toBe(1);

    await nav(page, 'Domains').click();
    await page.getByRole('button', { name: 'New domain' }).click();
    await page.getByRole('textbox', { name: 'Domain name' }).fill('north.district9.k12.us');
    await pickOption(page, 'Parent domain', 'district9.k12.us');
    await page.getByRole('button', { name: 'Create domain' }).click();
    await page.getByRole('heading', { name: 'north.district9.k12.us' }).waitFor();
    await page.getByText('Sub-domain of').waitFor();
    await server.staff.post('/domains', { name: 'south.district9.k12.us', parent: 'district9.k12.us' });

    await nav(page, 'Domains').click();
    const tree = page.getByRole('list', { name: 'Domains' });
    await tree.getByRole('link', { name: 'south.district9.k12.us' }).waitFor();
    await screenshot(page, 'domains');
    await expectAccessible(page);
    await page.context().close();

    await createAdmin('pm9', 'postmaster', 'district9.k12.us');
    await createAdmin('north-admin', 'subdomain-admin', 'north.district9.k12.us');
  });
});

describe('console: the district postmaster', () => {
  it('sees the district branding on the sign-in page and in the header', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await page.goto('/sign-in?domain=district9.k12.us');
    await expect.poll(() => page.getByTestId('brand-name').textContent()).toBe('District Nine Mail');
    const logo = page.getByRole('img', { name: 'District Nine Mail logo' });
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(2);
    await screenshot(page, 'sign-in-branded');
    await expectAccessible(page);
    await signIn(page, 'pm9', ADMIN_PASSWORD, '?domain=district9.k12.us');
    await expect.poll(() => page.getByRole('banner').getByTestId('brand-name').textContent()).toBe('District Nine Mail');
    await page.getByRole('banner').getByRole('img', { name: 'District Nine Mail logo' }).waitFor();
    await page.context().close();
  });

  it('sees only its district: its domains, and "not found" for another district\'s account', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await signIn(page, 'pm9', ADMIN_PASSWORD);
    await nav(page, 'Domains').click();
    const tree = page.getByRole('list', { name: 'Domains' });
    await tree.getByRole('link', { name: 'north.district9.k12.us' }).waitFor();
    expect(await tree.getByRole('link').allTextContents()).toEqual(['district9.k12.us', 'north.district9.k12.us', 'south.district9.k12.us']);

    await page.goto('/accounts/view?address=secret@other.k12.us');
    await page.getByRole('heading', { name: 'Account not found' }).waitFor();
    await page.context().close();
  });

  it('creates an account, turns IMAP off and reads why it is off', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await signIn(page, 'pm9', ADMIN_PASSWORD);
    await nav(page, 'Accounts').click();
    await page.getByRole('button', { name: 'New account' }).click();
    await page.getByRole('textbox', { name: 'Address' }).fill('jane');
    await page.getByRole('textbox', { name: 'Display name' }).fill('Jane Doe');
    await page.getByRole('textbox', { name: 'Password' }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The API's problem document lands next to the password field.
    await expect.poll(() => page.getByRole('dialog').getByText(/at least/).count()).toBeGreaterThan(0);
    await page.getByRole('textbox', { name: 'Password' }).fill('mailbox-password-1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'jane@district9.k12.us' }).waitFor();

    // A name being typed survives the refetch that the IMAP toggle's save brings.
    const displayName = page.getByRole('textbox', { name: 'Display name' });
    await displayName.fill('Jane Q. Doe');
    const imapSwitch = page.getByRole('switch', { name: 'IMAP' });
    await imapSwitch.click();
    const imap = page.getByTestId('effective-imap');
    await expect.poll(() => imap.textContent(), { timeout: 10_000 }).toMatch(/IMAP: off - disabled at account jane@district9\.k12\.us by pm9 on \d+ \w+ \d{4}/);
    await expect.poll(async () => !(await imapSwitch.isChecked()) && (await imapSwitch.isEnabled())).toBe(true);
    expect(await page.getByTestId('effective-smtp').textContent()).toMatch(/SMTP: on/);
    expect((await server.staff.get('/accounts/jane@district9.k12.us')).body.services.imap).toBe(false);
    expect(await displayName.inputValue()).toBe('Jane Q. Doe');
    await page.getByRole('button', { name: 'Save details' }).click();
    await expect.poll(async () => (await server.staff.get('/accounts/jane@district9.k12.us')).body.displayName).toBe('Jane Q. Doe');
    expect((await server.staff.get('/accounts/jane@district9.k12.us')).body.services.imap).toBe(false);
    await screenshot(page, 'account-view');
    await expectAccessible(page);

    await page.getByRole('link', { name: '← Accounts' }).click();
    await page.getByRole('link', { name: 'jane@district9.k12.us' }).waitFor();
    await page.getByRole('textbox', { name: 'Search' }).fill('nobody-here');
    await page.getByText('No account matches "nobody-here".').waitFor();
    await page.getByRole('textbox', { name: 'Search' }).fill('jane');
    await page.getByRole('link', { name: 'jane@district9.k12.us' }).waitFor();
    await screenshot(page, 'accounts');
    await expectAccessible(page);
    await page.context().close();
  });
  it('imports accounts from a CSV file with live progress and a per-row report', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await signIn(page, 'pm9', ADMIN_PASSWORD);
    await nav(page, 'Accounts').click();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByRole('table', { name: 'CSV columns' }).getByText('displayName').waitFor();
    const template = await page.request.get('/api/v1/accounts/imports/template.csv');
    expect((await template.text()).split('\r\n')[0]).toMatch(/^address,password/);
    const csv = ['address,password,displayName', 'kim@district9.k12.us,mailbox-password-2,Kim', 'lee@other.k12.us,mailbox-password-3,Lee', 'bad-address,x,Nobody'].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'accounts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.getByTestId('job-counts').textContent(), { timeout: 20_000 }).toBe('1 created, 2 failed, 0 skipped');
    const problems = page.getByRole('table', { name: 'Rows that need attention' });
    await problems.getByText('lee@other.k12.us').waitFor();
    expect(await problems.getByRole('row').count()).toBe(3);
    await page.getByRole('link', { name: 'Download the error report (CSV)' }).waitFor();
    expect((await server.staff.get('/accounts/kim@district9.k12.us')).status).toBe(200);
    await screenshot(page, 'accounts-import');
    await expectAccessible(page);
    await page.context().close();
  });
});

describe('console: a sub-domain admin', () => {
  it("cannot see the parent's other sub-domains", async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await signIn(page, 'north-admin', ADMIN_PASSWORD);
    await nav(page, 'Domains').click();
    const tree = page.getByRole('list', { name: 'Domains' });
    await tree.getByRole('link', { name: 'north.district9.k12.us' }).waitFor();
    expect(await tree.getByRole('link').allTextContents()).toEqual(['north.district9.k12.us']);
    await page.goto('/domains/view?name=south.district9.k12.us');
    await page.getByRole('heading', { name: 'Domain not found' }).waitFor();
    await page.context().close();
  });
});

describe('console: sessions', () => {
  it('says the session expired when it did, and signs out', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await signIn(page, 'pm9', ADMIN_PASSWORD);
    await server.prisma.session.updateMany({ where: { admin: { username: 'pm9' }, revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await nav(page, 'Accounts').click();
    await page.getByText('Your session expired, please sign in again.').waitFor();
    await signIn(page, 'pm9', ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.filter((c) => c.name.startsWith('schoolmail_'))).toEqual([]);
    await page.context().close();
  });

  it('says how long to wait after too many failed attempts', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Username or email address' }).fill('ghost');
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong-password');
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/^Too many attempts, try again in \d+ seconds\.$/).waitFor();
    await page.context().close();
  });
});
