// Issue 6 benchmark: SMTP submissions per second through the nginx mail proxy into two
// back-ends, against one back-end alone. Two built processes share one PostgreSQL: bench-a
// (SCHOOLMAIL_ROLE=all: the API, its embedded database and a back-end) holds domain
// one.bench.test, bench-b (SCHOOLMAIL_ROLE=backend) holds two.bench.test. One private nginx
// made from `GET /api/v1/cluster/nginx-config` takes AUTH and hands each session to the
// sender's back-end with XCLIENT. Each message is a new connection: EHLO, AUTH PLAIN, MAIL,
// RCPT (the sender's own mailbox, so every message is stored by the back-end it reached), DATA
// of about 4 KB, QUIT. Three runs of BENCH_SECONDS each, BENCH_CONCURRENCY at a time:
// direct to bench-a's submission port; through nginx, senders of bench-a only; through nginx,
// senders of both back-ends in turn. Needs nginx + libnginx-mod-mail and a build;
// run with `npm run bench -- cluster-smtp`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, freePort, lineDialog, startServer, throughput } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 32);
const DOMAINS = { 'bench-a': 'one.bench.test', 'bench-b': 'two.bench.test' };
const PASSWORD = 'bench-mail-password-1';
const SECRET = 'bench-nginx-secret';
const BODY = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(70)}\r\n`;

if (spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status !== 0) {
  console.log('cluster-smtp: nginx is not installed (apt-get install nginx libnginx-mod-mail); skipped');
  process.exit(0);
}

const root = join(import.meta.dirname, '../..');
/** One submission on a new connection; rejects on any reply that is not the expected one. */
function submit(port, user) {
  const auth = Buffer.from(`\0${user}\0${PASSWORD}`).toString('base64');
  const steps = [
    ['EHLO bench.client', '250'],
    [`AUTH PLAIN ${auth}`, '235'],
    [`MAIL FROM:<${user}>`, '250'],
    [`RCPT TO:<${user}>`, '250'],
    ['DATA', '354'],
    [`From: <${user}>\r\nTo: <${user}>\r\nSubject: cluster bench\r\n\r\n${BODY}.`, '250'],
    ['QUIT', '221'],
  ];
  return lineDialog(port, user, '220', steps);
}

const mailPorts = async () => ({
  SMTP_PORT: String(await freePort()),
  SUBMISSION_PORT: String(await freePort()),
  POP3_PORT: String(await freePort()),
  IMAP_PORT: String(await freePort()),
});
const clusterEnv = {
  SCHOOLMAIL_MAIL_HOST: '127.0.0.1',
  SCHOOLMAIL_ALLOW_PLAIN_AUTH: 'true',
  SCHOOLMAIL_CLUSTER_NETWORKS: '127.0.0.0/8',
  SCHOOLMAIL_NGINX_AUTH_SECRET: SECRET,
  SCHOOLMAIL_HEARTBEAT_SECONDS: '1',
  SCHOOLMAIL_SECRET_KEY: 'ab'.repeat(32),
};

const pgPort = await freePort();
const portsA = await mailPorts();
const a = await startServer({ ...clusterEnv, ...portsA, SCHOOLMAIL_NODE_ID: 'bench-a', SCHOOLMAIL_PG_PORT: String(pgPort) });
const bDataDir = mkdtempSync(join(tmpdir(), 'schoolmail-bench-b-'));
const b = spawn(process.execPath, [join(root, 'apps/api/dist/main.js')], {
  env: {
    ...process.env,
    ...clusterEnv,
    ...(await mailPorts()),
    NODE_ENV: 'production',
    SCHOOLMAIL_ROLE: 'backend',
    SCHOOLMAIL_NODE_ID: 'bench-b',
    SCHOOLMAIL_DATA_DIR: bDataDir,
    DATABASE_URL: `postgresql://schoolmail:schoolmail@127.0.0.1:${pgPort}/schoolmail`,
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const prefix = mkdtempSync(join(tmpdir(), 'schoolmail-bench-nginx-'));
let nginx;
try {
  const put = (path, body) =>
    fetch(`${a.base}/api/v1${path}`, { method: 'PUT', headers: { authorization: `Bearer ${a.staff.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (let i = 0; ; i++) {
    const nodes = (await a.staff.get('/cluster/nodes')).items;
    if (nodes.some((n) => n.id === 'bench-b' && n.healthy)) break;
    if (i > 150) throw new Error('bench-b did not register');
    await new Promise((r) => setTimeout(r, 200));
  }
  const users = {};
  for (const [node, domain] of Object.entries(DOMAINS)) {
    await a.staff.post('/domains', { name: domain });
    const assigned = await put(`/domains/${domain}/backend`, { node });
    if (!assigned.ok) throw new Error(`assign ${domain}: ${assigned.status} ${await assigned.text()}`);
    users[node] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      await a.staff.post(`/domains/${domain}/accounts`, { localPart: `user${i}`, password: PASSWORD });
      users[node].push(`user${i}@${domain}`);
    }
  }

  const nginxSmtp = await freePort();
  const query = `smtp=127.0.0.1:${nginxSmtp}&imap=127.0.0.1:${await freePort()}&pop3=127.0.0.1:${await freePort()}`;
  const response = await fetch(`${a.base}/api/v1/cluster/nginx-config?${query}`, { headers: { authorization: `Bearer ${a.staff.token}` } });
  const config = (await response.text()).replace('__SCHOOLMAIL_NGINX_AUTH_SECRET__', SECRET).replace(/^worker_processes .*$/m, 'worker_processes 1;');
  writeFileSync(join(prefix, 'nginx.conf'), `daemon off;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log warn;\n${config}`);
  nginx = spawn('nginx', ['-c', join(prefix, 'nginx.conf'), '-p', prefix], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 500));

  const rotating = (list) => {
    let next = 0;
    return () => list[next++ % list.length];
  };
  const run = (port, pick) => throughput(() => submit(port, pick()), { concurrency: CONCURRENCY, seconds: SECONDS });
  // Warm-up: every sender's password verified once on each path (the verified-password caches).
  for (const user of [...users['bench-a'], ...users['bench-b']]) await submit(nginxSmtp, user);
  for (const user of users['bench-a']) await submit(Number(portsA.SUBMISSION_PORT), user);

  const direct = await run(Number(portsA.SUBMISSION_PORT), rotating(users['bench-a']));
  const proxiedOne = await run(nginxSmtp, rotating(users['bench-a']));
  const both = users['bench-a'].flatMap((user, i) => [user, users['bench-b'][i]]);
  const proxiedTwo = await run(nginxSmtp, rotating(both));
  const line = (label, r) => console.log(`  ${label} ${fmt(r.perSecond)} msg/s (p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms)`);
  console.log(`SMTP submissions of ~4 KB, ${CONCURRENCY} at a time for ${SECONDS} s each, a new connection per message:`);
  line('direct to one back-end:            ', direct);
  line('through nginx into one back-end:   ', proxiedOne);
  line('through nginx into two back-ends:  ', proxiedTwo);
  console.log(`  ratio two back-ends (nginx) / one back-end alone (direct): ${fmt(proxiedTwo.perSecond / direct.perSecond, 2)}`);
  console.log(`  ratio two back-ends / one back-end, both through nginx:    ${fmt(proxiedTwo.perSecond / proxiedOne.perSecond, 2)}`);
} finally {
  nginx?.kill('SIGQUIT');
  b.kill('SIGTERM');
  await new Promise((r) => (b.exitCode !== null ? r() : b.once('exit', r)));
  await a.stop();
  rmSync(prefix, { recursive: true, force: true });
  rmSync(bDataDir, { recursive: true, force: true });
}
