// Issue 6 benchmark: POP3 logins per second through the nginx mail proxy (auth_http to the
// API's nginx-auth endpoint, then the back-end's own login) against direct logins to the same
// back-end. One built server (SCHOOLMAIL_ROLE=all, so it is both the API and the back-end),
// one private nginx made from `GET /api/v1/cluster/nginx-config`. Each login is a new TCP
// connection: greeting, USER, PASS, QUIT. BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_ACCOUNTS.
// Needs nginx + libnginx-mod-mail and a build; run with `npm run bench -- cluster-logins`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, freePort, lineDialog, startServer, throughput } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 128);
const DOMAIN = 'cluster-bench.test';
const PASSWORD = 'bench-mail-password-1';
const SECRET = 'bench-nginx-secret';

if (spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status !== 0) {
  console.log('cluster-logins: nginx is not installed (apt-get install nginx libnginx-mod-mail); skipped');
  process.exit(0);
}

/** One POP3 login on a new connection; rejects unless every reply is +OK. */
function pop3Login(port, user) {
  return lineDialog(port, user, '+OK', [
    [`USER ${user}`, '+OK'],
    [`PASS ${PASSWORD}`, '+OK'],
    ['QUIT', '+OK'],
  ]);
}

const pop3Port = await freePort();
const server = await startServer({
  SCHOOLMAIL_NODE_ID: 'bench-node',
  SCHOOLMAIL_MAIL_HOST: '127.0.0.1',
  SCHOOLMAIL_ALLOW_PLAIN_AUTH: 'true',
  SCHOOLMAIL_NGINX_AUTH_SECRET: SECRET,
  POP3_PORT: String(pop3Port),
  IMAP_PORT: String(await freePort()),
  SMTP_PORT: String(await freePort()),
  SUBMISSION_PORT: String(await freePort()),
});
const prefix = mkdtempSync(join(tmpdir(), 'schoolmail-bench-nginx-'));
let nginx;
try {
  await server.staff.post('/domains', { name: DOMAIN });
  const users = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    await server.staff.post(`/domains/${DOMAIN}/accounts`, { localPart: `user${i}`, password: PASSWORD });
    users.push(`user${i}@${DOMAIN}`);
  }
  const nginxPop3 = await freePort();
  const response = await fetch(`${server.base}/api/v1/cluster/nginx-config?pop3=127.0.0.1:${nginxPop3}&imap=127.0.0.1:${await freePort()}`, {
    headers: { authorization: `Bearer ${server.staff.token}` },
  });
  const config = (await response.text()).replace('__SCHOOLMAIL_NGINX_AUTH_SECRET__', SECRET).replace(/^worker_processes .*$/m, 'worker_processes 1;');
  writeFileSync(join(prefix, 'nginx.conf'), `daemon off;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log warn;\n${config}`);
  nginx = spawn('nginx', ['-c', join(prefix, 'nginx.conf'), '-p', prefix], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 500));

  // A POP3 maildrop takes one session at a time, and a proxied session ends at the back-end
  // a moment after the client saw QUIT's answer: an account goes back to the end of the line.
  const idle = [...users];
  const login = (port) => async () => {
    const user = idle.shift();
    try {
      await pop3Login(port, user);
    } finally {
      idle.push(user);
    }
  };
  // Warm-up: the verified-password cache holds every account, as in steady state.
  for (const user of users) await pop3Login(nginxPop3, user);

  const direct = await throughput(login(pop3Port), { concurrency: CONCURRENCY, seconds: SECONDS });
  const proxied = await throughput(login(nginxPop3), { concurrency: CONCURRENCY, seconds: SECONDS });
  console.log(`POP3 logins, ${CONCURRENCY} at a time for ${SECONDS} s over ${ACCOUNTS} accounts (new connection each):`);
  console.log(`  direct to the back-end: ${fmt(direct.perSecond)}/s (p50 ${fmt(direct.p50)} ms, p95 ${fmt(direct.p95)} ms)`);
  console.log(`  through nginx:          ${fmt(proxied.perSecond)}/s (p50 ${fmt(proxied.p50)} ms, p95 ${fmt(proxied.p95)} ms)`);
  console.log(`  ratio nginx/direct:     ${fmt(proxied.perSecond / direct.perSecond, 2)}`);
} finally {
  nginx?.kill('SIGQUIT');
  await server.stop();
  rmSync(prefix, { recursive: true, force: true });
}
