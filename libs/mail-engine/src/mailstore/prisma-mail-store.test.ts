/**
 * The mailbox store on a real engine and database: folder names and hierarchy, UIDs that
 * only ever grow (also across expunges, concurrent APPENDs and SMTP deliveries, and folders
 * re-created under an old name), quota through APPEND/COPY/MOVE/EXPUNGE/DELETE, flags and
 * modSeq, and change notifications after commit, in this process and another.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailbox, mailDomain, message, startTestEngine, type TestEngine } from '../../../../test/support/smtp.js';
import { ChangeListener } from '../notify/change-listener.js';
import { databaseUrlOf } from '../notify/database-url.js';
import { FolderWatchers } from './folder-watchers.js';
import { MailStoreError, type MailStore } from './types.js';

let env: TestEngine;
let store: MailStore;
const D = 'store.k12.us';
const KB = 1024;

beforeAll(async () => {
  env = await startTestEngine();
  store = env.engine.store;
  await mailDomain(env.prisma, D);
  await env.prisma.classOfService.create({ data: { name: 'tiny', mailboxQuotaMb: 1 } });
});
afterAll(() => env?.close());

const bytesOf = (size: number, tag = '') => Buffer.from(`Subject: ${tag}\r\n\r\n${'x'.repeat(Math.max(0, size - 13 - tag.length))}`);

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MailStoreError) return error.code;
    throw error;
  }
  return 'none';
}

const usedBytes = async (accountId: number) => (await env.prisma.account.findUniqueOrThrow({ where: { id: accountId } })).quotaUsedBytes;

async function inbox(accountId: number) {
  return (await store.folder(accountId, 'inbox'))!;
}

function sendOverSmtp(to: string, subject: string) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: env.ports.smtp, secure: false, ignoreTLS: true });
  return transport.sendMail({ envelope: { from: 'sender@example.org', to: [to] }, raw: message({ from: 'sender@example.org', to, subject }) }).finally(() => transport.close());
}

describe('folders', () => {
  it('gives a new account its default folders, INBOX first and matched in any case', async () => {
    const account = await mailbox(env.prisma, `folders@${D}`);
    const names = (await store.listFolders(account.id)).map((f) => [f.name, f.specialUse]);
    expect(names).toEqual([['INBOX', null], ['Drafts', '\\Drafts'], ['Junk', '\\Junk'], ['Sent', '\\Sent'], ['Trash', '\\Trash']]);
    expect((await store.folder(account.id, 'iNbOx'))!.name).toBe('INBOX');
    expect(await store.folder(account.id, 'sent')).toBeNull();
    expect(await store.listFolders(999_999)).toEqual([]);
  });

  it('creates the superior levels of a new folder, and refuses taken, INBOX and malformed names', async () => {
    const account = await mailbox(env.prisma, `tree@${D}`);
    const created = await store.createFolder(account.id, 'Projects/2026/Science');
    expect(created).toMatchObject({ name: 'Projects/2026/Science', uidNext: 1, subscribed: true });
    const names = (await store.listFolders(account.id)).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['Projects', 'Projects/2026', 'Projects/2026/Science']));
    expect(await refusal(store.createFolder(account.id, 'Projects'))).toBe('exists');
    expect(await refusal(store.createFolder(account.id, 'inbox'))).toBe('exists');
    for (const bad of ['', '/lead', 'trail/', 'a//b', 'tab\there', 'star*', 'x'.repeat(256)]) {
      expect(await refusal(store.createFolder(account.id, bad))).toBe('invalid');
    }
    expect((await store.createFolder(account.id, 'inbox/Receipts')).name).toBe('INBOX/Receipts');
  });

  it('deletes a folder with its messages (their bytes leave the quota), never INBOX', async () => {
    const account = await mailbox(env.prisma, `deleter@${D}`);
    const folder = await store.createFolder(account.id, 'Old');
    await store.append(account.id, folder.id, bytesOf(2 * KB), [], new Date());
    expect(await usedBytes(account.id)).toBe(BigInt(2 * KB));
    await store.deleteFolder(account.id, 'Old');
    expect(await store.folder(account.id, 'Old')).toBeNull();
    expect(await usedBytes(account.id)).toBe(0n);
    expect(await refusal(store.deleteFolder(account.id, 'INBOX'))).toBe('forbidden');
    expect(await refusal(store.deleteFolder(account.id, 'Old'))).toBe('nonexistent');
  });

  it('renames a folder with the folders below it, each with a new UIDVALIDITY', async () => {
    const account = await mailbox(env.prisma, `renamer@${D}`);
    const parent = await store.createFolder(account.id, 'Clubs');
    const child = await store.createFolder(account.id, 'Clubs/Chess');
    await store.append(account.id, child.id, bytesOf(500, 'move'), ['\\Seen'], new Date());
    await store.renameFolder(account.id, 'Clubs', 'Archive/Clubs');
    expect(await store.folder(account.id, 'Clubs')).toBeNull();
    const renamed = (await store.folder(account.id, 'Archive/Clubs/Chess'))!;
    expect(renamed.id).toBe(child.id);
    expect(renamed.uidValidity).toBeGreaterThan(child.uidValidity);
    expect((await store.folder(account.id, 'Archive/Clubs'))!.uidValidity).not.toBe(parent.uidValidity);
    expect(await store.folder(account.id, 'Archive')).not.toBeNull();
    expect((await store.messages(renamed.id)).map((m) => m.uid)).toEqual([1]);
    expect(await refusal(store.renameFolder(account.id, 'Nope', 'Else'))).toBe('nonexistent');
    expect(await refusal(store.renameFolder(account.id, 'Archive', 'Sent'))).toBe('exists');
    expect(await refusal(store.renameFolder(account.id, 'Archive', 'Archive/Deeper'))).toBe('invalid');
  });

  it('renames INBOX by moving its messages to a new folder and leaving INBOX empty, its UIDs not given again', async () => {
    const account = await mailbox(env.prisma, `inboxrename@${D}`);
    const box = await inbox(account.id);
    await store.append(account.id, box.id, bytesOf(300, 'one'), [], new Date());
    await store.append(account.id, box.id, bytesOf(300, 'two'), [], new Date());
    await store.renameFolder(account.id, 'INBOX', 'Before 2026');
    const moved = (await store.folder(account.id, 'Before 2026'))!;
    expect((await store.messages(moved.id)).map((m) => m.uid)).toEqual([1, 2]);
    expect(await store.messages(box.id)).toEqual([]);
    const after = await store.append(account.id, box.id, bytesOf(300, 'three'), [], new Date());
    expect(after.uid).toBe(3);
    expect(await usedBytes(account.id)).toBe(900n);
  });

  it('subscribes and unsubscribes', async () => {
    const account = await mailbox(env.prisma, `subscriber@${D}`);
    await store.createFolder(account.id, 'Lists');
    await store.setSubscribed(account.id, 'Lists', false);
    expect((await store.folder(account.id, 'Lists'))!.subscribed).toBe(false);
    expect(await refusal(store.setSubscribed(account.id, 'Missing', true))).toBe('nonexistent');
  });
});

describe('UIDs', () => {
  it('only grow: an expunged UID is not given again, and a folder created again under its name gets a new UIDVALIDITY', async () => {
    const account = await mailbox(env.prisma, `uids@${D}`);
    const folder = await store.createFolder(account.id, 'Work');
    for (const tag of ['a', 'b', 'c']) await store.append(account.id, folder.id, bytesOf(200, tag), [], new Date());
    await store.storeFlags(folder.id, [3], 'add', ['\\Deleted']);
    expect(await store.expunge(folder.id)).toEqual([3]);
    expect((await store.append(account.id, folder.id, bytesOf(200, 'd'), [], new Date())).uid).toBe(4);
    expect((await store.status(folder.id)).uidNext).toBe(5);

    const validities = new Set([folder.uidValidity]);
    for (let i = 0; i < 3; i++) {
      await store.deleteFolder(account.id, 'Work');
      const again = await store.createFolder(account.id, 'Work');
      expect(validities.has(again.uidValidity)).toBe(false);
      validities.add(again.uidValidity);
    }
  });

  it('are distinct and consecutive for concurrent APPENDs and SMTP deliveries into one INBOX, and quota counts them all', async () => {
    const account = await mailbox(env.prisma, `busy@${D}`);
    const box = await inbox(account.id);
    const appends = Array.from({ length: 8 }, (_, i) => store.append(account.id, box.id, bytesOf(1000 + i, `append ${i}`), [], new Date()));
    const deliveries = Array.from({ length: 8 }, (_, i) => sendOverSmtp(`busy@${D}`, `smtp ${i}`));
    const appended = await Promise.all(appends);
    await Promise.all(deliveries);
    const messages = await store.messages(box.id);
    expect(messages.map((m) => m.uid)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(new Set(appended.map((a) => a.uid)).size).toBe(8);
    expect(appended.every((a) => a.uidValidity === box.uidValidity)).toBe(true);
    expect((await store.status(box.id)).uidNext).toBe(17);
    expect(await usedBytes(account.id)).toBe(BigInt(messages.reduce((sum, m) => sum + m.size, 0)));
  });
});

describe('quota', () => {
  it('refuses APPEND and COPY beyond the class of service quota; MOVE keeps usage; EXPUNGE and POP3 removal release it', async () => {
    const account = await mailbox(env.prisma, `full@${D}`, { classOfService: 'tiny' });
    const box = await inbox(account.id);
    const keep = await store.createFolder(account.id, 'Keep');
    expect(await store.quota(account.id)).toEqual({ usedBytes: 0n, limitBytes: 1024n * 1024n });

    const first = await store.append(account.id, box.id, bytesOf(600 * KB, 'first'), [], new Date());
    expect(await refusal(store.append(account.id, box.id, bytesOf(600 * KB, 'second'), [], new Date()))).toBe('overquota');
    expect(await refusal(store.copy(account.id, box.id, [first.uid], keep.id))).toBe('overquota');
    expect(await store.messages(keep.id)).toEqual([]);
    expect((await store.quota(account.id)).usedBytes).toBe(BigInt(600 * KB));

    expect(await store.move(account.id, box.id, [first.uid], keep.id)).toEqual([{ from: first.uid, to: 1 }]);
    expect(await store.messages(box.id)).toEqual([]);
    expect((await store.quota(account.id)).usedBytes).toBe(BigInt(600 * KB));

    const small = await store.append(account.id, box.id, bytesOf(100 * KB, 'small'), [], new Date());
    expect(await store.copy(account.id, box.id, [small.uid, 999], keep.id)).toEqual([{ from: small.uid, to: 2 }]);
    expect((await store.quota(account.id)).usedBytes).toBe(BigInt(800 * KB));

    expect(await store.expunge(keep.id)).toEqual([]);
    await store.storeFlags(keep.id, [1], 'add', ['\\deleted']);
    expect(await store.expunge(keep.id, [2])).toEqual([]);
    expect(await store.expunge(keep.id, [1, 2])).toEqual([1]);
    expect((await store.quota(account.id)).usedBytes).toBe(BigInt(200 * KB));
    expect(await store.remove(box.id, [small.uid])).toEqual([small.uid]);
    expect((await store.quota(account.id)).usedBytes).toBe(BigInt(100 * KB));
    // Now there is room again.
    await store.append(account.id, box.id, bytesOf(600 * KB, 'room again'), [], new Date());
  });

  it('follows a change of the class of service at once', async () => {
    const account = await mailbox(env.prisma, `moved@${D}`);
    expect((await store.quota(account.id)).limitBytes).toBe(2048n * 1024n * 1024n);
    const tiny = await env.prisma.classOfService.findUniqueOrThrow({ where: { name: 'tiny' } });
    await env.prisma.account.update({ where: { id: account.id }, data: { classOfServiceId: tiny.id } });
    await expect.poll(async () => (await store.quota(account.id)).limitBytes, { timeout: 1000, interval: 20 }).toBe(1024n * 1024n);
  });

  it('keeps one copy of the bytes whatever the number of copies, and reads them back verified', async () => {
    const account = await mailbox(env.prisma, `blobs@${D}`);
    const box = await inbox(account.id);
    const other = await store.createFolder(account.id, 'Other');
    const bytes = bytesOf(3000, 'same bytes');
    await store.append(account.id, box.id, bytes, [], new Date());
    await store.copy(account.id, box.id, [1], other.id);
    const [a] = await store.messages(box.id);
    const [b] = await store.messages(other.id);
    expect(a!.blobId).toBe(b!.blobId);
    expect((await env.prisma.messageBlob.findUniqueOrThrow({ where: { id: a!.blobId } })).refCount).toBe(2);
    expect((await store.read(a!.blobId)).equals(bytes)).toBe(true);
  });
});

describe('flags', () => {
  it('adds, removes and replaces, raising modSeq only for messages that change; changedSince finds them', async () => {
    const account = await mailbox(env.prisma, `flags@${D}`);
    const box = await inbox(account.id);
    const date = new Date('2026-01-02T03:04:05.678Z');
    await store.append(account.id, box.id, bytesOf(100, 'x'), ['\\SEEN', 'Important', '\\Recent', 'Important'], date);
    await store.append(account.id, box.id, bytesOf(100, 'y'), [], new Date());
    const [first] = await store.messages(box.id);
    expect(first!.flags).toEqual(['\\Seen', 'Important']);
    expect(first!.internalDate.toISOString()).toBe(date.toISOString());
    const before = (await inbox(account.id)).modSeq;

    const added = await store.storeFlags(box.id, [1, 2], 'add', ['\\Seen']);
    expect(added.map((m) => [m.uid, m.flags])).toEqual([[1, ['\\Seen', 'Important']], [2, ['\\Seen']]]);
    expect(added[0]!.modSeq).toBe(first!.modSeq);
    expect(added[1]!.modSeq).toBe(before + 1n);
    expect((await store.changedSince(box.id, before)).map((m) => m.uid)).toEqual([2]);

    const unchanged = await store.storeFlags(box.id, [2], 'add', ['\\Seen']);
    expect((await inbox(account.id)).modSeq).toBe(before + 1n);
    expect(unchanged[0]!.modSeq).toBe(before + 1n);

    expect((await store.storeFlags(box.id, [1], 'remove', ['Important', '\\Seen']))[0]!.flags).toEqual([]);
    expect((await store.storeFlags(box.id, [1], 'replace', ['\\Flagged', '$Label1']))[0]!.flags).toEqual(['\\Flagged', '$Label1']);
    const status = await store.status(box.id);
    expect(status).toMatchObject({ messages: 2, unseen: 1, firstUnseen: 1, uidNext: 3, uidValidity: box.uidValidity });
  });

  it('loses no change when many STOREs run at once', async () => {
    const account = await mailbox(env.prisma, `racing@${D}`);
    const box = await inbox(account.id);
    await store.append(account.id, box.id, bytesOf(100, 'r'), [], new Date());
    const keywords = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await Promise.all(keywords.map((k) => store.storeFlags(box.id, [1], 'add', [k])));
    expect([...(await store.messages(box.id))[0]!.flags].sort()).toEqual([...keywords].sort());
  });
});

describe('watch', () => {
  it('tells watchers in this process and in another within a second of an SMTP delivery, after it committed', async () => {
    const account = await mailbox(env.prisma, `idle@${D}`);
    const box = await inbox(account.id);
    // Another engine process: its own LISTEN connection to the same database.
    const otherListener = new ChangeListener(databaseUrlOf(env.prisma)!, () => {});
    await otherListener.start();
    const otherWatchers = new FolderWatchers(otherListener);
    try {
      const seenHere: number[] = [];
      const seenThere: number[] = [];
      const stopHere = store.watch(box.id, () => seenHere.push(Date.now()));
      otherWatchers.watch(box.id, () => seenThere.push(Date.now()));
      let visibleWhenTold = -1;
      const stopCounting = store.watch(box.id, () => {
        void env.prisma.mailboxMessage.count({ where: { folderId: box.id } }).then((n) => (visibleWhenTold = Math.max(visibleWhenTold, n)));
      });
      const sentAt = Date.now();
      await sendOverSmtp(`idle@${D}`, 'wake up');
      await expect.poll(() => seenHere.length > 0 && seenThere.length > 0, { timeout: 1000, interval: 10 }).toBe(true);
      expect(seenHere[0]! - sentAt).toBeLessThan(1000);
      expect(seenThere[0]! - sentAt).toBeLessThan(1000);
      await expect.poll(() => visibleWhenTold, { timeout: 1000, interval: 10 }).toBe(1);

      stopHere();
      stopCounting();
      const count = seenHere.length;
      await store.storeFlags(box.id, [1], 'add', ['\\Seen']);
      await expect.poll(() => seenThere.length, { timeout: 1000, interval: 10 }).toBeGreaterThan(1);
      expect(seenHere.length).toBe(count);
    } finally {
      otherWatchers.close();
      await otherListener.stop();
    }
  });

  it('says nothing about a change that was rolled back', async () => {
    const account = await mailbox(env.prisma, `rollback@${D}`);
    const box = await inbox(account.id);
    // The folder's own creation is notified too. Notifications arrive in commit order, so once
    // one of a later commit has arrived, that one has passed and cannot be mistaken below.
    const marker = await inbox((await mailbox(env.prisma, `rollback-marker@${D}`)).id);
    let markerSeen = false;
    const stopMarker = store.watch(marker.id, () => (markerSeen = true));
    await env.prisma.mailboxFolder.update({ where: { id: marker.id }, data: { modSeq: { increment: 1 } } });
    await expect.poll(() => markerSeen, { timeout: 2000, interval: 10 }).toBe(true);
    stopMarker();
    let told = 0;
    const stop = store.watch(box.id, () => told++);
    await expect(
      env.prisma.$transaction(async (tx) => {
        await tx.mailboxFolder.update({ where: { id: box.id }, data: { modSeq: { increment: 1 } } });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop();
    expect(told).toBe(0);
  });
});

