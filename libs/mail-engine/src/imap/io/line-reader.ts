/**
 * Bytes from the client as IMAP reads them: CRLF-terminated lines (bounded) and literal
 * octets (exact counts). Pull-based, so a command is read only when the session is ready for
 * it, and the socket is paused while enough is buffered. STARTTLS re-attaches it to the TLS
 * socket and drops what was sent in plaintext after the command (RFC 3501 6.2.1).
 */
import type { Duplex } from 'node:stream';

export type LineResult = { line: Buffer } | { tooLong: Buffer } | null;

const HIGH_WATER = 1024 * 1024;

export class LineReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private socket!: Duplex;
  private readonly onData = (chunk: Buffer) => {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length >= HIGH_WATER && !this.wake) this.socket.pause();
    this.notify();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };

  constructor(socket: Duplex) {
    this.attach(socket);
  }

  /** Reads from `socket` from now on, forgetting whatever was buffered. */
  attach(socket: Duplex): void {
    if (this.socket) {
      this.socket.off('data', this.onData).off('end', this.onEnd).off('close', this.onEnd);
    }
    this.socket = socket;
    this.chunks = [];
    this.length = 0;
    socket.on('data', this.onData).on('end', this.onEnd).on('close', this.onEnd);
    socket.resume();
  }

  private notify() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private waitForData(): Promise<void> {
    if (this.socket.isPaused()) this.socket.resume();
    return new Promise((resolve) => (this.wake = resolve));
  }

  private take(count: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    if (this.length < HIGH_WATER && this.socket.isPaused()) this.socket.resume();
    return taken;
  }

  private findLineEnd(): number {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks.length ? this.chunks[0]!.indexOf('\n') : -1;
  }

  /**
   * The next line without its CRLF (a bare LF is accepted), or `tooLong` with its first
   * bytes once a line over `maxBytes` has been skipped to its end; null when the client left.
   */
  async line(maxBytes: number): Promise<LineResult> {
    let skipped: Buffer | undefined;
    for (;;) {
      const end = this.findLineEnd();
      if (end >= 0) {
        const line = this.take(end + 1);
        if (skipped) return { tooLong: skipped };
        if (end > maxBytes + 1) return { tooLong: line.subarray(0, 256) };
        return { line: line.subarray(0, line.length > 1 && line[end - 1] === 0x0d ? end - 1 : end) };
      }
      if (this.length > maxBytes + 2) {
        const head = this.take(this.length);
        skipped ??= Buffer.from(head.subarray(0, 256));
      }
      if (this.ended) return null;
      await this.waitForData();
    }
  }

  /** Exactly `count` bytes (a literal), or null when the client left first. */
  async bytes(count: number): Promise<Buffer | null> {
    while (this.length < count) {
      if (this.ended) return null;
      await this.waitForData();
    }
    return Buffer.from(this.take(count));
  }
}
