// Issue 3 benchmark: SMTP ingest with local delivery, driven by Postfix's own load generator
// `smtp-source` (4 KB messages, 20 concurrent connections), with one recipient and with 50
// local recipients per message; and the same command against Postfix itself configured for
// local (virtual mailbox) delivery on this machine, in the same run, for the ratio ours/Postfix.
// Goal: >= 1,000 messages/s and a ratio >= 1.0.
//
// Needs a build (`npm run build`) and the Debian package `postfix` (for smtp-source). Postfix
// itself is configured, started and stopped only with BENCH_POSTFIX=1 (as root): its main.cf is
// changed for the run and restored afterwards. Run with `npm run bench -- smtp-ingest`.
//
// Figures: "accepted/s" is messages over smtp-source's wall time (every message answered 250);
// ours delivers before answering 250, Postfix queues first and delivers afterwards, so for
// Postfix "delivered/s" is messages over the time until the last file appeared in a maildir.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { createConnection } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fmt, startServer } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SINGLE_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const MULTI_MESSAGES = Number(process.env.BENCH_MULTI_MESSAGES ?? 500);
const RECIPIENTS = 50;
const SESSIONS = 20;
const SIZE = 4096;
const DOMAIN = 'bench.test';
const POSTFIX_BASE = '/var/mail/vhosts';
const HASH = '{SCRYPT}$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$3qf6k3bW9xqWmB0uXy0W1k5w3HkP9m7sYq2s1b2c3d4=';
const LOCAL_PARTS = ['user', ...Array.from({ length: RECIPIENTS + 1 }, (_, i) => `${i}user`)];
const withPostfix = process.env.BENCH_POSTFIX === '1';

const smtpSource = ['/usr/sbin/smtp-source', '/usr/bin/smtp-source'].find((path) => existsSync(path));
if (!smtpSource) {
  console.log('# smtp-ingest: smtp-source not found; install Postfix (it ships smtp-source) and run again:');
  console.log('  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections');
  console.log('  DEBIAN_FRONTEND=noninteractive apt-get install -y postfix');
  process.exit(0);
}
if (withPostfix && !existsSync('/usr/sbin/postfix')) {
  console.log('# smtp-ingest: BENCH_POSTFIX=1 but postfix is not installed (see above for the install); running ours only');
}

/**
 * Runs smtp-source; resolves to its wall time in ms. With -r N it names the recipients
 * user@, 2user@ ... Nuser@ (Postfix 3.7); both servers also know 0user@ and 1user@.
 */
function drive(port, messages, recipients) {
  const args = ['-s', String(SESSIONS), '-l', String(SIZE), '-m', String(messages), '-f', 'sender@outside.test', '-t', `user@${DOMAIN}`];
  if (recipients > 1) args.push('-r', String(recipients));
  args.push(`127.0.0.1:${port}`);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(smtpSource, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`smtp-source exited ${code}: ${errors.slice(0, 500)}`));
      else resolve(ms);
    });
  });
}

function waitForPort(port, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > end) reject(new Error(`nothing answers on port ${port}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux x86_64
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- ours -------------------------------------------------------------------------------
function ours() {
  const pgPort = 50001 + Math.floor(Math.random() * 10000);
  const smtpPort = 40001 + Math.floor(Math.random() * 9000);
  let server;
  let db;
  return {
    name: 'schoolmail',
    async start() {
      server = await startServer({
        SCHOOLMAIL_ROLE: 'all',
        SCHOOLMAIL_PG_PORT: String(pgPort),
        SMTP_PORT: String(smtpPort),
        SUBMISSION_PORT: String(smtpPort + 1),
        SCHOOLMAIL_MAIL_HOST: '127.0.0.1',
      });
      await waitForPort(smtpPort);
      await server.staff.post('/domains', { name: DOMAIN });
      const accounts = LOCAL_PARTS.map((localPart) => ({ localPart }));
      const result = await server.staff.post(`/domains/${DOMAIN}/accounts/bulk`, { accounts: accounts.map((a) => ({ ...a, passwordHash: HASH })) });
      if (result.created !== accounts.length) throw new Error(`created ${result.created} of ${accounts.length} accounts: ${JSON.stringify(result).slice(0, 500)}`);
      db = new pg.Client({ connectionString: `postgresql://schoolmail:schoolmail@127.0.0.1:${pgPort}/schoolmail` });
      await db.connect();
    },
    port: () => smtpPort,
    async delivered() {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM "MailboxMessage"');
      return rows[0].n;
    },
    // Delivery is done before 250: nothing to wait for.
    async waitDelivered(target) {
      const n = await this.delivered();
      if (n !== target) throw new Error(`schoolmail: ${n} deliveries, expected ${target}`);
    },
    async stop() {
      await db?.end();
      await server?.stop();
    },
  };
}

// --- Postfix ------------------------------------------------------------------------------
function postfix() {
  const mainCf = '/etc/postfix/main.cf';
  const backup = `${mainCf}.smtp-ingest-backup`;
  let wasRunning = false;
  let hadMainCf = true;
  const run = (...args) => {
    const result = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  const countFiles = () => {
    let n = 0;
    const base = join(POSTFIX_BASE, DOMAIN);
    if (!existsSync(base)) return 0;
    for (const box of readdirSync(base)) {
      const dir = join(base, box, 'new');
      if (existsSync(dir)) n += readdirSync(dir).length;
    }
    return n;
  };
  return {
    name: 'postfix',
    async start() {
      wasRunning = spawnSync('/usr/sbin/postfix', ['status'], { encoding: 'utf8' }).status === 0;
      // An unconfigured install ("No configuration") has no main.cf: postconf creates one.
      hadMainCf = existsSync(mainCf);
      if (hadMainCf) copyFileSync(mainCf, backup);
      else writeFileSync(mainCf, 'compatibility_level = 3.6\n');
      writeFileSync('/etc/postfix/vmailbox', LOCAL_PARTS.map((n) => `${n}@${DOMAIN} ${DOMAIN}/${n}/\n`).join(''));
      run(
        '/usr/sbin/postconf', '-e',
        'inet_interfaces = 127.0.0.1',
        'mydestination =',
        'mynetworks = 127.0.0.0/8',
        `virtual_mailbox_domains = ${DOMAIN}`,
        `virtual_mailbox_base = ${POSTFIX_BASE}`,
        'virtual_mailbox_maps = texthash:/etc/postfix/vmailbox',
        'virtual_uid_maps = static:8',
        'virtual_gid_maps = static:8',
        'virtual_minimum_uid = 8',
        'default_transport = discard',
        'maillog_file = /var/log/postfix.log',
      );
      rmSync(join(POSTFIX_BASE, DOMAIN), { recursive: true, force: true });
      mkdirSync(POSTFIX_BASE, { recursive: true });
      chownSync(POSTFIX_BASE, 8, 8);
      // inet_interfaces needs a full restart, not a reload.
      if (wasRunning) run('/usr/sbin/postfix', 'stop');
      run('/usr/sbin/postfix', 'start');
      await waitForPort(25);
    },
    port: () => 25,
    async delivered() {
      return countFiles();
    },
    async waitDelivered(target, timeoutMs = 300_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const n = countFiles();
        if (n >= target) return;
        if (Date.now() > end) throw new Error(`postfix: ${n} deliveries after ${timeoutMs} ms, expected ${target}`);
        await sleep(20);
      }
    },
    async stop() {
      spawnSync('/usr/sbin/postfix', ['stop']);
      if (existsSync(backup)) {
        copyFileSync(backup, mainCf);
        rmSync(backup);
      } else if (!hadMainCf) rmSync(mainCf, { force: true });
      rmSync(join(POSTFIX_BASE, DOMAIN), { recursive: true, force: true });
      rmSync('/etc/postfix/vmailbox', { force: true });
      if (wasRunning) spawnSync('/usr/sbin/postfix', ['start']);
    },
  };
}

/** The machine's CPU time so far (all cores), busy and idle, in clock ticks, from /proc/stat. */
function cpuTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + fields[4]; // idle + iowait
  return { busy: fields.reduce((a, b) => a + b, 0) - idle, idle };
}

/**
 * One smtp-source run: accepted/s over its wall time, delivered/s until the last delivery, and
 * the machine's CPU (every process: server, database, smtp-source, kernel) per message.
 */
async function measure(target, messages, recipients) {
  const before = await target.delivered();
  const cpuBefore = cpuTicks();
  const start = process.hrtime.bigint();
  const ms = await drive(target.port(), messages, recipients);
  await target.waitDelivered(before + messages * recipients);
  const deliveredMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = cpuTicks();
  const busy = cpuAfter.busy - cpuBefore.busy;
  const cpuUsPerMessage = (busy / TICKS_PER_SECOND) * 1e6 / messages;
  const busyShare = busy / (busy + cpuAfter.idle - cpuBefore.idle);
  return { accepted: messages / (ms / 1000), delivered: messages / (deliveredMs / 1000), deliveries: (messages * recipients) / (deliveredMs / 1000), cpuUsPerMessage, busyShare };
}

const targets = [ours()];
if (withPostfix && existsSync('/usr/sbin/postfix')) targets.push(postfix());
const scenarios = [
  { label: '1 recipient', messages: SINGLE_MESSAGES, recipients: 1 },
  { label: `${RECIPIENTS} recipients`, messages: MULTI_MESSAGES, recipients: RECIPIENTS },
];

try {
  for (const target of targets) await target.start();
  console.log(`# SMTP ingest benchmark: smtp-source -s ${SESSIONS} -l ${SIZE}, ${RUNS} run(s) each, medians; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  if (!withPostfix) console.log('# (Postfix not measured: set BENCH_POSTFIX=1, as root, to configure, start and stop it for the comparison)');
  // Warm-up: JIT, caches, database connections.
  for (const target of targets) await measure(target, 200, 1);
  for (const scenario of scenarios) {
    const results = new Map(targets.map((t) => [t.name, []]));
    // Interleaved, so drifting background load hits both alike.
    for (let run = 0; run < RUNS; run++) {
      for (const target of targets) results.get(target.name).push(await measure(target, scenario.messages, scenario.recipients));
    }
    const summary = new Map();
    for (const target of targets) {
      const runs = results.get(target.name);
      const s = {
        accepted: median(runs.map((r) => r.accepted)),
        delivered: median(runs.map((r) => r.delivered)),
        deliveries: median(runs.map((r) => r.deliveries)),
        cpuUsPerMessage: median(runs.map((r) => r.cpuUsPerMessage)),
        busyShare: median(runs.map((r) => r.busyShare)),
      };
      summary.set(target.name, s);
      console.log(
        `${scenario.label}, ${fmt(scenario.messages)} messages, ${target.name.padEnd(10)}: ${fmt(s.accepted, 0)} accepted msg/s` +
          ` (runs ${runs.map((r) => fmt(r.accepted, 0)).join(', ')}), ${fmt(s.delivered, 0)} delivered msg/s, ${fmt(s.deliveries, 0)} deliveries/s;` +
          ` machine CPU ${fmt(s.cpuUsPerMessage, 0)} µs/msg, ${fmt(s.busyShare * 100, 0)}% busy`,
      );
    }
    const mine = summary.get('schoolmail');
    const theirs = summary.get('postfix');
    if (theirs) {
      console.log(
        `${scenario.label}: ratio ours/Postfix ${fmt(mine.accepted / theirs.accepted, 2)} accepted, ${fmt(mine.delivered / theirs.delivered, 2)} delivered` +
          (scenario.recipients === 1 ? ` (goal >= 1,000 msg/s and >= 1.0)` : ''),
      );
    } else if (scenario.recipients === 1) console.log(`${scenario.label}: goal >= 1,000 msg/s`);
  }
  console.log(`# load average at the end ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
} finally {
  for (const target of targets) await target.stop().catch((error) => console.error(`stopping ${target.name}: ${error.message}`));
}
