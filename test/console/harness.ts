/**
 * The console's browser tests run against the real built server (`npm start`'s
 * apps/api/dist/main.js with the console's static export), spawned as a child process on
 * random ports, with one Debian Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ApiClient } from '../support/api.js';
import { createTestDatabase } from '../support/database.js';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '../..');
const main = join(root, 'apps/api/dist/main.js');
export const SCREENSHOTS = join(root, 'test-output/screenshots');
export const STAFF_PASSWORD = 'console-staff-password-1';

let axeScript: string | undefined;
const axeSource = () => (axeScript ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

const randomPort = () => 20000 + Math.floor(Math.random() * 12000);

export interface ConsoleServer {
  baseUrl: string;
  /** The mail engine's submission port (AUTH after STARTTLS). */
  submissionPort: number;
  staff: ApiClient;
  prisma: Awaited<ReturnType<typeof createTestDatabase>>['prisma'];
  login(username: string, password: string): Promise<ApiClient>;
  stop(): Promise<void>;
}

/**
 * The built server on a database of its own, with the mail engine on random ports; `env`
 * adds or overrides its environment (e.g. the engine's retry schedule or hold threshold).
 */
export async function startConsoleServer(options: { env?: Record<string, string> } = {}): Promise<ConsoleServer> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-console-'));
  const port = randomPort();
  const submissionPort = randomPort();
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      SCHOOLMAIL_DATA_DIR: dataDir,
      SCHOOLMAIL_ADMIN_USER: 'staff',
      SCHOOLMAIL_ADMIN_PASSWORD: STAFF_PASSWORD,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      SMTP_PORT: String(randomPort()),
      SUBMISSION_PORT: String(submissionPort),
      POP3_PORT: String(randomPort()),
      IMAP_PORT: String(randomPort()),
      SCHOOLMAIL_MAIL_HOST: '127.0.0.1',
      NODE_ENV: 'production',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  const anonymous = new ApiClient(baseUrl);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      if ((await anonymous.request('GET', '/api/health')).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const login = async (username: string, password: string) => {
    const response = await anonymous.post('/auth/login', { username, password });
    if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(response.body)}`);
    return new ApiClient(baseUrl, response.body.accessToken);
  };
  return {
    baseUrl,
    submissionPort,
    prisma: db.prisma,
    login,
    staff: await login('staff', STAFF_PASSWORD),
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, kept off the network (TOOLCHAIN.md); playwright gives it a fresh profile. */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** A page in a fresh context, at 1280x800 unless `viewport` asks for another size (e.g. a tablet's). */
export async function newPage(browser: Browser, baseUrl: string, options: { viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: options.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, username: string, password: string, query = '') {
  await page.goto(`/sign-in${query}`);
  await page.getByLabel('Username or email address').fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

/** A fresh page signed in as `username`. */
export async function signedInPage(browser: Browser, baseUrl: string, username: string, password: string): Promise<Page> {
  const page = await newPage(browser, baseUrl);
  await signIn(page, username, password);
  return page;
}

/** The body of an API answer that must be 201 Created (the problem document in the failure otherwise). */
export async function created(response: Promise<{ status: number; body: any }>) {
  const result = await response;
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body;
}

/** A screenshot for people to look at (test-output/ is not committed). */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * axe-core in the page: no serious or critical violation may remain. Evaluated through the
 * DevTools protocol rather than added as a <script>: the console's Content-Security-Policy
 * blocks inline scripts it did not ship.
 */
export async function expectAccessible(page: Page) {
  await page.evaluate(axeSource());
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(context: Document): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, JSON.stringify(serious, null, 1)).toEqual([]);
}
