/**
 * POP3 against the running engine with an independent client (Python's poplib) and raw
 * sockets: every command, STLS and implicit TLS, AUTH PLAIN, DELE at QUIT only, refusals
 * with their RFC 2449 / RFC 3206 codes, and an open session ended when POP3 is turned off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_PASSWORD, mailbox, mailDomain, startTestEngine, type TestEngine } from '../support/smtp.js';
import { certificateOf, deliver, RawPop3 } from './pop3-fixtures.js';
import { pythonPop3, stepOf, type Pop3Step } from './python-pop3.js';

let engine: TestEngine;
let cafile: string;

const login = (user: string, password = MAIL_PASSWORD): Pop3Step[] => [['stls'], ['user', user], ['pass_', password]];
const run = (steps: Pop3Step[]) => pythonPop3({ port: engine.ports.pop3, cafile, steps });

beforeAll(async () => {
  engine = await startTestEngine({ pop3sPort: 0, allowPlainAuth: false }, { authFailuresPerClient: 1000, authFailuresPerAccount: 3 });
  cafile = certificateOf(engine);
  await mailDomain(engine.prisma, 'pop.test');
  await mailDomain(engine.prisma, 'popoff.test');
  await engine.prisma.classOfService.create({ data: { name: 'no-pop3', pop3: false } });
  for (const user of ['reader', 'dele', 'drop', 'auth', 'off', 'toggle', 'lock', 'raw', 'tls', 'throttled', 'empty']) await mailbox(engine.prisma, `${user}@pop.test`);
  await mailbox(engine.prisma, 'cos@pop.test', { classOfService: 'no-pop3' });
  await mailbox(engine.prisma, 'user@popoff.test');
  await deliver(engine, 'reader@pop.test', [
    { subject: 'First', body: 'one\r\n.dotted line\r\n..two dots\r\nlast' },
    { subject: 'Second', body: 'line 1\r\nline 2\r\nline 3\r\nline 4' },
    { subject: 'Third' },
  ]);
  await deliver(engine, 'dele@pop.test', [{ subject: 'd1' }, { subject: 'd2' }, { subject: 'd3' }]);
  await deliver(engine, 'drop@pop.test', [{ subject: 'x1' }, { subject: 'x2' }]);
  await deliver(engine, 'raw@pop.test', [{ subject: 'stuffed', body: '.\r\n.begins with a dot\r\nplain' }]);
  await deliver(engine, 'tls@pop.test', [{ subject: 'over TLS' }]);
});

afterAll(async () => {
  await engine?.close();
});

describe('greeting, CAPA and STLS', () => {
  it('offers STLS but no password login in the clear, and USER and SASL PLAIN after STLS', async () => {
    const result = await run([['capa'], ['user', 'reader@pop.test'], ['stls'], ['capa'], ['quit']]);
    expect(result.welcome).toMatch(/^\+OK /);
    const [before, user, , after] = result.steps;
    expect(Object.keys(before!.capa!)).toEqual(expect.arrayContaining(['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'STLS', 'IMPLEMENTATION', 'EXPIRE']));
    expect(before!.capa).not.toHaveProperty('USER');
    expect(user).toMatchObject({ ok: false, error: expect.stringMatching(/^-ERR \[AUTH\] .*STLS/) });
    expect(stepOf(result, 'stls')!.ok).toBe(true);
    expect(after!.capa).toMatchObject({ USER: [], SASL: ['PLAIN'] });
    expect(after!.capa).not.toHaveProperty('STLS');
  });

  it('serves implicit TLS on the POP3S port', async () => {
    const result = await pythonPop3({ port: engine.ports.pop3s!, ssl: true, cafile, steps: [['user', 'tls@pop.test'], ['pass_', MAIL_PASSWORD], ['stat'], ['quit']] });
    expect(result.error).toBeUndefined();
    expect(stepOf(result, 'pass_')!.resp).toMatch(/^\+OK .*1 message/);
    expect(stepOf(result, 'stat')).toMatchObject({ count: 1 });
  });
});

describe('TRANSACTION commands', () => {
  it('STAT, LIST, UIDL, RETR (byte stuffing undone by the client), TOP, NOOP', async () => {
    const result = await run([...login('reader@pop.test'), ['stat'], ['list'], ['list', 2], ['uidl'], ['uidl', 3], ['retr', 1], ['top', 2, 2], ['top', 3, 0], ['noop'], ['list', 4], ['retr', 0], ['quit']]);
    const steps = result.steps.slice(3);
    const [stat, list, list2, uidl, uidl3, retr, top2, top0, noop, list4, retr0] = steps;
    expect(stat).toMatchObject({ count: 3 });
    expect(list!.lines).toHaveLength(3);
    const sizes = list!.lines!.map((line) => Number(line.split(' ')[1]));
    expect(stat!.octets).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(list2!.resp).toBe(`+OK 2 ${sizes[1]}`);
    const uids = uidl!.lines!.map((line) => line.split(' ')[1]!);
    expect(new Set(uids).size).toBe(3);
    uids.forEach((uid) => expect(uid).toMatch(/^\d+\.\d+$/));
    expect(uidl3!.resp).toBe(`+OK 3 ${uids[2]}`);
    expect(retr!.lines).toEqual(expect.arrayContaining(['Subject: First', 'one', '.dotted line', '..two dots', 'last']));
    expect(retr!.octets).toBeGreaterThan(0);
    const top2Body = top2!.lines!.slice(top2!.lines!.indexOf('') + 1);
    expect(top2!.lines).toContain('Subject: Second');
    expect(top2Body).toEqual(['line 1', 'line 2']);
    expect(top0!.lines!.at(-1)).toBe('');
    expect(top0!.lines).toContain('Subject: Third');
    expect(noop!.ok).toBe(true);
    expect(list4).toMatchObject({ ok: false, error: '-ERR no such message' });
    expect(retr0).toMatchObject({ ok: false, error: expect.stringMatching(/^-ERR invalid message number/) });

    // UIDLs are the same in the next session.
    const again = await run([...login('reader@pop.test'), ['uidl'], ['quit']]);
    expect(stepOf(again, 'uidl')!.lines!.map((line) => line.split(' ')[1])).toEqual(uids);
  });

  it('DELE only marks; RSET unmarks; QUIT removes what is marked', async () => {
    const result = await run([...login('dele@pop.test'), ['dele', 1], ['list', 1], ['dele', 1], ['stat'], ['rset'], ['stat'], ['dele', 2], ['quit']]);
    const [dele1, list1, again, stat, rset, statAfterRset, , quit] = result.steps.slice(3);
    expect(dele1!.ok).toBe(true);
    expect(list1!.error).toBe('-ERR no such message');
    expect(again!.error).toBe('-ERR message already deleted');
    expect(stat).toMatchObject({ count: 2 });
    expect(rset!.ok).toBe(true);
    expect(statAfterRset).toMatchObject({ count: 3 });
    expect(quit!.resp).toMatch(/^\+OK .*1 message deleted/);

    const after = await run([...login('dele@pop.test'), ['stat'], ['list'], ['retr', 2], ['quit']]);
    expect(stepOf(after, 'stat')).toMatchObject({ count: 2 });
    expect(stepOf(after, 'retr')!.lines).toContain('Subject: d3');
    const inbox = await engine.engine.store.folder((await engine.prisma.account.findUniqueOrThrow({ where: { address: 'dele@pop.test' } })).id, 'INBOX');
    expect((await engine.engine.store.messages(inbox!.id)).length).toBe(2);
  });

  it('a dropped connection deletes nothing', async () => {
    const dropped = await run([...login('drop@pop.test'), ['dele', 1], ['dele', 2], ['drop']]);
    expect(dropped.steps.filter((s) => s.step === 'dele').every((s) => s.ok)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await run([...login('drop@pop.test'), ['stat'], ['quit']]);
    expect(stepOf(after, 'stat')).toMatchObject({ count: 2 });
  });

  it('an empty maildrop answers zero', async () => {
    const result = await run([...login('empty@pop.test'), ['stat'], ['list'], ['uidl'], ['quit']]);
    expect(stepOf(result, 'stat')).toMatchObject({ count: 0, octets: 0 });
    expect(stepOf(result, 'list')!.lines).toEqual([]);
  });
});

describe('AUTH PLAIN (RFC 5034)', () => {
  it('logs in with an initial response and with a continuation', async () => {
    const initial = await run([['stls'], ['auth_plain', 'auth@pop.test', MAIL_PASSWORD, 'initial'], ['stat'], ['quit']]);
    expect(stepOf(initial, 'auth_plain')!.resp).toMatch(/^\+OK/);
    expect(stepOf(initial, 'stat')!.ok).toBe(true);
    const continued = await run([['stls'], ['auth_plain', 'auth@pop.test', MAIL_PASSWORD, 'continuation'], ['stat'], ['quit']]);
    expect(stepOf(continued, 'auth_plain')!.resp).toMatch(/^\+OK/);
  });

  it('answers -ERR [AUTH] for a wrong password and for garbage, and cancels on "*"', async () => {
    const result = await run([
      ['stls'],
      ['auth_plain', 'auth@pop.test', 'wrong-password', 'initial'],
      ['raw', 'AUTH PLAIN !!!notbase64'],
      ['raw', 'AUTH PLAIN'],
      ['raw', '*'],
      ['raw', 'AUTH CRAM-MD5'],
      ['quit'],
    ]);
    const [, wrong, garbage, plus, cancelled, unsupported] = result.steps;
    expect(wrong!.error).toMatch(/^-ERR \[AUTH\] /);
    expect(garbage!.resp).toMatch(/^-ERR \[AUTH\] /);
    expect(plus!.resp).toMatch(/^\+ ?$/);
    expect(cancelled!.resp).toMatch(/^-ERR .*cancel/);
    expect(unsupported!.resp).toMatch(/^-ERR unsupported/);
  });
});

describe('refusals (RFC 3206)', () => {
  it('-ERR [AUTH] for a wrong password or an unknown user', async () => {
    const result = await run([...login('reader@pop.test', 'not-the-password'), ['user', 'nobody@pop.test'], ['pass_', MAIL_PASSWORD], ['quit']]);
    const passes = result.steps.filter((s) => s.step === 'pass_');
    expect(passes.map((s) => s.error?.slice(0, 12))).toEqual(['-ERR [AUTH] ', '-ERR [AUTH] ']);
  });

  it('-ERR [SYS/PERM] with the reason when POP3 is off for the account, its domain, or its class of service', async () => {
    const off = await engine.prisma.account.findUniqueOrThrow({ where: { address: 'off@pop.test' } });
    await engine.prisma.serviceToggle.create({ data: { service: 'pop3', enabled: false, accountId: off.id, changedBy: 'test' } });
    const domain = await engine.prisma.domain.findUniqueOrThrow({ where: { name: 'popoff.test' } });
    await engine.prisma.serviceToggle.create({ data: { service: 'pop3', enabled: false, domainId: domain.id, changedBy: 'test' } });
    for (const user of ['off@pop.test', 'user@popoff.test', 'cos@pop.test']) {
      const result = await run([...login(user), ['quit']]);
      expect(stepOf(result, 'pass_')!.error, user).toMatch(/^-ERR \[SYS\/PERM\] \S.*/i);
      expect(stepOf(result, 'pass_')!.error, user).toMatch(/pop3/i);
    }
    // The other services of those accounts are untouched: SMTP still delivers to them.
    await deliver(engine, 'off@pop.test', [{ subject: 'still delivered' }]);
  });

  it('-ERR [IN-USE] while another session holds the maildrop', async () => {
    const first = await RawPop3.open(engine.ports.pop3s!, cafile);
    expect(await first.client.command('USER lock@pop.test')).toMatch(/^\+OK/);
    expect(await first.client.command(`PASS ${MAIL_PASSWORD}`)).toMatch(/^\+OK/);
    const second = await run([...login('lock@pop.test'), ['quit']]);
    expect(stepOf(second, 'pass_')!.error).toMatch(/^-ERR \[IN-USE\] /);
    expect(await first.client.command('QUIT')).toMatch(/^\+OK/);
    const third = await run([...login('lock@pop.test'), ['quit']]);
    expect(stepOf(third, 'pass_')!.ok).toBe(true);
  });

  it('too many failures: the connection closes after three, and the account is then rate limited ([SYS/TEMP])', async () => {
    const result = await run([...login('throttled@pop.test', 'bad-1'), ['user', 'throttled@pop.test'], ['pass_', 'bad-2'], ['user', 'throttled@pop.test'], ['pass_', 'bad-3'], ['noop']]);
    const passes = result.steps.filter((s) => s.step === 'pass_');
    expect(passes).toHaveLength(3);
    expect(passes[2]!.error).toMatch(/^-ERR \[AUTH\] .*closing/);
    expect(stepOf(result, 'noop')?.ok ?? false).toBe(false);
    const next = await run([...login('throttled@pop.test'), ['quit']]);
    expect(stepOf(next, 'pass_')!.error).toMatch(/^-ERR \[SYS\/TEMP\] too many attempts/);
  });
});

describe('an open session when POP3 is turned off', () => {
  it('ends at its next command with the reason, deleting nothing', async () => {
    await deliver(engine, 'toggle@pop.test', [{ subject: 't1' }]);
    const { client } = await RawPop3.open(engine.ports.pop3s!, cafile);
    await client.command('USER toggle@pop.test');
    expect(await client.command(`PASS ${MAIL_PASSWORD}`)).toMatch(/^\+OK/);
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    const account = await engine.prisma.account.findUniqueOrThrow({ where: { address: 'toggle@pop.test' } });
    await engine.prisma.serviceToggle.create({ data: { service: 'pop3', enabled: false, accountId: account.id, changedBy: 'test' } });
    let answer: string | null = null;
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      answer = await client.command('NOOP');
      if (answer !== '+OK') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answer).toMatch(/^-ERR \[SYS\/PERM\] .*pop3/i);
    expect(await client.line(2000)).toBeNull();
    const inbox = await engine.engine.store.folder(account.id, 'INBOX');
    expect((await engine.engine.store.messages(inbox!.id)).length).toBe(1);
  });
});

describe('the wire', () => {
  it('byte-stuffs lines that start with "." and ends with a lone "."', async () => {
    const { client } = await RawPop3.open(engine.ports.pop3s!, cafile);
    await client.command('USER raw@pop.test');
    await client.command(`PASS ${MAIL_PASSWORD}`);
    expect(await client.command('RETR 1')).toMatch(/^\+OK \d+ octets$/);
    const body = await client.body();
    expect(body).toEqual(expect.arrayContaining(['..', '..begins with a dot', 'plain']));
    expect(await client.command('TOP 1 1')).toMatch(/^\+OK/);
    const top = await client.body();
    expect(top.at(-1)).toBe('..');
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
  });

  it('answers bad input with -ERR and keeps the session: unknown and malformed commands, wrong state, overlong lines', async () => {
    const { client } = await RawPop3.open(engine.ports.pop3s!, cafile);
    expect(await client.command('STAT')).toMatch(/^-ERR .*after login/);
    expect(await client.command('XYZZY')).toMatch(/^-ERR /);
    expect(await client.command('')).toMatch(/^-ERR /);
    expect(await client.command('\u0000\u00ff')).toMatch(/^-ERR /);
    expect(await client.command('PASS without-user')).toMatch(/^-ERR send USER first/);
    client.send(`NOOP ${'x'.repeat(10_000)}\r\n`);
    expect(await client.line()).toBe('-ERR line too long');
    expect(await client.command('USER raw@pop.test')).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${MAIL_PASSWORD}`)).toMatch(/^\+OK/);
    expect(await client.command('USER again')).toMatch(/^-ERR .*not valid after login/);
    expect(await client.command('TOP 1')).toMatch(/^-ERR /);
    expect(await client.command('TOP 1 -1')).toMatch(/^-ERR invalid line count/);
    expect(await client.command('DELE 99')).toBe('-ERR no such message');
    expect(await client.command('STAT')).toMatch(/^\+OK 1 \d+$/);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
  });

  it('answers pipelined commands in order', async () => {
    const { client } = await RawPop3.open(engine.ports.pop3s!, cafile);
    client.send(`USER raw@pop.test\r\nPASS ${MAIL_PASSWORD}\r\nSTAT\r\nUIDL 1\r\nNOOP\r\nQUIT\r\n`);
    const lines = [await client.line(), await client.line(), await client.line(), await client.line(), await client.line(), await client.line()];
    expect(lines.map((line) => line?.slice(0, 3))).toEqual(['+OK', '+OK', '+OK', '+OK', '+OK', '+OK']);
    expect(lines[2]).toMatch(/^\+OK 1 /);
    expect(lines[3]).toMatch(/^\+OK 1 \d+\.\d+$/);
  });

  it('drops what was pipelined before STLS (RFC 2595 section 4)', async () => {
    const { client } = await RawPop3.open(engine.ports.pop3);
    client.send('STLS\r\nUSER raw@pop.test\r\n');
    expect(await client.line()).toMatch(/^\+OK begin TLS/);
    // The server now waits for a TLS handshake; the USER line sent in the clear was dropped, not answered.
    await expect(client.line(500)).rejects.toThrow(/no line/);
    client.close();
  });
});
