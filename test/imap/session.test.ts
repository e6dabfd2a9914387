/**
 * IMAP session basics over raw sockets: greeting and capabilities, STARTTLS and implicit TLS,
 * LOGIN and AUTHENTICATE PLAIN, literals, limits, and BAD answers that leave the session usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../support/imap.js';
import { MAIL_PASSWORD, mailbox, mailDomain, startTestEngine, type TestEngine } from '../support/smtp.js';

let mail: TestEngine;
const USER = 'ann@school.test';
const plain = (authzid: string, user: string, password: string) => Buffer.from(`${authzid}\0${user}\0${password}`).toString('base64');

beforeAll(async () => {
  mail = await startTestEngine({ imapsPort: 0 });
  await mailDomain(mail.prisma, 'school.test');
  await mailbox(mail.prisma, USER);
});
afterAll(() => mail?.close());

async function loggedIn(): Promise<RawImap> {
  const client = await RawImap.connect(mail.ports.imap);
  await client.startTls();
  expect(await client.login(USER)).toMatch(/^OK/);
  return client;
}

describe('greeting, TLS and capabilities', () => {
  it('greets with its capabilities; without TLS it offers STARTTLS and LOGINDISABLED, not AUTH=PLAIN', async () => {
    const client = await RawImap.connect(mail.ports.imap);
    expect(client.greeting).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 .*\] /);
    const { untagged, tagged } = await client.command('CAPABILITY');
    const capabilities = untagged[0]!.split(' ').slice(2);
    expect(capabilities).toEqual(expect.arrayContaining(['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'UNSELECT', 'SPECIAL-USE', 'CHILDREN', 'STARTTLS', 'LOGINDISABLED']));
    expect(capabilities).not.toContain('AUTH=PLAIN');
    expect(tagged).toMatch(/^OK/);
    expect(await client.login(USER)).toMatch(/^NO \[PRIVACYREQUIRED\]/);
    expect((await client.command(`AUTHENTICATE PLAIN ${plain('', USER, MAIL_PASSWORD)}`)).tagged).toMatch(/^NO \[PRIVACYREQUIRED\]/);
    client.close();
  });

  it('after STARTTLS offers AUTH=PLAIN, and after login neither STARTTLS nor AUTH', async () => {
    const client = await RawImap.connect(mail.ports.imap);
    await client.startTls();
    const before = (await client.command('CAPABILITY')).untagged[0]!;
    expect(before).toContain('AUTH=PLAIN');
    expect(before).not.toMatch(/STARTTLS|LOGINDISABLED/);
    expect((await client.command('STARTTLS')).tagged).toMatch(/^BAD/);
    const login = await client.login(USER);
    expect(login).toMatch(/^OK \[CAPABILITY IMAP4rev1 [^\]]*\] /);
    expect(login).not.toMatch(/AUTH=|STARTTLS/);
    expect((await client.command('LOGIN a b')).tagged).toMatch(/^BAD .*not allowed/);
    client.close();
  });

  it('discards commands a client pipelined in plaintext behind STARTTLS', async () => {
    const client = await RawImap.connect(mail.ports.imap);
    client.send('S1 STARTTLS\r\nS2 LOGIN ann@school.test mail-password-1\r\n');
    await client.line(/^S1 OK/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.unread).not.toMatch(/^S2 /m);
    client.close();
  });

  it('serves implicit TLS on the IMAPS port', async () => {
    expect(mail.ports.imaps).toBeGreaterThan(0);
    const client = await RawImap.connect(mail.ports.imaps!, { tls: true });
    expect(client.greeting).toContain('AUTH=PLAIN');
    expect(client.greeting).not.toContain('STARTTLS');
    expect(await client.login(USER)).toMatch(/^OK/);
    client.close();
  });
});

describe('authentication', () => {
  it('AUTHENTICATE PLAIN with an initial response (SASL-IR) and after a continuation', async () => {
    const first = await RawImap.connect(mail.ports.imaps!, { tls: true });
    expect((await first.command(`AUTHENTICATE PLAIN ${plain('', USER, MAIL_PASSWORD)}`)).tagged).toMatch(/^OK/);
    first.close();

    const second = await RawImap.connect(mail.ports.imaps!, { tls: true });
    second.send('P1 AUTHENTICATE PLAIN\r\n');
    await second.line(/^\+ ?$/);
    second.send(`${plain(USER, USER, MAIL_PASSWORD)}\r\n`);
    expect(await second.line(/^P1 /)).toMatch(/^P1 OK/);
    second.close();
  });

  it('refuses a wrong password with AUTHENTICATIONFAILED, a cancelled exchange with BAD, another mechanism with NO', async () => {
    const client = await RawImap.connect(mail.ports.imaps!, { tls: true });
    expect(await client.login(USER, 'wrong-password')).toMatch(/^NO \[AUTHENTICATIONFAILED\]/);
    expect((await client.command(`AUTHENTICATE PLAIN ${plain('', 'nobody@school.test', 'x')}`)).tagged).toMatch(/^NO \[AUTHENTICATIONFAILED\]/);
    expect((await client.command(`AUTHENTICATE PLAIN ${plain('bob@school.test', USER, MAIL_PASSWORD)}`)).tagged).toMatch(/^NO \[AUTHORIZATIONFAILED\]/);
    client.send('C1 AUTHENTICATE PLAIN\r\n');
    await client.line(/^\+/);
    client.send('*\r\n');
    expect(await client.line(/^C1 /)).toMatch(/^C1 BAD/);
    expect((await client.command('AUTHENTICATE CRAM-MD5')).tagged).toMatch(/^NO/);
    expect((await client.command('AUTHENTICATE PLAIN !!notbase64')).tagged).toMatch(/^BAD/);
    expect(await client.login(USER)).toMatch(/^OK/);
    client.close();
  });
});

describe('framing and bad input', () => {
  it('answers "+" to a synchronizing literal, not to LITERAL+, and reads both', async () => {
    const client = await RawImap.connect(mail.ports.imaps!, { tls: true });
    client.send(`L1 LOGIN {${USER.length}}\r\n`);
    await client.line(/^\+ /);
    client.send(`${USER} {${MAIL_PASSWORD.length}+}\r\n${MAIL_PASSWORD}\r\n`);
    expect(await client.line(/^L1 /)).toMatch(/^L1 OK/);
    expect(client.unread).not.toMatch(/^\+/m);
    client.close();
  });

  it('answers BAD to malformed commands and keeps the session', async () => {
    const client = await loggedIn();
    for (const line of ['FROB', 'SELECT', 'SELECT "unterminated', 'FETCH 1 FLAGS', 'LIST "" "*" extra', 'STATUS INBOX (BOGUS)', 'UID', 'UID FROB 1', 'CREATE &bad', 'SEARCH']) {
      const { tagged } = await client.command(line);
      expect(tagged, line).toMatch(/^BAD /);
    }
    client.send('\r\n');
    expect(await client.line(/^\* BAD/)).toMatch(/Empty command line/);
    client.send('no-space-here\r\n');
    expect(await client.line(/BAD/)).toMatch(/tag and a command/);
    expect((await client.command('NOOP')).tagged).toMatch(/^OK/);
    client.close();
  });

  it('skips an overlong line with BAD, and refuses a large literal outside APPEND before it is sent', async () => {
    const client = await loggedIn();
    client.send(`X1 NOOP ${'a'.repeat(70 * 1024)}\r\n`);
    expect(await client.line(/^X1 /)).toMatch(/^X1 BAD .*too long/);
    const big = await client.command('LOGIN {100000}');
    expect(big.tagged).toMatch(/^BAD .*Literal too large/);
    expect(big.all).not.toMatch(/^\+/m);
    expect((await client.command('NOOP')).tagged).toMatch(/^OK/);
    client.close();
  });

  it('closes with BYE when a non-synchronizing literal is too large', async () => {
    const client = await loggedIn();
    client.send('Y1 SELECT {100000+}\r\n');
    expect(await client.line(/^\* BYE/)).toMatch(/too large/i);
    await client.waitClosed();
  });

  it('refuses an APPEND larger than any message may be, with TOOBIG, before it is sent', async () => {
    const client = await loggedIn();
    const { tagged, all } = await client.command('APPEND INBOX {999999999}');
    expect(tagged).toMatch(/^NO \[TOOBIG\]/);
    expect(all).not.toMatch(/^\+/m);
    client.close();
  });

  it('never echoes line breaks from a literal into a response', async () => {
    const client = await loggedIn();
    const name = 'x\r\n* 99 EXISTS\r\nA9 OK forged';
    client.send(`E1 SELECT {${name.length}+}\r\n${name}\r\n`);
    const reply = await client.line(/^E1 /);
    expect(reply).toMatch(/^E1 NO \[NONEXISTENT\] .*x \* 99 EXISTS A9 OK forged/);
    expect(client.unread).not.toMatch(/99 EXISTS/);
    client.close();
  });

  it('answers BAD to commands in the wrong state', async () => {
    const client = await RawImap.connect(mail.ports.imaps!, { tls: true });
    expect((await client.command('SELECT INBOX')).tagged).toMatch(/^BAD .*before logging in/);
    expect(await client.login(USER)).toMatch(/^OK/);
    expect((await client.command('FETCH 1 FLAGS')).tagged).toMatch(/^BAD .*without a selected mailbox/);
    client.close();
  });
});

describe('mailbox commands', () => {
  it('UID EXPUNGE removes only the \\Deleted messages among the given UIDs; CHECK reports pending changes', async () => {
    const client = await loggedIn();
    await client.command('CREATE Scratch');
    for (const subject of ['a', 'b', 'c']) {
      const bytes = `Subject: ${subject}\r\n\r\nx\r\n`;
      await client.command(`APPEND Scratch (\\Deleted) {${bytes.length}+}\r\n${bytes}`);
    }
    await client.command('SELECT Scratch');
    const expunged = await client.command('UID EXPUNGE 2:3,9');
    expect(expunged.untagged).toEqual(['* 3 EXPUNGE', '* 2 EXPUNGE']);
    expect(expunged.tagged).toMatch(/^OK/);
    expect((await client.command('UID FETCH 1:* (UID)')).untagged).toEqual(['* 1 FETCH (UID 1)']);
    const bytes = 'Subject: d\r\n\r\nx\r\n';
    const other = await loggedIn();
    await other.command(`APPEND Scratch {${bytes.length}+}\r\n${bytes}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await client.command('CHECK')).untagged).toEqual(['* 2 EXISTS']);
    other.close();
    client.close();
  });

  it('EXAMINE reads bodies without setting \\Seen; SELECT sets it and reports UNSEEN', async () => {
    const client = await loggedIn();
    await client.command('CREATE Reading');
    const bytes = 'Subject: unread\r\n\r\nnot yet read\r\n';
    await client.command(`APPEND Reading {${bytes.length}+}\r\n${bytes}`);
    const examined = await client.command('EXAMINE Reading');
    expect(examined.untagged).toEqual(expect.arrayContaining(['* OK [PERMANENTFLAGS ()] Read-only mailbox', '* OK [UNSEEN 1] First unseen message']));
    expect(examined.tagged).toMatch(/^OK \[READ-ONLY\]/);
    expect((await client.command('FETCH 1 BODY[TEXT]')).all).not.toContain('\\Seen');
    expect((await client.command('FETCH 1 FLAGS')).untagged).toEqual(['* 1 FETCH (FLAGS ())']);
    expect((await client.command('SELECT Reading')).tagged).toMatch(/^OK \[READ-WRITE\]/);
    expect((await client.command('FETCH 1 BODY[TEXT]')).all).toContain('FLAGS (\\Seen)');
    expect((await client.command('STATUS Reading (UNSEEN)')).untagged).toEqual(['* STATUS Reading (UNSEEN 0)']);
    client.close();
  });
});

describe('session commands', () => {
  it('ID, ENABLE, NAMESPACE, NOOP and LOGOUT', async () => {
    const client = await loggedIn();
    expect((await client.command('ID ("name" "test-suite" "version" "1")')).untagged).toEqual(['* ID ("name" "Schoolmail" "vendor" "Schoolmail")']);
    expect((await client.command('ID NIL')).tagged).toMatch(/^OK/);
    expect((await client.command('ENABLE CONDSTORE')).untagged).toEqual(['* ENABLED']);
    expect((await client.command('NAMESPACE')).untagged).toEqual(['* NAMESPACE (("" "/")) NIL NIL']);
    expect((await client.command('NOOP')).tagged).toMatch(/^OK/);
    const logout = await client.command('LOGOUT');
    expect(logout.untagged).toEqual(['* BYE Logging out']);
    expect(logout.tagged).toMatch(/^OK/);
    await client.waitClosed();
  });
});
