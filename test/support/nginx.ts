/**
 * A private nginx mail proxy for tests (TOOLCHAIN.md): Debian's nginx + libnginx-mod-mail
 * (installed when missing), run from a temporary prefix with its own pid file and error log
 * on random loopback ports, in the foreground so the test owns the process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderNginxConfig } from '@schoolmail/mail-engine';

const MAIL_MODULE = '/usr/lib/nginx/modules/ngx_mail_module.so';

/** Installs nginx and its mail module when absent (as CI does); false when that is impossible here. */
export function ensureNginx(): boolean {
  const present = () => spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0 && existsSync(MAIL_MODULE);
  if (present()) return true;
  spawnSync('apt-get', ['install', '-y', '-qq', 'nginx', 'libnginx-mod-mail'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return present();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const portAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export interface TestNginx {
  imapPort: number;
  pop3Port: number;
  /** SMTP submission: AUTH at nginx, then XCLIENT to the owner's submission listener. */
  smtpPort: number;
  /** nginx's error log so far (auth refusals and upstream errors land here). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** Starts nginx proxying IMAP, POP3 and SMTP with auth_http to `authUrl`, sending `secret`. */
export async function startTestNginx(options: { authUrl: string; secret: string }): Promise<TestNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'schoolmail-nginx-'));
  const [imapPort, pop3Port, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const errorLogFile = join(prefix, 'error.log');
  const config = renderNginxConfig({
    authUrl: options.authUrl,
    secret: options.secret,
    listen: { imap: `127.0.0.1:${imapPort}`, pop3: `127.0.0.1:${pop3Port}`, smtp: `127.0.0.1:${smtpPort}` },
    pidFile: join(prefix, 'nginx.pid'),
    errorLog: errorLogFile,
    workerProcesses: 1,
  });
  // Foreground, so the child is nginx's master and stopping it stops the workers.
  writeFileSync(join(prefix, 'nginx.conf'), `daemon off;\n${config}`);
  const child: ChildProcess = spawn('nginx', ['-c', join(prefix, 'nginx.conf'), '-p', prefix], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const deadline = Date.now() + 10_000;
  while (!((await portAnswers(imapPort)) && (await portAnswers(pop3Port)) && (await portAnswers(smtpPort)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    imapPort,
    pop3Port,
    smtpPort,
    errorLog: () => (existsSync(errorLogFile) ? readFileSync(errorLogFile, 'utf8') : ''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGQUIT');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
