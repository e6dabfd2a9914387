/**
 * One IMAP session (RFC 3501 section 3): reads a command, checks that the command exists, is
 * valid in the current state and parses, runs it, brings the client up to date on the
 * selected mailbox, and answers the tagged completion. Malformed input is answered BAD and
 * the session goes on; an unexpected failure is logged and answered NO [SERVERBUG], never
 * with its stack. An administrator's change that takes IMAP away from the account ends the
 * session at its next command (at once when idling) with BYE [CONTACTADMIN].
 */
import type { FolderInfo } from '../../mailstore/types.js';
import { bad, no, type Completion, type ImapCommand, type SessionState } from '../commands/command.js';
import { COMMANDS } from '../commands/index.js';
import { storeRefusal } from '../commands/store-refusals.js';
import { CommandReader } from '../io/command-reader.js';
import type { Connection } from '../io/connection.js';
import { Arguments } from '../parser/arguments.js';
import { ParseError } from '../parser/errors.js';
import { tokenize } from '../parser/tokens.js';
import { CAPABILITIES, type SessionContext } from './context.js';
import { SelectedFolder } from './selected-folder.js';
import { isTemporaryFailure } from './temporary-failures.js';

/**
 * Response text is one line: a client's name or date echoed in an error message may have
 * arrived in a literal, with line breaks that would otherwise forge responses.
 */
const readable = (text: string) => text.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 300);

/** Small literals only, except APPEND's message. */
const MAX_ARGUMENT_LITERAL = 64 * 1024;

export class Session {
  state: SessionState = 'not-authenticated';
  account: { id: number; address: string } | null = null;
  selected: SelectedFolder | null = null;
  private readonly commands: CommandReader;
  private accessChanged = false;
  private idling = false;
  private ended = false;

  constructor(
    readonly connection: Connection,
    readonly context: SessionContext,
  ) {
    this.commands = new CommandReader(
      connection.reader,
      {
        maxLineBytes: context.maxLineBytes,
        maxLiteralBytes: (name) => (name === 'APPEND' ? context.maxMessageBytes() : MAX_ARGUMENT_LITERAL),
      },
      (text) => void connection.write(`+ ${text}\r\n`),
    );
  }

  /** LOGIN and AUTHENTICATE are allowed: over TLS, or anywhere when the operator allows plain authentication. */
  get mayAuthenticate(): boolean {
    return this.connection.secure || this.context.allowPlainAuth;
  }

  capabilities(): string[] {
    if (this.state !== 'not-authenticated') return CAPABILITIES;
    return [...CAPABILITIES, ...(this.connection.secure ? [] : ['STARTTLS']), this.mayAuthenticate ? 'AUTH=PLAIN' : 'LOGINDISABLED'];
  }

  async run(): Promise<void> {
    this.connection.idleTimer(this.context.idleTimeoutMs, () => void this.bye('Autologout; idle for too long'));
    await this.untagged(`OK [CAPABILITY ${this.capabilities().join(' ')}] Schoolmail IMAP4rev1 ready`);
    while (!this.ended && !this.connection.isClosed) {
      const read = await this.commands.read();
      if (read.kind === 'closed') break;
      if (read.kind === 'fatal') {
        await this.bye(read.text);
        break;
      }
      if (read.kind === 'refused') {
        await this.connection.write(`${read.tag} ${read.status} ${read.text}\r\n`);
        continue;
      }
      this.connection.pauseIdleTimer();
      if (this.accessChanged && (await this.accessWithdrawn())) break;
      const completion = await this.execute(read.name, read.parts);
      await this.connection.write(`${read.tag} ${completion.status}${completion.code ? ` [${completion.code}]` : ''} ${readable(completion.text)}\r\n`);
      await completion.after?.();
      this.connection.resumeIdleTimer();
    }
    this.end();
  }

  private async execute(name: string, parts: Array<string | Buffer>): Promise<Completion> {
    const command: ImapCommand | undefined = COMMANDS.get(name);
    if (!command) return bad(`Unknown command ${name.slice(0, 40)}`);
    if (!command.states.includes(this.state)) return bad(`${name} is not allowed ${this.state === 'not-authenticated' ? 'before logging in' : this.state === 'authenticated' ? 'without a selected mailbox' : 'now'}`);
    let completion: Completion;
    try {
      const args = command.parse(new Arguments(tokenize(parts)));
      // Learn of messages expunged elsewhere before running (they are skipped, their numbers kept).
      await this.sendUpdates(false);
      completion = await command.run(this, args);
    } catch (error) {
      if (error instanceof ParseError) return bad(error.message);
      completion = storeRefusal(error) ?? this.failed(name, error);
    }
    await this.sendUpdates(command.mayExpunge !== false).catch((error: unknown) => this.failed(name, error));
    return completion;
  }

  private failed(name: string, error: unknown): Completion {
    const who = this.account?.address ?? this.connection.remoteAddress;
    if (isTemporaryFailure(error)) {
      this.context.log(`imap ${name} (${who}): temporary failure: ${error instanceof Error ? error.message.split('\n').at(-1) : String(error)}`);
      return no('The server is busy; please try again', 'UNAVAILABLE');
    }
    this.context.log(`imap ${name} (${who}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return no(`${name} failed on the server; please try again`, 'SERVERBUG');
  }

  /** The untagged EXPUNGE/EXISTS/FETCH lines for changes made elsewhere to the selected mailbox. */
  async sendUpdates(mayExpunge: boolean): Promise<void> {
    const selected = this.selected;
    if (!selected) return;
    const lines = await selected.sync(mayExpunge);
    if (lines.length && selected === this.selected) await this.connection.write(lines.map((line) => `* ${line}\r\n`).join(''));
  }

  untagged(text: string | Buffer): Promise<void> {
    return this.connection.write(typeof text === 'string' ? `* ${text}\r\n` : Buffer.concat([Buffer.from('* '), text, Buffer.from('\r\n')]));
  }

  continuation(text: string): Promise<void> {
    return this.connection.write(`+ ${text}\r\n`);
  }

  /** A line the client sends inside a command (an AUTHENTICATE response, IDLE's DONE); null when it left or the line was too long. */
  async readLine(): Promise<string | null> {
    // Waiting for the client again: its silence counts towards autologout (RFC 2177: IDLE too).
    this.connection.resumeIdleTimer();
    try {
      const result = await this.connection.reader.line(this.context.maxLineBytes);
      return result && 'line' in result ? result.line.toString('latin1') : null;
    } finally {
      this.connection.pauseIdleTimer();
    }
  }

  /** Waits for DONE while pushing every change to the selected mailbox as it happens (RFC 2177). */
  async idle(): Promise<string | null> {
    this.idling = true;
    try {
      await this.sendUpdates(true);
      return await this.readLine();
    } finally {
      this.idling = false;
    }
  }

  loggedIn(account: { id: number; address: string }): void {
    this.account = account;
    this.state = 'authenticated';
  }

  /** The account of an authenticated session. */
  get accountId(): number {
    if (!this.account) throw new Error('not authenticated');
    return this.account.id;
  }

  /** Makes `folder` the selected mailbox; the caller loads its messages. */
  async select(folder: FolderInfo, readOnly: boolean): Promise<SelectedFolder> {
    this.unselect();
    const selected = new SelectedFolder(folder, readOnly, this.context.store, () => {
      if (this.idling) this.sendUpdates(true).catch((error: unknown) => this.failed('IDLE', error));
    });
    this.selected = selected;
    this.state = 'selected';
    return selected;
  }

  unselect(): void {
    this.selected?.close();
    this.selected = null;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  /** Told by the server when the account's settings changed. */
  settingsChanged(): void {
    this.accessChanged = true;
    if (this.idling) void this.accessWithdrawn().catch((error: unknown) => this.failed('IDLE', error));
  }

  private async accessWithdrawn(): Promise<boolean> {
    this.accessChanged = false;
    if (!this.account) return false;
    const reason = await this.context.access.refusal(this.account.id, 'imap').catch((error: unknown) => {
      this.accessChanged = true; // asked again at the next command
      this.failed('access check', error);
      return null;
    });
    if (reason === null) return false;
    await this.bye(`[CONTACTADMIN] ${reason}`);
    return true;
  }

  async bye(text: string): Promise<void> {
    if (this.ended) return;
    await this.untagged(`BYE ${text}`);
    this.end();
  }

  /** Closes the connection after what was written. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.unselect();
    this.connection.close();
  }
}
