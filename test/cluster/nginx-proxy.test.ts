/**
 * The cluster on one machine (issue 6): one PostgreSQL database, back-end processes (the
 * built server, SCHOOLMAIL_ROLE=backend) with their own node ids, ports, data directories and
 * storage units (backend-a holds alpha.test, backend-b holds beta.test and the mailHost-routed
 * max@alpha.test), the API in this process serving nginx's auth endpoint, and a real nginx
 * mail proxy in front for IMAP, POP3 and SMTP submission. Python's imaplib, poplib and smtplib
 * talk through nginx only. Where a session landed shows in the Received headers of the mail
 * it sent, in the storage unit (a back-end's data directory) holding each stored message, and
 * in which logins fail once a back-end process is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listClusterNodes } from '@schoolmail/mail-engine';
import { createPrismaClient } from '@schoolmail/prisma';
import { loadConfig, type ApiConfig } from '../../apps/api/src/config.js';
import { ensureFirstAdmin } from '../../apps/api/src/auth/first-admin.js';
import { createHttpApp } from '../../apps/api/src/http-app.js';
import { ApiClient, STAFF_PASSWORD } from '../support/api.js';
import { createTestDatabase } from '../support/database.js';
import { ensureNginx, freePort, startTestNginx, type TestNginx } from '../support/nginx.js';
import { MAIL_PASSWORD, mailDomain, mailbox } from '../support/smtp.js';

const SECRET = 'cluster-test-secret';
process.env.SCHOOLMAIL_NGINX_AUTH_SECRET = SECRET;
process.env.SCHOOLMAIL_NODE_STALE_SECONDS = '3';

const MAIN = join(import.meta.dirname, '../../apps/api/dist/main.js');
const hasNginx = ensureNginx();

interface Backend {
  id: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A back-end process on `dataDir`, answered once it has registered and beats (its listeners are up by then). */
async function startBackend(id: string, databaseUrl: string, dataDir: string, prisma: ReturnType<typeof createPrismaClient>): Promise<Backend> {
  const ports = { SMTP_PORT: await freePort(), SUBMISSION_PORT: await freePort(), POP3_PORT: await freePort(), IMAP_PORT: await freePort() };
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      NODE_ENV: 'production',
      SCHOOLMAIL_ROLE: 'backend',
      SCHOOLMAIL_NODE_ID: id,
      SCHOOLMAIL_HOSTNAME: `${id}.schoolmail.test`,
      SCHOOLMAIL_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      SCHOOLMAIL_SECRET_KEY: 'cd'.repeat(32),
      SCHOOLMAIL_MAIL_HOST: '127.0.0.1',
      // nginx logs in to back-ends in clear text on the internal network (TLS ends at nginx).
      SCHOOLMAIL_ALLOW_PLAIN_AUTH: 'true',
      // nginx and the other back-ends: XCLIENT and relayed mail.
      SCHOOLMAIL_CLUSTER_NETWORKS: '127.0.0.0/8',
      SCHOOLMAIL_HEARTBEAT_SECONDS: '0.5',
      SCHOOLMAIL_NODE_STALE_SECONDS: '3',
      // Relays to a back-end that is down are retried every second, never held.
      SCHOOLMAIL_RETRY_SCHEDULE: '1',
      SCHOOLMAIL_QUEUE_POLL_MS: '100',
      SCHOOLMAIL_HOLD_AFTER_FAILURES: '1000',
      SCHOOLMAIL_SMTP_CONNECT_TIMEOUT_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${id} exited while starting:\n${output.slice(-4000)}`);
    const node = (await listClusterNodes(prisma, 3)).find((n) => n.id === id);
    if (node?.healthy && node.heartbeatAt.getTime() > node.startedAt.getTime()) break;
    if (Date.now() - started > 60_000) throw new Error(`${id} did not register:\n${output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    id,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

function python(script: string, args: string[]): Promise<{ ok: boolean; detail: string; subjects?: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(import.meta.dirname, script), ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`${script} exited ${code}: ${stderr}`))));
  });
}

const loginThroughNginx = (protocol: 'imap' | 'pop3', port: number, user: string, password = MAIL_PASSWORD) =>
  python('mail_login.py', [protocol, '127.0.0.1', String(port), user, password]);

const submitThroughNginx = (port: number, user: string, subject: string, recipients: string[], password = MAIL_PASSWORD) =>
  python('smtp_submit.py', ['127.0.0.1', String(port), user, password, user, subject, ...recipients]);

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await probe();
  }
  return value;
}

describe.skipIf(!hasNginx)('a cluster on one machine: nginx in front of domain-pinned back-end processes', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: Backend;
  let b: Backend;
  let standby: Backend | undefined;
  let c: Backend | undefined;
  let app: Awaited<ReturnType<typeof createHttpApp>>;
  let apiPrisma: ReturnType<typeof createPrismaClient>;
  let nginx: TestNginx;
  let staff: ApiClient;
  const directories: Record<string, string> = {};
  const units: Record<string, number> = {};

  const directory = (name: string) => (directories[name] = mkdtempSync(join(tmpdir(), `schoolmail-${name}-`)));

  /** A storage unit in a back-end's data directory, serving one domain. */
  async function unitFor(name: string, dataDir: string, domain: string) {
    const path = join(dataDir, 'storage', name);
    mkdirSync(path, { recursive: true });
    const { id: domainId } = await db.prisma.domain.findUniqueOrThrow({ where: { name: domain } });
    units[name] = (await db.prisma.storageUnit.create({ data: { name, directory: path, capacityBytes: 1n << 34n, domains: { create: { domainId } } } })).id;
  }

  /**
   * The INBOX of `address` as stored: subject, the back-ends each copy passed (newest first)
   * with how (ESMTPA: a login; ESMTPS: a relay over TLS), and the storage unit whose
   * directory holds its file.
   */
  async function inbox(address: string) {
    const rows = await db.prisma.mailboxMessage.findMany({
      where: { folder: { name: 'INBOX', account: { address } } },
      select: { blob: { select: { sha256: true, storageUnit: { select: { id: true, directory: true } } } } },
      orderBy: { uid: 'asc' },
    });
    return rows.map(({ blob }) => {
      const raw = readFileSync(join(blob.storageUnit.directory, blob.sha256.slice(0, 2), blob.sha256.slice(2, 4), blob.sha256), 'latin1');
      return {
        subject: /^Subject: (.*)$/m.exec(raw)?.[1],
        hops: [...raw.matchAll(/by (\S+)\.schoolmail\.test \(Schoolmail\) with (\w+)/g)].map((m) => `${m[1]} ${m[2]}`),
        unit: blob.storageUnit.id,
      };
    });
  }

  const bySubject = (messages: Awaited<ReturnType<typeof inbox>>) => Object.fromEntries(messages.map((m) => [m.subject, m]));

  beforeAll(async () => {
    db = await createTestDatabase();
    await mailDomain(db.prisma, 'alpha.test');
    await mailDomain(db.prisma, 'beta.test');
    await mailbox(db.prisma, 'ann@alpha.test');
    await mailbox(db.prisma, 'bob@beta.test');
    // Routed by its own (LDAP) mailHost to backend-b, though its domain lives on backend-a.
    const max = await mailbox(db.prisma, 'max@alpha.test');
    await db.prisma.account.update({ where: { id: max.id }, data: { mailHost: 'backend-b' } });
    await unitFor('unit-a', directory('backend-a'), 'alpha.test');
    await unitFor('unit-b', directory('backend-b'), 'beta.test');
    [a, b] = await Promise.all([
      startBackend('backend-a', db.url, directories['backend-a']!, db.prisma),
      startBackend('backend-b', db.url, directories['backend-b']!, db.prisma),
    ]);

    const config: ApiConfig = { ...loadConfig({}), dataDir: directory('cluster-api'), databaseUrl: db.url, adminUser: 'staff', adminPassword: STAFF_PASSWORD, httpPort: 0 };
    apiPrisma = createPrismaClient(db.url);
    await ensureFirstAdmin(apiPrisma, config, () => {});
    app = await createHttpApp(config, apiPrisma, { logLevels: ['error'] });
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const token = await new ApiClient(baseUrl).post('/auth/login', { username: 'staff', password: STAFF_PASSWORD });
    staff = new ApiClient(baseUrl, token.body.accessToken);
    expect((await staff.put('/domains/alpha.test/backend', { node: 'backend-a' })).status).toBe(200);
    expect((await staff.put('/domains/beta.test/backend', { node: 'backend-b' })).status).toBe(200);

    nginx = await startTestNginx({ authUrl: `${baseUrl}/api/v1/internal/nginx-auth`, secret: SECRET });
  }, 120_000);

  afterAll(async () => {
    await nginx?.stop();
    await app?.close();
    await apiPrisma?.$disconnect();
    await Promise.all([a, b, standby, c].map((backend) => backend?.stop()));
    await db?.drop();
    for (const path of Object.values(directories)) rmSync(path, { recursive: true, force: true });
  });

  it('logs IMAP and POP3 users of both domains in through nginx; a wrong password is refused at the front-end', async () => {
    expect(await loginThroughNginx('imap', nginx.imapPort, 'ann@alpha.test'), nginx.errorLog()).toMatchObject({ ok: true, detail: 'OK 0' });
    expect(await loginThroughNginx('imap', nginx.imapPort, 'bob@beta.test')).toMatchObject({ ok: true, detail: 'OK 0' });
    expect(await loginThroughNginx('pop3', nginx.pop3Port, 'ann@alpha.test')).toMatchObject({ ok: true, detail: 'STAT 0 0' });
    expect(await loginThroughNginx('pop3', nginx.pop3Port, 'bob@beta.test')).toMatchObject({ ok: true, detail: 'STAT 0 0' });
    const wrong = await loginThroughNginx('pop3', nginx.pop3Port, 'ann@alpha.test', 'wrong-password');
    expect(wrong.ok).toBe(false);
    expect(wrong.detail).toContain('Invalid login or password');
    const wrongSmtp = await submitThroughNginx(nginx.smtpPort, 'ann@alpha.test', 'nope', ['bob@beta.test'], 'wrong-password');
    expect(wrongSmtp).toMatchObject({ ok: false });
    expect(wrongSmtp.detail).toContain('535');
  });

  it('takes SMTP through nginx to the sender\'s back-end, which stores its own mailboxes\' copies and relays the others to their owner: each message once, on its owner', async () => {
    expect(await submitThroughNginx(nginx.smtpPort, 'ann@alpha.test', 'from ann', ['ann@alpha.test', 'bob@beta.test']), nginx.errorLog()).toMatchObject({ ok: true });
    expect(await submitThroughNginx(nginx.smtpPort, 'bob@beta.test', 'from bob', ['ann@alpha.test', 'bob@beta.test'])).toMatchObject({ ok: true });
    const ann = await eventually(() => inbox('ann@alpha.test'), (messages) => messages.length >= 2);
    const bob = await eventually(() => inbox('bob@beta.test'), (messages) => messages.length >= 2);
    // nginx handed the verified login over with XCLIENT (ESMTPA); a relay between back-ends
    // upgrades to TLS (ESMTPS); the owner's hop is the newest, the file in the owner's unit.
    expect(bySubject(ann)).toEqual({
      'from ann': { subject: 'from ann', hops: ['backend-a ESMTPA'], unit: units['unit-a'] },
      'from bob': { subject: 'from bob', hops: ['backend-a ESMTPS', 'backend-b ESMTPA'], unit: units['unit-a'] },
    });
    expect(bySubject(bob)).toEqual({
      'from ann': { subject: 'from ann', hops: ['backend-b ESMTPS', 'backend-a ESMTPA'], unit: units['unit-b'] },
      'from bob': { subject: 'from bob', hops: ['backend-b ESMTPA'], unit: units['unit-b'] },
    });
    expect(await eventually(() => db.prisma.queueEntry.count(), (n) => n === 0)).toBe(0);
  });

  it('routes an account by its own mailHost: it sends from that node, and mail for it is stored there', async () => {
    expect(await loginThroughNginx('imap', nginx.imapPort, 'max@alpha.test')).toMatchObject({ ok: true });
    expect(await submitThroughNginx(nginx.smtpPort, 'ann@alpha.test', 'to max', ['max@alpha.test'])).toMatchObject({ ok: true });
    expect(await submitThroughNginx(nginx.smtpPort, 'max@alpha.test', 'max to ann', ['ann@alpha.test'])).toMatchObject({ ok: true });
    const max = await eventually(() => inbox('max@alpha.test'), (messages) => messages.length >= 1);
    expect(max.map((m) => [m.subject, m.hops])).toEqual([['to max', ['backend-b ESMTPS', 'backend-a ESMTPA']]]);
    const ann = await eventually(() => inbox('ann@alpha.test'), (messages) => messages.some((m) => m.subject === 'max to ann'));
    expect(ann.find((m) => m.subject === 'max to ann')?.hops).toEqual(['backend-a ESMTPS', 'backend-b ESMTPA']);
  });

  it('keeps domain A working when back-end 2 is killed, queues A\'s mail for B, and serves B from a stand-by sharing its storage after failover', async () => {
    await b.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const down = await loginThroughNginx('pop3', nginx.pop3Port, 'bob@beta.test');
    expect(down.ok).toBe(false);
    expect(down.detail).toContain('Temporary server problem');
    const downSmtp = await submitThroughNginx(nginx.smtpPort, 'max@alpha.test', 'nope', ['ann@alpha.test']);
    expect(downSmtp.ok).toBe(false);
    expect(downSmtp.detail).toContain('454');
    // Domain A is untouched, and its mail for B waits in the queue instead of being stored on A.
    expect(await loginThroughNginx('imap', nginx.imapPort, 'ann@alpha.test')).toMatchObject({ ok: true });
    expect(await submitThroughNginx(nginx.smtpPort, 'ann@alpha.test', 'while b was down', ['bob@beta.test', 'ann@alpha.test'])).toMatchObject({ ok: true });
    const waiting = await eventually(
      () => db.prisma.queueEntry.findMany({ where: { recipient: 'bob@beta.test' } }),
      (entries) => entries.some((e) => e.attempts > 0),
    );
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.lastError).toMatch(/backend-b/);
    expect((await inbox('ann@alpha.test')).map((m) => m.subject)).toContain('while b was down');
    expect((await inbox('bob@beta.test')).map((m) => m.subject).sort()).toEqual(['from ann', 'from bob']);

    // The stand-by mounts the failed node's storage (here: the same data directory).
    standby = await startBackend('backend-b-standby', db.url, directories['backend-b']!, db.prisma);
    const failover = await staff.post('/cluster/failover', { from: 'backend-b', to: 'backend-b-standby' });
    expect(failover.status).toBe(200);
    expect(failover.body).toMatchObject({ domains: ['beta.test'], accounts: 1 });
    const imapBob = await loginThroughNginx('imap', nginx.imapPort, 'bob@beta.test');
    expect(imapBob).toMatchObject({ ok: true });
    expect(imapBob.subjects?.slice(0, 2).sort()).toEqual(['from ann', 'from bob']);
    expect(await loginThroughNginx('imap', nginx.imapPort, 'max@alpha.test')).toMatchObject({ ok: true, subjects: ['to max'] });
    // The queued relay follows the fail-over on its next retry.
    const bob = await eventually(() => inbox('bob@beta.test'), (messages) => messages.some((m) => m.subject === 'while b was down'));
    expect(bob.find((m) => m.subject === 'while b was down')).toMatchObject({ hops: ['backend-b-standby ESMTPS', 'backend-a ESMTPA'], unit: units['unit-b'] });
  });

  it('takes a back-end that joins while running: a new domain assigned to it lands there, nginx unchanged, A untouched', async () => {
    c = await startBackend('backend-c', db.url, directory('backend-c'), db.prisma);
    await mailDomain(db.prisma, 'gamma.test');
    await mailbox(db.prisma, 'gil@gamma.test');
    await unitFor('unit-c', directories['backend-c']!, 'gamma.test');
    const nodes = (await staff.get('/cluster/nodes')).body.items;
    expect(nodes.find((n: any) => n.id === 'backend-c')).toMatchObject({ healthy: true, role: 'backend' });
    expect((await staff.put('/domains/gamma.test/backend', { node: 'backend-c' })).status).toBe(200);
    expect(await loginThroughNginx('pop3', nginx.pop3Port, 'gil@gamma.test')).toMatchObject({ ok: true });
    expect(await loginThroughNginx('pop3', nginx.pop3Port, 'ann@alpha.test')).toMatchObject({ ok: true });
    expect(await submitThroughNginx(nginx.smtpPort, 'ann@alpha.test', 'welcome gil', ['gil@gamma.test'])).toMatchObject({ ok: true });
    expect(await submitThroughNginx(nginx.smtpPort, 'gil@gamma.test', 'hello ann', ['ann@alpha.test'])).toMatchObject({ ok: true });
    const gil = await eventually(() => inbox('gil@gamma.test'), (messages) => messages.length >= 1);
    expect(gil).toEqual([{ subject: 'welcome gil', hops: ['backend-c ESMTPS', 'backend-a ESMTPA'], unit: units['unit-c'] }]);
    const ann = await eventually(() => inbox('ann@alpha.test'), (messages) => messages.some((m) => m.subject === 'hello ann'));
    expect(ann.find((m) => m.subject === 'hello ann')).toMatchObject({ hops: ['backend-a ESMTPS', 'backend-c ESMTPA'], unit: units['unit-a'] });
  });
});
