// Issue 4 benchmark: IMAP under 100 concurrent sessions. Each session, in a loop for 30 s,
// connects, LOGINs, SELECTs its INBOX (51 messages), FETCHes 1:50 (FLAGS ENVELOPE), FETCHes
// one 50 KB body (BODY.PEEK[]), STOREs +FLAGS on one message and LOGOUTs. Prints sessions/s,
// commands/s and p50/p95 per command. Plain IMAP (SCHOOLMAIL_ALLOW_PLAIN_AUTH) so the figures
// are IMAP's, not TLS handshakes'. Needs a build; run with `npm run bench -- imap`.
// BENCH_IMAP_SESSIONS and BENCH_IMAP_SECONDS change the load.
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { fmt, percentile, startServer } from './lib.mjs';

const SESSIONS = Number(process.env.BENCH_IMAP_SESSIONS ?? 100);
const SECONDS = Number(process.env.BENCH_IMAP_SECONDS ?? 30);
const SMALL_MESSAGES = 50;
const DOMAIN = 'imap-bench.test';
const PASSWORD = 'bench-mail-password-1';

const { hashPassword } = await import(join(import.meta.dirname, '../../libs/mail-engine/dist/index.js'));

/** A minimal IMAP client: one command at a time, answers when its tagged line arrives (literals skipped). */
class Imap {
  static connect(port) {
    return new Promise((resolve, reject) => {
      const imap = new Imap(createConnection({ port, host: '127.0.0.1' }));
      imap.socket.once('error', reject);
      imap.waiting = { test: (line) => line.startsWith('* OK'), resolve, value: imap };
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.buffer = '';
    this.at = 0;
    this.tag = 0;
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      this.buffer += chunk;
      this.scan();
    });
  }

  scan() {
    for (;;) {
      const end = this.buffer.indexOf('\r\n', this.at);
      if (end < 0) break;
      const line = this.buffer.slice(this.at, end);
      const literal = /\{(\d+)\}$/.exec(line);
      const next = end + 2 + (literal ? Number(literal[1]) : 0);
      if (next > this.buffer.length) break;
      this.at = next;
      if (this.waiting?.test(line)) {
        const { resolve, value } = this.waiting;
        this.waiting = undefined;
        const received = this.buffer.slice(0, this.at);
        this.buffer = this.buffer.slice(this.at);
        this.at = 0;
        resolve(value ?? { line, received });
      }
    }
  }

  command(text) {
    const tag = `b${++this.tag}`;
    return new Promise((resolve, reject) => {
      this.waiting = { test: (line) => line.startsWith(`${tag} `), resolve: ({ line, received }) => (line.startsWith(`${tag} OK`) ? resolve(received) : reject(new Error(`${text.slice(0, 40)}: ${line}`))) };
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  close() {
    this.socket.destroy();
  }
}

function message(i, bodyBytes) {
  const body = 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(bodyBytes / 45)).slice(0, bodyBytes);
  return [`From: "Teacher ${i}" <teacher${i}@${DOMAIN}>`, `To: <pupil@${DOMAIN}>`, `Subject: Assignment ${i}`, `Date: ${new Date(Date.UTC(2026, 0, 1 + (i % 28))).toUTCString()}`, `Message-ID: <m${i}@${DOMAIN}>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n');
}

const imapPort = 30001 + Math.floor(Math.random() * 9000);
const server = await startServer({
  SCHOOLMAIL_ROLE: 'all',
  IMAP_PORT: String(imapPort),
  SMTP_PORT: String(imapPort + 1),
  SUBMISSION_PORT: String(imapPort + 2),
  POP3_PORT: String(imapPort + 3),
  SCHOOLMAIL_MAIL_HOST: '127.0.0.1',
  SCHOOLMAIL_ALLOW_PLAIN_AUTH: 'true',
  SCHOOLMAIL_MAX_CONNECTIONS_PER_CLIENT: String(SESSIONS * 2),
});
try {
  await server.staff.post('/domains', { name: DOMAIN });
  const passwordHash = await hashPassword(PASSWORD);
  const users = Array.from({ length: SESSIONS }, (_, i) => `pupil${i}@${DOMAIN}`);
  const created = await server.staff.post(`/domains/${DOMAIN}/accounts/bulk`, { accounts: users.map((address) => ({ localPart: address.split('@')[0], passwordHash })) });
  if (created.created !== SESSIONS) throw new Error(`created ${created.created} of ${SESSIONS} accounts`);

  // Filling the mailboxes is not what is measured: a few at a time, so no APPEND waits long for the database.
  const setupStart = Date.now();
  const queue = [...users];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let user = queue.shift(); user; user = queue.shift()) {
        const imap = await Imap.connect(imapPort);
        await imap.command(`LOGIN ${user} ${PASSWORD}`);
        for (let i = 1; i <= SMALL_MESSAGES + 1; i++) {
          const bytes = message(i, i <= SMALL_MESSAGES ? 1500 : 50 * 1024);
          await imap.command(`APPEND INBOX {${Buffer.byteLength(bytes)}+}\r\n${bytes}`);
        }
        imap.close();
      }
    }),
  );
  console.log(`# imap: ${SESSIONS} mailboxes of ${SMALL_MESSAGES} x 1.5 KB + one 50 KB message appended in ${fmt((Date.now() - setupStart) / 1000)} s`);

  const latencies = { connect: [], LOGIN: [], SELECT: [], 'FETCH 1:50 (FLAGS ENVELOPE)': [], 'FETCH 50 KB body': [], 'STORE +FLAGS': [], LOGOUT: [] };
  const failures = {};
  let sessions = 0;
  const timed = async (name, fn) => {
    const start = process.hrtime.bigint();
    try {
      return await fn();
    } catch (error) {
      failures[name] = `${(failures[name]?.split(' x ')[0] ?? 0) * 1 + 1} x ${String(error.message).slice(0, 120)}`;
      return '';
    } finally {
      latencies[name].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  const end = Date.now() + SECONDS * 1000;
  const started = Date.now();
  await Promise.all(
    users.map(async (user, u) => {
      let round = 0;
      while (Date.now() < end) {
        const imap = await timed('connect', () => Imap.connect(imapPort));
        if (!imap) continue;
        await timed('LOGIN', () => imap.command(`LOGIN ${user} ${PASSWORD}`));
        await timed('SELECT', () => imap.command('SELECT INBOX'));
        const envelopes = await timed('FETCH 1:50 (FLAGS ENVELOPE)', () => imap.command('FETCH 1:50 (FLAGS ENVELOPE)'));
        if (envelopes && (envelopes.match(/ FETCH \(/g) ?? []).length !== SMALL_MESSAGES) throw new Error('FETCH 1:50 answered the wrong number of messages');
        const body = await timed('FETCH 50 KB body', () => imap.command(`FETCH ${SMALL_MESSAGES + 1} BODY.PEEK[]`));
        if (body && body.length < 50 * 1024) throw new Error('the 50 KB body was not returned');
        await timed('STORE +FLAGS', () => imap.command(`STORE ${1 + ((u + round++) % SMALL_MESSAGES)} +FLAGS (\\Seen)`));
        await timed('LOGOUT', () => imap.command('LOGOUT'));
        imap.close();
        sessions++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const commands = Object.entries(latencies).filter(([name]) => name !== 'connect').reduce((sum, [, samples]) => sum + samples.length, 0);
  console.log(`# imap: ${SESSIONS} concurrent sessions for ${fmt(elapsed)} s: ${fmt(sessions / elapsed)} sessions/s, ${fmt(commands / elapsed)} commands/s`);
  console.log('| step | count | per second | p50 ms | p95 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, samples] of Object.entries(latencies)) {
    console.log(`| ${name} | ${samples.length} | ${fmt(samples.length / elapsed)} | ${fmt(percentile(samples, 50))} | ${fmt(percentile(samples, 95))} |`);
  }
  console.log(`# imap: commands answered NO/BAD: ${Object.keys(failures).length ? JSON.stringify(failures) : 'none'}`);
} finally {
  await server.stop();
}
