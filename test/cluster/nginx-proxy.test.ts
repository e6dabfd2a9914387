/**
 * The cluster on one machine: one PostgreSQL database, two back-end engines (nodes
 * backend-a and backend-b, each with its own ports and data directory), one API serving the
 * auth endpoint, and a real nginx mail proxy in front. Python's imaplib and poplib log in
 * through nginx; which engine verified the login shows where nginx took the session.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineConfig, nodeAddresses, startEngine, startNodeHeartbeat, type RunningEngine } from '@schoolmail/mail-engine';
import { createPrismaClient } from '@schoolmail/prisma';
import { loadConfig, type ApiConfig } from '../../apps/api/src/config.js';
import { ensureFirstAdmin } from '../../apps/api/src/auth/first-admin.js';
import { createHttpApp } from '../../apps/api/src/http-app.js';
import { ApiClient, STAFF_PASSWORD } from '../support/api.js';
import { createTestDatabase } from '../support/database.js';
import { ensureNginx, startTestNginx, type TestNginx } from '../support/nginx.js';
import { MAIL_PASSWORD, mailDomain, mailbox } from '../support/smtp.js';

const SECRET = 'cluster-test-secret';
process.env.SCHOOLMAIL_NGINX_AUTH_SECRET = SECRET;
process.env.SCHOOLMAIL_NODE_STALE_SECONDS = '3';

const hasNginx = ensureNginx();

interface Backend {
  id: string;
  engine: RunningEngine;
  /** "service:user" of every login this engine accepted. */
  logins: string[];
  stop(): Promise<void>;
}

async function startBackend(id: string, databaseUrl: string): Promise<Backend> {
  const prisma = createPrismaClient(databaseUrl);
  const dataDir = mkdtempSync(join(tmpdir(), `schoolmail-${id}-`));
  const config = {
    ...loadEngineConfig({}),
    nodeId: id,
    hostname: `${id}.schoolmail.test`,
    dataDir,
    smtpPort: 0,
    submissionPort: 0,
    pop3Port: 0,
    imapPort: 0,
    listenHost: '127.0.0.1',
    // nginx logs in to back-ends in clear text on the internal network (TLS ends at nginx).
    allowPlainAuth: true,
  };
  const engine = await startEngine({ prisma, config, log: () => {}, queueWorkers: false });
  const logins: string[] = [];
  const login = engine.access.login.bind(engine.access);
  engine.access.login = async (request) => {
    const outcome = await login(request);
    if (outcome.ok) logins.push(`${request.service}:${request.user}`);
    return outcome;
  };
  const stopHeartbeat = await startNodeHeartbeat(
    prisma,
    { id, role: 'backend', addresses: nodeAddresses({ host: '127.0.0.1', mail: engine.ports }), version: 'test' },
    { intervalSeconds: 0.5 },
  );
  let stopped: Promise<void> | undefined;
  return {
    id,
    engine,
    logins,
    stop: () =>
      (stopped ??= (async () => {
        await stopHeartbeat();
        await engine.stop();
        await prisma.$disconnect();
        rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}

function loginThroughNginx(protocol: 'imap' | 'pop3', port: number, user: string, password = MAIL_PASSWORD): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(import.meta.dirname, 'mail_login.py'), protocol, '127.0.0.1', String(port), user, password]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`mail_login.py exited ${code}: ${stderr}`))));
  });
}

describe.skipIf(!hasNginx)('IMAP and POP3 through nginx to domain-pinned back-ends', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: Backend;
  let b: Backend;
  let c: Backend | undefined;
  let app: Awaited<ReturnType<typeof createHttpApp>>;
  let apiPrisma: ReturnType<typeof createPrismaClient>;
  let nginx: TestNginx;
  let staff: ApiClient;
  let apiDataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await mailDomain(db.prisma, 'alpha.test');
    await mailDomain(db.prisma, 'beta.test');
    await mailbox(db.prisma, 'ann@alpha.test');
    await mailbox(db.prisma, 'bob@beta.test');
    a = await startBackend('backend-a', db.url);
    b = await startBackend('backend-b', db.url);

    apiDataDir = mkdtempSync(join(tmpdir(), 'schoolmail-cluster-api-'));
    const config: ApiConfig = { ...loadConfig({}), dataDir: apiDataDir, databaseUrl: db.url, adminUser: 'staff', adminPassword: STAFF_PASSWORD, httpPort: 0 };
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
  });

  afterAll(async () => {
    await nginx?.stop();
    await app?.close();
    await apiPrisma?.$disconnect();
    await a?.stop();
    await b?.stop();
    await c?.stop();
    await db?.drop();
    if (apiDataDir) rmSync(apiDataDir, { recursive: true, force: true });
  });

  it('lands IMAP and POP3 logins of each domain on the back-end that holds it', async () => {
    const imapAnn = await loginThroughNginx('imap', nginx.imapPort, 'ann@alpha.test');
    expect(imapAnn, nginx.errorLog()).toMatchObject({ ok: true, detail: 'OK 0' });
    const imapBob = await loginThroughNginx('imap', nginx.imapPort, 'bob@beta.test');
    expect(imapBob).toMatchObject({ ok: true });
    const popAnn = await loginThroughNginx('pop3', nginx.pop3Port, 'ann@alpha.test');
    expect(popAnn).toMatchObject({ ok: true, detail: 'STAT 0 0' });
    const popBob = await loginThroughNginx('pop3', nginx.pop3Port, 'bob@beta.test');
    expect(popBob).toMatchObject({ ok: true });
    expect(a.logins).toEqual(['imap:ann@alpha.test', 'pop3:ann@alpha.test']);
    expect(b.logins).toEqual(['imap:bob@beta.test', 'pop3:bob@beta.test']);
  });

  it('refuses a wrong password at the front-end: no back-end sees the session', async () => {
    const before = [a.logins.length, b.logins.length];
    const wrong = await loginThroughNginx('pop3', nginx.pop3Port, 'ann@alpha.test', 'wrong-password');
    expect(wrong.ok).toBe(false);
    expect(wrong.detail).toContain('Invalid login or password');
    expect([a.logins.length, b.logins.length]).toEqual(before);
  });

  it('gives a temporary failure while a back-end is down, and routes to the stand-by after failover', async () => {
    await b.stop();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const down = await loginThroughNginx('pop3', nginx.pop3Port, 'bob@beta.test');
    expect(down.ok).toBe(false);
    expect(down.detail).toContain('Temporary server problem');
    // Domain A is untouched.
    expect(await loginThroughNginx('imap', nginx.imapPort, 'ann@alpha.test')).toMatchObject({ ok: true });

    const failover = await staff.post('/cluster/failover', { from: 'backend-b', to: 'backend-a' });
    expect(failover.status).toBe(200);
    expect(failover.body.domains).toEqual(['beta.test']);
    const imapBob = await loginThroughNginx('imap', nginx.imapPort, 'bob@beta.test');
    expect(imapBob).toMatchObject({ ok: true });
    expect(a.logins.at(-1)).toBe('imap:bob@beta.test');
  });

  it('takes a back-end that joins while running: a new domain assigned to it lands there, nginx unchanged', async () => {
    c = await startBackend('backend-c', db.url);
    await mailDomain(db.prisma, 'gamma.test');
    await mailbox(db.prisma, 'gil@gamma.test');
    const nodes = (await staff.get('/cluster/nodes')).body.items;
    expect(nodes.find((n: any) => n.id === 'backend-c')).toMatchObject({ healthy: true, role: 'backend' });
    expect((await staff.put('/domains/gamma.test/backend', { node: 'backend-c' })).status).toBe(200);
    expect(await loginThroughNginx('pop3', nginx.pop3Port, 'gil@gamma.test')).toMatchObject({ ok: true });
    expect(await loginThroughNginx('pop3', nginx.pop3Port, 'ann@alpha.test')).toMatchObject({ ok: true });
    expect(c.logins).toEqual(['pop3:gil@gamma.test']);
    expect(a.logins.at(-1)).toBe('pop3:ann@alpha.test');
  });
});
