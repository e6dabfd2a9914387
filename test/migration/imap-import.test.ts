import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultFolders, type RunningEngine } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { MAIL_PASSWORD, mailbox, mailDomain, startTestEngine, type TestEngine } from '../support/smtp.js';
import { startEngineFor, runImport } from './migration-support.js';
import { rfc822 } from './maildir-fixture.js';

const DOMAIN = 'district2.k12.us';
const OLD = 'old@oldplatform.test';
const day = (n: number) => new Date(Date.UTC(2018, 5, n, 12, 0, 0));

let api: TestApi;
let districts: Districts;
let engine: RunningEngine;
/** A second engine: the old platform, seen only through its IMAP listener. */
let source: TestEngine;
let sourceAccountId: number;

async function appendToSource(folderName: string, subject: string, flags: string[], date: Date) {
  const store = source.engine.store;
  const folder = (await store.folder(sourceAccountId, folderName)) ?? (await store.createFolder(sourceAccountId, folderName));
  await store.append(sourceAccountId, folder.id, rfc822(subject), flags, date);
}

beforeAll(async () => {
  api = await startTestApi();
  districts = await seedDistricts(api);
  engine = await startEngineFor(api);
  source = await startTestEngine();
  await mailDomain(source.prisma, 'oldplatform.test');
  sourceAccountId = (await mailbox(source.prisma, OLD)).id;
  await source.prisma.$transaction((tx) => ensureDefaultFolders(tx, sourceAccountId));
  await appendToSource('INBOX', 'inbox read', ['\\Seen'], day(1));
  await appendToSource('INBOX', 'inbox flagged', ['\\Flagged', '$Important'], day(2));
  await appendToSource('Sent', 'sent mail', ['\\Seen'], day(3));
  await appendToSource('Projects/2018', 'nested folder', ['\\Answered', '\\Seen'], day(4));
  const created = await districts.postmaster2.post(`/domains/${DOMAIN}/accounts`, { localPart: 'newhome', password: 'fresh-start-Passw0rd' });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await source?.close();
  await engine?.stop();
  await api?.close();
});

const request = (extra: Record<string, unknown> = {}) => ({
  account: `newhome@${DOMAIN}`,
  host: '127.0.0.1',
  port: source.ports.imap,
  secure: false,
  user: OLD,
  password: MAIL_PASSWORD,
  verifyCertificate: false,
  ...extra,
});

async function importedMessages() {
  const folders = await api.prisma.mailboxFolder.findMany({ where: { account: { address: `newhome@${DOMAIN}` } }, include: { messages: { orderBy: { uid: 'asc' } } } });
  return folders.flatMap((folder) => folder.messages.map((m) => ({ folder: folder.name, flags: [...m.flags].sort(), date: m.internalDate.toISOString() })));
}

describe('IMAP import from another server', () => {
  it('reports in a dry run without writing, and keeps the source password out of the job table', async () => {
    const { job, report } = await runImport(districts.postmaster2, '/migration/imap', request({ dryRun: true }));
    expect(job).toMatchObject({ kind: 'imap-import', status: 'succeeded', total: 4 });
    expect(report.summary.wouldCreate.map((i: { item: string }) => i.item).sort()).toEqual([`newhome@${DOMAIN} INBOX`, `newhome@${DOMAIN} Projects/2018`, `newhome@${DOMAIN} Sent`]);
    expect(await importedMessages()).toEqual([]);
    const row = await api.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(JSON.stringify(row.params)).not.toContain(MAIL_PASSWORD);
  });

  it('copies every folder with flags and internal dates', async () => {
    const { job } = await runImport(districts.postmaster2, '/migration/imap', request());
    expect(job).toMatchObject({ status: 'succeeded', succeeded: 4, failed: 0 });
    expect((await importedMessages()).sort((a, b) => a.date.localeCompare(b.date))).toEqual([
      { folder: 'INBOX', flags: ['\\Seen'], date: day(1).toISOString() },
      { folder: 'INBOX', flags: ['$Important', '\\Flagged'], date: day(2).toISOString() },
      { folder: 'Sent', flags: ['\\Seen'], date: day(3).toISOString() },
      { folder: 'Projects/2018', flags: ['\\Answered', '\\Seen'], date: day(4).toISOString() },
    ]);
  });

  it('is incremental: a re-run copies only what arrived since', async () => {
    await appendToSource('INBOX', 'arrived later', [], day(9));
    const { job } = await runImport(districts.postmaster2, '/migration/imap', request());
    expect(job).toMatchObject({ status: 'succeeded', succeeded: 1, skipped: 4 });
    const messages = await importedMessages();
    expect(messages).toHaveLength(5);
    expect(messages.filter((m) => m.date === day(9).toISOString())).toEqual([{ folder: 'INBOX', flags: [], date: day(9).toISOString() }]);
  });

  it('fails the job with the server\'s answer when the old password is wrong', async () => {
    const { job } = await runImport(districts.postmaster2, '/migration/imap', request({ password: 'wrong-password' }));
    expect(job.status).toBe('failed');
    expect(job.error).toBeTruthy();
  });
});
