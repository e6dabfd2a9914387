/**
 * Acceptance and local delivery through real sockets, with Python's smtplib as the client:
 * the message lands in the INBOX with the bytes that were sent (plus our Received header),
 * one blob serves 50 recipients, remote recipients are queued, and 250 comes only with rows.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alias, codeOf, mailbox, mailDomain, message, pythonSmtp, startTestEngine, MAIL_PASSWORD, type TestEngine } from '../support/smtp.js';

let env: TestEngine;

beforeAll(async () => {
  env = await startTestEngine({}, { orphanGraceMs: 300 });
  await mailDomain(env.prisma, 'district1.k12.us');
  await mailDomain(env.prisma, 'west.district1.k12.us', { parent: 'district1.k12.us' });
});
afterAll(() => env?.close());

/** Blob files on disk (the default storage unit). */
function blobFiles(): string[] {
  const root = join(env.config.dataDir, 'storage', 'default');
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /^[0-9a-f]{64}$/.test(entry.name))
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

async function inboxOf(address: string) {
  return env.prisma.mailboxMessage.findMany({
    where: { folder: { name: 'INBOX', account: { address } } },
    orderBy: { uid: 'asc' },
  });
}

describe('MX acceptance', () => {
  it('delivers a message into the INBOX, answering 250 with the queue id, bytes intact', async () => {
    await mailbox(env.prisma, 'jane@district1.k12.us');
    const sent = message({ from: 'friend@example.org', to: 'jane@district1.k12.us', subject: 'Field trip', body: 'See you at 9. Ünïcödé ok.' });
    const result = await pythonSmtp({ port: env.ports.smtp, sender: 'friend@example.org', recipients: ['jane@district1.k12.us'], message: sent });
    expect(result.features).toEqual(expect.arrayContaining(['size', 'pipelining', '8bitmime', 'enhancedstatuscodes', 'starttls']));
    expect(codeOf(result.reply('rcpt'))).toBe('250 2.1.5');
    const data = result.reply('data')!;
    expect(data.code).toBe(250);
    const queueId = /^2\.0\.0 Ok: queued as ([A-Z0-9]{12,})$/.exec(data.message)?.[1];
    expect(queueId).toBeDefined();

    const inbox = await inboxOf('jane@district1.k12.us');
    expect(inbox).toHaveLength(1);
    const stored = await env.engine.blobs.read(inbox[0]!.blobId);
    const text = stored.toString('utf8');
    expect(text.startsWith('Received: from client.example.test ([127.0.0.1])\r\n\tby mx.schoolmail.test (Schoolmail) with ESMTP id ' + queueId)).toBe(true);
    expect(text).toContain('\tfor <jane@district1.k12.us>;');
    expect(stored.subarray(stored.length - Buffer.byteLength(sent))).toEqual(Buffer.from(sent));
    expect(inbox[0]!.size).toBe(stored.length);
    const account = await env.prisma.account.findUniqueOrThrow({ where: { address: 'jane@district1.k12.us' } });
    expect(account.quotaUsedBytes).toBe(BigInt(stored.length));
  });

  it('stores one blob for 50 local recipients and gives each an INBOX message', async () => {
    const recipients = Array.from({ length: 50 }, (_, i) => `pupil${i}@west.district1.k12.us`);
    for (const address of recipients) await mailbox(env.prisma, address);
    const sent = message({ from: 'principal@example.org', to: 'class@west.district1.k12.us', subject: 'Snow day' });
    const result = await pythonSmtp({ port: env.ports.smtp, sender: 'principal@example.org', recipients, message: sent });
    expect(result.replies('rcpt').every((r) => r.code === 250)).toBe(true);
    expect(result.reply('data')!.code).toBe(250);
    const messages = await env.prisma.mailboxMessage.findMany({ where: { folder: { account: { address: { in: recipients } } } } });
    expect(messages).toHaveLength(50);
    expect(new Set(messages.map((m) => m.blobId)).size).toBe(1);
    const blob = await env.prisma.messageBlob.findUniqueOrThrow({ where: { id: messages[0]!.blobId } });
    expect(blob.refCount).toBe(50);
    // No "for <...>" clause when there are several recipients.
    expect((await env.engine.blobs.read(blob.id)).toString()).not.toContain('\tfor <');
  });

  it('expands an alias to local mailboxes and queues its remote targets under the alias\'s district', async () => {
    await mailbox(env.prisma, 'coach@district1.k12.us');
    await alias(env.prisma, 'team@district1.k12.us', ['coach@district1.k12.us', 'parent@example.net']);
    const result = await pythonSmtp({ port: env.ports.smtp, sender: 'league@example.org', recipients: ['team@district1.k12.us'], message: message({ from: 'league@example.org', to: 'team@district1.k12.us' }) });
    expect(result.reply('data')!.code).toBe(250);
    expect(await inboxOf('coach@district1.k12.us')).toHaveLength(1);
    const entries = await env.prisma.queueEntry.findMany({ where: { recipient: 'parent@example.net' } });
    expect(entries).toHaveLength(1);
    // Filed under the alias's district, so its administrators see the forwarded mail in their queue.
    const district = await env.prisma.domain.findUniqueOrThrow({ where: { name: 'district1.k12.us' } });
    expect(entries[0]).toMatchObject({ senderDomainPath: null, localDomainPath: district.path });
  });

  it('records accepted and refused MailEvents with their reply codes', async () => {
    await mailbox(env.prisma, 'events@district1.k12.us');
    await pythonSmtp({
      port: env.ports.smtp,
      sender: 'someone@example.org',
      recipients: ['events@district1.k12.us', 'nobody@district1.k12.us'],
      message: message({ from: 'someone@example.org', to: 'events@district1.k12.us' }),
    });
    await expect
      .poll(async () => env.prisma.mailEvent.findMany({ where: { sender: 'someone@example.org' }, orderBy: { id: 'asc' } }), { timeout: 5_000 })
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'accepted', recipient: 'events@district1.k12.us', detail: '250 2.0.0' }),
          expect.objectContaining({ kind: 'refused', recipient: 'nobody@district1.k12.us', detail: '550 5.1.1' }),
        ]),
      );
  });
});

describe('durability', () => {
  it('answers 451 4.3.0 and keeps no rows or files when the acceptance transaction fails; the other messages of the moment still commit', async () => {
    await mailbox(env.prisma, 'broken@district1.k12.us');
    await mailbox(env.prisma, 'fine@district1.k12.us');
    // The database refuses the INBOX row of one mailbox: the transaction cannot commit.
    await env.prisma.$executeRawUnsafe(`
      CREATE FUNCTION refuse_broken() RETURNS trigger AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM "MailboxFolder" f JOIN "Account" a ON a.id = f."accountId" WHERE f.id = NEW."folderId" AND a.address = 'broken@district1.k12.us') THEN
          RAISE EXCEPTION 'disk on fire';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await env.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_broken BEFORE INSERT ON "MailboxMessage" FOR EACH ROW EXECUTE FUNCTION refuse_broken()`);
    try {
      const blobsBefore = await env.prisma.messageBlob.count();
      const filesBefore = blobFiles().length;
      const send = (to: string) => pythonSmtp({ port: env.ports.smtp, sender: 'x@example.org', recipients: [to], message: message({ from: 'x@example.org', to }) });
      const [broken, fine] = await Promise.all([send('broken@district1.k12.us'), send('fine@district1.k12.us')]);
      expect(codeOf(broken.reply('data'))).toBe('451 4.3.0');
      expect(codeOf(fine.reply('data'))).toBe('250 2.0.0');
      expect(await inboxOf('broken@district1.k12.us')).toHaveLength(0);
      expect(await inboxOf('fine@district1.k12.us')).toHaveLength(1);
      expect(await env.prisma.messageBlob.count()).toBe(blobsBefore + 1);
      expect(env.log.some((line) => line.includes('disk on fire'))).toBe(true);
      // The refused message's file is removed once it is clear that no row refers to it.
      await expect.poll(() => blobFiles().length, { timeout: 5_000 }).toBe(filesBefore + 1);
    } finally {
      await env.prisma.$executeRawUnsafe('DROP TRIGGER refuse_broken ON "MailboxMessage"');
    }
  });
});

describe('submission', () => {
  it('queues mail for a remote recipient of an authenticated user: one QueueEntry per recipient', async () => {
    await mailbox(env.prisma, 'teacher@district1.k12.us');
    const result = await pythonSmtp({
      port: env.ports.submission,
      starttls: true,
      auth: { user: 'teacher@district1.k12.us', password: MAIL_PASSWORD },
      sender: 'teacher@district1.k12.us',
      recipients: ['parent1@example.com', 'parent2@example.com', 'parent3@other.example'],
      message: message({ from: 'teacher@district1.k12.us', to: 'parents@example.com' }),
    });
    expect(result.error).toBeUndefined();
    expect(codeOf(result.reply('auth'))).toBe('235 2.7.0');
    const data = result.reply('data')!;
    expect(data.code).toBe(250);
    const queueId = data.message.split(' ').at(-1)!;
    const outbound = await env.prisma.outboundMessage.findUniqueOrThrow({ where: { id: queueId }, include: { entries: true } });
    expect(outbound).toMatchObject({ sender: 'teacher@district1.k12.us', authUser: 'teacher@district1.k12.us', clientIp: expect.stringContaining('127.0.0.1') });
    expect(outbound.senderDomainPath).toMatch(/^\/\d+\/$/);
    expect(outbound.entries.map((e) => [e.recipient, e.remoteDomain]).sort()).toEqual([
      ['parent1@example.com', 'example.com'],
      ['parent2@example.com', 'example.com'],
      ['parent3@other.example', 'other.example'],
    ]);
    const stored = (await env.engine.blobs.read(outbound.blobId)).toString();
    expect(stored).toMatch(/with ESMTPSA id /);
  });
});
