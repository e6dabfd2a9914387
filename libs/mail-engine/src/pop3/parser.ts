/**
 * The POP3 command line (RFC 1939 section 3, RFC 2449 section 4): a keyword of 3 or 4
 * printable characters, case-insensitive, then arguments separated by single spaces. Lines
 * end in CRLF (a bare LF is accepted, as most servers do). RFC 2449 allows a line of 255
 * octets; a SASL response (RFC 5034) may be longer, so the reader allows more and the
 * session answers anything past that with -ERR instead of buffering without end.
 */

export const MAX_LINE_OCTETS = 4096;

export interface CommandLine {
  keyword: string;
  /** Everything after the keyword and its space, unsplit (PASS allows spaces in a password). */
  rest: string;
  args: string[];
}

export type ParsedLine = { ok: true; command: CommandLine } | { ok: false; error: string };

export function parseCommandLine(line: string): ParsedLine {
  const match = /^([A-Za-z]{3,4})(?: (.*))?$/.exec(line);
  if (!match) return { ok: false, error: line.trim() === '' ? 'empty command' : 'malformed command' };
  const rest = match[2] ?? '';
  return { ok: true, command: { keyword: match[1]!.toUpperCase(), rest, args: rest === '' ? [] : rest.split(' ') } };
}

/** A message number argument: decimal digits only, no sign, no leading garbage. */
export function parseMessageNumber(text: string | undefined): number | null {
  if (text === undefined || !/^[0-9]{1,9}$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 ? value : null;
}

export type LineEvent = { kind: 'line'; line: string } | { kind: 'overlong' };

/**
 * Splits the byte stream into lines. A line longer than MAX_LINE_OCTETS is reported once as
 * `overlong` and the rest of it is skipped up to its line end, so the session can answer
 * -ERR and go on with the next command.
 */
export class LineReader {
  private buffered = Buffer.alloc(0);
  private skipping = false;

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let data = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    for (;;) {
      const end = data.indexOf(0x0a);
      if (end < 0) break;
      const wasSkipping = this.skipping;
      this.skipping = false;
      if (!wasSkipping) {
        if (end > MAX_LINE_OCTETS) events.push({ kind: 'overlong' });
        else events.push({ kind: 'line', line: data.subarray(0, end > 0 && data[end - 1] === 0x0d ? end - 1 : end).toString('latin1') });
      }
      data = data.subarray(end + 1);
    }
    if (data.length > MAX_LINE_OCTETS) {
      if (!this.skipping) events.push({ kind: 'overlong' });
      this.skipping = true;
      data = Buffer.alloc(0);
    }
    this.buffered = Buffer.from(data);
    return events;
  }

  /** Drops what was read but not yet handled (after STLS: nothing sent in the clear may be obeyed, RFC 2595 section 4). */
  discard() {
    this.buffered = Buffer.alloc(0);
    this.skipping = false;
  }
}
