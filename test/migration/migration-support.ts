/** Helpers of the migration tests: legacy hashes made by real tools, jobs awaited, an engine on the API's database. */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import bcrypt from 'bcryptjs';
import { loadEngineConfig, startEngine, type EngineOptions } from '@schoolmail/mail-engine';
import type { ApiClient, TestApi } from '../support/api.js';

const opensslPasswd = (flag: string, password: string) => execFileSync('openssl', ['passwd', flag, password], { encoding: 'utf8' }).trim();

/** crypt(3) through Python's crypt module, where this Python still has one (removed in 3.13). */
function pythonCrypt(password: string, salt: string): string | null {
  try {
    const script = 'import sys, warnings; warnings.simplefilter("ignore"); import crypt; print(crypt.crypt(sys.argv[1], sys.argv[2]))';
    const out = execFileSync('python3', ['-c', script, password, salt], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out && !out.startsWith('*') ? out : null;
  } catch {
    return null;
  }
}

export interface LegacyUser {
  name: string;
  password: string;
  /** Untagged, as vpopmail stores it. */
  crypted: string;
  scheme: string;
}

/** One user per scheme vpopmail may hold, each hash made by an independent tool. */
export async function legacyUsers(): Promise<LegacyUser[]> {
  const users: LegacyUser[] = [
    { name: 'md5user', password: 'md5-Passw0rd', crypted: opensslPasswd('-1', 'md5-Passw0rd'), scheme: 'MD5-CRYPT' },
    { name: 'sha256user', password: 'sha256-Passw0rd', crypted: opensslPasswd('-5', 'sha256-Passw0rd'), scheme: 'SHA256-CRYPT' },
    { name: 'sha512user', password: 'sha512-Passw0rd', crypted: opensslPasswd('-6', 'sha512-Passw0rd'), scheme: 'SHA512-CRYPT' },
    {
      name: 'bcryptuser',
      password: 'bcrypt-Passw0rd',
      // PHP and vpopmail's qmailadmin write $2y$; bcryptjs writes $2b$ with the same algorithm.
      crypted: (pythonCrypt('bcrypt-Passw0rd', '$2b$05$abcdefghijklmnopqrstuu') ?? (await bcrypt.hash('bcrypt-Passw0rd', 5))).replace(/^\$2[ab]\$/, '$2y$'),
      scheme: 'BCRYPT',
    },
    // crypt(3)'s DES answer for this pair, where Python has no crypt module any more.
    { name: 'desuser', password: 'des-pass', crypted: pythonCrypt('des-pass', 'Zq') ?? 'ZqOMLSwz66kyo', scheme: 'CRYPT' },
  ];
  return users;
}

export function vpasswdLine(user: { name: string; crypted: string }, domain: string, quota = 'NOQUOTA', gecos = user.name, extra = '') {
  return `${user.name}:${user.crypted}:1:0:${gecos}:/home/vpopmail/domains/${domain}/${user.name}:${quota}${extra}`;
}

export async function waitForJob(client: ApiClient, id: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.get(`/jobs/${id}`);
    expect(job.status).toBe(200);
    if (!['queued', 'running'].includes(job.body.status)) {
      const report = await client.get(`/jobs/${id}/report`);
      return { job: job.body, report: report.body };
    }
    if (Date.now() > until) throw new Error(`job ${id} still ${job.body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts an import and waits for its job to end. */
export async function runImport(client: ApiClient, path: string, body: unknown) {
  const started = await client.post(path, body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return waitForJob(client, started.body.id);
}

/** The mail engine on the API's own database and data directory, as `npm start` runs them. */
export function startEngineFor(api: TestApi, options: Partial<EngineOptions> = {}) {
  return startEngine({
    prisma: api.prisma,
    config: { ...loadEngineConfig({}), hostname: 'mx.schoolmail.test', dataDir: api.config.dataDir, smtpPort: 0, submissionPort: 0, pop3Port: 0, imapPort: 0, listenHost: '127.0.0.1' },
    log: () => {},
    queueWorkers: false,
    ...options,
  });
}
