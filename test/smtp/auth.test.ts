/**
 * Submission: AUTH (PLAIN and LOGIN, after STARTTLS), what makes it fail (535 5.7.8 for all
 * causes alike), the per-client failure limit, MAIL FROM ownership (own address, aliases,
 * "send as" grants), and independent clients: Python's smtplib, swaks and nodemailer.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alias, codeOf, hasSwaks, mailbox, mailDomain, message, pythonSmtp, startTestEngine, swaks, MAIL_PASSWORD, type TestEngine } from '../support/smtp.js';

let env: TestEngine;
const D = 'district1.k12.us';

beforeAll(async () => {
  env = await startTestEngine({}, { authFailuresPerClient: 1000 });
  await mailDomain(env.prisma, D);
  await mailDomain(env.prisma, 'paused.k12.us', { status: 'suspended' });
});
afterAll(() => env?.close());

const login = (user: string, password = MAIL_PASSWORD, method: 'PLAIN' | 'LOGIN' = 'PLAIN') =>
  pythonSmtp({ port: env.ports.submission, starttls: true, auth: { user, password, method }, sender: user, recipients: [] });

describe('AUTH', () => {
  it('accepts the right password with PLAIN and with LOGIN, after STARTTLS', async () => {
    await mailbox(env.prisma, `ann@${D}`);
    const plain = await login(`ann@${D}`);
    expect(plain.tls).toMatch(/^TLSv1\.[23]$/);
    expect(plain.features).toContain('auth');
    expect(codeOf(plain.reply('auth'))).toBe('235 2.7.0');
    expect(codeOf((await login(`ANN@${D.toUpperCase()}`, MAIL_PASSWORD, 'LOGIN')).reply('auth'))).toBe('235 2.7.0');
  });

  it('answers 535 5.7.8 for a wrong password, an unknown user, a suspended or locked account, a suspended domain, and SMTP switched off', async () => {
    await mailbox(env.prisma, `bob@${D}`);
    await mailbox(env.prisma, `suspended@${D}`, { status: 'suspended' });
    await mailbox(env.prisma, `locked@${D}`, { status: 'locked' });
    await mailbox(env.prisma, 'pupil@paused.k12.us');
    const noSmtp = await mailbox(env.prisma, `nosmtp@${D}`);
    await env.prisma.serviceToggle.create({ data: { service: 'smtp', enabled: false, accountId: noSmtp.id, changedBy: 'pm1' } });
    const attempts = await Promise.all([
      login(`bob@${D}`, 'wrong-password'),
      login(`nobody@${D}`),
      login(`suspended@${D}`),
      login(`locked@${D}`),
      login('pupil@paused.k12.us'),
      login(`nosmtp@${D}`),
    ]);
    expect(attempts.map((a) => codeOf(a.reply('auth')))).toEqual(Array(6).fill('535 5.7.8'));
    expect(new Set(attempts.map((a) => a.reply('auth')!.message)).size).toBe(1);
  });

  it('refuses AUTH before STARTTLS unless plain AUTH is allowed', async () => {
    await mailbox(env.prisma, `plain@${D}`);
    const result = await pythonSmtp({ port: env.ports.submission, auth: { user: `plain@${D}`, password: MAIL_PASSWORD }, sender: `plain@${D}`, recipients: [] });
    expect(result.reply('auth')!.code).toBe(538);
  });

  it('refuses mail on submission without AUTH (530 5.7.0), and offers no AUTH on the MX', async () => {
    const anonymous = await pythonSmtp({ port: env.ports.submission, starttls: true, sender: `x@${D}`, recipients: ['y@example.com'] });
    expect(codeOf(anonymous.reply('mail'))).toBe('530 5.7.0');
    const mx = await pythonSmtp({ port: env.ports.smtp, starttls: true, sender: 'x@example.org', recipients: [] });
    expect(mx.features).not.toContain('auth');
  });
});

describe('failed AUTH limit', () => {
  it('refuses AUTH with 454 4.7.0 after too many failures from one client address', async () => {
    const limited = await startTestEngine({}, { authFailuresPerClient: 3 });
    try {
      await mailDomain(limited.prisma, D);
      await mailbox(limited.prisma, `carol@${D}`);
      const attempt = (password: string) =>
        pythonSmtp({ port: limited.ports.submission, starttls: true, auth: { user: `carol@${D}`, password }, sender: `carol@${D}`, recipients: [] });
      for (let i = 0; i < 3; i++) expect(codeOf((await attempt('bad')).reply('auth'))).toBe('535 5.7.8');
      // Even the right password is not checked now.
      expect(codeOf((await attempt(MAIL_PASSWORD)).reply('auth'))).toBe('454 4.7.0');
    } finally {
      await limited.close();
    }
  });
});

describe('MAIL FROM of an authenticated user', () => {
  it('allows the own address, an alias that delivers to it, and a granted address; refuses others with 553 5.7.1', async () => {
    const dave = await mailbox(env.prisma, `dave@${D}`);
    await mailbox(env.prisma, `erin@${D}`);
    await alias(env.prisma, `coach@${D}`, [`dave@${D}`]);
    await alias(env.prisma, `office@${D}`, [`erin@${D}`]);
    await env.prisma.address.create({ data: { address: `staff@${D}`, kind: 'group', domainId: dave.domainId } });
    await env.prisma.group.create({ data: { address: `staff@${D}`, localPart: 'staff', domainId: dave.domainId } });
    await env.prisma.sendAsGrant.create({ data: { accountId: dave.id, address: `staff@${D}` } });
    const send = (sender: string) =>
      pythonSmtp({ port: env.ports.submission, starttls: true, auth: { user: `dave@${D}`, password: MAIL_PASSWORD }, sender, recipients: ['p@example.com'], message: message({ from: sender, to: 'p@example.com' }) });
    expect(codeOf((await send(`dave@${D}`)).reply('data'))).toBe('250 2.0.0');
    expect(codeOf((await send(`coach@${D}`)).reply('data'))).toBe('250 2.0.0');
    expect(codeOf((await send(`staff@${D}`)).reply('data'))).toBe('250 2.0.0');
    for (const other of [`erin@${D}`, `office@${D}`, 'ceo@example.com']) {
      const refused = await send(other);
      expect(codeOf(refused.reply('mail'))).toBe('553 5.7.1');
      expect(refused.reply('data')).toBeUndefined();
    }
  });
});

describe('independent clients', () => {
  it.skipIf(!hasSwaks())('swaks: STARTTLS + AUTH PLAIN on submission, delivered locally', async () => {
    await mailbox(env.prisma, `frank@${D}`);
    await mailbox(env.prisma, `gina@${D}`);
    const run = await swaks([
      '--server', `127.0.0.1:${env.ports.submission}`,
      '--tls', '--auth', 'PLAIN', '--auth-user', `frank@${D}`, '--auth-password', MAIL_PASSWORD,
      '--from', `frank@${D}`, '--to', `gina@${D}`, '--header', 'Subject: from swaks', '--body', 'hello from swaks',
    ]);
    expect(run.output).toMatch(/<[-~] +250 2\.0\.0 Ok: queued as [A-Z0-9]+/);
    expect(run.status).toBe(0);
    const [delivered] = await env.prisma.mailboxMessage.findMany({ where: { folder: { account: { address: `gina@${D}` } } } });
    expect((await env.engine.blobs.read(delivered!.blobId)).toString()).toContain('hello from swaks');
  });

  it.skipIf(!hasSwaks())('swaks: a refusal on the MX is read as the same code', async () => {
    const run = await swaks(['--server', `127.0.0.1:${env.ports.smtp}`, '--from', 'x@example.org', '--to', `ghost@${D}`]);
    expect(run.output).toMatch(/<\*\* 550 5\.1\.1 /);
    expect(run.status).not.toBe(0);
  });

  it('nodemailer: STARTTLS + AUTH LOGIN, one message to local and remote recipients', async () => {
    await mailbox(env.prisma, `henry@${D}`);
    await mailbox(env.prisma, `iris@${D}`);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: env.ports.submission,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: `henry@${D}`, pass: MAIL_PASSWORD, method: 'LOGIN' },
    });
    const info = await transport.sendMail({ from: `henry@${D}`, to: [`iris@${D}`, 'uncle@example.com'], subject: 'from nodemailer', text: 'hello from node' });
    transport.close();
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as [A-Z0-9]+$/);
    expect(info.accepted).toEqual([`iris@${D}`, 'uncle@example.com']);
    expect(await env.prisma.mailboxMessage.count({ where: { folder: { account: { address: `iris@${D}` } } } })).toBe(1);
    expect(await env.prisma.queueEntry.count({ where: { recipient: 'uncle@example.com' } })).toBe(1);
  });
});
