// Issue 4 benchmark: mailbox logins per second through the access module (MailAccess.login:
// account lookup, scheme-tagged hash check, effective settings, service check), as every
// protocol logs in. Two runs on the same accounts: with the verified-password cache (a mail
// client logging in again within a minute: no scrypt) and without it (every login pays the
// scrypt of the stored hash). Settings come from the NOTIFY-invalidated cache in both.
// Needs a build (`npm run build`, or `npx tsc -b libs/mail-engine`); run with
// `npm run bench -- auth-logins`. Its own embedded PostgreSQL on a fresh data directory.
// BENCH_SECONDS (default 5 per run), BENCH_CONCURRENCY (default 16), BENCH_ACCOUNTS (200).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runLogins } from './lib.mjs';

const { applyMigrations, createPrismaClient, startEmbeddedPostgres } = await import('../../prisma/dist/src/index.js');
const { PrismaMailAccess } = await import('../../libs/mail-engine/dist/access/index.js');
const { ChangeListener } = await import('../../libs/mail-engine/dist/notify/index.js');
const { hashPassword } = await import('../../libs/mail-engine/dist/auth/passwords.js');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const PASSWORD = 'bench-mail-password-1';

const dataDir = mkdtempSync(join(os.tmpdir(), 'schoolmail-bench-auth-'));
const database = await startEmbeddedPostgres({ dataDir, port: 20000 + Math.floor(Math.random() * 30000), persistent: false });
const prisma = createPrismaClient(database.url);
const changes = new ChangeListener(database.url, () => {});
try {
  await applyMigrations(database.url);
  const domain = await prisma.domain.create({ data: { name: 'bench.k12.us', path: 'pending' } });
  await prisma.domain.update({ where: { id: domain.id }, data: { path: `/${domain.id}/` } });
  // One hash per account, as real accounts have (the same password, different salts).
  const hashes = await Promise.all(Array.from({ length: ACCOUNTS }, () => hashPassword(PASSWORD)));
  const addresses = hashes.map((_, i) => `user${i}@bench.k12.us`);
  await prisma.account.createMany({
    data: addresses.map((address, i) => ({ address, localPart: address.split('@')[0], domainId: domain.id, passwordHash: hashes[i] })),
  });
  await changes.start();

  console.log(`auth-logins: ${ACCOUNTS} accounts, ${CONCURRENCY} concurrent logins, ${SECONDS} s per run, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  const cached = new PrismaMailAccess(prisma, { changes, limits: { perClient: 0, perAccount: 0 } });
  await runLogins('password check cached', cached, addresses, { password: PASSWORD, seconds: SECONDS, concurrency: CONCURRENCY });
  cached.close();
  const uncached = new PrismaMailAccess(prisma, { changes, limits: { perClient: 0, perAccount: 0 }, verifiedPasswordMs: 0 });
  await runLogins('password check uncached (scrypt)', uncached, addresses, { password: PASSWORD, seconds: SECONDS, concurrency: CONCURRENCY });
  uncached.close();
} finally {
  await changes.stop();
  await prisma.$disconnect();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
