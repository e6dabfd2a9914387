/**
 * Logins and service checks on a real database: every service switched off at the domain,
 * the class of service and the account refuses exactly that service with a readable reason;
 * suspended accounts and domains; unknown users; failed-login limits; legacy hashes upgraded;
 * and a change made by another client seen by a second process's cache within a second.
 */
import { scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '@schoolmail/prisma';
import { codeOf, mailbox, mailDomain, MAIL_PASSWORD, pythonSmtp, startTestEngine, type TestEngine } from '../../../../test/support/smtp.js';
import { needsRehash } from '../auth/passwords.js';
import { ChangeListener } from '../notify/change-listener.js';
import { databaseUrlOf } from '../notify/database-url.js';
import { parseSharedNetworks } from './client-limits.js';
import { PrismaMailAccess } from './prisma-mail-access.js';
import type { LoginOutcome, MailService, SettingsChange } from './types.js';

let env: TestEngine;
const SERVICES: MailService[] = ['smtp', 'imap', 'pop3', 'rpop', 'webmail'];
const CHANGED_AT = new Date('2026-11-03T10:00:00Z');

beforeAll(async () => {
  env = await startTestEngine({}, { authFailuresPerClient: 1000, authFailuresPerAccount: 1000 });
  await mailDomain(env.prisma, 'district1.k12.us');
});
afterAll(() => env?.close());

const login = (user: string, service: MailService, password = MAIL_PASSWORD, clientIp = '10.0.0.1') => env.engine.access.login({ user, password, service, clientIp });

/** A second engine process, as far as the database can tell: its own connection and LISTEN. */
async function secondProcess(options: ConstructorParameters<typeof PrismaMailAccess>[1] = {}) {
  const changes = new ChangeListener(databaseUrlOf(env.prisma)!, () => {});
  await changes.start();
  const access = new PrismaMailAccess(env.prisma, { changes, ...options });
  return {
    access,
    async close() {
      access.close();
      await changes.stop();
    },
  };
}

async function outcomes(address: string) {
  const result: Partial<Record<MailService, LoginOutcome>> = {};
  for (const service of SERVICES) result[service] = await login(address, service);
  return result as Record<MailService, LoginOutcome>;
}

describe('a service switched off', () => {
  for (const service of SERVICES) {
    it(`${service}: refused at domain, class-of-service and account level, the others still allowed`, async () => {
      const domain = await mailDomain(env.prisma, `${service}.k12.us`);
      const sub = await mailDomain(env.prisma, `west.${service}.k12.us`, { parent: `${service}.k12.us` });
      await env.prisma.serviceToggle.create({ data: { service, enabled: false, domainId: domain.id, changedBy: 'jdoe', changedAt: CHANGED_AT } });
      const cos = await env.prisma.classOfService.create({ data: { name: `no-${service}`, [service]: false } });

      const byDomain = await mailbox(env.prisma, `d@west.${service}.k12.us`);
      const byClass = await mailbox(env.prisma, `c-${service}@district1.k12.us`, { classOfService: cos.name });
      const byAccount = await mailbox(env.prisma, `a-${service}@district1.k12.us`);
      await env.prisma.serviceToggle.create({ data: { service, enabled: false, accountId: byAccount.id, changedBy: 'pm1', changedAt: CHANGED_AT } });

      const label = { smtp: 'SMTP', imap: 'IMAP', pop3: 'POP3', rpop: 'Remote POP', webmail: 'WebMail' }[service];
      const expected: Array<[string, string]> = [
        [byDomain.address, `${label} is disabled for the domain ${service}.k12.us (changed by jdoe on 3 Nov 2026)`],
        [byClass.address, `${label} is disabled by the class of service "no-${service}", assigned to the account ${byClass.address}`],
        [byAccount.address, `${label} is disabled for the account ${byAccount.address} (changed by pm1 on 3 Nov 2026)`],
      ];
      for (const [address, message] of expected) {
        const results = await outcomes(address);
        expect(results[service]).toEqual({ ok: false, reason: 'disabled', message });
        for (const other of SERVICES.filter((s) => s !== service)) expect(results[other]).toMatchObject({ ok: true, address });
        const accountId = (await env.prisma.account.findUniqueOrThrow({ where: { address } })).id;
        expect(await env.engine.access.refusal(accountId, service)).toBe(message);
        expect(await env.engine.access.refusal(accountId, SERVICES.find((s) => s !== service)!)).toBeNull();
      }
    });
  }
});

describe('status and credentials', () => {
  it('refuses a suspended or locked account and a mailbox under a suspended parent domain, saying why', async () => {
    await mailDomain(env.prisma, 'paused.k12.us', { status: 'suspended' });
    await mailDomain(env.prisma, 'east.paused.k12.us', { parent: 'paused.k12.us' });
    await mailbox(env.prisma, 'pupil@east.paused.k12.us');
    await mailbox(env.prisma, 'gone@district1.k12.us', { status: 'suspended' });
    await mailbox(env.prisma, 'stuck@district1.k12.us', { status: 'locked' });
    expect(await login('pupil@east.paused.k12.us', 'imap')).toEqual({ ok: false, reason: 'disabled', message: 'The domain paused.k12.us is suspended' });
    expect(await login('gone@district1.k12.us', 'pop3')).toEqual({ ok: false, reason: 'disabled', message: 'The account gone@district1.k12.us is suspended' });
    expect(await login('stuck@district1.k12.us', 'smtp')).toEqual({ ok: false, reason: 'disabled', message: 'The account stuck@district1.k12.us is locked' });
    // A wrong password says nothing about the status.
    expect(await login('gone@district1.k12.us', 'pop3', 'wrong')).toEqual({ ok: false, reason: 'credentials' });
  });

  it('answers an unknown user exactly as a wrong password, after as much work', async () => {
    const account = await mailbox(env.prisma, 'known@district1.k12.us');
    expect(await login('KNOWN@District1.K12.US', 'imap')).toMatchObject({ ok: true, accountId: account.id, address: 'known@district1.k12.us', domainId: account.domainId });
    const time = async (user: string) => {
      const started = performance.now();
      const outcome = await login(user, 'imap', 'not-the-password');
      return { outcome, ms: performance.now() - started };
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      const w = await time('known@district1.k12.us');
      const u = await time(`nobody${i}@district1.k12.us`);
      expect(w.outcome).toEqual({ ok: false, reason: 'credentials' });
      expect(u.outcome).toEqual({ ok: false, reason: 'credentials' });
      wrong.push(w.ms);
      unknown.push(u.ms);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
    expect(await login('not an address', 'imap')).toEqual({ ok: false, reason: 'credentials' });
    expect(await login('known@district1.k12.us', 'imap', '')).toEqual({ ok: false, reason: 'credentials' });
  });

  it('upgrades a legacy hash to the current scheme at the first successful login, and the password keeps working', async () => {
    const account = await mailbox(env.prisma, 'legacy@district1.k12.us');
    const salt = Buffer.from('0123456789abcdef');
    const weak = `{SCRYPT}$1024$8$1$${salt.toString('base64')}$${scryptSync(MAIL_PASSWORD, salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64')}`;
    await env.prisma.account.update({ where: { id: account.id }, data: { passwordHash: weak } });
    expect(await login('legacy@district1.k12.us', 'imap', 'wrong')).toEqual({ ok: false, reason: 'credentials' });
    expect((await env.prisma.account.findUniqueOrThrow({ where: { id: account.id } })).passwordHash).toBe(weak);
    expect(await login('legacy@district1.k12.us', 'imap')).toMatchObject({ ok: true });
    const upgraded = (await env.prisma.account.findUniqueOrThrow({ where: { id: account.id } })).passwordHash;
    expect(upgraded).not.toBe(weak);
    expect(needsRehash(upgraded)).toBe(false);
    expect(await login('legacy@district1.k12.us', 'pop3')).toMatchObject({ ok: true });
  });

  it('notes the login time, without touching the account\'s updatedAt', async () => {
    const account = await mailbox(env.prisma, 'stamp@district1.k12.us');
    expect(await login('stamp@district1.k12.us', 'imap')).toMatchObject({ ok: true });
    await expect.poll(async () => (await env.prisma.account.findUniqueOrThrow({ where: { id: account.id } })).lastLoginAt, { timeout: 2000 }).not.toBeNull();
    const after = await env.prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(after.updatedAt.getTime()).toBe(account.updatedAt.getTime());
    expect(Math.abs(after.lastLoginAt!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('answers "unavailable" when the database cannot be reached', async () => {
    const broken = createPrismaClient('postgresql://nobody:nothing@127.0.0.1:1/none');
    const access = new PrismaMailAccess(broken);
    const outcome = await access.login({ user: 'known@district1.k12.us', password: MAIL_PASSWORD, service: 'imap', clientIp: '10.0.0.9' });
    expect(outcome).toMatchObject({ ok: false, reason: 'unavailable' });
    await broken.$disconnect();
  });
});

describe('failed-login limits', () => {
  it('refuses a client address after too many failures, even with the right password, and says when to retry', async () => {
    const limited = await secondProcess({ limits: { perClient: 3, perAccount: 100, windowMs: 60_000 } });
    try {
      await mailbox(env.prisma, 'target@district1.k12.us');
      await mailbox(env.prisma, 'bystander@district1.k12.us');
      const attempt = (user: string, password: string, clientIp: string) => limited.access.login({ user, password, service: 'imap', clientIp });
      for (let i = 0; i < 3; i++) expect(await attempt(`guess${i}@district1.k12.us`, 'x', '192.0.2.1')).toEqual({ ok: false, reason: 'credentials' });
      const refused = await attempt('target@district1.k12.us', MAIL_PASSWORD, '::ffff:192.0.2.1');
      expect(refused).toMatchObject({ ok: false, reason: 'rate-limited' });
      expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(50);
      expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(60);
      // Other clients are not affected.
      expect(await attempt('bystander@district1.k12.us', MAIL_PASSWORD, '192.0.2.2')).toMatchObject({ ok: true });
    } finally {
      await limited.close();
    }
  });

  it('gives a shared-address network (a school behind NAT) its own higher limit, while the account limit stays', async () => {
    const limited = await secondProcess({
      limits: { perClient: 2, perSharedClient: 6, perAccount: 3, windowMs: 60_000, sharedNetworks: parseSharedNetworks(['203.0.113.0/24']) },
    });
    try {
      await mailbox(env.prisma, 'student@district1.k12.us');
      const attempt = (user: string, password: string, clientIp: string) => limited.access.login({ user, password, service: 'imap', clientIp });
      // Five students behind the school's gateway mistype their passwords: the school is not locked out.
      for (let i = 0; i < 5; i++) expect(await attempt(`pupil${i}@district1.k12.us`, 'typo', '203.0.113.7')).toEqual({ ok: false, reason: 'credentials' });
      expect(await attempt('student@district1.k12.us', MAIL_PASSWORD, '203.0.113.7')).toMatchObject({ ok: true });
      // Its own limit still holds: the sixth failure closes the gateway for a while.
      expect(await attempt('pupil5@district1.k12.us', 'typo', '203.0.113.7')).toEqual({ ok: false, reason: 'credentials' });
      expect(await attempt('student@district1.k12.us', MAIL_PASSWORD, '203.0.113.7')).toMatchObject({ ok: false, reason: 'rate-limited' });
      // Outside the shared network the ordinary per-address limit applies.
      for (let i = 0; i < 2; i++) expect(await attempt(`guess${i}@district1.k12.us`, 'x', '198.51.100.40')).toEqual({ ok: false, reason: 'credentials' });
      expect(await attempt('student@district1.k12.us', MAIL_PASSWORD, '198.51.100.40')).toMatchObject({ ok: false, reason: 'rate-limited' });
      // Guessing one account from inside the shared network is bounded by the account limit.
      for (let i = 0; i < 3; i++) expect(await attempt('target2@district1.k12.us', `guess${i}`, '203.0.113.8')).toEqual({ ok: false, reason: 'credentials' });
      expect(await attempt('target2@district1.k12.us', 'guess3', '203.0.113.9')).toMatchObject({ ok: false, reason: 'rate-limited' });
    } finally {
      await limited.close();
    }
  });

  it('refuses an account after too many failures from any addresses, until the window has passed', async () => {
    const limited = await secondProcess({ limits: { perClient: 100, perAccount: 2, windowMs: 1500 } });
    try {
      await mailbox(env.prisma, 'popular@district1.k12.us');
      const attempt = (password: string, clientIp: string) => limited.access.login({ user: 'Popular@district1.k12.us', password, service: 'pop3', clientIp });
      expect(await attempt('a', '198.51.100.1')).toEqual({ ok: false, reason: 'credentials' });
      expect(await attempt('b', '198.51.100.2')).toEqual({ ok: false, reason: 'credentials' });
      expect(await attempt(MAIL_PASSWORD, '198.51.100.3')).toMatchObject({ ok: false, reason: 'rate-limited', retryAfterSeconds: expect.any(Number) });
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect(await attempt(MAIL_PASSWORD, '198.51.100.3')).toMatchObject({ ok: true });
    } finally {
      await limited.close();
    }
  });
});

describe('a change by another client', () => {
  it('is seen by the cache of another process within a second, and its subscribers are told', async () => {
    const other = await secondProcess();
    try {
      const account = await mailbox(env.prisma, 'cached@district1.k12.us');
      const changes: SettingsChange[] = [];
      other.access.onSettingsChanged((change) => changes.push(change));
      expect(await other.access.refusal(account.id, 'imap')).toBeNull();

      // As the API writes it: an account toggle row.
      const started = Date.now();
      await env.prisma.serviceToggle.create({ data: { service: 'imap', enabled: false, accountId: account.id, changedBy: 'pm1', changedAt: CHANGED_AT } });
      await expect.poll(() => other.access.refusal(account.id, 'imap'), { timeout: 1000, interval: 10 }).toMatch(/^IMAP is disabled for the account cached@/);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(changes).toContainEqual({ accountIds: [account.id] });

      // A domain-wide change concerns every account.
      const domain = await env.prisma.domain.findUniqueOrThrow({ where: { name: 'district1.k12.us' } });
      await env.prisma.serviceToggle.create({ data: { service: 'pop3', enabled: false, domainId: domain.id, changedBy: 'pm1', changedAt: CHANGED_AT } });
      await expect.poll(() => other.access.refusal(account.id, 'pop3'), { timeout: 1000, interval: 10 }).toMatch(/^POP3 is disabled for the domain district1\.k12\.us/);
      expect(changes).toContain('all');
      await env.prisma.serviceToggle.deleteMany({ where: { domainId: domain.id } });
      await expect.poll(() => other.access.refusal(account.id, 'pop3'), { timeout: 1000, interval: 10 }).toBeNull();

      // Suspending the account and changing its class of service reach the cache too.
      await env.prisma.account.update({ where: { id: account.id }, data: { status: 'suspended' } });
      await expect.poll(() => other.access.refusal(account.id, 'smtp'), { timeout: 1000, interval: 10 }).toBe('The account cached@district1.k12.us is suspended');
      // Usage changes on every delivery and are not a settings change.
      const before = changes.length;
      await env.prisma.account.update({ where: { id: account.id }, data: { quotaUsedBytes: 1234n } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(changes.length).toBe(before);
    } finally {
      await other.close();
    }
  });

  it('applies a new class of service to the next SMTP RCPT TO: the smaller quota is full at once', async () => {
    await env.prisma.classOfService.create({ data: { name: 'one-mb', mailboxQuotaMb: 1 } });
    await mailbox(env.prisma, 'hoarder@district1.k12.us', { quotaUsedBytes: 2n * 1024n * 1024n });
    const rcpt = async () =>
      codeOf((await pythonSmtp({ port: env.ports.smtp, sender: 'someone@example.org', recipients: ['hoarder@district1.k12.us'] })).reply('rcpt'));
    expect(await rcpt()).toBe('250 2.1.5');
    await env.prisma.account.update({ where: { address: 'hoarder@district1.k12.us' }, data: { classOfService: { connect: { name: 'one-mb' } } } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rcpt()).toBe('452 4.2.2');
  });

  it('turns SMTP AUTH away once smtp is switched off for the domain', async () => {
    await mailDomain(env.prisma, 'smtpoff.k12.us');
    await mailbox(env.prisma, 'writer@smtpoff.k12.us');
    const auth = () => pythonSmtp({ port: env.ports.submission, starttls: true, auth: { user: 'writer@smtpoff.k12.us', password: MAIL_PASSWORD }, sender: 'writer@smtpoff.k12.us', recipients: [] });
    expect(codeOf((await auth()).reply('auth'))).toBe('235 2.7.0');
    const domain = await env.prisma.domain.findUniqueOrThrow({ where: { name: 'smtpoff.k12.us' } });
    await env.prisma.serviceToggle.create({ data: { service: 'smtp', enabled: false, domainId: domain.id, changedBy: 'pm1' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(codeOf((await auth()).reply('auth'))).toBe('535 5.7.8');
  });
});
