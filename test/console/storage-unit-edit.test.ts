/**
 * The storage unit screen's settings form in a real browser against the real built server:
 * staff change a unit's capacity (amount and unit, sent as exact bytes) and the domains it
 * serves; the form refuses what cannot be a capacity, asks before a capacity below what the
 * unit holds, and shows the API's field errors next to their field. Saves carry the version shown
 * (If-Match): a change made meanwhile by someone else is not overwritten. A postmaster sees none of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, screenshot, startConsoleServer, STAFF_PASSWORD, type ConsoleServer, signedInPage, created } from './harness.js';

const GIB = 1024n ** 3n;
const TIB = 1024n ** 4n;
const PM_PASSWORD = 'units-postmaster-pass-1';

let server: ConsoleServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let volumes: string;
let unitId: number;

const signedIn = (username: string, password: string) => signedInPage(browser.browser, server.baseUrl, username, password);

const saved = async () => {
  const row = await server.prisma.storageUnit.findUniqueOrThrow({ where: { id: unitId }, include: { domains: { include: { domain: true } } } });
  return { capacityBytes: row.capacityBytes, domains: row.domains.map((d) => d.domain.name).sort() };
};

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  volumes = mkdtempSync(join(tmpdir(), 'schoolmail-unit-edit-'));
  const staff = server.staff;
  for (const name of ['east.k12.us', 'west.k12.us', 'gone.k12.us']) await created(staff.post('/domains', { name }));
  const unit = await created(staff.post('/storage-units', { name: 'volume-east', directory: join(volumes, 'east'), capacityGb: 50, domains: ['east.k12.us'] }));
  unitId = unit.id;
  // 3 GB of mail already on it (what the engine's usage fold would have written).
  await server.prisma.storageUnit.update({ where: { id: unitId }, data: { usedBytes: 3n * GIB } });
  const admin = await created(staff.post('/admins', { username: 'pm-units', password: PM_PASSWORD }));
  await created(staff.post(`/admins/${admin.id}/assignments`, { role: 'postmaster', domain: 'east.k12.us' }));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (volumes) rmSync(volumes, { recursive: true, force: true });
});

describe('console: editing a storage unit', () => {
  it('changes the capacity and the domains served, refusing a bad capacity and asking before one below the usage', async () => {
    const page = await signedIn('staff', STAFF_PASSWORD);
    await page.goto(`/storage-units/view?id=${unitId}`);
    const form = page.getByRole('region', { name: 'Capacity and domains' });
    const capacity = form.getByRole('textbox', { name: 'Capacity' });
    const unit = form.getByRole('combobox', { name: 'Size unit' });
    const save = form.getByRole('button', { name: 'Save changes' });
    await expect.poll(() => capacity.inputValue()).toBe('50');
    expect(await unit.inputValue()).toBe('GB');
    expect(await form.getByTestId('storage-unit-in-use').textContent()).toBe('In use now: 3.0 GB');
    await form.getByText('Mail stops going to this unit when it is full.').waitFor();
    expect(await form.getByRole('list', { name: 'Served domains' }).textContent()).toContain('east.k12.us');

    // Not a number, then nothing at all: said next to the field, nothing sent.
    await capacity.fill('lots');
    await save.click();
    await form.getByText('Enter a number of GB, for example 500 or 1.5').waitFor();
    expect(await capacity.getAttribute('aria-invalid')).toBe('true');
    await capacity.fill('0');
    await form.getByText('Must be more than 0').waitFor();
    expect(await saved()).toEqual({ capacityBytes: 50n * GIB, domains: ['east.k12.us'] });

    // Below the 3 GB it holds: said under the field, and asked before saving; cancelled, nothing changes.
    await capacity.fill('2');
    await form.getByText('That is less than the 3.0 GB already stored here').waitFor();
    await save.click();
    const confirm = page.getByRole('dialog', { name: 'Make volume-east smaller than what it holds?' });
    await confirm.getByText(/^3\.0 GB is stored on volume-east\. With a capacity of 2\.0 GB it counts as full/).waitFor();
    await screenshot(page, 'storage-unit-shrink-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect((await saved()).capacityBytes).toBe(50n * GIB);

    // A disk added for a growing district: 1.5 TB, and the unit serves west.k12.us too.
    await capacity.fill('1.5');
    await unit.selectOption('TB');
    await form.getByRole('combobox', { name: 'Add a domain' }).click();
    await page.getByRole('option', { name: 'west.k12.us' }).click();
    await form.getByRole('list', { name: 'Served domains' }).getByText('west.k12.us').waitFor();
    await screenshot(page, 'storage-unit-edit');
    await expectAccessible(page);
    await save.click();
    await page.getByText('Saved', { exact: true }).waitFor();
    expect(await saved()).toEqual({ capacityBytes: (3n * TIB) / 2n, domains: ['east.k12.us', 'west.k12.us'] });
    const api = await server.staff.get(`/storage-units/${unitId}`);
    expect(api.body).toMatchObject({ capacityBytes: 1.5 * 1024 ** 4, domains: ['east.k12.us', 'west.k12.us'] });
    const audit = await server.prisma.auditEvent.findFirst({ where: { action: 'storage-unit.update', subjectId: 'volume-east' }, orderBy: { id: 'desc' } });
    expect(audit?.interface).toBe('console');

    // After a reload the screen shows what was saved.
    await page.reload();
    await expect.poll(() => capacity.inputValue()).toBe('1.5');
    expect(await unit.inputValue()).toBe('TB');
    await page.getByText('east.k12.us, west.k12.us').waitFor();
    await page.getByText('3.0 GB of 1.5 TB used').waitFor();

    // Removing a domain; and a domain deleted meanwhile is refused by the API, next to the domains.
    await form.getByRole('button', { name: 'Remove east.k12.us' }).click();
    await form.getByRole('combobox', { name: 'Add a domain' }).click();
    await page.getByRole('option', { name: 'gone.k12.us' }).click();
    await form.getByRole('list', { name: 'Served domains' }).getByText('gone.k12.us').waitFor();
    expect((await server.staff.delete('/domains/gone.k12.us')).status).toBe(204);
    await save.click();
    await form.getByRole('alert').getByText('unknown domain(s): gone.k12.us').waitFor();
    expect((await saved()).domains).toEqual(['east.k12.us', 'west.k12.us']);
    await form.getByRole('button', { name: 'Remove gone.k12.us' }).click();
    await save.click();
    await expect.poll(async () => (await saved()).domains).toEqual(['west.k12.us']);
    expect((await saved()).capacityBytes).toBe((3n * TIB) / 2n);
    const served = form.getByRole('list', { name: 'Served domains' });
    await expect.poll(() => served.textContent()).not.toContain('east.k12.us');
    expect(await served.textContent()).toContain('west.k12.us');
    await page.context().close();
  });

  it('does not overwrite a change made meanwhile by someone else: says so, shows their version, saves over it once checked', async () => {
    for (const name of ['north.k12.us', 'south.k12.us', 'harbor.k12.us']) await created(server.staff.post('/domains', { name }));
    const unit = await created(server.staff.post('/storage-units', { name: 'volume-north', directory: join(volumes, 'north'), capacityGb: 20, domains: ['north.k12.us'] }));
    expect(unit.version).toBe(1);
    const stored = async () => {
      const row = await server.prisma.storageUnit.findUniqueOrThrow({ where: { id: unit.id }, include: { domains: { include: { domain: true } } } });
      return { capacityBytes: row.capacityBytes, state: row.state, domains: row.domains.map((d) => d.domain.name).sort(), version: row.version };
    };
    const STALE = 'Someone else changed this storage unit; the screen now shows their version. Check it and save again.';
    const page = await signedIn('staff', STAFF_PASSWORD);
    await page.goto(`/storage-units/view?id=${unit.id}`);
    const form = page.getByRole('region', { name: 'Capacity and domains' });
    const capacity = form.getByRole('textbox', { name: 'Capacity' });
    const served = form.getByRole('list', { name: 'Served domains' });
    await expect.poll(() => capacity.inputValue()).toBe('20');

    // On the screen: south.k12.us is added to the list (not saved yet).
    await form.getByRole('combobox', { name: 'Add a domain' }).click();
    await page.getByRole('option', { name: 'south.k12.us' }).click();
    await served.getByText('south.k12.us').waitFor();
    // Meanwhile a colleague gives the unit harbor.k12.us and 30 GB, through the API.
    const theirs = await server.staff.patch(`/storage-units/${unit.id}`, { domains: ['harbor.k12.us', 'north.k12.us'], capacityGb: 30 }, { 'if-match': '"1"' });
    expect(theirs.status).toBe(200);
    const theirVersion = { capacityBytes: 30n * GIB, state: 'active', domains: ['harbor.k12.us', 'north.k12.us'], version: 2 };

    // Saving the screen's list (which would replace theirs) is refused and said; their change stays.
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByRole('alert').getByText(STALE, { exact: true }).waitFor();
    expect(await stored()).toEqual(theirVersion);
    // The screen now shows their version: their domains and capacity, without the unsaved pick.
    await expect.poll(() => served.textContent()).toContain('harbor.k12.us');
    expect(await served.textContent()).not.toContain('south.k12.us');
    await expect.poll(() => capacity.inputValue()).toBe('30');
    await page.getByText('harbor.k12.us, north.k12.us').waitFor();
    await screenshot(page, 'storage-unit-stale-save');
    await expectAccessible(page);

    // Checked: south.k12.us added again, over their version this time.
    await form.getByRole('combobox', { name: 'Add a domain' }).click();
    await page.getByRole('option', { name: 'south.k12.us' }).click();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    expect(await stored()).toEqual({ ...theirVersion, domains: ['harbor.k12.us', 'north.k12.us', 'south.k12.us'], version: 3 });
    expect(await form.getByText(STALE).count()).toBe(0);

    // The state buttons too: a colleague makes it read-only while the screen still shows it active.
    expect((await server.staff.patch(`/storage-units/${unit.id}`, { state: 'read_only' }, { 'if-match': '"3"' })).status).toBe(200);
    await page.getByRole('button', { name: 'Make draining' }).click();
    const confirm = page.getByRole('dialog', { name: 'Make volume-north draining?' });
    await confirm.getByRole('button', { name: 'Make draining' }).click();
    await confirm.getByRole('alert').getByText(STALE, { exact: true }).waitFor();
    expect((await stored()).state).toBe('read_only');
    await expect.poll(() => page.getByTestId('storage-unit-state').textContent()).toBe('read-only');
    // Checked, and confirmed again: now it is made over their version.
    await confirm.getByRole('button', { name: 'Make draining' }).click();
    await expect.poll(async () => (await stored()).state).toBe('draining');
    expect((await stored()).version).toBe(5);
    await expect.poll(() => page.getByTestId('storage-unit-state').textContent()).toBe('draining');
    // A settings save right after the state change is not refused: the screen has the new version.
    await capacity.fill('40');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await stored()).capacityBytes).toBe(40n * GIB);
    expect(await stored()).toMatchObject({ state: 'draining', domains: ['harbor.k12.us', 'north.k12.us', 'south.k12.us'], version: 6 });
    await page.context().close();
  });

  it('is not offered to a district postmaster', async () => {
    const page = await signedIn('pm-units', PM_PASSWORD);
    await page.goto(`/storage-units/view?id=${unitId}`);
    await page.getByRole('alert').getByText('Could not load the storage unit').waitFor();
    expect(await page.getByRole('textbox', { name: 'Capacity' }).count()).toBe(0);
    expect((await server.login('pm-units', PM_PASSWORD).then((pm) => pm.patch(`/storage-units/${unitId}`, { capacityGb: 1 }))).status).toBe(403);
    await page.context().close();
  });
});
