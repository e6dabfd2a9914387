/**
 * IMAP login decisions and their replies: bad credentials (AUTHENTICATIONFAILED), IMAP
 * disabled for the account, its domain or its class of service (CONTACTADMIN with the
 * reason, while SMTP still works), an open session ended with BYE [CONTACTADMIN] after an
 * administrator turns IMAP off, rate limiting, and quota on APPEND and COPY (OVERQUOTA).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../support/imap.js';
import { MAIL_PASSWORD, mailbox, mailDomain, message, pythonSmtp, startTestEngine, type TestEngine } from '../support/smtp.js';

let mail: TestEngine;

beforeAll(async () => {
  mail = await startTestEngine({ imapsPort: 0 }, { authFailuresPerClient: 1000, authFailuresPerAccount: 3 });
  await mailDomain(mail.prisma, 'school.test');
  await mailDomain(mail.prisma, 'closed.school.test');
  await mail.prisma.classOfService.create({ data: { name: 'no-imap', imap: false } });
  await mail.prisma.classOfService.create({ data: { name: 'tiny', mailboxQuotaMb: 1, maxMessageSizeKb: 4 } });
  for (const user of ['ok@school.test', 'self@school.test', 'cos@school.test', 'live@school.test', 'idle@school.test', 'guess@school.test', 'full@school.test']) {
    await mailbox(mail.prisma, user, { classOfService: user === 'cos@school.test' ? 'no-imap' : user === 'full@school.test' ? 'tiny' : undefined, quotaUsedBytes: user === 'full@school.test' ? 1024n * 1024n - 1500n : 0n });
  }
  await mailbox(mail.prisma, 'pupil@closed.school.test');
  const self = await mail.prisma.account.findUniqueOrThrow({ where: { address: 'self@school.test' } });
  const closed = await mail.prisma.domain.findUniqueOrThrow({ where: { name: 'closed.school.test' } });
  await mail.prisma.serviceToggle.create({ data: { service: 'imap', enabled: false, accountId: self.id, changedBy: 'postmaster@school.test' } });
  await mail.prisma.serviceToggle.create({ data: { service: 'imap', enabled: false, domainId: closed.id, changedBy: 'postmaster@school.test' } });
});
afterAll(() => mail?.close());

const connect = () => RawImap.connect(mail.ports.imaps!, { tls: true });
const login = async (user: string, password = MAIL_PASSWORD) => {
  const client = await connect();
  const reply = await client.login(user, password);
  return { client, reply };
};
const submits = async (user: string) => {
  const result = await pythonSmtp({ port: mail.ports.submission, sender: user, recipients: ['ok@school.test'], starttls: true, auth: { user, password: MAIL_PASSWORD }, message: message({ from: user, to: 'ok@school.test' }) });
  return result.reply('auth')?.code;
};

describe('login refusals', () => {
  it('answers AUTHENTICATIONFAILED for a wrong password or an unknown user, alike', async () => {
    const wrong = await login('ok@school.test', 'not-the-password');
    expect(wrong.reply).toMatch(/^NO \[AUTHENTICATIONFAILED\] /);
    const unknown = await login('nobody@school.test', 'whatever');
    expect(unknown.reply).toBe(wrong.reply);
    expect(await wrong.client.login('ok@school.test')).toMatch(/^OK/);
    wrong.client.close();
    unknown.client.close();
  });

  it.each([
    ['the account', 'self@school.test', /^NO \[CONTACTADMIN\] IMAP is disabled for the account self@school\.test \(changed by postmaster@school\.test on /],
    ['its domain', 'pupil@closed.school.test', /^NO \[CONTACTADMIN\] IMAP is disabled for the domain closed\.school\.test/],
    ['its class of service', 'cos@school.test', /^NO \[CONTACTADMIN\] IMAP is disabled by the class of service "no-imap"/],
  ])('refuses IMAP disabled for %s with CONTACTADMIN and the reason; SMTP still works', async (_level, user, reply) => {
    const { client, reply: answer } = await login(user);
    expect(answer).toMatch(reply);
    expect(await submits(user)).toBe(235);
    client.close();
  });

  it('answers UNAVAILABLE with "too many" after repeated failures for one account', async () => {
    const client = await connect();
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) replies.push(await client.login('guess@school.test', `wrong-${i}`));
    expect(replies[0]).toMatch(/^NO \[AUTHENTICATIONFAILED\]/);
    expect(replies.at(-1)).toMatch(/^NO \[UNAVAILABLE\] Too many failed login attempts; try again in \d+ seconds/);
    // Even the right password waits until the window has passed.
    expect(await client.login('guess@school.test')).toMatch(/^NO \[UNAVAILABLE\]/);
    expect(await client.login('ok@school.test')).toMatch(/^OK/);
    client.close();
  });
});

describe('settings changed while a session is open', () => {
  it('ends an open session at its next command with BYE [CONTACTADMIN] and the reason', async () => {
    const { client, reply } = await login('live@school.test');
    expect(reply).toMatch(/^OK/);
    expect((await client.command('SELECT INBOX')).tagged).toMatch(/^OK/);
    const account = await mail.prisma.account.findUniqueOrThrow({ where: { address: 'live@school.test' } });
    await mail.prisma.serviceToggle.create({ data: { service: 'imap', enabled: false, accountId: account.id, changedBy: 'postmaster@school.test' } });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    client.send('N1 NOOP\r\n');
    expect(await client.line(/^\* BYE/)).toMatch(/^\* BYE \[CONTACTADMIN\] IMAP is disabled for the account live@school\.test/);
    await client.waitClosed();
    expect(client.unread).not.toMatch(/^N1 /m);
    expect((await login('live@school.test')).reply).toMatch(/^NO \[CONTACTADMIN\]/);
    expect((await login('ok@school.test')).reply).toMatch(/^OK/);
  });

  it('ends an idling session within a second or so, without waiting for a command', async () => {
    const { client } = await login('idle@school.test');
    await client.command('SELECT INBOX');
    client.send('I1 IDLE\r\n');
    await client.line(/^\+ idling/);
    const domain = await mail.prisma.domain.findUniqueOrThrow({ where: { name: 'school.test' } });
    const started = Date.now();
    await mail.prisma.serviceToggle.create({ data: { service: 'imap', enabled: false, domainId: domain.id, changedBy: 'staff' } });
    expect(await client.line(/^\* BYE/, 5000)).toMatch(/^\* BYE \[CONTACTADMIN\] IMAP is disabled for the domain school\.test/);
    await client.waitClosed();
    expect(Date.now() - started).toBeLessThan(2000);
    await mail.prisma.serviceToggle.deleteMany({ where: { domainId: domain.id } });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  });
});

describe('quota', () => {
  it('refuses APPEND and COPY over quota with OVERQUOTA; MOVE, which adds nothing, still works', async () => {
    const { client, reply } = await login('full@school.test');
    expect(reply).toMatch(/^OK/);
    const small = message({ from: 'full@school.test', to: 'full@school.test', subject: 'fits', body: 'x'.repeat(900) });
    expect((await client.command(`APPEND INBOX {${small.length}+}\r\n${small}`)).tagged).toMatch(/^OK \[APPENDUID/);
    const large = message({ from: 'full@school.test', to: 'full@school.test', subject: 'too big', body: 'y'.repeat(1000) });
    expect((await client.command(`APPEND INBOX {${large.length}+}\r\n${large}`)).tagged).toMatch(/^NO \[OVERQUOTA\] /);
    await client.command('SELECT INBOX');
    expect((await client.command('COPY 1 Drafts')).tagged).toMatch(/^NO \[OVERQUOTA\] /);
    expect((await client.command('MOVE 1 Drafts')).tagged).toMatch(/^OK/);
    expect((await client.command('STATUS Drafts (MESSAGES)')).untagged).toEqual(['* STATUS Drafts (MESSAGES 1)']);
    client.close();
  });

  it('refuses an APPEND larger than the class of service allows with TOOBIG', async () => {
    const { client } = await login('full@school.test');
    const big = message({ from: 'full@school.test', to: 'full@school.test', subject: 'big', body: 'z'.repeat(5000) });
    expect((await client.command(`APPEND Drafts {${big.length}+}\r\n${big}`)).tagged).toMatch(/^NO \[TOOBIG\] Message too large \(at most 4096 bytes\)/);
    client.close();
  });
});
