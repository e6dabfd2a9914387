/**
 * Command framing (RFC 3501 2.2, 4.3; RFC 7888 LITERAL+): a tagged line, and for each line
 * ending in `{n}` (answered "+ Ready") or `{n+}` (not answered), n bytes of literal and the
 * line that continues the command. Limits: the length of a line, the size of a literal (large
 * for APPEND's message, small elsewhere) and of a whole command; a line too long is skipped
 * and answered BAD, a synchronizing literal too large is refused before the client sends it,
 * and a non-synchronizing one too large ends the connection (its bytes are already coming).
 */
import type { CommandParts } from '../parser/tokens.js';
import type { LineReader } from './line-reader.js';

export interface CommandLimits {
  maxLineBytes: number;
  /** The largest literal the command accepts ("APPEND", "UID FETCH", ...). */
  maxLiteralBytes(command: string): number;
}

export type ReadResult =
  | { kind: 'command'; tag: string; /** Upper-case; "UID FETCH" for UID commands. */ name: string; parts: CommandParts }
  /** Answer `<tag> <status> <text>` and read the next command. */
  | { kind: 'refused'; tag: string; status: 'BAD' | 'NO'; text: string }
  /** Answer `* BYE <text>` and close. */
  | { kind: 'fatal'; text: string }
  | { kind: 'closed' };

const COMMAND_LINE = /^([^\x00-\x20(){%*"\\+\x7f-\xff]+) ([A-Za-z][A-Za-z0-9]*)(?: |$)/;
const UID_SUBCOMMAND = /^([A-Za-z]+)(?: |$)/;
const LITERAL = /\{(\d{1,20})(\+?)\}$/;

/** The tag of a line that could not be read as a command, or "*" when there is none. */
function tagOf(head: Buffer): string {
  const match = /^([^\x00-\x20(){%*"\\+\x7f-\xff]+) /.exec(head.toString('latin1'));
  return match?.[1] ?? '*';
}

export class CommandReader {
  constructor(
    private readonly reader: LineReader,
    private readonly limits: CommandLimits,
    private readonly sendContinuation: (text: string) => void,
  ) {}

  async read(): Promise<ReadResult> {
    const first = await this.reader.line(this.limits.maxLineBytes);
    if (!first) return { kind: 'closed' };
    if ('tooLong' in first) return { kind: 'refused', tag: tagOf(first.tooLong), status: 'BAD', text: `Command line too long (at most ${this.limits.maxLineBytes} bytes)` };
    const text = first.line.toString('latin1');
    const match = COMMAND_LINE.exec(text);
    if (!match) return { kind: 'refused', tag: tagOf(first.line), status: 'BAD', text: text.trim() ? 'Expected a tag and a command' : 'Empty command line' };
    const [prefix, tag, name] = match as unknown as [string, string, string];
    const upper = name.toUpperCase();
    const sub = upper === 'UID' ? UID_SUBCOMMAND.exec(text.slice(prefix.length)) : null;
    const command = sub ? `UID ${sub[1]!.toUpperCase()}` : upper;
    const parts: CommandParts = [text.slice(prefix.length + (sub?.[0].length ?? 0))];
    const maxLiteral = this.limits.maxLiteralBytes(command);
    let total = first.line.length;
    for (;;) {
      const last = parts[parts.length - 1] as string;
      const literal = LITERAL.exec(last);
      if (!literal) return { kind: 'command', tag, name: command, parts };
      const size = Number(literal[1]);
      const synchronizing = literal[2] === '';
      if (size > maxLiteral || total + size > maxLiteral + this.limits.maxLineBytes) {
        const why = command === 'APPEND' ? `[TOOBIG] Message too large (at most ${maxLiteral} bytes)` : `Literal too large for ${command} (at most ${maxLiteral} bytes)`;
        if (!synchronizing) return { kind: 'fatal', text: why.replace(/^\[TOOBIG\] /, '') };
        return { kind: 'refused', tag, status: command === 'APPEND' ? 'NO' : 'BAD', text: why };
      }
      if (synchronizing) this.sendContinuation('Ready for literal data');
      const bytes = await this.reader.bytes(size);
      if (!bytes) return { kind: 'closed' };
      const next = await this.reader.line(this.limits.maxLineBytes);
      if (!next) return { kind: 'closed' };
      if ('tooLong' in next) return { kind: 'refused', tag, status: 'BAD', text: `Command line too long (at most ${this.limits.maxLineBytes} bytes)` };
      total += size + next.line.length;
      parts.push(bytes, next.line.toString('latin1'));
    }
  }
}
