/**
 * One client connection: writes in order with backpressure, the line reader, and the
 * STARTTLS upgrade of the same connection.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { TlsCredentials } from '../../smtp/tls.js';
import { LineReader } from './line-reader.js';

export class Connection {
  readonly reader: LineReader;
  readonly remoteAddress: string;
  private closed = false;
  private idleMs = 0;
  private onIdle: () => void = () => undefined;
  private readonly idleListener = () => this.onIdle();

  constructor(
    private socket: Socket,
    public secure: boolean,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '';
    this.reader = new LineReader(socket);
    socket.once('close', () => (this.closed = true));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues bytes; resolves when the socket can take more (so a large FETCH does not pile up in memory). */
  async write(data: Buffer | string): Promise<void> {
    if (this.closed || this.socket.destroyed) return;
    if (this.socket.write(data)) return;
    await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]);
  }

  /** Upgrades to TLS in place; the reader forgets plaintext sent after the STARTTLS command. */
  async startTls(credentials: TlsCredentials): Promise<void> {
    const secure = new TLSSocket(this.socket, { isServer: true, key: credentials.key, cert: credentials.cert });
    this.reader.attach(secure);
    this.socket.setTimeout(0).off('timeout', this.idleListener);
    this.socket = secure;
    secure.on('timeout', this.idleListener).setTimeout(this.idleMs);
    secure.once('close', () => (this.closed = true));
    secure.on('error', () => secure.destroy());
    const [outcome] = await Promise.race([once(secure, 'secure').then(() => ['ok']), once(secure, 'error').then(() => ['failed']), once(secure, 'close').then(() => ['failed'])]);
    if (outcome !== 'ok') {
      this.close();
      return;
    }
    this.secure = true;
  }

  /** Calls `onIdle` when the client has been silent for `ms` while the timer runs. */
  idleTimer(ms: number, onIdle: () => void): void {
    this.idleMs = ms;
    this.onIdle = onIdle;
    this.socket.on('timeout', this.idleListener).setTimeout(ms);
  }

  /** A command being worked on is not idleness: the timer stops while the server is busy. */
  pauseIdleTimer(): void {
    this.socket.setTimeout(0);
  }

  resumeIdleTimer(): void {
    this.socket.setTimeout(this.idleMs);
  }

  close(): void {
    this.closed = true;
    this.socket.end();
    this.socket.destroySoon?.();
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }
}
