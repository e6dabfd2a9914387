/**
 * The queue screens with real mail: a teacher submits messages over SMTP (Python's smtplib,
 * AUTH after STARTTLS) to a remote domain whose server (a local sink, reached through a
 * transport override) answers 451 to everything. The district's postmaster finds them
 * deferred in the queue with the sink's error, filters, reschedules and deletes; the fourth
 * temporary failure in a row holds the remote domain's virtual queue; once the sink accepts
 * again, staff release it from the console and the held messages reach the sink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { message, pythonSmtp } from '../support/smtp.js';
import { expectAccessible, launchBrowser, screenshot, startConsoleServer, STAFF_PASSWORD, type ConsoleServer, signedInPage } from './harness.js';

const DISTRICT = 'live.k12.us';
const REMOTE = 'remote.example.net';
const OTHER_REMOTE = 'other.example.org';
const TEACHER = `teacher@${DISTRICT}`;
const TEACHER_PASSWORD = 'lantern-orchard-57';
const PM_PASSWORD = 'live-postmaster-pass-1';
const HOLD_AFTER_FAILURES = 4;
// A loaded 2-core machine can take a while between an action and the engine's next turn.
const SLOW = { timeout: 60_000, intervals: [250, 500, 1000] };

let server: ConsoleServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let sink: SmtpSink;

/** One message submitted as the teacher, answered 250 after DATA. */
async function submit(recipient: string, subject: string) {
  const result = await pythonSmtp({
    port: server.submissionPort,
    starttls: true,
    auth: { user: TEACHER, password: TEACHER_PASSWORD },
    sender: TEACHER,
    recipients: [recipient],
    message: message({ from: TEACHER, to: recipient, subject }),
  });
  expect(result.error, JSON.stringify(result.steps)).toBeUndefined();
  expect(result.reply('data')?.code, JSON.stringify(result.steps)).toBe(250);
}

const entryOf = (recipient: string) => server.prisma.queueEntry.findFirst({ where: { recipient } });

const signedIn = (username: string, password: string) => signedInPage(browser.browser, server.baseUrl, username, password);

/** The texts of a queue table row's cells: select, sender, recipient, state, attempts, size, next attempt, last error. */
async function cellsOf(row: Locator) {
  const [, sender, recipient, state, attempts, , nextAttempt, lastError] = await row.getByRole('cell').allTextContents();
  return { sender, recipient, state, attempts, nextAttempt, lastError };
}

/** A time as the console shows it: in the browser's own locale and time zone. */
const inBrowserTime = (page: Page, at: Date) => page.evaluate((iso) => new Date(iso).toLocaleString(), at.toISOString());

beforeAll(async () => {
  [server, browser, sink] = await Promise.all([
    startConsoleServer({
      env: {
        // Retries an hour apart and no probe during the test: every attempt the test sees is one it caused.
        SCHOOLMAIL_RETRY_SCHEDULE: '3600',
        SCHOOLMAIL_PROBE_INTERVAL_SECONDS: '3600',
        SCHOOLMAIL_HOLD_AFTER_FAILURES: String(HOLD_AFTER_FAILURES),
        SCHOOLMAIL_QUEUE_POLL_MS: '200',
        SCHOOLMAIL_SMTP_CONNECT_TIMEOUT_MS: '10000',
      },
    }),
    launchBrowser(),
    startSmtpSink('tempfail'),
  ]);
  expect((await server.staff.post('/domains', { name: DISTRICT })).status).toBe(201);
  const teacher = await server.staff.post(`/domains/${DISTRICT}/accounts`, { localPart: 'teacher', password: TEACHER_PASSWORD });
  expect(teacher.status, JSON.stringify(teacher.body)).toBe(201);
  const admin = await server.staff.post('/admins', { username: 'pm-live', password: PM_PASSWORD });
  expect(admin.status).toBe(201);
  expect((await server.staff.post(`/admins/${admin.body.id}/assignments`, { role: 'postmaster', domain: DISTRICT })).status).toBe(201);
  for (const domain of [REMOTE, OTHER_REMOTE]) expect((await server.staff.post('/transports', { domain, nextHop: sink.nextHop })).status).toBe(201);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
});

describe('console: the queue with real mail and a remote server that tempfails', () => {
  it('shows deferred entries with the remote error, filters in the URL, reschedules and deletes; the domain becomes held and is released', async () => {
    const recipients = [`mom@${REMOTE}`, `dad@${REMOTE}`, `coach@${REMOTE}`];
    for (const [i, recipient] of recipients.entries()) await submit(recipient, `Report card ${i + 1}`);
    await submit(`aunt@${OTHER_REMOTE}`, 'Report card copy');

    // Each message was tried once and deferred (three failures in a row for REMOTE: below the threshold).
    await expect
      .poll(() => server.prisma.queueEntry.count({ where: { state: 'deferred', attempts: 1 } }), SLOW)
      .toBe(4);
    expect(sink.received).toEqual([]);

    const page = await signedIn('pm-live', PM_PASSWORD);
    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    const table = page.getByRole('table', { name: 'Queue entries' });
    const row = (recipient: string) => table.getByRole('row').filter({ has: page.getByRole('link', { name: recipient, exact: true }) });
    await row(`mom@${REMOTE}`).waitFor();
    expect((await table.getByRole('link').allTextContents()).sort()).toEqual([...recipients, `aunt@${OTHER_REMOTE}`].sort());
    const mom = await cellsOf(row(`mom@${REMOTE}`));
    expect(mom).toMatchObject({ sender: TEACHER, state: 'deferred', attempts: '1', lastError: expect.stringMatching(/^451 4\.3\.2 Try again later/) });
    await screenshot(page, 'queue-live');
    await expectAccessible(page);

    // Filter by recipient, then by remote domain: the URL carries the filter.
    const filters = page.getByRole('form', { name: 'Queue filters' });
    await filters.getByRole('textbox', { name: 'Recipient' }).fill(`dad@${REMOTE}`);
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('recipient') === `dad@${REMOTE}`);
    await expect.poll(() => table.getByRole('link').allTextContents(), SLOW).toEqual([`dad@${REMOTE}`]);
    await filters.getByRole('textbox', { name: 'Recipient' }).fill('');
    await filters.getByRole('textbox', { name: 'Remote domain' }).fill(REMOTE);
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('remoteDomain') === REMOTE && !url.searchParams.has('recipient'));
    await expect.poll(async () => (await table.getByRole('link').allTextContents()).sort(), SLOW).toEqual([...recipients].sort());

    // Reschedule one: it is tried again at once, fails a fourth time in a row, and REMOTE is held.
    const before = (await entryOf(`mom@${REMOTE}`))!;
    const attemptsBefore = sink.attempts.length;
    await page.getByRole('checkbox', { name: `Select the entry to mom@${REMOTE}` }).check();
    await page.getByRole('button', { name: 'Reschedule selected' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reschedule 1 entry' }).click();
    await expect.poll(async () => (await entryOf(`mom@${REMOTE}`))?.attempts, SLOW).toBe(2);
    expect(sink.attempts.length).toBe(attemptsBefore + 1);
    const after = (await entryOf(`mom@${REMOTE}`))!;
    expect(after.nextAttemptAt.getTime()).toBeGreaterThan(before.nextAttemptAt.getTime());
    // The table follows the engine without a reload: a second attempt, a later next attempt, the domain's hold.
    await expect.poll(async () => (await cellsOf(row(`mom@${REMOTE}`))).attempts, SLOW).toBe('2');
    const rescheduled = await cellsOf(row(`mom@${REMOTE}`));
    expect(rescheduled.nextAttempt).not.toBe(mom.nextAttempt);
    expect(rescheduled.nextAttempt).toBe(await inBrowserTime(page, after.nextAttemptAt));
    await expect.poll(async () => (await table.getByTestId('queue-state').allTextContents()), SLOW).toEqual(['held', 'held', 'held']);

    // Delete one by recipient: the confirmation counts what the filter matches.
    await filters.getByRole('textbox', { name: 'Recipient' }).fill(`dad@${REMOTE}`);
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('recipient') === `dad@${REMOTE}` && url.searchParams.get('remoteDomain') === REMOTE);
    await expect.poll(() => table.getByRole('link').allTextContents(), SLOW).toEqual([`dad@${REMOTE}`]);
    await page.getByRole('button', { name: 'Delete all matching' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Delete 1 entry.').waitFor();
    await dialog.getByRole('button', { name: 'Delete 1 entry' }).click();
    await page.getByText('No queue entry matches these filters.').waitFor();
    expect(await entryOf(`dad@${REMOTE}`)).toBeNull();

    // The virtual queue of REMOTE: held automatically, since when, how many failures, the last error.
    await page.getByRole('link', { name: 'Virtual queues (remote domains)' }).click();
    const held = page.getByTestId(`remote-domain-${REMOTE}`);
    await held.getByText('held', { exact: true }).waitFor();
    const [domain, state, heldSince, failures, lastError, waiting] = await held.getByRole('cell').allTextContents();
    const stored = (await server.prisma.remoteDomain.findUnique({ where: { domain: REMOTE } }))!;
    expect({ domain, state, heldSince, failures, lastError, waiting }).toEqual({
      domain: REMOTE,
      state: 'held',
      heldSince: `${await inBrowserTime(page, stored.heldSince!)} by automatic`,
      failures: String(HOLD_AFTER_FAILURES),
      lastError: expect.stringMatching(/^451 4\.3\.2 Try again later/),
      waiting: '2',
    });
    await page.getByTestId(`remote-domain-${OTHER_REMOTE}`).getByText('active', { exact: true }).waitFor();
    // Releasing is for staff: the postmaster sees the state only.
    expect(await page.getByRole('button', { name: `Release ${REMOTE}` }).count()).toBe(0);
    await screenshot(page, 'remote-domains-held');
    await expectAccessible(page);
    await page.context().close();

    // The remote server is back; nothing goes there until the hold is released (no probe is due within the hour).
    sink.setMode('accept');
    const staffPage = await signedIn('staff', STAFF_PASSWORD);
    await staffPage.goto('/queue/remote-domains');
    await staffPage.getByRole('button', { name: `Release ${REMOTE}` }).waitFor();
    expect(sink.received).toEqual([]);
    await staffPage.getByRole('button', { name: `Release ${REMOTE}` }).click();
    await sink.waitFor(() => sink.received.length === 2, 60_000);
    expect(sink.received.flatMap((r) => r.to).sort()).toEqual([`coach@${REMOTE}`, `mom@${REMOTE}`]);
    expect(sink.received.every((r) => r.from === TEACHER && r.data.toString().includes('Subject: Report card'))).toBe(true);
    // State and waiting count, as the screen shows them once it has followed the deliveries.
    const released = staffPage.getByTestId(`remote-domain-${REMOTE}`).getByRole('cell');
    await expect.poll(async () => (await released.allTextContents()).filter((_, i) => i === 1 || i === 5), SLOW).toEqual(['active', '0']);

    // The queue is empty for REMOTE; the other domain's message still waits for its retry.
    await staffPage.goto(`/queue?remoteDomain=${REMOTE}`);
    await staffPage.getByText('No queue entry matches these filters.').waitFor();
    expect(await server.prisma.queueEntry.count({ where: { remoteDomain: REMOTE } })).toBe(0);
    expect(await server.prisma.queueEntry.count({ where: { remoteDomain: OTHER_REMOTE, state: 'deferred' } })).toBe(1);
    await staffPage.context().close();
  }, 300_000);
});
