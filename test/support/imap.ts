/**
 * IMAP test clients, each independent of the server's code: a raw socket client that speaks
 * lines (for protocol details and bad input), imapflow (what mail apps use), and Python's
 * imaplib driven by python/imap_client.py.
 */
import { runPythonClient } from './python.js';
import { connect as connectPlain, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { MAIL_PASSWORD } from './smtp.js';

export class RawImap {
  private text = '';
  private consumed = 0;
  private waiters: Array<() => void> = [];
  private tagCounter = 0;
  closed = false;
  greeting = '';

  private constructor(private socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  private listen(socket: Socket | TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  private notify() {
    for (const wake of this.waiters.splice(0)) wake();
  }

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<RawImap> {
    const socket = options.tls ? connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false }) : connectPlain(port, '127.0.0.1');
    const client = new RawImap(socket);
    client.greeting = await client.line(/^\* (OK|BYE|PREAUTH)/);
    return client;
  }

  /** Everything received and not yet consumed by line()/command(). */
  get unread(): string {
    return this.text.slice(this.consumed);
  }

  /** Waits for a line matching `pattern` among the unread; consumes through it. */
  async line(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.unread.split('\r\n');
      let offset = this.consumed;
      for (const line of lines.slice(0, -1)) {
        offset += line.length + 2;
        if (pattern.test(line)) {
          this.consumed = offset;
          return line;
        }
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${pattern}; got: ${this.unread.slice(-500)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got: ${this.unread.slice(-500)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  nextTag(): string {
    return `A${++this.tagCounter}`;
  }

  /** Sends one tagged command; answers the lines up to and including its completion. */
  async command(text: string | Buffer, timeoutMs = 10_000): Promise<{ untagged: string[]; tagged: string; all: string }> {
    const tag = this.nextTag();
    const start = this.consumed;
    this.send(Buffer.concat([Buffer.from(`${tag} `), Buffer.from(text), Buffer.from('\r\n')]));
    const tagged = await this.line(new RegExp(`^${tag} (OK|NO|BAD)`), timeoutMs);
    const all = this.text.slice(start, this.consumed);
    return { untagged: all.split('\r\n').filter((l) => l.startsWith('* ')), tagged: tagged.slice(tag.length + 1), all };
  }

  async startTls(): Promise<void> {
    const reply = await this.command('STARTTLS');
    if (!reply.tagged.startsWith('OK')) throw new Error(`STARTTLS: ${reply.tagged}`);
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = connectTls({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.socket = secure;
    this.listen(secure);
  }

  async login(user: string, password = MAIL_PASSWORD): Promise<string> {
    return (await this.command(`LOGIN "${user}" "${password}"`)).tagged;
  }

  /** Resolves when the server closed the connection. */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** An imapflow client logged in over STARTTLS (the engine's certificate is self-signed). */
export async function imapFlow(port: number, user: string, password = MAIL_PASSWORD): Promise<ImapFlow> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, tls: { rejectUnauthorized: false }, logger: false, emitLogs: false });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export interface PythonImapStep {
  step: string;
  typ?: string;
  data?: unknown[];
  error?: string;
}

/** Runs a list of imaplib calls ([method, ...args]) in one session; answers each call's result. */
export function pythonImap(spec: { port: number; user?: string; password?: string; starttls?: boolean; ssl?: boolean; steps: Array<[string, ...unknown[]]> }): Promise<{ steps: PythonImapStep[]; capabilities: string[]; error?: string; step: (name: string) => PythonImapStep }> {
  const request = { host: '127.0.0.1', starttls: true, ...spec };
  return runPythonClient<{ steps: PythonImapStep[]; capabilities: string[]; error?: string }>(join(import.meta.dirname, 'python/imap_client.py'), request).then(
    (result) => ({
      ...result,
      step: (name: string) => {
        const found = result.steps.filter((s) => s.step === name).at(-1);
        if (!found) throw new Error(`no step ${name} in ${JSON.stringify(result)}`);
        return found;
      },
    }),
  );
}
