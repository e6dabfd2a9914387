/**
 * IMAP output values (RFC 3501 4.3 and the formal syntax in section 9): atoms, numbers, NIL,
 * strings (quoted or literal) and parenthesized lists, serialized to bytes. Strings may be
 * JavaScript strings (written as UTF-8) or Buffers (written byte for byte, so 8-bit header
 * bytes reach the client unchanged).
 */

/** Written exactly as given: flags, `BODY[1]<0>`, `ENVELOPE`. The caller vouches for its syntax. */
export interface ImapAtom {
  readonly type: 'atom';
  readonly text: string;
}

/** A string that is always sent as a literal, whatever its content (message bodies). */
export interface ImapLiteral {
  readonly type: 'literal';
  readonly bytes: Buffer;
}

/** Values written back to back without separating spaces: the bodies of a multipart BODYSTRUCTURE (`1*body`). */
export interface ImapJoined {
  readonly type: 'joined';
  readonly items: readonly ImapValue[];
}

export type ImapValue = null | number | string | Buffer | ImapAtom | ImapLiteral | ImapJoined | ImapValue[];

export function atom(text: string): ImapAtom {
  return { type: 'atom', text };
}

export function joined(items: readonly ImapValue[]): ImapJoined {
  return { type: 'joined', items };
}

export function asLiteral(bytes: Buffer | string): ImapLiteral {
  return { type: 'literal', bytes: toBytes(bytes) };
}

/** Dovecot switches to a literal beyond this length too: long quoted strings are hard on clients' line limits. */
const LONGEST_QUOTED = 1024;

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** `"..."` with `"` and `\` escaped. Throws for bytes a quoted string cannot carry (CR, LF, NUL, 8-bit). */
export function quoted(value: string | Buffer): Buffer {
  const bytes = toBytes(value);
  if (!fitsQuoted(bytes, Number.POSITIVE_INFINITY)) {
    throw new RangeError('a quoted string cannot carry CR, LF, NUL or 8-bit bytes; use a literal');
  }
  return quoteUnchecked(bytes);
}

/** `{n}\r\n` followed by the n bytes. */
export function literal(value: Buffer | string): Buffer {
  const bytes = toBytes(value);
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`, 'latin1'), bytes]);
}

/** An IMAP string: quoted when it can be, a literal otherwise. */
export function imapString(value: string | Buffer): Buffer {
  const bytes = toBytes(value);
  return fitsQuoted(bytes, LONGEST_QUOTED) ? quoteUnchecked(bytes) : literal(bytes);
}

/** NIL for null/undefined, otherwise an IMAP string. */
export function nstring(value: string | Buffer | null | undefined): Buffer {
  return value === null || value === undefined ? Buffer.from('NIL', 'latin1') : imapString(value);
}

/** An atom when every byte is an ASTRING-CHAR (and it is not NIL, which would read as nil), otherwise a string. */
export function astring(value: string | Buffer): Buffer {
  const bytes = toBytes(value);
  if (bytes.length > 0 && bytes.every(isAstringChar) && bytes.toString('latin1').toUpperCase() !== 'NIL') {
    return Buffer.from(bytes);
  }
  return imapString(bytes);
}

/** One value, lists nested to any depth, as the bytes to write after e.g. `* 3 FETCH `. */
export function serialize(value: ImapValue): Buffer {
  const chunks: Buffer[] = [];
  let pending = '';
  const flushText = () => {
    if (pending.length > 0) {
      chunks.push(Buffer.from(pending, 'latin1'));
      pending = '';
    }
  };
  const write = (item: ImapValue): void => {
    if (item === null) {
      pending += 'NIL';
    } else if (typeof item === 'number') {
      pending += String(Math.trunc(item));
    } else if (typeof item === 'string' || Buffer.isBuffer(item)) {
      const bytes = toBytes(item);
      if (fitsQuoted(bytes, LONGEST_QUOTED)) {
        pending += quoteUnchecked(bytes).toString('latin1');
      } else {
        pending += `{${bytes.length}}\r\n`;
        flushText();
        chunks.push(bytes);
      }
    } else if (Array.isArray(item)) {
      pending += '(';
      item.forEach((element, index) => {
        if (index > 0) pending += ' ';
        write(element);
      });
      pending += ')';
    } else if (item.type === 'joined') {
      item.items.forEach(write);
    } else if (item.type === 'atom') {
      // Atoms are ASCII by contract; encoding as UTF-8 keeps a careless caller's text readable.
      flushText();
      chunks.push(Buffer.from(item.text, 'utf8'));
    } else {
      pending += `{${item.bytes.length}}\r\n`;
      flushText();
      chunks.push(item.bytes);
    }
  };
  write(value);
  flushText();
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function toBytes(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function fitsQuoted(bytes: Buffer, longest: number): boolean {
  if (bytes.length > longest) return false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (byte === CR || byte === LF || byte === NUL || byte >= 0x80) return false;
  }
  return true;
}

function quoteUnchecked(bytes: Buffer): Buffer {
  let text = '"';
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (byte === QUOTE || byte === BACKSLASH) text += '\\';
    text += String.fromCharCode(byte);
  }
  return Buffer.from(`${text}"`, 'latin1');
}

/** ASTRING-CHAR = ATOM-CHAR / "]": printable ASCII except ( ) { SP % * " \ and controls. */
function isAstringChar(byte: number): boolean {
  if (byte <= 0x20 || byte >= 0x7f) return false;
  return !'(){%*"\\'.includes(String.fromCharCode(byte));
}
