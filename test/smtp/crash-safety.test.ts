/**
 * Crash safety (issue 3): the built server (apps/api/dist/main.js, HTTP API + mail engine) is
 * killed with SIGKILL several times while an independent client (Python's smtplib,
 * test/support/crash-client.py) keeps sending numbered messages, and restarted each time.
 * Afterwards every message answered 250 is in the mailbox exactly once, under the queue id it
 * was answered with; nothing refused, or never sent, is there; no message is there twice; and
 * what is stored is consistent (each blob file hashes to its name, reference counts, quota
 * usage, UIDs).
 *
 * Two crashes: the whole machine's processes at once (server, embedded PostgreSQL and all its
 * backends: the database recovers from its WAL), and the engine alone on a database that
 * survives. Neither loses the page cache, so this tests the order of fsync/commit/reply, not
 * the drive's honesty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { createTestDatabase } from '../support/database.js';

const main = join(import.meta.dirname, '../../apps/api/dist/main.js');
const clientScript = join(import.meta.dirname, '../support/crash-client.py');
// Below the kernel's ephemeral range (32768-60999): a server restarted on the same port must not find
// it taken meanwhile by some outgoing connection.
const randomPort = () => 20000 + Math.floor(Math.random() * 12000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ADMIN_PASSWORD = 'crash-admin-password-1';
const DOMAIN = 'crash.k12.us';
const MAILBOX = `jane@${DOMAIN}`;
const FORBIDDEN_WORD = 'zorblax';
const MAX_MESSAGE_KB = 32;
const KILLS = 4;

interface Server {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Everything one test's server generations printed, for the failure messages. */
class ServerLog {
  text = '';
  tail = () => this.text.slice(-4000);
}

/** Children still alive when a test gives up (timeout, assertion): stopped after all. */
const running = new Set<ChildProcess>();

async function launch(env: Record<string, string>, httpPort: number, log: ServerLog): Promise<Server> {
  const child = spawn(process.execPath, [main], { env: { ...process.env, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk) => (log.text += chunk));
  child.stderr!.on('data', (chunk) => (log.text += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  running.add(child);
  void exited.then(() => running.delete(child));
  const health = new ApiClient(`http://127.0.0.1:${httpPort}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited while starting:\n${log.tail()}`);
    // The engine starts before the HTTP listener, so a healthy API means SMTP is up too.
    if ((await health.request('GET', '/api/health').catch(() => null))?.status === 200) return { child, exited };
    if (Date.now() > deadline) throw new Error(`server did not start:\n${log.tail()}`);
    await sleep(100);
  }
}

async function stopGracefully(server: Server | undefined) {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function isGone(pid: number) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function waitUntilGone(pids: number[]) {
  const deadline = Date.now() + 15_000;
  while (pids.some((pid) => !isGone(pid))) {
    if (Date.now() > deadline) throw new Error(`processes ${pids.filter((pid) => !isGone(pid)).join(', ')} outlived SIGKILL`);
    await sleep(20);
  }
  // The next postmaster refuses to start while the old one's pid is still a zombie.
  const deadlineForReaping = Date.now() + 15_000;
  while (pids.some((pid) => existsSync(`/proc/${pid}`)) && Date.now() < deadlineForReaping) await sleep(20);
}

function killQuietly(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGKILL of the engine process only. */
async function crashServer(server: Server) {
  server.child.kill('SIGKILL');
  await server.exited;
}

/**
 * SIGKILL of the server, its embedded postmaster and every PostgreSQL backend at the same
 * moment, as a power cut would stop them. The postmaster is frozen first so that it forks no
 * backend we do not know of. Backends are session leaders of their own, so a process-group
 * kill would miss them: they are found as the postmaster's children.
 */
async function crashServerAndDatabase(server: Server, pgDir: string) {
  const postmaster = Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const commandLine = readFileSync(`/proc/${postmaster}/cmdline`, 'utf8');
  if (parentOf(postmaster) !== server.child.pid || !commandLine.includes(pgDir)) throw new Error(`postmaster.pid names ${postmaster}, which is not our server's PostgreSQL`);
  process.kill(postmaster, 'SIGSTOP');
  const backends = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => parentOf(pid) === postmaster);
  server.child.kill('SIGKILL');
  for (const pid of backends) killQuietly(pid, 'SIGKILL');
  killQuietly(postmaster, 'SIGKILL');
  await server.exited;
  await waitUntilGone([postmaster, ...backends]);
}

type Kind = 'good' | 'unknown-recipient' | 'forbidden-word' | 'oversize';
interface Attempt {
  token: number;
  kind: Kind;
  outcome: 'accepted' | 'refused' | 'unknown' | 'unsent';
  code?: number;
  reply?: string;
  queueId?: string | null;
  /** Which server generation was running when the client reported it. */
  generation: number;
}

function startClient(spec: Record<string, unknown>, generation: () => number) {
  const child = spawn('python3', [clientScript], { stdio: ['pipe', 'pipe', 'pipe'] });
  const attempts = new Map<number, Attempt>();
  let pending = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const attempt = { ...JSON.parse(line), generation: generation() } as Attempt;
      if (attempts.has(attempt.token)) throw new Error(`the client reported token ${attempt.token} twice`);
      attempts.set(attempt.token, attempt);
    }
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  running.add(child);
  void exited.then(() => running.delete(child));
  child.stdin.write(`${JSON.stringify(spec)}\n`);
  return {
    attempts,
    async stop() {
      child.stdin.end();
      const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        throw new Error('the SMTP client did not stop within 30 s');
      }
      if (code !== 0) throw new Error(`the SMTP client exited ${code}: ${stderr}`);
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** The mailbox, domain, size limit and word list the messages are judged by, made through the API. */
async function provision(httpPort: number) {
  const anonymous = new ApiClient(`http://127.0.0.1:${httpPort}`);
  const login = await anonymous.post('/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  expect(login.status).toBe(200);
  const admin = new ApiClient(anonymous.baseUrl, login.body.accessToken);
  const created = [
    await admin.post('/domains', { name: DOMAIN }),
    await admin.post('/classes-of-service', { name: 'Crash test', maxMessageSizeKb: MAX_MESSAGE_KB, mailboxQuotaMb: 2048, maxRecipients: 10 }),
    await admin.post('/word-lists', { name: 'crash words', scope: 'domain', domain: DOMAIN, action: 'reject', direction: 'inbound', entries: [FORBIDDEN_WORD] }),
    await admin.post(`/domains/${DOMAIN}/accounts`, { localPart: 'jane', password: 'mailbox-password-1', classOfService: 'Crash test' }),
  ];
  for (const response of created) expect(response.status, JSON.stringify(response.body)).toBe(201);
}

interface StoredMessage {
  uid: number;
  size: number;
  blobId: string;
  sha256: string;
  blobSize: number;
  refCount: number;
  references: number;
  state: string;
  directory: string;
}

/** Every message of the mailbox with its blob row, and what the account and folder say about them. */
async function readMailbox(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const messages = await client.query<StoredMessage>(
      `SELECT m."uid", m."size", b."id"::text AS "blobId", b."sha256", b."size" AS "blobSize", b."refCount", b."state"::text AS "state", u."directory",
              (SELECT count(*)::int FROM "MailboxMessage" r WHERE r."blobId" = b."id")
            + (SELECT count(*)::int FROM "OutboundMessage" o WHERE o."blobId" = b."id")
            + (SELECT count(*)::int FROM "QuarantineEntry" q WHERE q."blobId" = b."id") AS "references"
       FROM "MailboxMessage" m
       JOIN "MailboxFolder" f ON f."id" = m."folderId"
       JOIN "Account" a ON a."id" = f."accountId"
       JOIN "MessageBlob" b ON b."id" = m."blobId"
       JOIN "StorageUnit" u ON u."id" = b."storageUnitId"
       WHERE a."address" = $1 ORDER BY m."uid"`,
      [MAILBOX],
    );
    const account = await client.query<{ quotaUsedBytes: string }>(`SELECT "quotaUsedBytes"::text AS "quotaUsedBytes" FROM "Account" WHERE "address" = $1`, [MAILBOX]);
    const folders = await client.query<{ name: string; uidNext: number }>(
      `SELECT f."name", f."uidNext" FROM "MailboxFolder" f JOIN "Account" a ON a."id" = f."accountId" WHERE a."address" = $1`,
      [MAILBOX],
    );
    return { messages: messages.rows, quotaUsedBytes: Number(account.rows[0]!.quotaUsedBytes), inboxUidNext: folders.rows.find((f) => f.name === 'INBOX')?.uidNext ?? 1 };
  } finally {
    await client.end();
  }
}

const blobPath = (directory: string, sha256: string) => join(directory, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

/** Waits until a server generation has accepted a message, so that every crash hits a working server. */
async function firstAcceptance(attempts: Map<number, Attempt>, generation: number, log: ServerLog) {
  const deadline = Date.now() + 30_000;
  const accepted = () => [...attempts.values()].some((a) => a.generation === generation && a.outcome === 'accepted');
  while (!accepted()) {
    if (Date.now() > deadline) throw new Error(`server generation ${generation} accepted no message in 30 s:\n${log.tail()}`);
    await sleep(20);
  }
}

/**
 * Runs the client across KILLS crashes and restarts, then checks the mailbox. `crash` kills
 * the running server in the variant's way; `databaseUrl` reads the data afterwards.
 */
async function sendThroughCrashes(options: {
  env: Record<string, string>;
  httpPort: number;
  smtpPort: number;
  crash: (server: Server) => Promise<void>;
  databaseUrl: string;
  log: ServerLog;
}) {
  let generation = 0;
  let server: Server | undefined = await launch(options.env, options.httpPort, options.log);
  let client: ReturnType<typeof startClient> | undefined;
  try {
    // Provisioned before the client starts: the engine caches "no such domain" for a few seconds.
    await provision(options.httpPort);
    client = startClient(
      {
        host: '127.0.0.1',
        port: options.smtpPort,
        sender: 'friend@example.org',
        recipient: MAILBOX,
        unknownRecipient: `nobody@${DOMAIN}`,
        forbiddenWord: FORBIDDEN_WORD,
        oversizeBytes: (MAX_MESSAGE_KB + 16) * 1024,
        workers: 6,
        runId: Math.random().toString(36).slice(2, 8),
      },
      () => generation,
    );
    for (let kill = 1; kill <= KILLS; kill++) {
      await firstAcceptance(client.attempts, generation, options.log);
      await sleep(300 + Math.random() * 1500);
      await options.crash(server);
      server = undefined;
      server = await launch(options.env, options.httpPort, options.log);
      // Only now: a 250 read from the pipe during the restart came from the killed server.
      generation++;
    }
    await firstAcceptance(client.attempts, generation, options.log);
    await sleep(1000);
    await client.stop();
    const mailbox = await readMailbox(options.databaseUrl);
    return { attempts: [...client.attempts.values()], mailbox, generations: generation + 1 };
  } catch (error) {
    client?.kill();
    throw error;
  } finally {
    await stopGracefully(server);
  }
}

async function expectCrashSafe(result: Awaited<ReturnType<typeof sendThroughCrashes>>, log: ServerLog) {
  const { attempts, mailbox } = result;
  const byToken = new Map(attempts.map((a) => [a.token, a]));
  const tally: Record<string, number> = {};
  for (const a of attempts) tally[`${a.kind}:${a.outcome}`] = (tally[`${a.kind}:${a.outcome}`] ?? 0) + 1;
  console.log(`crash safety: ${result.generations} server generations, ${mailbox.messages.length} messages stored, attempts ${JSON.stringify(tally)}`);

  // The run means something: mail flowed, in every generation, and every refusal kind was tried.
  const accepted = attempts.filter((a) => a.outcome === 'accepted');
  expect(accepted.length, log.tail()).toBeGreaterThan(50);
  for (let generation = 0; generation < result.generations; generation++) {
    expect(accepted.some((a) => a.generation === generation), `no message accepted by server generation ${generation}`).toBe(true);
  }
  for (const kind of ['unknown-recipient', 'forbidden-word', 'oversize'] as const) {
    expect(attempts.some((a) => a.kind === kind && a.outcome === 'refused'), `no ${kind} message was refused`).toBe(true);
    expect(attempts.filter((a) => a.kind === kind && a.outcome === 'accepted'), `${kind} messages answered 250`).toEqual([]);
  }

  // What is stored: each file intact, each row consistent.
  const copies = new Map<number, number>();
  const storedQueueId = new Map<number, string>();
  const problems: string[] = [];
  for (const message of mailbox.messages) {
    const bytes = await readFile(blobPath(message.directory, message.sha256)).catch(() => null);
    if (!bytes) {
      problems.push(`uid ${message.uid}: blob ${message.sha256} has no file`);
      continue;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== message.sha256) problems.push(`uid ${message.uid}: blob ${message.sha256} does not hash to its name`);
    if (bytes.length !== message.blobSize || message.size !== message.blobSize) problems.push(`uid ${message.uid}: sizes ${bytes.length}/${message.blobSize}/${message.size} disagree`);
    if (message.state !== 'ok') problems.push(`uid ${message.uid}: blob state ${message.state}`);
    if (message.refCount !== message.references) problems.push(`blob ${message.blobId}: refCount ${message.refCount}, ${message.references} references`);
    const text = bytes.toString('latin1');
    const tokens = [...text.matchAll(/^Message-ID: <crash-\w+-(\d+)@crash\.test>/gim)].map((m) => Number(m[1]));
    if (tokens.length !== 1) {
      problems.push(`uid ${message.uid}: ${tokens.length} crash-test Message-IDs`);
      continue;
    }
    const token = tokens[0]!;
    copies.set(token, (copies.get(token) ?? 0) + 1);
    storedQueueId.set(token, /\(Schoolmail\) with \S+ id (\S+)/.exec(text)?.[1] ?? '?');
  }
  expect(problems).toEqual([]);
  const unknown = attempts.filter((a) => a.outcome === 'unknown');
  console.log(`crash safety: of ${unknown.length} messages cut off after DATA, ${unknown.filter((a) => copies.has(a.token)).length} were stored`);

  // Exactly once for every 250; at most once for the rest; never for what the client was refused or never sent.
  const duplicates = [...copies].filter(([, n]) => n > 1).map(([token, n]) => ({ token, copies: n, attempt: byToken.get(token) }));
  expect(duplicates, 'messages stored more than once').toEqual([]);
  const lost = accepted.filter((a) => !copies.has(a.token));
  expect(lost, 'messages answered 250 but not in the mailbox').toEqual([]);
  const misfiled = accepted.filter((a) => storedQueueId.get(a.token) !== a.queueId).map((a) => ({ ...a, storedAs: storedQueueId.get(a.token) }));
  expect(misfiled, 'messages stored under another queue id than they were answered with').toEqual([]);
  const unexpected = [...copies.keys()]
    .map((token) => byToken.get(token) ?? { token, outcome: 'never reported by the client' })
    .filter((a) => !('kind' in a) || a.outcome === 'refused' || a.outcome === 'unsent' || a.kind !== 'good');
  expect(unexpected, 'messages stored that were refused, never sent, or had to be refused').toEqual([]);

  // The account and folder agree with what they hold.
  expect(mailbox.quotaUsedBytes).toBe(mailbox.messages.reduce((sum, m) => sum + m.size, 0));
  expect(mailbox.inboxUidNext).toBeGreaterThan(Math.max(0, ...mailbox.messages.map((m) => m.uid)));
}

const dataDirs: string[] = [];
afterAll(async () => {
  // SIGTERM: a server stops its embedded PostgreSQL on the way out.
  await Promise.all([...running].map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))));
  dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function ports() {
  const picked = new Set<number>();
  while (picked.size < 6) picked.add(randomPort());
  const [httpPort, smtpPort, submissionPort, pgPort, pop3Port, imapPort] = [...picked] as [number, number, number, number, number, number];
  return { httpPort, smtpPort, submissionPort, pgPort, pop3Port, imapPort };
}

function serverEnv(dataDir: string, p: ReturnType<typeof ports>): Record<string, string> {
  return {
    SCHOOLMAIL_DATA_DIR: dataDir,
    HTTP_PORT: String(p.httpPort),
    HTTP_HOST: '127.0.0.1',
    SMTP_PORT: String(p.smtpPort),
    SUBMISSION_PORT: String(p.submissionPort),
    POP3_PORT: String(p.pop3Port),
    IMAP_PORT: String(p.imapPort),
    SCHOOLMAIL_MAIL_HOST: '127.0.0.1',
    SCHOOLMAIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
}

describe('crash safety: SIGKILL while a client sends continuously', () => {
  it('loses, duplicates and lets in nothing when the server and its embedded PostgreSQL are killed together', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-crash-'));
    dataDirs.push(dataDir);
    const p = ports();
    const log = new ServerLog();
    const result = await sendThroughCrashes({
      env: { ...serverEnv(dataDir, p), SCHOOLMAIL_PG_PORT: String(p.pgPort) },
      httpPort: p.httpPort,
      smtpPort: p.smtpPort,
      crash: (server) => crashServerAndDatabase(server, join(dataDir, 'pg')),
      // Read while the last generation runs (stopped after): the database lives inside it.
      databaseUrl: `postgresql://schoolmail:schoolmail@127.0.0.1:${p.pgPort}/schoolmail`,
      log,
    });
    await expectCrashSafe(result, log);
  }, 180_000);

  it('loses, duplicates and lets in nothing when only the engine is killed and the database survives', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-crash-ext-'));
    dataDirs.push(dataDir);
    const p = ports();
    const log = new ServerLog();
    try {
      const result = await sendThroughCrashes({
        env: { ...serverEnv(dataDir, p), DATABASE_URL: db.url },
        httpPort: p.httpPort,
        smtpPort: p.smtpPort,
        crash: crashServer,
        databaseUrl: db.url,
        log,
      });
      await expectCrashSafe(result, log);
    } finally {
      await db.drop();
    }
  }, 180_000);
});
