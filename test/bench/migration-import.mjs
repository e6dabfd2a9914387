// Issue 7 benchmark: import rates of a vpopmail migration through the API's jobs.
//   - a 100,000-line vpasswd file (MD5-crypt hashes, as vpopmail writes them): accounts/s;
//   - a vpopmail Maildir tree of 50,000 messages (50 mailboxes, INBOX + .Sent + .Folder.Sub,
//     distinct 2-4 KB messages with flags): messages/s (each stored single-instance, fsynced).
// Needs a build (`npm run build`); run with `npm run bench -- migration-import`.
// BENCH_ACCOUNTS and BENCH_MESSAGES scale it down.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, startServer, timeIt } from './lib.mjs';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const MAILBOXES = 50;
const DOMAIN = 'bench.k12.us';

const migrationDir = mkdtempSync(join(tmpdir(), 'schoolmail-bench-migration-'));
const server = await startServer({ SCHOOLMAIL_MIGRATION_DIR: migrationDir });
const { staff } = server;

async function untilDone(job) {
  for (;;) {
    const current = await staff.get(`/jobs/${job.id}`);
    if (!['queued', 'running'].includes(current.status)) return current;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const seconds = (job) => (new Date(job.finishedAt) - new Date(job.startedAt)) / 1000;

try {
  await staff.post('/domains', { name: DOMAIN });
  console.log(`# migration import benchmark: ${fmt(ACCOUNTS)} vpasswd lines, ${fmt(MESSAGES)} Maildir messages`);

  const hash = execFileSync('openssl', ['passwd', '-1', 'bench-password'], { encoding: 'utf8' }).trim();
  const lines = [];
  for (let i = 0; i < ACCOUNTS; i++) lines.push(`user${i}:${hash}:1:0:User ${i}:/home/vpopmail/domains/${DOMAIN}/user${i}:NOQUOTA`);
  const content = lines.join('\n');
  let accountsJob;
  const accountsWall = await timeIt(async () => {
    accountsJob = await untilDone(await staff.post('/migration/vpopmail', { domain: DOMAIN, format: 'vpasswd', content }));
  });
  if (accountsJob.status !== 'succeeded' || accountsJob.succeeded !== ACCOUNTS) throw new Error(`vpasswd import: ${JSON.stringify(accountsJob)}`);
  console.log(
    `vpasswd import: ${fmt(ACCOUNTS)} accounts (${fmt(content.length / 1e6, 1)} MB file) in ${fmt(seconds(accountsJob), 2)} s of job time = ${fmt(ACCOUNTS / seconds(accountsJob), 0)} accounts/s (${fmt(accountsWall / 1000, 2)} s from request to report)`,
  );

  const folders = ['', '.Sent', '.Folder.Sub'];
  const writeStart = Date.now();
  for (let m = 0; m < MESSAGES; m++) {
    const user = `user${m % MAILBOXES}`;
    const folder = folders[Math.floor(m / MAILBOXES) % folders.length];
    const directory = join(migrationDir, 'domains', DOMAIN, user, 'Maildir', folder, 'cur');
    if (m < MAILBOXES * folders.length) for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(directory, '..', sub), { recursive: true });
    const when = new Date(Date.UTC(2020, 0, 1) + m * 60_000);
    const path = join(directory, `${Math.floor(when.getTime() / 1000)}.M${m}P1.oldhost:2,${m % 3 === 0 ? 'RS' : 'S'}`);
    const body = `Message ${m} of the benchmark. `.repeat(60 + (m % 60));
    writeFileSync(path, `From: old@vpopmail.test\r\nTo: ${user}@${DOMAIN}\r\nSubject: bench ${m}\r\nMessage-ID: <bench-${m}@vpopmail.test>\r\n\r\n${body}\r\n`);
    utimesSync(path, when, when);
  }
  console.log(`(wrote the Maildir tree in ${fmt((Date.now() - writeStart) / 1000, 1)} s)`);
  let mailJob;
  const mailWall = await timeIt(async () => {
    mailJob = await untilDone(await staff.post('/migration/maildir', { domain: DOMAIN, path: 'domains' }));
  });
  if (mailJob.status !== 'succeeded' || mailJob.succeeded !== MESSAGES) throw new Error(`Maildir import: ${JSON.stringify(mailJob)}`);
  console.log(
    `Maildir import: ${fmt(MESSAGES)} messages into ${MAILBOXES} mailboxes in ${fmt(seconds(mailJob), 2)} s of job time = ${fmt(MESSAGES / seconds(mailJob), 0)} messages/s (${fmt(mailWall / 1000, 2)} s from request to report)`,
  );
} finally {
  await server.stop();
  rmSync(migrationDir, { recursive: true, force: true });
}
