/**
 * `npm start` as a user runs it: the built server (apps/api/dist/main.js) as a child
 * process, with nothing configured but a data directory and ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { createTestDatabase } from '../support/database.js';
import { codeOf, message, pythonSmtp } from '../support/smtp.js';

const main = join(import.meta.dirname, '../../apps/api/dist/main.js');
// Below the kernel's ephemeral range (32768-60999): a server restarted on the same port must not find
// it taken meanwhile by some outgoing connection.
const randomPort = () => 20000 + Math.floor(Math.random() * 12000);

async function startServer(env: Record<string, string>) {
  const port = randomPort();
  const smtpPort = randomPort();
  const submissionPort = randomPort();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtpPort),
      SUBMISSION_PORT: String(submissionPort),
      POP3_PORT: String(randomPort()),
      IMAP_PORT: String(randomPort()),
      SCHOOLMAIL_MAIL_HOST: '127.0.0.1',
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const client = new ApiClient(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      if ((await client.request('GET', '/api/health')).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, client, port, smtpPort, submissionPort, output: () => output };
}

function stop(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('npm start', () => {
  it('starts an embedded PostgreSQL, creates the first admin once, and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-start-'));
    dataDirs.push(dataDir);
    const env = { SCHOOLMAIL_DATA_DIR: dataDir, SCHOOLMAIL_PG_PORT: String(randomPort()) };
    const first = await startServer(env);
    try {
      const passwordFile = join(dataDir, 'admin-password');
      expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
      const password = readFileSync(passwordFile, 'utf8').trim();
      expect(first.output()).toContain(password);
      const login = await first.client.post('/auth/login', { username: 'admin', password });
      expect(login.status).toBe(200);
      const admin = new ApiClient(first.client.baseUrl, login.body.accessToken);
      expect((await admin.post('/domains', { name: 'persist.k12.us' })).status).toBe(201);
      const docs = await first.client.request('GET', '/api/docs-json');
      expect(docs.body.info.title).toContain('Schoolmail');
      expect((await first.client.request('GET', '/api/docs')).status).toBe(200);
    } finally {
      await stop(first.child);
    }
    const second = await startServer(env);
    try {
      expect(second.output()).not.toContain('created platform administrator');
      const password = readFileSync(join(dataDir, 'admin-password'), 'utf8').trim();
      const login = await second.client.post('/auth/login', { username: 'admin', password });
      const admin = new ApiClient(second.client.baseUrl, login.body.accessToken);
      expect((await admin.get('/domains/persist.k12.us')).status).toBe(200);
    } finally {
      await stop(second.child);
    }
  });

  it('uses DATABASE_URL when set and starts no embedded server', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-start-ext-'));
    dataDirs.push(dataDir);
    const server = await startServer({ SCHOOLMAIL_DATA_DIR: dataDir, DATABASE_URL: db.url, SCHOOLMAIL_ADMIN_USER: 'root', SCHOOLMAIL_ADMIN_PASSWORD: 'given-password-1' });
    try {
      expect(existsSync(join(dataDir, 'pg'))).toBe(false);
      expect(existsSync(join(dataDir, 'admin-password'))).toBe(false);
      const login = await server.client.post('/auth/login', { username: 'root', password: 'given-password-1' });
      expect(login.status).toBe(200);
      expect(await db.prisma.admin.count({ where: { username: 'root' } })).toBe(1);

      // The mail engine runs in the same process: a message to a mailbox made through the API lands in its INBOX.
      const admin = new ApiClient(server.client.baseUrl, login.body.accessToken);
      expect((await admin.post('/domains', { name: 'start.k12.us' })).status).toBe(201);
      expect((await admin.post('/domains/start.k12.us/accounts', { localPart: 'jane', password: 'mailbox-password-1' })).status).toBe(201);
      const sent = await pythonSmtp({ port: server.smtpPort, sender: 'friend@example.org', recipients: ['jane@start.k12.us'], message: message({ from: 'friend@example.org', to: 'jane@start.k12.us' }) });
      expect(codeOf(sent.reply('data'))).toBe('250 2.0.0');
      expect(await db.prisma.mailboxMessage.count({ where: { folder: { name: 'INBOX', account: { address: 'jane@start.k12.us' } } } })).toBe(1);
      expect(server.output()).toContain(`SMTP: MX on 127.0.0.1:${server.smtpPort}, submission on 127.0.0.1:${server.submissionPort}`);
    } finally {
      await stop(server.child);
      await db.drop();
    }
  });
});
