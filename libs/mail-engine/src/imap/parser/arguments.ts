/**
 * A cursor over a command's argument tokens with one reader per grammar element, so each
 * command's parser reads like its ABNF line: `args.mailbox(); args.sequenceSet(); args.end()`.
 */
import type { SequenceSet } from '../types.js';
import { ParseError } from './errors.js';
import { decodeMailboxName } from './mailbox-name.js';
import { parseSequenceSet } from './sequence-set.js';
import type { Token } from './tokens.js';

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

export class Arguments {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.at];
  }

  get done(): boolean {
    return this.at >= this.tokens.length;
  }

  private next(what: string): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new ParseError(`Missing ${what}`);
    return token;
  }

  end(): void {
    if (!this.done) throw new ParseError('Too many arguments');
  }

  /** An atom, upper-cased (keywords such as FLAGS.SILENT, CHARSET, item names). */
  keyword(what: string): string {
    const token = this.next(what);
    if (token.type !== 'atom' || token.section) throw new ParseError(`Expected ${what}`);
    return token.value.toUpperCase();
  }

  /** The next token when it is the atom `word` (case-insensitive). */
  accept(word: string): boolean {
    const token = this.peek();
    if (token?.type === 'atom' && !token.section && token.value.toUpperCase() === word) {
      this.at++;
      return true;
    }
    return false;
  }

  /** astring: an atom, a quoted string or a literal, as UTF-8 text. */
  astring(what: string): string {
    return this.astringBytes(what).toString('utf8');
  }

  astringBytes(what: string): Buffer {
    const token = this.next(what);
    if (token.type === 'string') return token.value;
    if (token.type === 'atom' && !token.section) return Buffer.from(token.value, 'latin1');
    throw new ParseError(`Expected ${what}`);
  }

  /** A quoted string or literal only (APPEND's message, date-time). */
  string(what: string): Buffer {
    const token = this.next(what);
    if (token.type !== 'string') throw new ParseError(`Expected ${what} as a string`);
    return token.value;
  }

  mailbox(what = 'mailbox name'): string {
    return decodeMailboxName(this.astring(what));
  }

  /** A list-mailbox pattern: like a mailbox name, but "%" and "*" are wildcards. */
  pattern(what: string): string {
    return decodeMailboxName(this.astring(what));
  }

  sequenceSet(what = 'sequence set'): SequenceSet {
    const token = this.next(what);
    if (token.type !== 'atom' || token.section) throw new ParseError(`Expected ${what}`);
    return parseSequenceSet(token.value);
  }

  number(what: string): number {
    const token = this.next(what);
    if (token.type !== 'atom' || !/^\d{1,10}$/.test(token.value) || Number(token.value) > 4_294_967_295) throw new ParseError(`Expected ${what} as a number`);
    return Number(token.value);
  }

  list(what: string): Token[] {
    const token = this.next(what);
    if (token.type !== 'list') throw new ParseError(`Expected ${what} in parentheses`);
    return token.items;
  }

  /** A parenthesized flag list: system flags spelled canonically, keywords as atoms; "\Recent" is not settable. */
  flagList(what = 'flag list'): string[] {
    return this.list(what).map((token) => parseFlag(token));
  }

  /** Any token (for a command that dispatches on what comes next). */
  token(what: string): Token {
    return this.next(what);
  }
}

export function parseFlag(token: Token): string {
  if (token.type !== 'atom' || token.section || !/^\\?[^\s()%*"\\\]{]+$/.test(token.value)) throw new ParseError('Invalid flag');
  if (!token.value.startsWith('\\')) return token.value;
  const system = SYSTEM_FLAGS.find((flag) => flag.toLowerCase() === token.value.toLowerCase());
  if (!system) throw new ParseError(`${token.value} is not a flag that can be set`);
  return system;
}
