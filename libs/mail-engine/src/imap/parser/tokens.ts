/**
 * The lexical layer of RFC 3501 section 9: a command, as text segments with the literals
 * between them, becomes atoms, strings (quoted or literal, as bytes) and parenthesized lists.
 * FETCH's `BODY[<section>]<<partial>>` is one atom carrying its section tokens and partial
 * text, because its brackets may hold spaces and lists.
 */
import { ParseError } from './errors.js';

export type Token =
  | { type: 'atom'; value: string; section?: Token[]; partial?: string }
  | { type: 'string'; value: Buffer; literal: boolean }
  | { type: 'list'; items: Token[] };

/** A command as it arrived: text (decoded byte for byte as latin1) and, after each text ending in `{n}`, the literal's bytes. */
export type CommandParts = Array<string | Buffer>;

/** Atoms whose `[` opens a section (RFC 3501 fetch-att, RFC 3516); elsewhere `[` is an ordinary atom character (e.g. "[Gmail]"). */
const SECTIONED = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);
const LITERAL_AT_END = /\{(\d+)\+?\}$/;

class Lexer {
  private partIndex = 0;
  private text: string;
  private at = 0;
  private sectionDepth = 0;

  constructor(private readonly parts: CommandParts) {
    this.text = typeof parts[0] === 'string' ? parts[0] : '';
  }

  private get char(): string | undefined {
    return this.text[this.at];
  }

  /** Reads tokens until `close` (or the end of the command when `close` is undefined). */
  tokens(close?: ')' | ']'): Token[] {
    const tokens: Token[] = [];
    for (;;) {
      while (this.char === ' ') this.at++;
      const char = this.char;
      if (char === undefined) {
        if (close) throw new ParseError(`Missing "${close}"`);
        return tokens;
      }
      if (char === close) {
        this.at++;
        return tokens;
      }
      if (char === ')') throw new ParseError('Unexpected ")"');
      tokens.push(this.token());
    }
  }

  private token(): Token {
    const char = this.char;
    if (char === '(') {
      this.at++;
      return { type: 'list', items: this.tokens(')') };
    }
    if (char === '"') return this.quoted();
    if (char === '{') return this.literal();
    return this.atom();
  }

  private quoted(): Token {
    let value = '';
    for (this.at++; ; this.at++) {
      const char = this.char;
      if (char === undefined) throw new ParseError('Unterminated quoted string');
      if (char === '"') break;
      if (char === '\\') {
        const next = this.text[++this.at];
        if (next !== '"' && next !== '\\') throw new ParseError('Only \\" and \\\\ may be escaped in a quoted string');
        value += next;
      } else {
        value += char;
      }
    }
    this.at++;
    return { type: 'string', value: Buffer.from(value, 'latin1'), literal: false };
  }

  private literal(): Token {
    const rest = this.text.slice(this.at);
    const match = LITERAL_AT_END.exec(rest);
    if (!match || match.index !== 0) throw new ParseError('A literal {n} must end its line');
    const bytes = this.parts[this.partIndex + 1];
    if (!Buffer.isBuffer(bytes) || bytes.length !== Number(match[1])) throw new ParseError('Literal data missing');
    const after = this.parts[this.partIndex + 2];
    this.partIndex += 2;
    this.text = typeof after === 'string' ? after : '';
    this.at = 0;
    return { type: 'string', value: bytes, literal: true };
  }

  private atom(): Token {
    const start = this.at;
    for (;;) {
      const char = this.char;
      if (char === undefined || ' ()"{'.includes(char)) break;
      // "]" is an astring character (e.g. "[Gmail]/Sent") except where it closes a section.
      if (char === ']' && this.sectionDepth > 0) break;
      if (char === '[' && SECTIONED.has(this.text.slice(start, this.at).toUpperCase())) break;
      if (char < ' ' || char === '\x7f') throw new ParseError('Control character in command');
      this.at++;
    }
    const value = this.text.slice(start, this.at);
    if (!value) throw new ParseError(`Unexpected "${this.char}"`);
    if (this.char !== '[') return { type: 'atom', value };
    this.at++;
    this.sectionDepth++;
    const section = this.tokens(']');
    this.sectionDepth--;
    let partial: string | undefined;
    if (this.text[this.at] === '<') {
      const end = this.text.indexOf('>', this.at);
      if (end < 0) throw new ParseError('Unterminated partial <...>');
      partial = this.text.slice(this.at + 1, end);
      this.at = end + 1;
    }
    return { type: 'atom', value, section, partial };
  }
}

export function tokenize(parts: CommandParts): Token[] {
  return new Lexer(parts).tokens();
}
