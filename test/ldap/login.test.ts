/**
 * Logins of accounts in an LDAP domain, through every protocol with independent clients
 * (Python's smtplib, imaplib, poplib), against a real slapd.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonPop3, stepOf } from '../pop3/python-pop3.js';
import { pythonImap } from '../support/imap.js';
import { codeOf, MAIL_PASSWORD, mailbox, mailDomain, message, pythonSmtp } from '../support/smtp.js';
import { LDAP_DOMAIN, startLdapEngine } from './ldap-fixtures.js';

let env: Awaited<ReturnType<typeof startLdapEngine>>;
const D = LDAP_DOMAIN;
const SUB = `west.${D}`;

/** Directory people, each used by one test so that the login cache of one test cannot help another. */
const people = {
  ada: 'ada-directory-pw',
  bob: 'bob-directory-pw',
  cleo: 'cleo-directory-pw',
  dora: 'dora-directory-pw',
  eve: 'eve-directory-pw',
  fay: 'fay-directory-pw',
  gus: 'gus-directory-pw',
  ivy: 'ivy-directory-pw',
  zed: 'zed-directory-pw',
};

const smtpAuth = (user: string, password: string) =>
  pythonSmtp({ port: env.ports.submission, sender: user, recipients: [], auth: { user, password } }).then((result) => codeOf(result.reply('auth')));

const imapLogin = (user: string, password: string) => pythonImap({ port: env.ports.imap, user, password, steps: [] }).then((result) => result.step('login'));

const pop3Login = (user: string, password: string) =>
  pythonPop3({ port: env.ports.pop3, steps: [['user', user], ['pass_', password], ['quit']] }).then((run) => stepOf(run, 'pass_')!);

beforeAll(async () => {
  env = await startLdapEngine().then((started) => ({ ...started, ports: started.engine.ports, prisma: started.engine.prisma }));
  for (const [uid, password] of Object.entries(people)) {
    const domain = uid === 'ivy' ? SUB : D;
    env.slapd.addPerson({ uid, mail: `${uid}@${domain}`, password });
  }
  await mailDomain(env.prisma, SUB, { parent: D });
  await mailDomain(env.prisma, 'local.test');
  // Provisioned locally (with a local password the directory must override); zed is only in the directory.
  for (const uid of ['ada', 'bob', 'cleo', 'dora', 'eve', 'fay', 'gus']) await mailbox(env.prisma, `${uid}@${D}`);
  await mailbox(env.prisma, `ivy@${SUB}`);
  await mailbox(env.prisma, 'lou@local.test');
  // Filter specials inside real, provisioned addresses: only escaping keeps them from matching others.
  env.slapd.addPerson({ uid: 'tomas', mail: `tomas@${D}`, password: 'tomas-directory-pw' });
  env.slapd.addPerson({ uid: 'oneil', mail: `o*neil@${D}`, password: 'oneil-directory-pw' });
  await mailbox(env.prisma, `tom*@${D}`);
  await mailbox(env.prisma, `o*neil@${D}`);
  const bob = await env.prisma.account.findUniqueOrThrow({ where: { address: `bob@${D}` } });
  for (const service of ['smtp', 'imap', 'pop3'] as const) await env.prisma.serviceToggle.create({ data: { service, enabled: false, accountId: bob.id, changedBy: 'staff' } });
});
afterAll(() => env?.close());

describe('an account of an LDAP domain', () => {
  it('logs in with its directory password over SMTP AUTH, IMAP and POP3', async () => {
    expect(await smtpAuth(`ada@${D}`, people.ada)).toBe('235 2.7.0');
    expect(await imapLogin(`ada@${D}`, people.ada)).toMatchObject({ typ: 'OK' });
    expect((await pop3Login(`ada@${D}`, people.ada)).resp).toMatch(/^\+OK/);
  });

  it('is refused with a wrong password, and with its local password', async () => {
    for (const password of ['wrong-password', MAIL_PASSWORD]) {
      expect(await smtpAuth(`cleo@${D}`, password)).toBe('535 5.7.8');
      expect((await imapLogin(`cleo@${D}`, password)).error).toMatch(/AUTHENTICATIONFAILED/);
      expect((await pop3Login(`cleo@${D}`, password)).error).toMatch(/-ERR \[AUTH\]/);
    }
  });

  it('accepts a name typed in another case: the directory is asked for the stored address', async () => {
    expect(await smtpAuth(`Dora@${D.toUpperCase()}`, people.dora)).toBe('235 2.7.0');
  });

  it('is refused when its service is disabled, even with the right directory password', async () => {
    expect(await smtpAuth(`bob@${D}`, people.bob)).toBe('535 5.7.8');
    expect((await imapLogin(`bob@${D}`, people.bob)).error).toMatch(/\[CONTACTADMIN\] IMAP is disabled/);
    expect((await pop3Login(`bob@${D}`, people.bob)).error).toMatch(/-ERR \[SYS\/PERM\]/);
  });

  it('in a sub-domain inherits the parent domain source', async () => {
    expect(await smtpAuth(`ivy@${SUB}`, people.ivy)).toBe('235 2.7.0');
    expect(await smtpAuth(`ivy@${SUB}`, MAIL_PASSWORD)).toBe('535 5.7.8');
  });

  it('a local domain keeps its local passwords', async () => {
    expect(await smtpAuth('lou@local.test', MAIL_PASSWORD)).toBe('235 2.7.0');
  });
});

describe('names the login does not accept', () => {
  it('refuses a directory user without a local account, and an unknown user', async () => {
    expect(await smtpAuth(`zed@${D}`, people.zed)).toBe('535 5.7.8');
    expect(await smtpAuth(`nobody@${D}`, 'whatever')).toBe('535 5.7.8');
  });

  it('an account whose address holds `*` is looked up literally: it cannot borrow the entry of an address it would match as a pattern', async () => {
    expect(await smtpAuth(`tom*@${D}`, 'tomas-directory-pw')).toBe('535 5.7.8');
    expect(await smtpAuth(`o*neil@${D}`, 'oneil-directory-pw')).toBe('235 2.7.0');
  });

  it.each(['*', `*@${D}`, `*)(uid=*@${D}`, `(@${D}`, `)@${D}`, `\\@${D}`, `ada@${D}\0`, `ada*@${D}`])('never authenticates %j', async (user) => {
    expect(await imapLogin(user, people.ada)).not.toMatchObject({ typ: 'OK' });
    expect(await smtpAuth(user, people.ada)).not.toBe('235 2.7.0');
  });
});

describe('a directory that cannot answer', () => {
  it('remembers a success for cacheSeconds: a second login while slapd is stopped still works', async () => {
    expect(await smtpAuth(`eve@${D}`, people.eve)).toBe('235 2.7.0');
    await env.slapd.stop();
    try {
      expect(await smtpAuth(`eve@${D}`, people.eve)).toBe('235 2.7.0');
      expect((await pop3Login(`eve@${D}`, people.eve)).resp).toMatch(/^\+OK/);
      // Only a success is remembered: another password is not accepted from the cache.
      expect(await smtpAuth(`eve@${D}`, 'wrong-password')).toBe('454 4.7.0');
    } finally {
      await env.slapd.resume();
    }
  });

  it('answers a temporary failure on every protocol, without waiting long', async () => {
    await env.slapd.stop();
    try {
      const started = Date.now();
      expect(await smtpAuth(`fay@${D}`, people.fay)).toBe('454 4.7.0');
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await imapLogin(`fay@${D}`, people.fay)).error).toMatch(/\[UNAVAILABLE\]/);
      expect((await pop3Login(`fay@${D}`, people.fay)).error).toMatch(/-ERR \[SYS\/TEMP\]/);
    } finally {
      await env.slapd.resume();
    }
    expect(await smtpAuth(`fay@${D}`, people.fay)).toBe('235 2.7.0');
  });

  it('still accepts and stores MX mail for existing mailboxes', async () => {
    await env.slapd.stop();
    try {
      const result = await pythonSmtp({
        port: env.ports.smtp,
        sender: 'teacher@example.org',
        recipients: [`gus@${D}`],
        message: message({ from: 'teacher@example.org', to: `gus@${D}`, subject: 'while the directory is down' }),
      });
      expect(codeOf(result.reply('rcpt'))).toBe('250 2.1.5');
      expect(codeOf(result.reply('data'))).toBe('250 2.0.0');
      expect(await env.prisma.mailboxMessage.count({ where: { folder: { account: { address: `gus@${D}` } } } })).toBe(1);
    } finally {
      await env.slapd.resume();
    }
  });
});
