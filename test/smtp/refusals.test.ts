/**
 * Every refusal of the acceptance pipeline through real sockets (Python's smtplib), each with
 * its reply code and enhanced status code, and nothing left behind by a refused message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, footprint, mailbox, mailDomain, message, pythonSmtp, startTestEngine, MAIL_PASSWORD, type TestEngine } from '../support/smtp.js';

let env: TestEngine;
const D = 'district1.k12.us';

beforeAll(async () => {
  env = await startTestEngine();
  await mailDomain(env.prisma, D);
  await mailDomain(env.prisma, 'closed.k12.us', { status: 'suspended' });
  await env.prisma.classOfService.create({ data: { name: 'small', maxRecipients: 2, maxMessageSizeKb: 10, mailboxQuotaMb: 1 } });
});
afterAll(() => env?.close());


const mx = (sender: string, recipients: string[], extra: { message?: string; size?: number } = {}) =>
  pythonSmtp({ port: env.ports.smtp, sender, recipients, message: extra.message ?? message({ from: sender, to: recipients[0]! }), size: extra.size });

const submit = (user: string, sender: string, recipients: string[], extra: { message?: string } = {}) =>
  pythonSmtp({
    port: env.ports.submission,
    starttls: true,
    auth: { user, password: MAIL_PASSWORD },
    sender,
    recipients,
    message: extra.message ?? message({ from: sender, to: recipients[0]! }),
  });

describe('RCPT TO', () => {
  it('refuses an unknown local recipient with 550 5.1.1, and a domain without the address too', async () => {
    const result = await mx('a@example.org', [`ghost@${D}`]);
    expect(codeOf(result.reply('rcpt'))).toBe('550 5.1.1');
    expect(result.reply('data')).toBeUndefined();
  });

  it('refuses relaying to a remote domain without AUTH with 554 5.7.1', async () => {
    const result = await mx('a@example.org', ['someone@elsewhere.example']);
    expect(codeOf(result.reply('rcpt'))).toBe('554 5.7.1');
  });

  it('refuses a suspended mailbox, and a mailbox of a suspended domain, with 550 5.2.1', async () => {
    await mailbox(env.prisma, `gone@${D}`, { status: 'suspended' });
    await mailbox(env.prisma, 'kid@closed.k12.us');
    const result = await mx('a@example.org', [`gone@${D}`, 'kid@closed.k12.us']);
    expect(result.replies('rcpt').map(codeOf)).toEqual(['550 5.2.1', '550 5.2.1']);
  });

  it('takes mail for a locked mailbox (locked is about logging in, not receiving)', async () => {
    await mailbox(env.prisma, `locked@${D}`, { status: 'locked' });
    const result = await mx('a@example.org', [`locked@${D}`]);
    expect(codeOf(result.reply('data'))).toBe('250 2.0.0');
  });

  it('answers 452 4.2.2 for a full mailbox and 552 5.2.2 when the declared SIZE alone exceeds the quota', async () => {
    await mailbox(env.prisma, `full@${D}`, { classOfService: 'small', quotaUsedBytes: 1024n * 1024n });
    await mailbox(env.prisma, `roomy@${D}`, { classOfService: 'small' });
    expect(codeOf((await mx('a@example.org', [`full@${D}`])).reply('rcpt'))).toBe('452 4.2.2');
    expect(codeOf((await mx('a@example.org', [`roomy@${D}`], { size: 2 * 1024 * 1024 })).reply('rcpt'))).toBe('552 5.2.2');
  });

  it("limits recipients to the sender's class of service with 452 4.5.3", async () => {
    await mailbox(env.prisma, `limited@${D}`, { classOfService: 'small' });
    const result = await submit(`limited@${D}`, `limited@${D}`, ['r1@example.com', 'r2@example.com', 'r3@example.com']);
    expect(result.replies('rcpt').map(codeOf)).toEqual(['250 2.1.5', '250 2.1.5', '452 4.5.3']);
    expect(codeOf(result.reply('data'))).toBe('250 2.0.0');
    const queueId = result.reply('data')!.message.split(' ').at(-1)!;
    expect(await env.prisma.queueEntry.count({ where: { messageId: queueId } })).toBe(2);
  });
});

describe('DATA', () => {
  it("refuses a message over the recipient's class-of-service size with 552 5.3.4, leaving nothing", async () => {
    await mailbox(env.prisma, `smallbox@${D}`, { classOfService: 'small' });
    const before = await footprint(env.prisma);
    const big = message({ from: 'a@example.org', to: `smallbox@${D}`, body: 'x'.repeat(76).concat('\r\n').repeat(200) });
    const result = await mx('a@example.org', [`smallbox@${D}`], { message: big });
    expect(codeOf(result.reply('rcpt'))).toBe('250 2.1.5');
    expect(codeOf(result.reply('data'))).toBe('552 5.3.4');
    expect(await footprint(env.prisma)).toEqual(before);
  });

  it("refuses a message over the authenticated sender's size at MAIL FROM when SIZE is declared, else at DATA", async () => {
    await mailbox(env.prisma, `sender-small@${D}`, { classOfService: 'small' });
    const declared = await pythonSmtp({
      port: env.ports.submission,
      starttls: true,
      auth: { user: `sender-small@${D}`, password: MAIL_PASSWORD },
      sender: `sender-small@${D}`,
      recipients: ['x@example.com'],
      size: 50_000,
    });
    expect(codeOf(declared.reply('mail'))).toBe('552 5.3.4');
    const big = message({ from: `sender-small@${D}`, to: 'x@example.com', body: 'y'.repeat(20_000) });
    const undeclared = await submit(`sender-small@${D}`, `sender-small@${D}`, ['x@example.com'], { message: big });
    expect(codeOf(undeclared.reply('data'))).toBe('552 5.3.4');
  });

  it('detects a loop: more than 25 Received headers is 554 5.4.6', async () => {
    await mailbox(env.prisma, `loop@${D}`);
    const hops = Array.from({ length: 26 }, (_, i) => `Received: from hop${i}.example by hop${i + 1}.example; Tue, 3 Nov 2026 10:00:00 +0000`);
    const looping = message({ from: 'a@example.org', to: `loop@${D}`, headers: hops });
    const before = await footprint(env.prisma);
    expect(codeOf((await mx('a@example.org', [`loop@${D}`], { message: looping })).reply('data'))).toBe('554 5.4.6');
    expect(await footprint(env.prisma)).toEqual(before);
    const fine = message({ from: 'a@example.org', to: `loop@${D}`, headers: hops.slice(0, 25) });
    expect(codeOf((await mx('a@example.org', [`loop@${D}`], { message: fine })).reply('data'))).toBe('250 2.0.0');
  });
});

function withAttachment(from: string, to: string, bytes: number) {
  const content = Buffer.alloc(bytes, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: <${from}>`,
    `To: <${to}>`,
    'Subject: homework',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'See attached.',
    '--b1',
    'Content-Type: application/octet-stream; name="data.bin"',
    'Content-Disposition: attachment; filename="data.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    content,
    '--b1--',
    '',
  ].join('\r\n');
}

describe('acceptance policies', () => {
  it('refuses an attachment over the policy limit with 552 5.3.4; a whitelisted sender skips the limit', async () => {
    const account = await mailbox(env.prisma, `attach@${D}`);
    await env.prisma.acceptancePolicy.create({ data: { level: 'account', accountId: account.id, maxAttachmentKb: 4, whitelistedSenders: ['@trusted.example'] } });
    const small = await mx('a@example.org', [`attach@${D}`], { message: withAttachment('a@example.org', `attach@${D}`, 3_000) });
    expect(codeOf(small.reply('data'))).toBe('250 2.0.0');
    const before = await footprint(env.prisma);
    const large = await mx('a@example.org', [`attach@${D}`], { message: withAttachment('a@example.org', `attach@${D}`, 6_000) });
    expect(codeOf(large.reply('data'))).toBe('552 5.3.4');
    expect(await footprint(env.prisma)).toEqual(before);
    const whitelisted = await mx('news@trusted.example', [`attach@${D}`], { message: withAttachment('news@trusted.example', `attach@${D}`, 6_000) });
    expect(codeOf(whitelisted.reply('data'))).toBe('250 2.0.0');
  });
});

async function wordList(accountAddress: string, name: string, action: 'reject' | 'quarantine' | 'tag', entries: string[], direction: 'inbound' | 'outbound' | 'both' = 'inbound') {
  const account = await env.prisma.account.findUniqueOrThrow({ where: { address: accountAddress } });
  return env.prisma.wordList.create({ data: { name, scope: 'account', accountId: account.id, action, direction, entries: { create: entries.map((text) => ({ text })) } } });
}

describe('word lists', () => {
  it('rejects with 550 5.7.1 without echoing the matched word, and keeps nothing', async () => {
    await mailbox(env.prisma, `strict@${D}`);
    await wordList(`strict@${D}`, 'strict-list', 'reject', ['forbiddenword']);
    const before = await footprint(env.prisma);
    const result = await mx('a@example.org', [`strict@${D}`], { message: message({ from: 'a@example.org', to: `strict@${D}`, body: 'this has a FORBIDDENWORD in it' }) });
    const data = result.reply('data')!;
    expect(codeOf(data)).toBe('550 5.7.1');
    expect(data.message.toLowerCase()).not.toContain('forbidden');
    expect(data.message).not.toContain('strict-list');
    expect(await footprint(env.prisma)).toEqual(before);
  });

  it('quarantines instead of delivering, and delivers to the other recipients', async () => {
    await mailbox(env.prisma, `held@${D}`);
    await mailbox(env.prisma, `free@${D}`);
    await wordList(`held@${D}`, 'hold-list', 'quarantine', ['secret plan']);
    const result = await mx('a@example.org', [`held@${D}`, `free@${D}`], { message: message({ from: 'a@example.org', to: `held@${D}`, subject: 'The secret   plan' }) });
    expect(codeOf(result.reply('data'))).toBe('250 2.0.0');
    const entry = await env.prisma.quarantineEntry.findFirstOrThrow({ where: { recipient: `held@${D}` } });
    expect(entry).toMatchObject({ sender: 'a@example.org', direction: 'inbound', subject: 'The secret   plan' });
    expect(entry.matches).toEqual([expect.objectContaining({ listName: 'hold-list', entry: 'secret plan', where: 'subject' })]);
    expect(await env.prisma.mailboxMessage.count({ where: { folder: { account: { address: `held@${D}` } } } })).toBe(0);
    const delivered = await env.prisma.mailboxMessage.findFirstOrThrow({ where: { folder: { account: { address: `free@${D}` } } } });
    expect(delivered.blobId).toBe(entry.blobId);
  });

  it('tags: the stored and delivered bytes carry the subject prefix and the X-Schoolmail-Filter header', async () => {
    await mailbox(env.prisma, `tagged@${D}`);
    await mailbox(env.prisma, `untagged@${D}`);
    await wordList(`tagged@${D}`, 'tag-list', 'tag', ['casino']);
    const sent = message({ from: 'a@example.org', to: `tagged@${D}`, subject: 'Win at the casino' });
    const result = await mx('a@example.org', [`tagged@${D}`, `untagged@${D}`], { message: sent });
    expect(codeOf(result.reply('data'))).toBe('250 2.0.0');
    const [tagged] = await env.prisma.mailboxMessage.findMany({ where: { folder: { account: { address: `tagged@${D}` } } } });
    const [plain] = await env.prisma.mailboxMessage.findMany({ where: { folder: { account: { address: `untagged@${D}` } } } });
    const taggedText = (await env.engine.blobs.read(tagged!.blobId)).toString();
    expect(taggedText).toContain('\r\nSubject: [Filtered] Win at the casino\r\n');
    expect(taggedText).toContain('X-Schoolmail-Filter: tagged by word list tag-list\r\n');
    expect(tagged!.size).toBe(Buffer.byteLength(taggedText));
    const plainText = (await env.engine.blobs.read(plain!.blobId)).toString();
    expect(plainText).toContain('\r\nSubject: Win at the casino\r\n');
    expect(plainText).not.toContain('X-Schoolmail-Filter');
  });

  it('the strictest action wins: quarantine over tag', async () => {
    await mailbox(env.prisma, `both@${D}`);
    await wordList(`both@${D}`, 'both-tag', 'tag', ['lottery']);
    await wordList(`both@${D}`, 'both-hold', 'quarantine', ['jackpot']);
    const result = await mx('a@example.org', [`both@${D}`], { message: message({ from: 'a@example.org', to: `both@${D}`, body: 'lottery jackpot' }) });
    expect(codeOf(result.reply('data'))).toBe('250 2.0.0');
    expect(await env.prisma.quarantineEntry.count({ where: { recipient: `both@${D}` } })).toBe(1);
    expect(await env.prisma.mailboxMessage.count({ where: { folder: { account: { address: `both@${D}` } } } })).toBe(0);
  });

  it("applies an authenticated sender's outbound lists to remote recipients", async () => {
    await mailbox(env.prisma, `outbound@${D}`);
    await wordList(`outbound@${D}`, 'out-list', 'reject', ['exam answers'], 'outbound');
    const before = await footprint(env.prisma);
    const refused = await submit(`outbound@${D}`, `outbound@${D}`, ['friend@example.com'], { message: message({ from: `outbound@${D}`, to: 'friend@example.com', subject: 'exam answers' }) });
    expect(codeOf(refused.reply('data'))).toBe('550 5.7.1');
    expect(await footprint(env.prisma)).toEqual(before);
    const fine = await submit(`outbound@${D}`, `outbound@${D}`, ['friend@example.com'], { message: message({ from: `outbound@${D}`, to: 'friend@example.com', subject: 'homework' }) });
    expect(codeOf(fine.reply('data'))).toBe('250 2.0.0');
  });

  it('a whitelisted sender skips the word lists', async () => {
    const account = await mailbox(env.prisma, `wl@${D}`);
    await wordList(`wl@${D}`, 'wl-list', 'reject', ['blocked']);
    await env.prisma.acceptancePolicy.create({ data: { level: 'account', accountId: account.id, whitelistedSenders: ['office@partner.example'] } });
    const result = await mx('office@partner.example', [`wl@${D}`], { message: message({ from: 'office@partner.example', to: `wl@${D}`, body: 'blocked' }) });
    expect(codeOf(result.reply('data'))).toBe('250 2.0.0');
  });
});
