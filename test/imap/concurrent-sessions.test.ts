/**
 * Two sessions on one mailbox stay consistent (RFC 3501 5.2, 7.4.1): what one appends,
 * flags or expunges reaches the other as untagged EXISTS, FETCH FLAGS and EXPUNGE, never an
 * EXPUNGE in the middle of a FETCH/STORE/SEARCH by sequence number. IDLE (RFC 2177) shows a
 * message delivered over SMTP within a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imapFlow, RawImap } from '../support/imap.js';
import { mailbox, mailDomain, message, pythonSmtp, startTestEngine, type TestEngine } from '../support/smtp.js';

let mail: TestEngine;
const USER = 'eve@school.test';

const open = async () => {
  const client = await RawImap.connect(mail.ports.imaps!, { tls: true });
  expect(await client.login(USER)).toMatch(/^OK/);
  return client;
};

const append = (client: RawImap, subject: string) => {
  const bytes = message({ from: 'x@outside.test', to: USER, subject });
  return client.command(`APPEND INBOX {${Buffer.byteLength(bytes)}+}\r\n${bytes}`);
};

beforeAll(async () => {
  mail = await startTestEngine({ imapsPort: 0 });
  await mailDomain(mail.prisma, 'school.test');
  await mailbox(mail.prisma, USER);
});
afterAll(() => mail?.close());

describe('two sessions on one mailbox', () => {
  it('see each other\'s new messages, flag changes and expunges', async () => {
    const a = await open();
    const b = await open();
    await append(a, 'one');
    await append(a, 'two');
    await append(a, 'three');
    expect((await a.command('SELECT INBOX')).untagged).toContain('* 3 EXISTS');
    expect((await b.command('SELECT INBOX')).untagged).toContain('* 3 EXISTS');

    await append(a, 'four');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await b.command('NOOP')).untagged).toContain('* 4 EXISTS');

    await a.command('STORE 2 +FLAGS.SILENT (\\Flagged)');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await b.command('NOOP')).untagged).toContain('* 2 FETCH (UID 2 FLAGS (\\Flagged))');

    await a.command('STORE 1,3 +FLAGS.SILENT (\\Deleted)');
    const expunged = await a.command('EXPUNGE');
    expect(expunged.untagged).toEqual(['* 3 EXPUNGE', '* 1 EXPUNGE']);
    await new Promise((resolve) => setTimeout(resolve, 300));

    // While B fetches by sequence number, its numbers stay as it knows them: no EXPUNGE yet.
    const fetch = await b.command('FETCH 1:4 (UID)');
    expect(fetch.untagged.filter((line) => line.includes('EXPUNGE'))).toEqual([]);
    expect(fetch.untagged).toEqual(expect.arrayContaining(['* 2 FETCH (UID 2)', '* 4 FETCH (UID 4)']));
    expect(fetch.untagged.some((line) => line.startsWith('* 1 FETCH') || line.startsWith('* 3 FETCH'))).toBe(false);

    const noop = await b.command('NOOP');
    expect(noop.untagged).toEqual(expect.arrayContaining(['* 3 EXPUNGE', '* 1 EXPUNGE']));
    expect((await b.command('FETCH 1:* (UID)')).untagged).toEqual(['* 1 FETCH (UID 2)', '* 2 FETCH (UID 4)']);
    expect((await b.command('UID SEARCH ALL')).untagged).toEqual(['* SEARCH 2 4']);
    a.close();
    b.close();
  });

  it('imapflow: one client\'s changes arrive as events in the other', async () => {
    const writer = await imapFlow(mail.ports.imap, USER);
    const reader = await imapFlow(mail.ports.imap, USER);
    await writer.mailboxOpen('INBOX');
    await reader.mailboxOpen('INBOX');
    const events: string[] = [];
    reader.on('exists', (event: { count: number }) => events.push(`exists ${event.count}`));
    reader.on('expunge', (event: { seq: number }) => events.push(`expunge ${event.seq}`));
    reader.on('flags', (event: { seq: number; flags: Set<string> }) => events.push(`flags ${event.seq} ${[...event.flags].join(' ')}`));
    const before = reader.mailbox && reader.mailbox.exists;

    await writer.append('INBOX', message({ from: 'y@outside.test', to: USER, subject: 'five' }));
    await writer.messageFlagsAdd('1', ['\\Seen']);
    await writer.messageDelete('2');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await reader.noop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Message 1 had \\Flagged from the first test; one message went, one came (EXISTS counts as of its moment).
    expect(events).toEqual(expect.arrayContaining(['expunge 2', 'flags 1 \\Flagged \\Seen', expect.stringMatching(/^exists \d+$/)]));
    expect(reader.mailbox && reader.mailbox.exists).toBe(before);
    expect((await reader.fetchAll('1:*', { uid: true })).map((m) => m.uid)).toEqual((await writer.fetchAll('1:*', { uid: true })).map((m) => m.uid));
    await writer.logout();
    await reader.logout();
  });
});

describe('IDLE', () => {
  it('pushes the EXISTS of an SMTP delivery, and ends with DONE', async () => {
    const client = await open();
    const selected = await client.command('SELECT INBOX');
    const exists = Number(/\* (\d+) EXISTS/.exec(selected.all)![1]);
    client.send('I1 IDLE\r\n');
    await client.line(/^\+ idling/);
    const delivery = pythonSmtp({ port: mail.ports.smtp, sender: 'z@outside.test', recipients: [USER], message: message({ from: 'z@outside.test', to: USER, subject: 'idle' }) });
    await client.line(new RegExp(`^\\* ${exists + 1} EXISTS$`), 5000);
    const answered = (await delivery).steps.find((s) => s.step === 'data');
    expect(answered?.code).toBe(250);
    client.send('DONE\r\n');
    expect(await client.line(/^I1 /)).toBe('I1 OK IDLE terminated');
    expect((await client.command('NOOP')).tagged).toMatch(/^OK/);
    client.close();
  });

  it('measures the wake-up from the end of DATA: under a second', async () => {
    const client = await open();
    const selected = await client.command('SELECT INBOX');
    const exists = Number(/\* (\d+) EXISTS/.exec(selected.all)![1]);
    client.send('I2 IDLE\r\n');
    await client.line(/^\+ idling/);
    const delivered = await pythonSmtp({ port: mail.ports.smtp, sender: 'z@outside.test', recipients: [USER], message: message({ from: 'z@outside.test', to: USER, subject: 'timed' }) });
    const acceptedAt = Date.now();
    expect(delivered.steps.find((s) => s.step === 'data')?.code).toBe(250);
    if (!client.unread.includes(`* ${exists + 1} EXISTS`)) await client.line(new RegExp(`^\\* ${exists + 1} EXISTS$`), 1000);
    expect(Date.now() - acceptedAt).toBeLessThan(1000);
    client.send('DONE\r\n');
    await client.line(/^I2 OK/);
    client.close();
  });

  it('imapflow idles by itself and reports the delivery', async () => {
    const client = await imapFlow(mail.ports.imap, USER);
    await client.mailboxOpen('INBOX');
    const count = client.mailbox && client.mailbox.exists;
    const arrived = new Promise<number>((resolve) => client.on('exists', (event: { count: number }) => resolve(event.count)));
    const idling = client.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pythonSmtp({ port: mail.ports.smtp, sender: 'z@outside.test', recipients: [USER], message: message({ from: 'z@outside.test', to: USER, subject: 'flow' }) });
    expect(await arrived).toBe(Number(count) + 1);
    await client.logout();
    await idling.catch(() => undefined);
  });
});
