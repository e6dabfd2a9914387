/**
 * One POP3 connection: reads command lines (pipelined commands are queued and answered in
 * order, RFC 2449 PIPELINING), checks the state each command is valid in, and runs its
 * handler. Behaviour lives in commands/; this file is the state machine and the wire.
 *
 * States (RFC 1939): AUTHORIZATION until a login succeeds, then TRANSACTION; QUIT in
 * TRANSACTION enters UPDATE (commands/quit.ts). A dropped connection never reaches UPDATE,
 * so it deletes nothing.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { commandFor } from './commands/index.js';
import type { Pop3Context } from './context.js';
import { Maildrop } from './maildrop.js';
import { LineReader, parseCommandLine, type LineEvent } from './parser.js';
import { errors, oneLine, responseCodes } from './responses.js';

export type Pop3State = 'AUTHORIZATION' | 'TRANSACTION';

export interface LoggedIn {
  accountId: number;
  address: string;
}

/** Errors in a row after which the client is taken to be broken or hostile and is let go. */
const MAX_ERRORS_IN_A_ROW = 20;
/** Lines queued unanswered before the socket stops being read (a client must wait for answers eventually). */
const MAX_QUEUED_LINES = 200;

export class Pop3Session {
  state: Pop3State = 'AUTHORIZATION';
  maildrop = Maildrop.empty();
  user: LoggedIn | null = null;
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | null = null;
  failedLogins = 0;
  readonly clientIp: string;

  private stream: Socket;
  private readonly reader = new LineReader();
  private readonly queue: LineEvent[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private errorsInARow = 0;
  private settingsChanged = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    readonly ctx: Pop3Context,
    socket: Socket,
  ) {
    this.stream = socket;
    this.clientIp = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.attach(socket);
    socket.on('close', () => this.onClosed());
    socket.setTimeout(ctx.idleTimeoutMs, () => this.end(`-ERR autologout: idle for too long\r\n`));
  }

  get tlsActive(): boolean {
    return this.stream instanceof TLSSocket;
  }

  /** USER/PASS and AUTH PLAIN send the password as it is: only under TLS unless the operator allows it. */
  get plainLoginAllowed(): boolean {
    return this.tlsActive || this.ctx.config.allowPlainAuth;
  }

  start() {
    this.write(`+OK ${this.ctx.config.hostname} Schoolmail POP3 server ready\r\n`);
    void this.run();
  }

  ok(text: string) {
    this.errorsInARow = 0;
    this.write(text ? `+OK ${text}\r\n` : `+OK\r\n`);
  }

  err(text: string) {
    this.errorsInARow++;
    this.write(`-ERR ${text}\r\n`);
  }

  /** Writes and waits while the socket's buffer is full (a long RETR to a slow client). */
  async send(data: string | Buffer): Promise<void> {
    if (this.closed) return;
    if (this.stream.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('close', done);
    });
  }

  /** The next line from the client, for a command that reads more than one (AUTH's continuation); null when the connection ended. */
  async nextLine(): Promise<LineEvent | null> {
    while (this.queue.length === 0) {
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const event = this.queue.shift()!;
    if (this.queue.length < MAX_QUEUED_LINES / 2 && this.stream.isPaused()) this.stream.resume();
    return event;
  }

  /** Answers with `last` and closes the connection. */
  end(last?: string) {
    if (this.closed) return;
    if (last) this.stream.write(last);
    this.stream.end();
    this.onClosed();
  }

  /** RFC 2595 section 4: the answer goes out in the clear, then TLS starts; lines sent before are dropped. */
  startTls() {
    const plain = this.stream;
    plain.removeAllListeners('data');
    this.reader.discard();
    this.queue.length = 0;
    // Reading may have been paused by a flood of pipelined lines, now dropped; TLS reads through this socket.
    if (plain.isPaused()) plain.resume();
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.ctx.secureContext });
    this.stream = secure;
    this.attach(secure);
  }

  /** Enters TRANSACTION with the INBOX as it is now; watches for an administrator turning POP3 off. */
  enterTransaction(user: LoggedIn, maildrop: Maildrop) {
    this.user = user;
    this.maildrop = maildrop;
    this.state = 'TRANSACTION';
    this.unsubscribe = this.ctx.access.onSettingsChanged((change) => {
      if (change === 'all' || change.accountIds.includes(user.accountId)) this.settingsChanged = true;
    });
  }

  private attach(stream: Socket) {
    stream.on('data', (chunk: Buffer) => {
      this.queue.push(...this.reader.push(chunk));
      if (this.queue.length >= MAX_QUEUED_LINES) stream.pause();
      this.wake?.();
      this.wake = null;
    });
    stream.on('error', () => stream.destroy());
  }

  private write(text: string) {
    if (!this.closed) this.stream.write(text, 'latin1');
  }

  private async run() {
    for (;;) {
      const event = await this.nextLine();
      if (!event || this.closed) return;
      try {
        await this.handle(event);
      } catch (error) {
        this.ctx.log(`pop3: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        this.err(errors.temporaryFailure);
      }
      if (this.errorsInARow >= MAX_ERRORS_IN_A_ROW) this.end(`-ERR too many errors, closing the connection\r\n`);
    }
  }

  private async handle(event: LineEvent) {
    if (event.kind === 'overlong') return this.err('line too long');
    const parsed = parseCommandLine(event.line);
    if (!parsed.ok) return this.err(parsed.error);
    const command = commandFor(parsed.command.keyword);
    if (!command) return this.err(`unknown command ${parsed.command.keyword}`);
    if (this.state === 'TRANSACTION' && this.settingsChanged && (await this.refusedNow())) return;
    if (!command.states.includes(this.state)) {
      return this.err(this.state === 'AUTHORIZATION' ? `${command.keyword} is valid only after login` : `${command.keyword} is not valid after login`);
    }
    await command.handle(this, parsed.command);
  }

  /** An open session whose POP3 an administrator turned off ends at its next command, saying why; nothing is deleted. */
  private async refusedNow(): Promise<boolean> {
    this.settingsChanged = false;
    const reason = await this.ctx.access.refusal(this.user!.accountId, 'pop3');
    if (reason === null) return false;
    this.end(`-ERR ${responseCodes.sysPerm} ${oneLine(reason)}\r\n`);
    return true;
  }

  private onClosed() {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    if (this.user) this.ctx.locks.release(this.user.accountId);
    this.wake?.();
    this.wake = null;
    if (!this.stream.destroyed) this.stream.destroySoon();
  }
}
