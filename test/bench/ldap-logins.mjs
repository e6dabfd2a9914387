// Issue 6 benchmark: mailbox logins per second for a domain that authenticates against LDAP,
// through the access module (MailAccess.login, as every protocol logs in), against a private
// OpenLDAP slapd on loopback. Two runs over the same accounts: cached (the source's
// cacheSeconds = 60: a client logging in again within a minute costs no directory round
// trip) and uncached (cacheSeconds = 0: every login connects, binds as the service identity,
// searches the user and binds as the user). Passwords are stored in the directory as {SSHA}.
// Needs a build (`npx tsc -b libs/mail-engine`) and slapd + ldap-utils; skipped without them.
// Run with `npm run bench -- ldap-logins`. Its own embedded PostgreSQL and slapd, both removed
// afterwards. BENCH_SECONDS (default 5 per run), BENCH_CONCURRENCY (16), BENCH_ACCOUNTS (200).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fmt, freePort, runLogins } from './lib.mjs';

if (spawnSync('which', ['slapd']).status !== 0 || spawnSync('which', ['ldapadd']).status !== 0) {
  console.log('ldap-logins: skipped (install slapd and ldap-utils: apt-get install -y slapd ldap-utils)');
  process.exit(0);
}

const { applyMigrations, createPrismaClient, startEmbeddedPostgres } = await import('../../prisma/dist/src/index.js');
const { ChangeListener, DirectoryLogins, PrismaMailAccess, SealedSecrets } = await import('../../libs/mail-engine/dist/index.js');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const PASSWORD = 'bench-directory-password-1';
const DOMAIN = 'ldap-bench.k12.us';
const SUFFIX = 'dc=bench,dc=test';
const MANAGER = `cn=admin,${SUFFIX}`;
const MANAGER_PASSWORD = 'bench-manager-secret';
const PEOPLE = `ou=people,${SUFFIX}`;

const answers = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

const ssha = (password) => {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(salt).digest(), salt]).toString('base64')}`;
};

async function startSlapd(dir) {
  mkdirSync(join(dir, 'db'));
  const schema = ['core', 'cosine', 'inetorgperson', 'nis'].map((name) => `include /etc/ldap/schema/${name}.schema`).join('\n');
  writeFileSync(
    join(dir, 'slapd.conf'),
    `${schema}\npidfile ${join(dir, 'slapd.pid')}\nargsfile ${join(dir, 'slapd.args')}\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\ndatabase mdb\nmaxsize 104857600\n` +
      `suffix "${SUFFIX}"\nrootdn "${MANAGER}"\nrootpw ${MANAGER_PASSWORD}\ndirectory ${join(dir, 'db')}\nindex mail,uid eq\n`,
  );
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const child = spawn('slapd', ['-f', join(dir, 'slapd.conf'), '-h', `${url}/`, '-u', 'root', '-g', 'root', '-d', '0'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('slapd did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const people = Array.from({ length: ACCOUNTS }, (_, i) =>
    [`dn: uid=user${i},${PEOPLE}`, 'objectClass: inetOrgPerson', `uid: user${i}`, `cn: user${i}`, `sn: user${i}`, `mail: user${i}@${DOMAIN}`, `userPassword: ${ssha(PASSWORD)}`, ''].join('\n'),
  );
  const ldif = `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: bench\no: Bench\n\ndn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n${people.join('\n')}`;
  const added = spawnSync('ldapadd', ['-x', '-H', url, '-D', MANAGER, '-w', MANAGER_PASSWORD], { input: ldif, encoding: 'utf8' });
  if (added.status !== 0) throw new Error(`ldapadd: ${added.stderr}`);
  return {
    url,
    stop() {
      const pid = Number(readFileSync(join(dir, 'slapd.pid'), 'utf8').trim());
      process.kill(pid, 'SIGTERM');
      return new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

const dataDir = mkdtempSync(join(os.tmpdir(), 'schoolmail-bench-ldap-'));
const slapdDir = mkdtempSync(join(os.tmpdir(), 'schoolmail-bench-slapd-'));
const database = await startEmbeddedPostgres({ dataDir, port: 20000 + Math.floor(Math.random() * 30000), persistent: false });
const prisma = createPrismaClient(database.url);
// Effective settings from the NOTIFY-invalidated cache, as in the engine: the runs differ in the directory only.
const changes = new ChangeListener(database.url, () => {});
let slapd;
try {
  slapd = await startSlapd(slapdDir);
  await applyMigrations(database.url);
  await changes.start();
  const secrets = new SealedSecrets(randomBytes(32));
  const domain = await prisma.domain.create({ data: { name: DOMAIN, path: 'pending' } });
  await prisma.domain.update({ where: { id: domain.id }, data: { path: `/${domain.id}/` } });
  const addresses = Array.from({ length: ACCOUNTS }, (_, i) => `user${i}@${DOMAIN}`);
  // The password lives in the directory only; this hash never verifies.
  await prisma.account.createMany({ data: addresses.map((address) => ({ address, localPart: address.split('@')[0], domainId: domain.id, passwordHash: '{DIRECTORY}' })) });
  const source = await prisma.domainAuthSource.create({
    data: {
      domainId: domain.id,
      kind: 'ldap',
      urls: [slapd.url],
      bindDn: MANAGER,
      bindPasswordSealed: secrets.seal(MANAGER_PASSWORD),
      userBase: PEOPLE,
      userFilter: '(&(objectClass=inetOrgPerson)(mail={address}))',
      connectTimeoutMs: 3000,
      operationTimeoutMs: 5000,
      cacheSeconds: 60,
    },
  });

  async function run(label) {
    const access = new PrismaMailAccess(prisma, { changes, limits: { perClient: 0, perAccount: 0 }, directory: new DirectoryLogins({ secrets }) });
    try {
      return await runLogins(label, access, addresses, { password: PASSWORD, seconds: SECONDS, concurrency: CONCURRENCY });
    } finally {
      access.close();
    }
  }

  console.log(`ldap-logins: ${ACCOUNTS} directory accounts, ${CONCURRENCY} concurrent logins, ${SECONDS} s per run, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  const cached = await run('LDAP bind cached (cacheSeconds 60)');
  await prisma.domainAuthSource.update({ where: { id: source.id }, data: { cacheSeconds: 0, version: { increment: 1 } } });
  const uncached = await run('LDAP bind uncached (search + bind each)');
  console.log(`  cached / uncached: ${fmt(cached / uncached, 1)}x`);
} finally {
  await changes.stop();
  await slapd?.stop();
  await prisma.$disconnect();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(slapdDir, { recursive: true, force: true });
}
