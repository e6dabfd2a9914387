/** A running engine with POP3 (STLS and implicit TLS), mail delivered over SMTP, and raw POP3 sockets. */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { message, pythonSmtp, type TestEngine } from '../support/smtp.js';

export const certificateOf = (engine: TestEngine) => join(engine.config.dataDir, 'tls', 'cert.pem');

/** Delivers messages to `to` through the engine's MX listener (the same path real mail takes). */
export async function deliver(engine: TestEngine, to: string, messages: Array<{ subject?: string; body?: string } | string>) {
  for (const item of messages) {
    const text = typeof item === 'string' ? item : message({ from: 'teacher@outside.test', to, ...item });
    const result = await pythonSmtp({ port: engine.ports.smtp, sender: 'teacher@outside.test', recipients: [to], message: text });
    const data = result.reply('data');
    if (data?.code !== 250) throw new Error(`delivery to ${to} failed: ${JSON.stringify(result.steps)}`);
  }
}

/** A POP3 conversation over a raw socket (the wire exactly as sent). */
export class RawPop3 {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiters.splice(0).forEach((wake) => wake());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((wake) => wake());
    });
    socket.on('error', () => undefined);
  }

  /** With `caFile`, over implicit TLS (the POP3S port) trusting that certificate. */
  static async open(port: number, caFile?: string): Promise<{ client: RawPop3; greeting: string }> {
    const socket = caFile ? connectTls({ port, host: '127.0.0.1', ca: readFileSync(caFile), servername: 'localhost' }) : connect(port, '127.0.0.1');
    const client = new RawPop3(socket);
    const greeting = await client.line();
    if (greeting === null) throw new Error(`port ${port} closed without a greeting`);
    return { client, greeting };
  }

  send(data: string | Buffer) {
    this.socket.write(data);
  }

  /** The next line (without CRLF); null once the server closed. */
  async line(timeoutMs = 5000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return line;
      }
      if (this.closed) return null;
      if (Date.now() > deadline) throw new Error(`no line within ${timeoutMs} ms (buffer: ${JSON.stringify(this.buffer.slice(0, 200))})`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Sends a command and answers its status line. */
  async command(line: string): Promise<string | null> {
    this.send(`${line}\r\n`);
    return this.line();
  }

  /** The body of a multi-line response as sent (still byte-stuffed), without the terminator. */
  async body(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line();
      if (line === null) throw new Error('connection closed inside a multi-line response');
      if (line === '.') return lines;
      lines.push(line);
    }
  }

  close() {
    this.socket.destroy();
  }
}
