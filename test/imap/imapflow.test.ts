/**
 * The command groups through imapflow, the client library many Node mail apps use: folders
 * with special-use attributes, APPEND, FETCH (envelope, structure, parts), flags, SEARCH,
 * COPY/MOVE with UIDPLUS, delete and expunge, read-only EXAMINE.
 */
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imapFlow } from '../support/imap.js';
import { mailbox, mailDomain, message, startTestEngine, type TestEngine } from '../support/smtp.js';

let mail: TestEngine;
let client: ImapFlow;
const USER = 'dan@school.test';

const REPORT = [
  'From: "Office" <office@school.test>',
  'To: dan@school.test',
  'Subject: =?utf-8?q?R=C3=A9sultats?=',
  'Message-ID: <report@school.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Grades are in.',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Grades are <b>in</b>.</p>',
  '--b1--',
  '',
].join('\r\n');

beforeAll(async () => {
  mail = await startTestEngine();
  await mailDomain(mail.prisma, 'school.test');
  await mailbox(mail.prisma, USER);
  client = await imapFlow(mail.ports.imap, USER);
});
afterAll(async () => {
  await client?.logout().catch(() => undefined);
  await mail?.close();
});

describe('imapflow', () => {
  it('connects over STARTTLS and lists folders with their special use', async () => {
    expect(client.secureConnection || client.usable).toBe(true);
    const folders = await client.list();
    const byPath = Object.fromEntries(folders.map((f) => [f.path, f.specialUse ?? null]));
    expect(byPath).toMatchObject({ INBOX: '\\Inbox', Sent: '\\Sent', Drafts: '\\Drafts', Trash: '\\Trash', Junk: '\\Junk' });
  });

  it('creates, renames, subscribes and deletes folders, and reads STATUS', async () => {
    await client.mailboxCreate(['Classes', 'Mathématiques']);
    expect((await client.list()).map((f) => f.path)).toContain('Classes/Mathématiques');
    await client.mailboxRename('Classes/Mathématiques', 'Classes/Maths');
    await client.mailboxSubscribe('Classes/Maths');
    const subscribed = await client.list({ statusQuery: { messages: true, uidNext: true } });
    const maths = subscribed.find((f) => f.path === 'Classes/Maths');
    expect(maths?.subscribed).toBe(true);
    expect(maths?.status).toMatchObject({ messages: 0, uidNext: 1 });
    // ALREADYEXISTS: imapflow reports it as not created.
    expect(await client.mailboxCreate('Classes/Maths')).toMatchObject({ created: false });
    await client.mailboxDelete('Classes/Maths');
    expect((await client.list()).map((f) => f.path)).not.toContain('Classes/Maths');
    const status = await client.status('INBOX', { messages: true, unseen: true, uidValidity: true });
    expect(status).toMatchObject({ path: 'INBOX', messages: 0, unseen: 0 });
  });

  it('APPENDs with flags and date, and FETCHes envelope, structure, source and parts', async () => {
    const appended = await client.append('INBOX', REPORT, ['\\Flagged'], new Date('2026-03-01T12:00:00Z'));
    expect(appended).toMatchObject({ destination: 'INBOX', uid: 1 });
    expect(appended && appended.uidValidity).toBeGreaterThan(0n);
    await client.append('INBOX', message({ from: 'ms.lee@school.test', to: USER, subject: 'Homework', body: 'Page 12, exercises 1-4' }));

    const box = await client.mailboxOpen('INBOX');
    expect(box.exists).toBe(2);
    expect(box.readOnly).toBe(false);
    const first = await client.fetchOne('1', { uid: true, flags: true, envelope: true, bodyStructure: true, internalDate: true, size: true, source: true });
    expect(first).toBeTruthy();
    if (!first) return;
    expect(first.uid).toBe(1);
    expect([...(first.flags ?? [])]).toEqual(['\\Flagged']);
    expect(first.envelope?.subject).toBe('Résultats');
    expect(first.envelope?.from?.[0]).toMatchObject({ name: 'Office', address: 'office@school.test' });
    expect(first.envelope?.messageId).toBe('<report@school.test>');
    expect((first.internalDate as Date).toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(first.size).toBe(Buffer.byteLength(REPORT));
    expect(first.source?.toString()).toBe(REPORT);
    expect(first.bodyStructure?.type).toBe('multipart/alternative');
    expect(first.bodyStructure?.childNodes?.map((node) => node.type)).toEqual(['text/plain', 'text/html']);

    const html = await client.download('1', '2');
    const chunks: Buffer[] = [];
    for await (const chunk of html.content) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('<p>Grades are <b>in</b>.</p>');
  });

  it('changes flags, SEARCHes, COPies and MOVEs with UIDPLUS, and deletes', async () => {
    await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd('2', ['\\Seen', '$Homework']);
    await client.messageFlagsRemove('1', ['\\Flagged']);
    const flags = await client.fetchAll('1:*', { flags: true });
    expect(flags.map((m) => [...(m.flags ?? [])].sort())).toEqual([[], ['$Homework', '\\Seen']]);

    expect(await client.search({ seen: false })).toEqual([1]);
    expect(await client.search({ keyword: '$Homework' })).toEqual([2]);
    expect(await client.search({ subject: 'homework' }, { uid: true })).toEqual([2]);
    expect(await client.search({ body: 'exercises' })).toEqual([2]);
    expect(await client.search({ or: [{ from: 'office' }, { larger: 100_000 }] })).toEqual([1]);

    const copied = await client.messageCopy('1:2', 'Trash');
    expect(copied && Object.fromEntries(copied.uidMap ?? new Map())).toEqual({ 1: 1, 2: 2 });
    const moved = await client.messageMove('2', 'Drafts', { uid: true });
    expect(moved && [...(moved.uidMap ?? new Map()).entries()]).toEqual([[2, 1]]);
    expect(client.mailbox && client.mailbox.exists).toBe(1);

    await client.messageDelete('1');
    expect(await client.search({ all: true })).toEqual([]);
    const status = await client.status('Trash', { messages: true });
    expect(status && status.messages).toBe(2);
  });

  it('opens a mailbox read-only with EXAMINE and refuses changes in it', async () => {
    const box = await client.mailboxOpen('Trash', { readOnly: true });
    expect(box.readOnly).toBe(true);
    expect(await client.messageFlagsAdd('1', ['\\Seen'])).toBe(false);
    await client.mailboxClose();
    const status = await client.status('Trash', { messages: true, unseen: true });
    expect(status).toMatchObject({ messages: 2, unseen: 1 });
  });
});
