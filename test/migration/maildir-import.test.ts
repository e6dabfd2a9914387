import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeListener,
  FileBlobStore,
  FolderWatchers,
  ImportInterrupted,
  ImportReport,
  importMaildirs,
  PrismaMailStore,
  type MaildirCheckpoint,
  type RunningEngine,
} from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { runImport, startEngineFor } from './migration-support.js';
import { message, writeMaildir, type FixtureMessage } from './maildir-fixture.js';

const DOMAIN = 'district2.k12.us';
const day = (n: number) => new Date(Date.UTC(2019, 0, n, 8, 30, 0));

let api: TestApi;
let districts: Districts;
let engine: RunningEngine;
let messages: FixtureMessage[];

beforeAll(async () => {
  api = await startTestApi();
  districts = await seedDistricts(api);
  engine = await startEngineFor(api);
  for (const localPart of ['reader', 'resumer']) {
    const created = await districts.postmaster2.post(`/domains/${DOMAIN}/accounts`, { localPart, password: 'bookworm-Passw0rd' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  messages = [
    message('INBOX', '', 'seen and answered', 'RS', ['\\Answered', '\\Seen'], day(1)),
    message('INBOX', '', 'flagged', 'F', ['\\Flagged'], day(2)),
    message('INBOX', '', 'just delivered', null, [], day(5)),
    message('Sent', '.Sent', 'sent one', 'S', ['\\Seen'], day(3)),
    message('Drafts', '.Drafts', 'a draft', 'DS', ['\\Seen', '\\Draft'], day(4)),
    message('Folder', '.Folder', 'parent folder', 'T', ['\\Deleted'], day(6)),
    message('Folder/Sub', '.Folder.Sub', 'nested', 'S', ['\\Seen'], day(7)),
    // The same bytes as the first message: stored once (single-instance).
    { ...message('Folder/Sub', '.Folder.Sub', 'seen and answered', 'S', ['\\Seen'], day(8)) },
  ];
  const domainDirectory = join(api.config.dataDir, 'migration', 'domains', DOMAIN);
  writeMaildir(join(domainDirectory, 'reader', 'Maildir'), messages);
  // A mailbox of the old platform whose account was not imported.
  writeMaildir(join(domainDirectory, 'ghost', 'Maildir'), [message('INBOX', '', 'lost', 'S', ['\\Seen'], day(1))]);
});

afterAll(async () => {
  await engine?.stop();
  await api?.close();
});

async function mailboxOf(address: string) {
  const folders = await api.prisma.mailboxFolder.findMany({
    where: { account: { address } },
    include: { messages: { orderBy: { uid: 'asc' }, include: { blob: true } } },
    orderBy: { name: 'asc' },
  });
  return folders;
}

describe('Maildir import', () => {
  it('reports folders and message counts in a dry run and writes nothing', async () => {
    const { job, report } = await runImport(districts.postmaster2, '/migration/maildir', { domain: DOMAIN, path: 'domains', dryRun: true });
    expect(job).toMatchObject({ kind: 'maildir-import', status: 'succeeded', total: messages.length, succeeded: messages.length });
    const lines = report.summary.wouldCreate.map((item: { item: string; reason: string }) => `${item.item}: ${item.reason}`);
    expect(lines).toEqual(
      expect.arrayContaining([`reader@${DOMAIN} INBOX: 3 message(s)`, `reader@${DOMAIN} Folder/Sub: 2 message(s), new folder`, `reader@${DOMAIN} Sent: 1 message(s)`]),
    );
    expect(report.rows).toEqual([expect.objectContaining({ key: `ghost@${DOMAIN}`, status: 'skipped', reason: expect.stringContaining('import the accounts') })]);
    expect(await api.prisma.mailboxMessage.count()).toBe(0);
    expect(await api.prisma.importedItem.count()).toBe(0);
  });

  it('imports every folder with flags and internal dates, storing identical messages once', async () => {
    const { job } = await runImport(districts.postmaster2, '/migration/maildir', { domain: DOMAIN, path: 'domains' });
    expect(job).toMatchObject({ status: 'succeeded', succeeded: messages.length, failed: 0, percent: 100 });
    const folders = await mailboxOf(`reader@${DOMAIN}`);
    const byName = new Map(folders.map((f) => [f.name, f]));
    expect([...byName.keys()].sort()).toEqual(['Drafts', 'Folder', 'Folder/Sub', 'INBOX', 'Junk', 'Sent', 'Trash']);
    expect(byName.get('Sent')!.specialUse).toBe('\\Sent');
    expect(byName.get('Drafts')!.specialUse).toBe('\\Drafts');
    for (const expected of messages) {
      const folder = byName.get(expected.folder)!;
      const found = folder.messages.filter((m) => m.internalDate.getTime() === expected.date.getTime());
      expect(found, `${expected.folder} ${expected.subject}`).toHaveLength(1);
      expect([...found[0]!.flags].sort(), `${expected.folder} ${expected.subject}`).toEqual([...expected.flags].sort());
    }
    // Oldest first: UIDs follow the old arrival order.
    expect(byName.get('INBOX')!.messages.map((m) => m.internalDate.getUTCDate())).toEqual([1, 2, 5]);
    const inboxFirst = byName.get('INBOX')!.messages[0]!;
    const copy = byName.get('Folder/Sub')!.messages.find((m) => m.internalDate.getUTCDate() === 8)!;
    expect(copy.blobId).toBe(inboxFirst.blobId);
  });

  it('imports nothing twice when run again', async () => {
    const before = await api.prisma.mailboxMessage.count();
    const { job, report } = await runImport(districts.postmaster2, '/migration/maildir', { domain: DOMAIN, path: 'domains' });
    expect(job).toMatchObject({ status: 'succeeded', succeeded: 0, skipped: messages.length });
    expect(report.rows.some((row: { reason: string }) => row.reason.includes('imported by an earlier run'))).toBe(true);
    expect(await api.prisma.mailboxMessage.count()).toBe(before);
  });

  it('resumes an interrupted import where it stopped', async () => {
    const maildir = join(api.config.dataDir, 'migration', 'resumer', 'Maildir');
    const many = Array.from({ length: 12 }, (_, i) => message('INBOX', '', `message ${i}`, 'S', ['\\Seen'], day(i + 1)));
    writeMaildir(maildir, many);
    const account = await api.prisma.account.findUniqueOrThrow({ where: { address: `resumer@${DOMAIN}` } });
    const store = new PrismaMailStore({
      db: api.prisma,
      blobs: new FileBlobStore(api.prisma, { dataDir: api.config.dataDir }),
      watchers: new FolderWatchers(new ChangeListener('', () => {})),
      quotaLimit: async () => null,
    });
    const targets = [{ accountId: account.id, label: account.address, maildir }];
    const stop = new AbortController();
    const first = new ImportReport<MaildirCheckpoint>(false, null, stop.signal);
    const onItem = first.onItem.bind(first);
    first.onItem = (item) => {
      onItem(item);
      if (first.counts.succeeded === 5) stop.abort();
    };
    await expect(importMaildirs(api.prisma, store, targets, first)).rejects.toBeInstanceOf(ImportInterrupted);
    expect(first.lastCheckpoint).toEqual({ imported: 5 });
    expect(await api.prisma.importedItem.count({ where: { accountId: account.id } })).toBe(5);

    const second = new ImportReport<MaildirCheckpoint>(false, first.lastCheckpoint);
    await importMaildirs(api.prisma, store, targets, second);
    // The five already imported were counted by the first run: the second neither imports nor counts them again.
    expect(second.counts).toMatchObject({ succeeded: 7, skipped: 0, failed: 0 });
    const inbox = (await mailboxOf(account.address)).find((f) => f.name === 'INBOX')!;
    expect(inbox.messages.map((m) => m.internalDate.getUTCDate())).toEqual(many.map((m) => m.date.getUTCDate()));
  });

  it('reads only inside the migration directory', async () => {
    mkdirSync(join(api.config.dataDir, 'elsewhere'), { recursive: true });
    const outside = await districts.postmaster2.post('/migration/maildir', { account: `reader@${DOMAIN}`, path: join(api.config.dataDir, 'elsewhere') });
    expect(outside.status).toBe(400);
    expect(outside.body.detail).toContain('must lie inside the migration directory');
    const traversal = await districts.postmaster2.post('/migration/maildir', { account: `reader@${DOMAIN}`, path: '../elsewhere' });
    expect(traversal.status).toBe(400);
    const foreign = await districts.postmaster1.post('/migration/maildir', { account: `reader@${DOMAIN}`, path: 'domains' });
    expect(foreign.status).toBe(404);
  });
});
