/**
 * The console's platform screens in a real browser against the real built server: classes of
 * service (list, editor with the impact confirmation, create, delete refused while in use),
 * storage units (add, state, problems, the dashboard's links) and cluster nodes (health, a
 * domain pinned to a node, failover), and what a district postmaster sees of them.
 * Screenshots and an axe check of each screen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, screenshot, startConsoleServer, STAFF_PASSWORD, type ConsoleServer, signedInPage, created } from './harness.js';

const DISTRICT = 'wave3.k12.us';
const OTHER = 'other3.k12.us';
const PM_PASSWORD = 'wave3-postmaster-pass-1';
const MAILBOX_PASSWORD = 'mailbox-password-1';

let server: ConsoleServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let volumes: string;

const signedIn = (username: string, password: string) => signedInPage(browser.browser, server.baseUrl, username, password);

const classNamed = (name: string) => server.prisma.classOfService.findFirstOrThrow({ where: { name }, include: { wordLists: true } });

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  volumes = mkdtempSync(join(tmpdir(), 'schoolmail-wave3-volumes-'));
  const staff = server.staff;
  // "standard" reaches 2 accounts of the district through the domain and 1 elsewhere directly:
  // staff count 3 accounts in 2 domains, the district's postmaster 2 in 1.
  await created(staff.post('/classes-of-service', { name: 'standard', maxMessageSizeKb: 25600, mailboxQuotaMb: 2048, maxRecipients: 100 }));
  await created(staff.post('/classes-of-service', { name: 'legacy', maxMessageSizeKb: 10240, mailboxQuotaMb: 512, maxRecipients: 20 }));
  await created(staff.post('/domains', { name: DISTRICT, classOfService: 'standard' }));
  await created(staff.post('/domains', { name: OTHER }));
  await created(staff.post(`/domains/${DISTRICT}/accounts`, { localPart: 'kid', password: MAILBOX_PASSWORD }));
  await created(staff.post(`/domains/${DISTRICT}/accounts`, { localPart: 'teacher', password: MAILBOX_PASSWORD }));
  await created(staff.post(`/domains/${OTHER}/accounts`, { localPart: 'clerk', password: MAILBOX_PASSWORD, classOfService: 'standard' }));
  await created(staff.post(`/domains/${OTHER}/accounts`, { localPart: 'old', password: MAILBOX_PASSWORD, classOfService: 'legacy' }));
  await created(staff.post('/word-lists', { name: 'district-filter', scope: 'system' }));
  const admin = await created(staff.post('/admins', { username: 'pm-wave3', password: PM_PASSWORD }));
  await created(staff.post(`/admins/${admin.id}/assignments`, { role: 'postmaster', domain: DISTRICT }));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (volumes) rmSync(volumes, { recursive: true, force: true });
});

describe('console: classes of service', () => {
  it('lists the classes with their use, and saves an edit after saying how many accounts it affects', async () => {
    const page = await signedIn('staff', STAFF_PASSWORD);
    await page.getByRole('link', { name: 'Classes of service', exact: true }).click();
    const table = page.getByRole('table', { name: 'Classes of service' });
    await table.getByRole('link', { name: 'standard' }).waitFor();
    await expect.poll(() => page.getByTestId('usage-standard').textContent()).toBe('3 accounts in 2 domains');
    await expect.poll(() => page.getByTestId('usage-legacy').textContent()).toBe('1 account in 1 domain');
    expect(await table.getByRole('row', { name: /standard/ }).textContent()).toContain('mailbox 2 GB');
    await screenshot(page, 'classes-of-service');
    await expectAccessible(page);

    await table.getByRole('link', { name: 'standard' }).click();
    await page.getByRole('heading', { name: 'standard' }).waitFor();
    await page.getByRole('textbox', { name: 'Mailbox quota (MB)' }).fill('4096');
    await page.getByRole('switch', { name: 'POP3' }).click({ force: true });
    await page.getByRole('combobox', { name: 'Word lists' }).click();
    await page.getByRole('option', { name: 'district-filter (system)' }).click();
    await page.keyboard.press('Escape');
    await screenshot(page, 'class-of-service-editor');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save the changes to standard?' });
    await dialog.getByText('This change affects 3 accounts in 2 domains.').waitFor();
    await screenshot(page, 'class-of-service-impact');
    // Nothing is written before the confirmation.
    expect((await classNamed('standard')).mailboxQuotaMb).toBe(2048);
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await classNamed('standard')).mailboxQuotaMb).toBe(4096);
    const saved = await classNamed('standard');
    expect(saved.pop3).toBe(false);
    expect(saved.imap).toBe(true);
    expect(saved.wordLists.map((list) => list.name)).toEqual(['district-filter']);

    // A bad limit comes back from the API and shows next to its field; nothing changes.
    await page.getByText('Saved standard').waitFor();
    await page.getByRole('textbox', { name: 'Recipients per message' }).fill('20000');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('must be at most 10000 recipients').waitFor();
    expect((await classNamed('standard')).maxRecipients).toBe(100);
    await page.context().close();
  });

  it('creates a class and refuses to delete one still in use, saying why', async () => {
    const page = await signedIn('staff', STAFF_PASSWORD);
    await page.goto('/classes-of-service/new');
    await page.getByRole('textbox', { name: 'Name' }).fill('bad/name');
    await page.getByRole('button', { name: 'Create class of service' }).click();
    await page.getByText('may hold only letters, digits, spaces, dots, underscores and hyphens').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('teachers');
    await page.getByRole('textbox', { name: 'Description' }).fill('Staff mailboxes');
    await page.getByRole('textbox', { name: 'Largest message (KB)' }).fill('51200');
    await page.getByRole('button', { name: 'Create class of service' }).click();
    await page.getByRole('heading', { name: 'teachers' }).waitFor();
    const teachers = await classNamed('teachers');
    expect([teachers.description, teachers.maxMessageSizeKb, teachers.domainId]).toEqual(['Staff mailboxes', 51200, null]);

    await page.goto('/classes-of-service/view?name=legacy');
    await page.getByRole('button', { name: 'Delete class' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Type legacy to confirm' }).fill('legacy');
    await dialog.getByRole('button', { name: 'Delete the class' }).click();
    await dialog.getByRole('alert').getByText('class of service legacy is still assigned to 0 domain(s) and 1 account(s); assign them another class first').waitFor();
    expect(await server.prisma.classOfService.count({ where: { name: 'legacy' } })).toBe(1);
    await screenshot(page, 'class-of-service-delete-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.goto('/classes-of-service/view?name=teachers');
    await page.getByRole('button', { name: 'Delete class' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Type teachers to confirm' }).fill('teachers');
    await dialog.getByRole('button', { name: 'Delete the class' }).click();
    await page.waitForURL(/\/classes-of-service$/);
    await page.getByRole('table', { name: 'Classes of service' }).getByRole('link', { name: 'standard' }).waitFor();
    expect(await page.getByRole('link', { name: 'teachers' }).count()).toBe(0);
    expect(await server.prisma.classOfService.count({ where: { name: 'teachers' } })).toBe(0);
    await page.context().close();
  });
});

describe('console: storage units', () => {
  it('adds a unit, shows its usage and problems, changes its state after a confirmation, and is reached from the dashboard', async () => {
    const page = await signedIn('staff', STAFF_PASSWORD);
    await page.getByRole('link', { name: 'Storage units', exact: true }).click();
    await page.getByRole('heading', { name: 'Storage units' }).waitFor();
    await page.getByRole('button', { name: 'Add a storage unit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a storage unit' });
    await dialog.getByRole('textbox', { name: 'Unit name' }).fill('volume2');
    await dialog.getByRole('textbox', { name: 'Directory' }).fill('relative/volume2');
    await dialog.getByRole('textbox', { name: 'Capacity (GB)' }).fill('50');
    await dialog.getByRole('button', { name: 'Add storage unit' }).click();
    await dialog.getByText('must be an absolute path').waitFor();
    const directory = join(volumes, 'volume2');
    await dialog.getByRole('textbox', { name: 'Directory' }).fill(directory);
    await dialog.getByRole('button', { name: 'Add storage unit' }).click();
    await page.getByRole('heading', { name: 'volume2' }).waitFor();
    const unit = await server.prisma.storageUnit.findUniqueOrThrow({ where: { name: 'volume2' } });
    expect([unit.directory, unit.state, unit.capacityBytes]).toEqual([directory, 'active', 50n * 1024n ** 3n]);
    await page.getByText('No unresolved problem.').waitFor();

    await server.prisma.storageProblem.create({ data: { storageUnitId: unit.id, kind: 'corrupt', detail: 'sha-256 mismatch', isolatedPath: join(directory, '.quarantine', 'abc') } });
    await page.reload();
    const problems = page.getByRole('table', { name: 'Storage problems' });
    await problems.getByRole('cell', { name: 'sha-256 mismatch' }).waitFor();
    expect(await problems.getByRole('cell', { name: 'corrupt', exact: true }).count()).toBe(1);
    await screenshot(page, 'storage-unit');
    await expectAccessible(page);
    // Dealt with: marked resolved, it leaves the list of unresolved problems.
    await problems.getByRole('button', { name: /^Mark resolved/ }).click();
    await page.getByText('No unresolved problem.').waitFor();
    expect((await server.prisma.storageProblem.findFirstOrThrow({ where: { storageUnitId: unit.id } })).resolvedAt).not.toBeNull();
    await page.getByRole('checkbox', { name: 'Only unresolved' }).click();
    await problems.getByRole('cell', { name: 'sha-256 mismatch' }).waitFor();
    expect(await problems.getByRole('button', { name: /^Mark resolved/ }).count()).toBe(0);

    await page.getByRole('button', { name: 'Make read-only' }).click();
    const confirm = page.getByRole('dialog', { name: 'Make volume2 read-only?' });
    await confirm.getByText(/^No new message is stored on it; the messages on it stay readable\./).waitFor();
    await confirm.getByRole('button', { name: 'Make read-only' }).click();
    await expect.poll(async () => (await server.prisma.storageUnit.findUniqueOrThrow({ where: { id: unit.id } })).state).toBe('read_only');
    await expect.poll(() => page.getByTestId('storage-unit-state').textContent()).toBe('read-only');

    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await page.getByRole('region', { name: 'Storage units' }).getByRole('link', { name: 'volume2' }).click();
    await page.waitForURL(/\/storage-units\?q=volume2$/);
    const row = page.getByTestId('storage-unit-volume2');
    await row.getByRole('link', { name: 'volume2' }).waitFor();
    expect(await row.textContent()).toContain('read-only');
    expect(await row.textContent()).toMatch(/ of 50 GB used/);
    await screenshot(page, 'storage-units');
    await expectAccessible(page);
    await page.context().close();
  });
});

describe('console: cluster nodes', () => {
  it('lists the running node as healthy, pins a domain to a node and fails that node over, naming how many domains move', async () => {
    const running = (await server.prisma.clusterNode.findMany())[0]!;
    const hourAgo = new Date(Date.now() - 3600_000);
    await server.prisma.clusterNode.create({ data: { id: 'old-backend', role: 'backend', addresses: { imap: '192.0.2.9:143' }, version: '0.1.0', startedAt: hourAgo, heartbeatAt: hourAgo } });
    const page = await signedIn('staff', STAFF_PASSWORD);
    await page.getByRole('link', { name: 'Cluster nodes', exact: true }).click();
    await expect.poll(() => page.getByTestId(`health-${running.id}`).textContent()).toBe('healthy');
    expect(await page.getByTestId('health-old-backend').textContent()).toBe('unhealthy');
    expect(await page.getByTestId('node-old-backend').textContent()).toContain('imap 192.0.2.9:143');

    await page.getByRole('combobox', { name: 'Domain' }).click();
    await page.getByRole('option', { name: DISTRICT }).click();
    await page.getByRole('combobox', { name: 'Node' }).click();
    await page.getByRole('option', { name: 'old-backend (unhealthy)' }).click();
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect.poll(async () => (await server.prisma.domain.findUniqueOrThrow({ where: { name: DISTRICT } })).backendNode).toBe('old-backend');
    await expect.poll(() => page.getByTestId('node-old-backend').textContent()).toContain(DISTRICT);
    await screenshot(page, 'cluster');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Fail over old-backend' }).click();
    const dialog = page.getByRole('dialog', { name: 'Fail over old-backend' });
    await dialog.getByRole('combobox', { name: 'Move its domains to' }).click();
    await page.getByRole('option', { name: running.id, exact: true }).click();
    await expect.poll(() => dialog.getByTestId('failover-summary').textContent()).toContain(`1 domain moves from old-backend to ${running.id}: ${DISTRICT}.`);
    await screenshot(page, 'cluster-failover');
    await dialog.getByRole('button', { name: 'Move 1 domain' }).click();
    await expect.poll(async () => (await server.prisma.domain.findUniqueOrThrow({ where: { name: DISTRICT } })).backendNode).toBe(running.id);
    await expect.poll(() => page.getByTestId(`node-${running.id}`).textContent()).toContain(DISTRICT);
    await page.context().close();
  });
});

describe('console: what a district postmaster sees', () => {
  it('sees the classes of service counted within its district, and neither storage units nor cluster nodes', async () => {
    const page = await signedIn('pm-wave3', PM_PASSWORD);
    const navigation = page.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Classes of service', exact: true }).waitFor();
    expect(await navigation.getByRole('link', { name: 'Storage units' }).count()).toBe(0);
    expect(await navigation.getByRole('link', { name: 'Cluster nodes' }).count()).toBe(0);

    await navigation.getByRole('link', { name: 'Classes of service', exact: true }).click();
    await expect.poll(() => page.getByTestId('usage-standard').textContent()).toBe('2 accounts in 1 domain');
    await page.getByRole('link', { name: 'standard' }).click();
    await page.getByRole('heading', { name: 'standard' }).waitFor();
    // A platform-wide class is read-only for a district.
    expect(await page.getByRole('textbox', { name: 'Mailbox quota (MB)' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete class' }).count()).toBe(0);

    await page.goto('/storage-units');
    await page.getByRole('alert').getByText('Could not load the storage units').waitFor();
    await page.getByRole('alert').getByText('your role may not read StorageUnit objects').waitFor();
    expect(await page.getByRole('table', { name: 'Storage units' }).count()).toBe(0);
    await screenshot(page, 'storage-units-forbidden');
    await expectAccessible(page);
    await page.goto('/cluster');
    await page.getByRole('alert').getByText('only platform staff may see the cluster nodes').waitFor();
    await page.context().close();
  });
});
