// Shared helpers of the benchmarks: start the built server on a fresh data directory, a
// small HTTP client, and latency statistics.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

export async function startServer(extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-bench-'));
  const port = 20000 + Math.floor(Math.random() * 30000);
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'apps/api/dist/main.js')], {
    env: {
      ...process.env,
      SCHOOLMAIL_DATA_DIR: dataDir,
      SCHOOLMAIL_PG_PORT: String(port + 1),
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      NODE_ENV: 'production',
      SCHOOLMAIL_ADMIN_PASSWORD: 'bench-password-1',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {}
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  const staff = await login(base, 'admin', 'bench-password-1');
  return {
    base,
    staff,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(base, username, password) {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`login ${username}: ${JSON.stringify(body)}`);
  return client(base, body.accessToken);
}

export function client(base, token) {
  const call = async (method, path, body) => {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
    return parsed;
  };
  return {
    token,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
  };
}

export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function timeIt(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Requests per second of `request` with `concurrency` workers for `seconds`. */
export async function throughput(request, { concurrency = 16, seconds = 5 } = {}) {
  const end = Date.now() + seconds * 1000;
  let count = 0;
  const latencies = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        latencies.push(await timeIt(request));
        count++;
      }
    }),
  );
  return { perSecond: count / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

export const fmt = (n, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/**
 * Mailbox logins through a MailAccess: every address logs in once (warm-up, fills the caches),
 * then `concurrency` callers log in round-robin for `seconds`, each from its own client
 * address (so no rate limit applies). Prints one line; answers logins per second.
 */
export async function runLogins(label, access, addresses, { password, seconds, concurrency }) {
  for (const user of addresses) {
    const outcome = await access.login({ user, password, service: 'imap', clientIp: '127.0.0.1' });
    if (!outcome.ok) throw new Error(`warm-up login of ${user}: ${JSON.stringify(outcome)}`);
  }
  const latencies = [];
  let next = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const user = addresses[next++ % addresses.length];
        const t0 = performance.now();
        const outcome = await access.login({ user, password, service: 'imap', clientIp: `10.0.${next % 250}.1` });
        latencies.push(performance.now() - t0);
        if (!outcome.ok) throw new Error(`login of ${user}: ${JSON.stringify(outcome)}`);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const rate = latencies.length / elapsed;
  console.log(
    `  ${label.padEnd(40)} ${fmt(rate).padStart(8)} logins/s   p50 ${fmt(percentile(latencies, 50), 2)} ms   p95 ${fmt(percentile(latencies, 95), 2)} ms` +
      `   (${latencies.length} logins in ${fmt(elapsed, 1)} s, ${fmt((cpu.user + cpu.system) / 1000 / latencies.length, 2)} ms CPU each in this process)`,
  );
  return rate;
}

/** A TCP port free on loopback right now (for the servers a benchmark starts). */
export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * A scripted line dialog (SMTP, POP3) on a new connection to 127.0.0.1:`port`: the greeting
 * must start with `greeting`; then each step's command is sent and its reply must start with
 * the step's prefix (continuation lines such as "250-PIPELINING" are skipped). Resolves once
 * the server closes after the last step; rejects on any other reply or an early close.
 */
export function lineDialog(port, label, greeting, steps) {
  const remaining = [...steps];
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let expected = greeting;
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line[3] === '-') continue;
        if (!line.startsWith(expected)) return socket.destroy(new Error(`${label}: expected ${expected}, got "${line}"`));
        const next = remaining.shift();
        if (!next) return socket.end();
        socket.write(`${next[0]}\r\n`);
        expected = next[1];
      }
    });
    socket.once('error', reject);
    socket.once('close', () => (remaining.length ? reject(new Error(`${label}: closed early`)) : resolve()));
  });
}
