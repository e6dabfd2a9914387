/**
 * The console at tablet width and from the keyboard, in a real browser against the real built
 * server. At 768x1024 (portrait) and 1024x768 (landscape), staff, a district postmaster and a
 * mailbox owner open every main screen: the page never scrolls sideways (wide tables scroll in
 * their own container), the navigation can be reached (through the menu button when it is
 * collapsed) and each page's heading is in view. From the keyboard: the sign-in form is filled
 * and sent with Tab and Enter, "Skip to content" comes first and lands in the main region, every
 * navigation link is reached with a visible focus ring, and a confirmation keeps focus inside
 * until Escape closes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { FileBlobStore, loadEngineConfig, newQueueId, PrismaOutboundQueue } from '@schoolmail/mail-engine';
import { blobStoreFor } from '../support/acceptance.js';
import { expectAccessible, launchBrowser, newPage, screenshot, startConsoleServer, STAFF_PASSWORD, type ConsoleServer } from './harness.js';

const DISTRICT = 'tablet.k12.us';
const OWNER = `robin.fairweather-montgomery@${DISTRICT}`;
const PM_PASSWORD = 'tablet-postmaster-pass-1';
const OWNER_PASSWORD = 'quiet-harbor-lantern';
const engineConfig = { ...loadEngineConfig({}), hostname: 'mx.schoolmail.test', nodeId: 'console-tablet' };

const PORTRAIT = { width: 768, height: 1024 };
const LANDSCAPE = { width: 1024, height: 768 };
const DESKTOP = { width: 1280, height: 800 };
type Viewport = typeof PORTRAIT;

interface Screen {
  path: string;
  heading: string;
  /** Written as 'tablet-<shot>.png' at portrait width. */
  shot?: string;
}

const ADMIN_SCREENS: Screen[] = [
  { path: '/', heading: 'Dashboard', shot: 'dashboard' },
  { path: '/domains', heading: 'Domains' },
  { path: `/domains/view?name=${DISTRICT}`, heading: DISTRICT, shot: 'domain-view' },
  { path: '/accounts', heading: 'Accounts', shot: 'accounts' },
  { path: `/accounts/view?address=${OWNER}`, heading: OWNER, shot: 'account-view' },
  { path: '/queue', heading: 'Queue', shot: 'queue' },
  { path: '/queue/remote-domains', heading: 'Virtual queues' },
  { path: '/quarantine', heading: 'Quarantine' },
  { path: '/word-lists', heading: 'Word lists' },
  { path: '/classes-of-service', heading: 'Classes of service' },
  { path: '/lists', heading: 'Mailing lists and groups' },
  { path: '/admins', heading: 'Administrators' },
  { path: '/audit', heading: 'Audit log', shot: 'audit' },
  { path: '/api-keys', heading: 'API keys' },
];
const STAFF_SCREENS: Screen[] = [
  ...ADMIN_SCREENS,
  { path: '/storage-units', heading: 'Storage units' },
  { path: '/cluster', heading: 'Cluster nodes' },
];
const OWNER_SCREENS: Screen[] = [
  { path: '/me', heading: 'My mailbox', shot: 'me' },
  { path: '/me/password', heading: 'Change your password' },
  { path: '/me/word-list', heading: 'My word list' },
  { path: '/me/remote-pop', heading: 'Remote mailboxes' },
];

const PEOPLE = [
  { who: 'staff', username: 'staff', password: STAFF_PASSWORD, screens: STAFF_SCREENS, firstLink: 'Dashboard' },
  { who: 'a district postmaster', username: 'pm-tablet', password: PM_PASSWORD, screens: ADMIN_SCREENS, firstLink: 'Dashboard' },
  { who: 'a mailbox owner', username: OWNER, password: OWNER_PASSWORD, screens: OWNER_SCREENS, firstLink: 'My mailbox' },
];

let server: ConsoleServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let blobs: FileBlobStore;

/** A deferred message with a long address and error, so the queue table has a wide row. */
async function queueMessage(sender: string, recipient: string) {
  const id = newQueueId();
  const bytes = Buffer.from(`From: <${sender}>\r\nTo: <${recipient}>\r\nSubject: Field trip permission slips for the whole third grade\r\n\r\nSee you there\r\n`);
  const domain = await server.prisma.domain.findUniqueOrThrow({ where: { name: DISTRICT } });
  await server.prisma.$transaction(async (tx) => {
    const stored = await blobs.store(tx, bytes, null);
    await new PrismaOutboundQueue(engineConfig).enqueue(tx, {
      id, blobId: stored.blobId, sender, recipients: [recipient], size: bytes.length, clientIp: '192.0.2.7', authUser: sender, senderDomainPath: domain.path,
    });
  });
  await server.prisma.queueEntry.updateMany({
    where: { messageId: id },
    data: { nextAttemptAt: new Date(Date.now() + 86400_000), state: 'deferred', attempts: 3, lastError: '451 4.3.0 mailbox temporarily unavailable, please try again much later' },
  });
}

async function signInAt(viewport: Viewport, username: string, password: string): Promise<Page> {
  const page = await newPage(browser.browser, server.baseUrl, { viewport });
  await page.goto('/sign-in');
  await page.getByLabel('Username or email address').fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor();
  return page;
}

const mainNavigation = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const menuButton = (page: Page) => page.getByRole('button', { name: 'Navigation menu' });

/** Whether the element is on screen: laid out, not hidden, and inside the viewport horizontally. */
async function onScreen(locator: Locator) {
  if (!(await locator.isVisible())) return false;
  const box = await locator.boundingBox();
  const width = locator.page().viewportSize()!.width;
  return box !== null && box.x >= 0 && box.x + box.width <= width;
}

async function horizontalOverflow(page: Page) {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

/** Waits until the screen's data is in (no loader left), so the measure is of the real content. */
async function settled(page: Page) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  await expect.poll(() => page.locator('main .mantine-Loader-root, main [aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
}

/** What has the keyboard focus: its role-ish tag, accessible text, and whether a focus ring shows. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { tag: 'body', name: '', ring: false, id: '' };
    // A field's ring may be drawn on its visible box (a password field's input sits inside one).
    const style = getComputedStyle(element.closest('.mantine-Input-input') ?? element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    const name = element.getAttribute('aria-label') ?? (element.labels?.[0]?.textContent ?? element.textContent ?? '').trim();
    return { tag: element.tagName.toLowerCase(), name: name.replace(/\s+/g, ' ').trim(), ring: outline || shadow, id: element.id };
  });
}

/** The navigation link is reachable: on screen, or on screen after the menu button opens it. */
async function expectNavigationReachable(page: Page, viewport: Viewport, firstLink: string) {
  const link = mainNavigation(page).getByRole('link', { name: firstLink, exact: true });
  if (viewport.width < 992) {
    // Portrait tablet: the navigation gives the content the whole width until the menu is opened.
    expect(await onScreen(link)).toBe(false);
    const button = menuButton(page);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await button.click();
    await expect.poll(() => onScreen(link)).toBe(true);
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    await button.click();
    await expect.poll(() => onScreen(link)).toBe(false);
  } else {
    expect(await onScreen(link)).toBe(true);
    expect(await menuButton(page).isVisible()).toBe(false);
  }
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  blobs = blobStoreFor(server.prisma);
  expect((await server.staff.post('/domains', { name: DISTRICT })).status).toBe(201);
  expect((await server.staff.post('/domains', { name: `north-elementary.${DISTRICT}`, parent: DISTRICT })).status).toBe(201);
  const owner = await server.staff.post(`/domains/${DISTRICT}/accounts`, { localPart: OWNER.split('@')[0], password: OWNER_PASSWORD, displayName: 'Robin Fairweather-Montgomery' });
  expect(owner.status).toBe(201);
  const admin = await server.staff.post('/admins', { username: 'pm-tablet', password: PM_PASSWORD });
  expect(admin.status).toBe(201);
  expect((await server.staff.post(`/admins/${admin.body.id}/assignments`, { role: 'postmaster', domain: DISTRICT })).status).toBe(201);
  const pm = await server.login('pm-tablet', PM_PASSWORD);
  expect((await pm.post('/api-keys', { name: 'district website publishing key', role: 'subdomain-admin', domain: DISTRICT })).status).toBe(201);
  await queueMessage(OWNER, 'principal.office@a-very-long-remote-school-district-name.example.org');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.each([
  ['portrait', PORTRAIT],
  ['landscape', LANDSCAPE],
])('console at tablet width (%s)', (orientation, viewport) => {
  it.each(PEOPLE)('fits every screen of $who, with the navigation reachable and the heading in view', async ({ username, password, screens, firstLink }) => {
    const page = await signInAt(viewport, username, password);
    const problems: string[] = [];
    for (const screen of screens) {
      await page.goto(screen.path);
      const heading = page.getByRole('main').getByRole('heading', { level: 2, name: screen.heading, exact: true });
      await heading.waitFor();
      await settled(page);
      if (!(await onScreen(heading))) problems.push(`${screen.path}: heading "${screen.heading}" is not in view`);
      const { scrollWidth, innerWidth } = await horizontalOverflow(page);
      if (scrollWidth > innerWidth) problems.push(`${screen.path}: the page is ${scrollWidth}px wide in a ${innerWidth}px window`);
      if (screen.shot && orientation === 'portrait') {
        await screenshot(page, `tablet-${screen.shot}`);
        await expectAccessible(page);
      }
    }
    expect(problems).toEqual([]);
    await expectNavigationReachable(page, viewport, firstLink);
    await page.context().close();
  }, 180_000);
});

describe('console navigation on a portrait tablet', () => {
  it('opens from the menu button, goes to the chosen screen and closes again', async () => {
    const page = await signInAt(PORTRAIT, 'pm-tablet', PM_PASSWORD);
    await page.getByRole('main').getByRole('heading', { name: 'Dashboard' }).waitFor();
    // Folded away, the navigation's links are not in the Tab order either: the keyboard goes from the header into the page.
    const stops: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      stops.push(now.name);
      expect(now.ring, `focus ring on ${now.name}`).toBe(true);
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('nav')))).toBe(false);
    }
    expect(stops.slice(0, 3)).toEqual(['Skip to content', 'Navigation menu', 'Sign out']);
    expect(await page.evaluate(() => document.getElementById('main')!.contains(document.activeElement))).toBe(true);
    await menuButton(page).click();
    await mainNavigation(page).getByRole('link', { name: 'Accounts', exact: true }).click();
    await page.getByRole('main').getByRole('heading', { name: 'Accounts', exact: true }).waitFor();
    await expect.poll(() => onScreen(mainNavigation(page).getByRole('link', { name: 'Accounts', exact: true }))).toBe(false);
    expect(await menuButton(page).getAttribute('aria-expanded')).toBe('false');
    await page.context().close();
  });
});

describe('console from the keyboard', () => {
  it('signs in with Tab and Enter alone', async () => {
    const page = await newPage(browser.browser, server.baseUrl);
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      expect(now.ring, `focus ring on ${now.name}`).toBe(true);
      order.push(now.name.replace(/ \*$/, ''));
    }
    expect(order).toEqual(['Username or email address', 'Password', 'Sign in']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type('pm-tablet');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PM_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-as').waitFor();
    await page.getByRole('main').getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.context().close();
  });

  it.each([
    ['desktop', DESKTOP],
    ['tablet landscape', LANDSCAPE],
  ])('starts with "Skip to content" and reaches every navigation link with a visible focus ring (%s)', async (_, viewport) => {
    const page = await signInAt(viewport, 'pm-tablet', PM_PASSWORD);
    await page.goto('/accounts');
    await page.getByRole('main').getByRole('heading', { name: 'Accounts', exact: true }).waitFor();

    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect((await focused(page)).name).toBe('Skip to content');
    expect(await onScreen(skip)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('main');
    // From the main region, the next Tab goes into the page, not back to the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.getElementById('main')!.contains(document.activeElement))).toBe(true);

    await page.goto('/accounts');
    await page.getByRole('main').getByRole('heading', { name: 'Accounts', exact: true }).waitFor();
    const links = await mainNavigation(page).getByRole('link').allTextContents();
    expect(links.length).toBeGreaterThan(5);
    const reached: string[] = [];
    const withoutRing: string[] = [];
    for (let i = 0; i < links.length + 10 && reached.length < links.length; i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      if (!now.ring) withoutRing.push(`${now.tag} "${now.name}"`);
      const inNavigation = await page.evaluate(() => Boolean(document.activeElement?.closest('nav[aria-label="Main"]')));
      if (inNavigation) reached.push(now.name);
    }
    expect(reached).toEqual(links);
    // On into the page: the search field, the buttons, the table's scrolling frame and its links show their focus too.
    const inMain: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      if (now.tag === 'body') break; // past the last control of the page
      if (!now.ring) withoutRing.push(`${now.tag} "${now.name}"`);
      inMain.push(now.name);
    }
    expect(inMain).toContain('Accounts'); // the table's scrolling frame
    expect(inMain).toContain('Search');
    expect(withoutRing).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('keeps focus inside a confirmation until Escape closes it, then returns it to the button', async () => {
    const page = await signInAt(LANDSCAPE, 'pm-tablet', PM_PASSWORD);
    await page.goto('/api-keys');
    const revoke = page.getByRole('button', { name: 'Revoke district website publishing key' });
    await revoke.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).waitFor();
    const insideDialog = () => page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')));
    await expect.poll(insideDialog).toBe(true);
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await insideDialog()).toBe(true);
      expect((await focused(page)).ring).toBe(true);
    }
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await insideDialog()).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(async () => (await focused(page)).name).toBe('Revoke district website publishing key');
    // Escape cancelled: the key is still there.
    const keys = await (await server.login('pm-tablet', PM_PASSWORD)).get('/api-keys?revoked=false');
    expect(keys.body.items.map((k: { name: string }) => k.name)).toEqual(['district website publishing key']);
    await page.context().close();
  });
});
