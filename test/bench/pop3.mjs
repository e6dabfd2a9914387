// Issue 4 benchmark: POP3 retrieval. 50 clients at once (BENCH_CLIENTS), each logging in to
// its own mailbox and retrieving its 20 messages of 10 KB (BENCH_MESSAGES, BENCH_MESSAGE_KB)
// with RETR, then QUIT: messages/s over the whole round, and p50/p95 of one RETR. The clients
// run in a child process (the other core), the engine in this one, on its own embedded
// PostgreSQL; messages are put in place through the MailStore (this measures POP3, not
// SMTP). Median of BENCH_ROUNDS rounds (default 3). Needs a build (`npm run build`, or
// `npx tsc -b libs/mail-engine`); run with `npm run bench -- pop3`.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fmt, percentile } from './lib.mjs';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const MESSAGE_KB = Number(process.env.BENCH_MESSAGE_KB ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PASSWORD = 'bench-mail-password-1';

/** One POP3 client: login, RETR 1..n, QUIT; answers the RETR latencies. */
function popClient(port, user, count) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const latencies = [];
    let step = 'greeting';
    let message = 0;
    let sentAt = 0;
    const send = (line) => {
      sentAt = performance.now();
      socket.write(`${line}\r\n`);
    };
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (step === 'retr') {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          if (!buffer.subarray(0, 3).equals(Buffer.from('+OK'))) return reject(new Error(`RETR: ${buffer.subarray(0, 80)}`));
          buffer = buffer.subarray(end + 5);
          latencies.push(performance.now() - sentAt);
          if (++message <= count) send(`RETR ${message}`);
          else {
            step = 'quit';
            send('QUIT');
          }
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 2);
        if (!line.startsWith('+OK')) return reject(new Error(`${step}: ${line}`));
        if (step === 'greeting') (step = 'user'), send(`USER ${user}`);
        else if (step === 'user') (step = 'pass'), send(`PASS ${PASSWORD}`);
        else if (step === 'pass') (step = 'retr'), (message = 1), send('RETR 1');
        else if (step === 'quit') return socket.end(), resolve(latencies);
      }
    });
  });
}

if (process.argv[2] === 'clients') {
  const { port, users, count } = JSON.parse(process.argv[3]);
  const started = performance.now();
  const latencies = (await Promise.all(users.map((user) => popClient(port, user, count)))).flat();
  process.send({ seconds: (performance.now() - started) / 1000, latencies });
  process.exit(0);
}

const { applyMigrations, createPrismaClient, startEmbeddedPostgres } = await import('../../prisma/dist/src/index.js');
const { hashPassword, loadEngineConfig, startEngine } = await import('../../libs/mail-engine/dist/index.js');

function round(port, users) {
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, ['clients', JSON.stringify({ port, users, count: MESSAGES })], { stdio: 'inherit' });
    child.once('message', resolve);
    child.once('exit', (code) => code !== 0 && reject(new Error(`clients exited ${code}`)));
  });
}

function messageOf(user, i) {
  const line = `${user} message ${i} `.padEnd(76, 'x');
  const header = `From: <teacher@outside.test>\r\nTo: <${user}>\r\nSubject: bench ${i}\r\nMessage-ID: <${i}.${user}>\r\n\r\n`;
  const lines = Math.ceil((MESSAGE_KB * 1024 - header.length) / 78);
  return Buffer.from(header + Array.from({ length: lines }, () => line).join('\r\n') + '\r\n', 'latin1');
}

const dataDir = mkdtempSync(join(os.tmpdir(), 'schoolmail-bench-pop3-'));
const pgDir = mkdtempSync(join(os.tmpdir(), 'schoolmail-bench-pop3-pg-'));
const database = await startEmbeddedPostgres({ dataDir: pgDir, port: 20000 + Math.floor(Math.random() * 30000), persistent: false });
const prisma = createPrismaClient(database.url);
let engine;
try {
  await applyMigrations(database.url);
  const domain = await prisma.domain.create({ data: { name: 'bench.k12.us', path: 'pending' } });
  await prisma.domain.update({ where: { id: domain.id }, data: { path: `/${domain.id}/` } });
  const hash = await hashPassword(PASSWORD);
  const users = Array.from({ length: CLIENTS }, (_, i) => `reader${i}@bench.k12.us`);
  await prisma.account.createMany({ data: users.map((address) => ({ address, localPart: address.split('@')[0], domainId: domain.id, passwordHash: hash })) });
  engine = await startEngine({
    prisma,
    databaseUrl: database.url,
    config: { ...loadEngineConfig({}), hostname: 'bench.schoolmail.test', dataDir, smtpPort: 0, submissionPort: 0, pop3Port: 0, imapPort: 0, listenHost: '127.0.0.1', allowPlainAuth: true },
    log: () => {},
    queueWorkers: false,
    authFailuresPerClient: 0,
    authFailuresPerAccount: 0,
  });
  const accounts = await prisma.account.findMany({ select: { id: true, address: true } });
  for (const account of accounts) {
    const inbox = await engine.store.folder(account.id, 'INBOX');
    for (let i = 1; i <= MESSAGES; i++) await engine.store.append(account.id, inbox.id, messageOf(account.address, i), [], new Date());
  }

  console.log(`pop3: ${CLIENTS} concurrent clients x ${MESSAGES} RETR of ${MESSAGE_KB} KB, ${ROUNDS} rounds, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  const results = [];
  for (let r = 0; r < ROUNDS; r++) {
    const { seconds, latencies } = await round(engine.ports.pop3, users);
    const perSecond = latencies.length / seconds;
    results.push(perSecond);
    console.log(`  round ${r + 1}: ${fmt(perSecond)} messages/s (${latencies.length} in ${fmt(seconds, 2)} s)   RETR p50 ${fmt(percentile(latencies, 50), 2)} ms   p95 ${fmt(percentile(latencies, 95), 2)} ms`);
  }
  console.log(`  median: ${fmt(percentile(results, 50))} messages/s (${fmt((percentile(results, 50) * MESSAGE_KB) / 1024, 2)} MB/s of message data)`);
} finally {
  await engine?.stop();
  await prisma.$disconnect();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(pgDir, { recursive: true, force: true });
}
