/**
 * The `webmail` service gates a mailbox owner's sign-in to the API (403 with a problem
 * document that says which level switched it off), administrators are not affected; a
 * toggle changed through the API reaches a running mail engine's access checks within a
 * second; and an account's quota usage and limit show in GET /accounts/{address}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineConfig, startEngine, type RunningEngine } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const PASSWORD = 'mailbox-password-1';

let api: TestApi;
let people: Districts;
let engine: RunningEngine;
let dataDir: string;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-webmail-'));
  engine = await startEngine({
    prisma: api.prisma,
    config: { ...loadEngineConfig({}), dataDir, smtpPort: 0, submissionPort: 0, pop3Port: 0, imapPort: 0, listenHost: '127.0.0.1' },
    log: () => {},
    queueWorkers: false,
  });
});
afterAll(async () => {
  await engine?.stop();
  await api?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function createMailbox(domain: string, localPart: string) {
  const created = await people.postmaster1.post(`/domains/${domain}/accounts`, { localPart, password: PASSWORD });
  expect(created.status).toBe(201);
  return created.body.address as string;
}

const signIn = (username: string, password = PASSWORD) => api.anonymous.post('/auth/login', { username, password });

function expectRefused(response: { status: number; headers: Headers; body: { detail: string; status: number } }, detail: RegExp) {
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.status).toBe(403);
  expect(response.body.detail).toMatch(detail);
  expect(JSON.stringify(response.body)).not.toMatch(/accessToken|at \S+\.ts/);
}

describe('webmail sign-in of a mailbox owner', () => {
  it('is allowed while webmail is on, and refused with the reason when the domain switches it off', async () => {
    const jane = await createMailbox(WEST, 'jane');
    const allowed = await signIn(jane);
    expect(allowed.status).toBe(200);
    expect(allowed.body.role).toBe('user');

    expect((await people.westAdmin.patch(`/domains/${WEST}`, { services: { webmail: false } })).status).toBe(200);
    expectRefused(await signIn(jane), /^WebMail is disabled for the domain west\.district1\.k12\.us \(changed by \S+ on \d{1,2} [A-Z][a-z]{2} \d{4}\)$/);
    // A wrong password still says only that.
    expect((await signIn(jane, 'wrong-password-1')).status).toBe(401);
    // Administrators are not mailbox owners: unaffected.
    expect((await signIn('westadmin', 'correct-horse-1')).status).toBe(200);
    // Other domains keep it.
    const eve = await createMailbox(EAST, 'eve');
    expect((await signIn(eve)).status).toBe(200);

    expect((await people.westAdmin.patch(`/domains/${WEST}`, { services: { webmail: true } })).status).toBe(200);
    expect((await signIn(jane)).status).toBe(200);
  });

  it('is refused when the class of service or the account itself switches webmail off', async () => {
    const byClass = await createMailbox(EAST, 'student');
    expect((await people.staff.post('/classes-of-service', { name: 'no-webmail', services: { webmail: false }, maxMessageSizeKb: 25600, mailboxQuotaMb: 300, maxRecipients: 100 })).status).toBe(201);
    expect((await people.postmaster1.patch(`/accounts/${byClass}`, { classOfService: 'no-webmail' })).status).toBe(200);
    expectRefused(await signIn(byClass), /^WebMail is disabled by the class of service "no-webmail", assigned to the account student@east\.district1\.k12\.us$/);

    const byAccount = await createMailbox(EAST, 'teacher');
    expect((await people.postmaster1.patch(`/accounts/${byAccount}`, { services: { webmail: false } })).status).toBe(200);
    expectRefused(await signIn(byAccount), /^WebMail is disabled for the account teacher@east\.district1\.k12\.us \(changed by /);
  });
});

describe('an open self-service session', () => {
  it('ends when webmail is switched off, and works again once it is back on', async () => {
    const owner = await createMailbox(WEST, 'session-owner');
    const session = await api.login(owner, PASSWORD);
    expect((await session.get('/auth/me')).status).toBe(200);

    expect((await people.postmaster1.patch(`/accounts/${owner}`, { services: { webmail: false } })).status).toBe(200);
    // Seen through the settings notifications, not only at the next sign-in.
    await expect.poll(async () => (await session.get('/auth/me')).status, { timeout: 2000, interval: 20 }).toBe(401);

    expect((await people.postmaster1.patch(`/accounts/${owner}`, { services: { webmail: true } })).status).toBe(200);
    await expect.poll(async () => (await session.get('/auth/me')).status, { timeout: 2000, interval: 20 }).toBe(200);
  });
});

describe('a toggle changed through the API', () => {
  it('is seen by the running engine\'s access checks within a second; the other services stay on', async () => {
    const address = await createMailbox(WEST, 'imapuser');
    const login = () => engine.access.login({ user: address, password: PASSWORD, service: 'imap', clientIp: '127.0.0.1' });
    const first = await login();
    expect(first).toMatchObject({ ok: true });
    const accountId = (first as { accountId: number }).accountId;
    expect(await engine.access.refusal(accountId, 'imap')).toBeNull();

    const started = Date.now();
    expect((await people.westAdmin.patch(`/domains/${WEST}`, { services: { imap: false } })).status).toBe(200);
    await expect.poll(() => engine.access.refusal(accountId, 'imap'), { timeout: 1000, interval: 10 }).toMatch(/^IMAP is disabled for the domain west\.district1\.k12\.us/);
    expect(Date.now() - started).toBeLessThan(1000 + 200);
    expect(await login()).toMatchObject({ ok: false, reason: 'disabled', message: expect.stringMatching(/^IMAP is disabled for the domain west/) });
    expect(await engine.access.login({ user: address, password: PASSWORD, service: 'pop3', clientIp: '127.0.0.1' })).toMatchObject({ ok: true });
  });
});

describe('GET /accounts/{address}', () => {
  it('shows the quota usage the mail store counts, and the limit of the effective class of service', async () => {
    const address = await createMailbox(EAST, 'quota');
    const account = await api.prisma.account.findUniqueOrThrow({ where: { address } });
    const inbox = (await engine.store.folder(account.id, 'INBOX'))!;
    const message = Buffer.from('Subject: hi\r\n\r\nhello\r\n');
    await engine.store.append(account.id, inbox.id, message, [], new Date());
    const read = await people.postmaster1.get(`/accounts/${address}`);
    expect(read.status).toBe(200);
    expect(read.body.quota).toEqual({ usedBytes: message.length, limitBytes: 2048 * 1024 * 1024 });
    expect(await engine.store.quota(account.id)).toEqual({ usedBytes: BigInt(message.length), limitBytes: 2048n * 1024n * 1024n });
  });
});
