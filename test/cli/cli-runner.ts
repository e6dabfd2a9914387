/**
 * Runs the built `schoolmail` command as a child process, the way a provisioning script does.
 * Spawned asynchronously: the API under test lives in this process and must keep answering.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
export const CLI_BIN = join(root, 'apps/cli/bin/schoolmail.js');

/** Builds apps/cli once per file; the lock keeps parallel test files from writing dist/ together. */
export function buildCli() {
  execFileSync('flock', ['/tmp/schoolmail-cli-build.lock', 'npx', 'tsc', '-b', 'apps/cli'], { cwd: root, stdio: 'pipe' });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
}

/** An environment with no inherited SCHOOLMAIL_* and a config directory of its own. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'schoolmail-cli-home-'));
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...extra };
  return env;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: options.cwd ?? root,
      env: Object.fromEntries(Object.entries(options.env ?? isolatedEnv()).filter(([, value]) => value !== undefined)) as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A runner bound to an API and a key: `cli('domain', 'list')`. */
export function cliFor(baseUrl: string, apiKey: string) {
  const env = isolatedEnv({ SCHOOLMAIL_URL: baseUrl, SCHOOLMAIL_API_KEY: apiKey });
  const cli = (...args: string[]) => runCli(args, { env });
  cli.withInput = (input: string, ...args: string[]) => runCli(args, { env, input });
  cli.env = env;
  return cli;
}

/** A loopback port nothing listens on (bound, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolvePromise) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}
