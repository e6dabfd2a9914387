import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEngine } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { pythonImap } from '../support/imap.js';
import { legacyUsers, runImport, startEngineFor, vpasswdLine } from './migration-support.js';
import { message, writeMaildir } from './maildir-fixture.js';

const DOMAIN = 'district2.k12.us';

let api: TestApi;
let districts: Districts;
let engine: RunningEngine;

beforeAll(async () => {
  api = await startTestApi();
  districts = await seedDistricts(api);
  engine = await startEngineFor(api);
});

afterAll(async () => {
  await engine?.stop();
  await api?.close();
});

it('a migrated user logs in over IMAP with the old password and finds the old folders, messages and flags', async () => {
  const user = (await legacyUsers()).find((u) => u.scheme === 'SHA512-CRYPT')!;
  const accounts = await runImport(districts.postmaster2, '/migration/vpopmail', { domain: DOMAIN, format: 'vpasswd', content: vpasswdLine(user, DOMAIN) });
  expect(accounts.job.succeeded).toBe(1);
  writeMaildir(join(api.config.dataDir, 'migration', DOMAIN, user.name, 'Maildir'), [
    message('INBOX', '', 'old and read', 'RS', [], new Date(Date.UTC(2017, 2, 4, 9, 15, 0))),
    message('INBOX', '', 'old and unread', null, [], new Date(Date.UTC(2017, 2, 5, 9, 15, 0))),
    message('Folder/Sub', '.Folder.Sub', 'filed away', 'FS', [], new Date(Date.UTC(2016, 0, 1, 0, 0, 0))),
  ]);
  const mail = await runImport(districts.postmaster2, '/migration/maildir', { domain: DOMAIN, path: '.' });
  expect(mail.job.succeeded).toBe(3);

  const address = `${user.name}@${DOMAIN}`;
  const session = await pythonImap({
    port: engine.ports.imap,
    starttls: true,
    user: address,
    password: user.password,
    steps: [
      ['list', '""', '*'],
      ['select', 'INBOX'],
      ['fetch', '1:*', '(FLAGS INTERNALDATE)'],
      ['select', 'Folder/Sub'],
      ['fetch', '1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])'],
    ],
  });
  expect(session.error).toBeUndefined();
  expect(session.step('login').typ).toBe('OK');
  const text = (index: number) => [session.steps[index]!.data].flat(Infinity).join('\n');
  const listed = text(1);
  for (const folder of ['INBOX', 'Sent', 'Drafts', 'Folder/Sub']) expect(listed).toContain(folder);
  const inbox = text(3);
  expect(inbox).toMatch(/1 \(FLAGS \((\\Answered \\Seen|\\Seen \\Answered)\) INTERNALDATE "04-Mar-2017 09:15:00 \+0000"\)/);
  expect(inbox).toMatch(/2 \(FLAGS \(\) INTERNALDATE "05-Mar-2017 09:15:00 \+0000"\)/);
  const filed = text(5);
  expect(filed).toContain('filed away');
  expect(filed).toMatch(/\\Flagged/);
  // The protocol login upgraded the legacy hash.
  const stored = await api.prisma.account.findUniqueOrThrow({ where: { address } });
  expect(stored.passwordHash.startsWith('{SCRYPT}$')).toBe(true);
});
