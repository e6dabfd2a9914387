/**
 * The console's operations screens in a real browser against the real built server: a
 * district postmaster works its queue (filter, reschedule, delete), staff hold and release a
 * virtual queue, a quarantined message is previewed and released, a word list is edited and
 * a message tested against it. Screenshots and an axe check of each screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore, loadEngineConfig, newQueueId, PrismaOutboundQueue } from '@schoolmail/mail-engine';
import { blobStoreFor, quarantineMessage } from '../support/acceptance.js';
import { expectAccessible, launchBrowser, screenshot, startConsoleServer, STAFF_PASSWORD, type ConsoleServer, signedInPage } from './harness.js';

const DISTRICT = 'wave2.k12.us';
const PM_PASSWORD = 'wave2-postmaster-pass-1';
const engineConfig = { ...loadEngineConfig({}), hostname: 'mx.schoolmail.test', nodeId: 'console-wave2' };

let server: ConsoleServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let blobs: FileBlobStore;

/** A message waiting in the outbound queue, not due for a day (no worker touches it meanwhile). */
async function queueMessage(sender: string, recipient: string, senderDomain: string) {
  const id = newQueueId();
  const bytes = Buffer.from(`From: <${sender}>\r\nTo: <${recipient}>\r\nSubject: Field trip\r\n\r\nSee you there\r\n`);
  const domain = await server.prisma.domain.findUniqueOrThrow({ where: { name: senderDomain } });
  await server.prisma.$transaction(async (tx) => {
    const stored = await blobs.store(tx, bytes, null);
    await new PrismaOutboundQueue(engineConfig).enqueue(tx, {
      id, blobId: stored.blobId, sender, recipients: [recipient], size: bytes.length, clientIp: '192.0.2.7', authUser: sender, senderDomainPath: domain.path,
    });
  });
  await server.prisma.queueEntry.updateMany({ where: { messageId: id }, data: { nextAttemptAt: new Date(Date.now() + 86400_000), state: 'deferred', attempts: 2, lastError: '451 4.3.0 try again later' } });
  return server.prisma.queueEntry.findFirstOrThrow({ where: { messageId: id } });
}

const signedIn = (username: string, password: string) => signedInPage(browser.browser, server.baseUrl, username, password);

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  blobs = blobStoreFor(server.prisma);
  expect((await server.staff.post('/domains', { name: DISTRICT })).status).toBe(201);
  expect((await server.staff.post('/domains', { name: 'elsewhere.k12.us' })).status).toBe(201);
  expect((await server.staff.post(`/domains/${DISTRICT}/accounts`, { localPart: 'kid', password: 'mailbox-password-1' })).status).toBe(201);
  const admin = await server.staff.post('/admins', { username: 'pm-wave2', password: PM_PASSWORD });
  expect(admin.status).toBe(201);
  expect((await server.staff.post(`/admins/${admin.body.id}/assignments`, { role: 'postmaster', domain: DISTRICT })).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('console: the queue', () => {
  it('shows the entries in scope, filters in the URL, reschedules and deletes with a counted confirmation', async () => {
    const keep = await queueMessage(`kid@${DISTRICT}`, 'parent@sink.test', DISTRICT);
    const drop = await queueMessage(`kid@${DISTRICT}`, 'coach@other-sink.test', DISTRICT);
    const foreign = await queueMessage('clerk@elsewhere.k12.us', 'someone@sink.test', 'elsewhere.k12.us');
    const page = await signedIn('pm-wave2', PM_PASSWORD);
    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    const table = page.getByRole('table', { name: 'Queue entries' });
    await table.getByRole('link', { name: 'parent@sink.test' }).waitFor();
    await table.getByRole('link', { name: 'coach@other-sink.test' }).waitFor();
    expect(await table.getByRole('link', { name: 'someone@sink.test' }).count()).toBe(0);
    await screenshot(page, 'queue');
    await expectAccessible(page);

    await page.getByRole('textbox', { name: 'Remote domain' }).fill('sink.test');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/remoteDomain=sink\.test/);
    await expect.poll(() => table.getByRole('link').allTextContents()).toEqual(['parent@sink.test']);

    await page.getByRole('checkbox', { name: 'Select the entry to parent@sink.test' }).check();
    await page.getByRole('button', { name: 'Reschedule selected' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reschedule 1 entry' }).click();
    await expect.poll(async () => (await server.prisma.queueEntry.findUnique({ where: { id: keep.id } }))?.nextAttemptAt.getTime() ?? 0).toBeLessThan(Date.now() + 60_000);

    await page.getByRole('textbox', { name: 'Remote domain' }).fill('other-sink.test');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/remoteDomain=other-sink\.test/);
    await page.getByRole('button', { name: 'Delete all matching' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Delete 1 entry.').waitFor();
    await screenshot(page, 'queue-confirm-delete');
    await dialog.getByRole('button', { name: 'Delete 1 entry' }).click();
    await expect.poll(() => server.prisma.queueEntry.count({ where: { id: drop.id } })).toBe(0);
    await page.getByText('No queue entry matches these filters.').waitFor();
    expect(await server.prisma.queueEntry.count({ where: { id: foreign.id } })).toBe(1);

    // A bad age comes back as a problem document, shown next to its field.
    await page.goto('/queue?olderThan=yesterday');
    await page.getByText('"yesterday" is neither a duration').waitFor();
    await page.context().close();
  });

  it('shows an entry with its envelope, headers and last error; another district\'s entry is "not found"', async () => {
    const entry = await queueMessage(`kid@${DISTRICT}`, 'grandma@sink.test', DISTRICT);
    const foreign = await queueMessage('clerk@elsewhere.k12.us', 'x@sink.test', 'elsewhere.k12.us');
    const page = await signedIn('pm-wave2', PM_PASSWORD);
    await page.goto(`/queue/view?id=${entry.id}`);
    await page.getByRole('heading', { name: `Queue entry ${entry.id}` }).waitFor();
    await expect.poll(() => page.getByTestId('last-error').textContent()).toBe('451 4.3.0 try again later');
    await page.getByText('Subject: Field trip').waitFor();
    await screenshot(page, 'queue-entry');
    await expectAccessible(page);
    await page.goto(`/queue/view?id=${foreign.id}`);
    await page.getByRole('heading', { name: 'Queue entry not found' }).waitFor();
    await page.context().close();
  });

  it('lets staff hold a virtual queue and release it', async () => {
    await server.prisma.remoteDomain.upsert({ where: { domain: 'sink.test' }, create: { domain: 'sink.test', consecutiveFailures: 4, lastError: '421 busy' }, update: {} });
    const page = await signedIn('staff', STAFF_PASSWORD);
    await page.goto('/queue/remote-domains');
    await page.getByRole('button', { name: 'Hold sink.test' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Hold sink.test' }).click();
    await expect.poll(async () => (await server.prisma.remoteDomain.findUnique({ where: { domain: 'sink.test' } }))?.state).toBe('held');
    await page.getByTestId('remote-domain-sink.test').getByText('held', { exact: true }).waitFor();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await screenshot(page, 'queue-remote-domains');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Release sink.test' }).click();
    await expect.poll(async () => (await server.prisma.remoteDomain.findUnique({ where: { domain: 'sink.test' } }))?.state).toBe('active');
    await page.context().close();
  });
});

describe('console: the quarantine', () => {
  it('previews a held message safely and releases it to the mailbox, saying who decided', async () => {
    const html = '<p>Hello <b>kid</b></p><script>window.parent.document.title = "pwned"</script><img src="http://tracker.example/p.gif">';
    const raw = `From: stranger@outside.example\r\nTo: kid@${DISTRICT}\r\nSubject: Suspicious offer\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`;
    const id = await quarantineMessage(server.prisma, blobs, { raw, sender: 'stranger@outside.example', recipient: `kid@${DISTRICT}`, subject: 'Suspicious offer', matches: [{ list: 'student-safe', scope: 'system', entry: 'offer' }] });
    const page = await signedIn('pm-wave2', PM_PASSWORD);
    await page.getByRole('link', { name: 'Quarantine', exact: true }).click();
    await page.getByRole('table', { name: 'Quarantined messages' }).getByRole('link', { name: 'Suspicious offer' }).waitFor();
    await screenshot(page, 'quarantine');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Suspicious offer' }).click();
    const frame = page.frameLocator('iframe[title="Message preview"]');
    await frame.getByText('kid').waitFor();
    expect(await page.locator('iframe[title="Message preview"]').getAttribute('sandbox')).toBe('');
    expect(await frame.locator('script, img[src^="http"]').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    await screenshot(page, 'quarantine-entry');
    await expectAccessible(page);

    const inbox = () => server.prisma.mailboxMessage.count({ where: { folder: { name: 'INBOX', account: { address: `kid@${DISTRICT}` } } } });
    const before = await inbox();
    await page.getByRole('button', { name: 'Release to the mailbox' }).click();
    await expect.poll(() => page.getByTestId('quarantine-decision').textContent()).toMatch(/^Decision: released by pm-wave2 on /);
    const decided = await server.prisma.quarantineEntry.findUniqueOrThrow({ where: { id } });
    expect(decided.decidedBy).toBe('pm-wave2');
    await expect.poll(inbox).toBe(before + 1);
    await page.context().close();
  });
});

describe('console: word lists', () => {
  it('creates a domain list, adds, pastes and removes entries, and tests a message against it', async () => {
    const page = await signedIn('pm-wave2', PM_PASSWORD);
    await page.getByRole('link', { name: 'Word lists', exact: true }).click();
    await page.getByRole('button', { name: 'New word list' }).click();
    await page.getByRole('textbox', { name: 'List name' }).fill('playground words');
    await page.getByRole('button', { name: 'Create word list' }).click();
    await page.getByRole('heading', { name: 'playground words' }).waitFor();
    const list = await server.prisma.wordList.findFirstOrThrow({ where: { name: 'playground words' } });
    const entries = async () => (await server.staff.get(`/word-lists/${list.id}`)).body.entries;

    await page.getByRole('textbox', { name: 'New entry' }).fill('forbidden fruit');
    await page.getByRole('button', { name: 'Add entry' }).click();
    await expect.poll(entries).toEqual(['forbidden fruit']);
    await page.getByRole('textbox', { name: 'Entries, one per line' }).fill('alpha\nbeta\n\nalpha');
    await page.getByRole('button', { name: 'Add 2 entries' }).click();
    await expect.poll(entries).toEqual(['alpha', 'beta', 'forbidden fruit']);
    await page.getByRole('button', { name: 'Remove alpha' }).click();
    await expect.poll(entries).toEqual(['beta', 'forbidden fruit']);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export as text' }).click();
    const file = await (await download).path();
    expect((await import('node:fs')).readFileSync(file, 'utf8')).toBe('beta\nforbidden fruit\n');
    await screenshot(page, 'word-list');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Back to the word lists' }).click();
    await page.getByRole('table', { name: 'Word lists' }).getByRole('link', { name: 'playground words' }).waitFor();
    await page.getByRole('textbox', { name: 'Mailbox' }).fill(`kid@${DISTRICT}`);
    await page.getByRole('textbox', { name: 'Subject' }).fill('Lunch');
    await page.getByRole('textbox', { name: 'Message text' }).fill('Who ate the Forbidden Fruit today?');
    await page.getByRole('button', { name: 'Test the message' }).click();
    const result = page.getByTestId('test-result');
    await expect.poll(() => result.getByText(/^Hold it in quarantine: matched "playground words"/).count()).toBe(1);
    expect(await page.getByTestId('highlighted-body').locator('mark').allTextContents()).toEqual(['Forbidden Fruit']);
    await screenshot(page, 'word-lists');
    await expectAccessible(page);

    // A mailbox outside the district: the API's problem shows next to the field.
    await page.getByRole('textbox', { name: 'Mailbox' }).fill('nobody@elsewhere.k12.us');
    await page.getByRole('button', { name: 'Test the message' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
    await page.context().close();
  });
});

describe('console: administrators, audit log and API keys', () => {
  it('creates an administrator, assigns a role over a subtree and edits a permission set from the registry', async () => {
    const page = await signedIn('pm-wave2', PM_PASSWORD);
    await page.getByRole('link', { name: 'Administrators', exact: true }).click();
    await page.getByRole('table', { name: 'Administrators' }).getByRole('link', { name: 'pm-wave2' }).waitFor();
    await screenshot(page, 'admins');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'New administrator' }).click();
    await page.getByRole('textbox', { name: 'Username' }).fill('helper-wave2');
    await page.getByRole('textbox', { name: 'Password' }).fill('short');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByText('must have at least 12 characters').waitFor();
    await page.getByRole('textbox', { name: 'Password' }).fill('helper-wave2-pass-1');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { name: 'helper-wave2' }).waitFor();
    await page.getByRole('button', { name: 'Add assignment' }).click();
    const assigned = page.getByRole('table', { name: 'Assignments' }).getByText(`Role subdomain-admin over ${DISTRICT}`);
    await assigned.or(page.getByRole('main').getByRole('alert')).first().waitFor();
    expect(await page.getByRole('main').getByRole('alert').allTextContents()).toEqual([]);
    await assigned.waitFor();
    await screenshot(page, 'admin-view');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Back to the administrators' }).click();
    await page.getByRole('link', { name: 'Permission sets' }).click();
    await page.getByRole('button', { name: 'New permission set' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Set name' }).fill('helpdesk');
    await dialog.getByRole('checkbox', { name: /\(update Account\)/ }).check();
    expect(await dialog.getByRole('checkbox', { name: /\(read Account\)/ }).isChecked()).toBe(true);
    await screenshot(page, 'permission-set-editor');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Create permission set' }).click();
    await page.getByRole('table', { name: 'Permission sets' }).getByRole('cell', { name: 'helpdesk', exact: true }).waitFor();
    const set = await server.staff.get('/permission-sets/helpdesk');
    expect(set.body.permissions).toEqual(expect.arrayContaining([{ action: 'update', subject: 'Account' }, { action: 'read', subject: 'Account' }]));
    await screenshot(page, 'permission-sets');
    await expectAccessible(page);
    await page.context().close();
  });

  it('filters the audit log and shows the before and after of a change', async () => {
    const pm = await server.login('pm-wave2', PM_PASSWORD);
    const created = await pm.post('/word-lists', { name: 'before-name', scope: 'domain', domain: DISTRICT });
    expect(created.status).toBe(201);
    expect((await pm.patch(`/word-lists/${created.body.id}`, { name: 'after-name' })).status).toBe(200);
    const page = await signedIn('pm-wave2', PM_PASSWORD);
    await page.goto('/audit?action=wordList.update');
    const table = page.getByRole('table', { name: 'Audit events' });
    await table.getByRole('cell', { name: /^wordList\.update$/ }).first().waitFor();
    expect([...new Set(await table.locator('tbody tr td:nth-child(3)').allTextContents())]).toEqual(['wordList.update']);
    await table.getByRole('button', { name: `Show changes of wordList.update ${(await server.prisma.auditEvent.findFirstOrThrow({ where: { action: 'wordList.update', subjectId: String(created.body.id) } })).id}` }).click();
    const nameChange = page.getByRole('table', { name: /^Changes of wordList\.update/ }).getByRole('row', { name: /^name/ });
    expect(await nameChange.getByRole('cell').allTextContents()).toEqual(['name', 'before-name', 'after-name']);
    await screenshot(page, 'audit');
    await expectAccessible(page);
    await page.context().close();
  });

  it('creates an API key whose secret is shown once and works, lists its last use, and revokes it', async () => {
    const page = await signedIn('pm-wave2', PM_PASSWORD);
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByText('No API key yet.').waitFor();
    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByRole('textbox', { name: 'Key name' }).fill('district cms');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const shown = page.getByTestId('api-key-secret');
    await shown.or(page.getByRole('dialog').getByRole('alert')).first().waitFor();
    if (!(await shown.isVisible())) expect(await page.getByRole('dialog').getByRole('alert').allTextContents()).toEqual([]);
    const secret = (await page.getByTestId('api-key-secret').textContent())!.trim();
    await page.getByRole('button', { name: 'Copy the secret' }).waitFor();
    await screenshot(page, 'api-key-created');
    const withKey = await fetch(`${server.baseUrl}/api/v1/domains/${DISTRICT}`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(withKey.status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /district cms/ });
    await expect.poll(() => row.textContent()).not.toContain('never');
    expect(await page.content()).not.toContain(secret);
    await screenshot(page, 'api-keys');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Revoke district cms' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke the key' }).click();
    await page.getByText('No API key yet.').waitFor();
    expect((await fetch(`${server.baseUrl}/api/v1/domains/${DISTRICT}`, { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(401);
    await page.context().close();
  });
});

describe('console: mailing lists and groups', () => {
  it('creates a mailing list, adds a member and changes who may post', async () => {
    const page = await signedIn('pm-wave2', PM_PASSWORD);
    await page.getByRole('link', { name: 'Lists and groups', exact: true }).click();
    await page.getByText('No mailing list in this domain yet.').waitFor();
    await page.getByRole('button', { name: 'New mailing list' }).click();
    await page.getByRole('textbox', { name: 'Address' }).fill('parents');
    await page.getByRole('button', { name: 'Create mailing list' }).click();
    await page.getByRole('heading', { name: `parents@${DISTRICT}` }).waitFor();
    await page.getByRole('textbox', { name: 'Member address' }).fill('mom@example.com');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('table', { name: 'Members' }).getByText('mom@example.com').waitFor();
    await page.getByRole('combobox', { name: 'Who may post' }).click();
    await page.getByRole('option', { name: 'Owners only (announcements)' }).click();
    await expect.poll(async () => (await server.staff.get(`/lists/parents@${DISTRICT}`)).body.postingPolicy).toBe('owners');
    await screenshot(page, 'mailing-list');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Back to the mailing lists' }).click();
    await page.getByRole('table', { name: 'Mailing lists' }).getByRole('link', { name: `parents@${DISTRICT}` }).waitFor();
    await screenshot(page, 'lists');
    await expectAccessible(page);
    await page.context().close();
  });
});
