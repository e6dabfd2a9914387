/**
 * FETCH data items (RFC 3501 6.4.5): the macros ALL/FAST/FULL, simple items, and the body
 * sections BODY[...] / BODY.PEEK[...] with partial ranges, plus the RFC822 forms, which are
 * body sections under older names.
 */
import type { SectionSpec } from '../types.js';
import { ParseError } from './errors.js';
import type { Token } from './tokens.js';

export type SimpleItem = 'FLAGS' | 'UID' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY';

export type FetchItem =
  | { kind: 'simple'; name: SimpleItem }
  /** `responseName` is how the response names the item ("BODY[HEADER]<0>", "RFC822.HEADER"). `peek`: reading does not set \Seen. */
  | { kind: 'section'; section: SectionSpec; peek: boolean; responseName: string };

const SIMPLE = new Set<string>(['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY']);
const MACROS: Record<string, SimpleItem[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const KINDS = ['HEADER.FIELDS.NOT', 'HEADER.FIELDS', 'HEADER', 'TEXT', 'MIME'] as const;

const quoteField = (field: string) => (/^[A-Za-z0-9!#$&'+\-.^_`|~]+$/.test(field) ? field : `"${field.replace(/[\\"]/g, '\\$&')}"`);

function parseSection(tokens: Token[]): SectionSpec {
  if (tokens.length === 0) return { part: [], kind: '' };
  const [first, list, ...rest] = tokens;
  if (first?.type !== 'atom' || rest.length) throw new ParseError('Invalid section');
  const pieces = first.value.toUpperCase().split('.');
  const part: number[] = [];
  while (pieces.length && /^\d+$/.test(pieces[0]!)) {
    const n = Number(pieces.shift());
    if (n < 1) throw new ParseError('Section part numbers start at 1');
    part.push(n);
  }
  const kindText = pieces.join('.');
  const kind = kindText === '' ? '' : KINDS.find((k) => k === kindText);
  if (kind === undefined) throw new ParseError(`Invalid section "${first.value}"`);
  if (kind === 'MIME' && part.length === 0) throw new ParseError('MIME needs a part number');
  if (kind === 'HEADER.FIELDS' || kind === 'HEADER.FIELDS.NOT') {
    if (list?.type !== 'list' || list.items.length === 0) throw new ParseError(`${kind} needs a list of header names`);
    const fields = list.items.map((item) => {
      if (item.type === 'list' || (item.type === 'atom' && item.section)) throw new ParseError('Invalid header name');
      return item.type === 'atom' ? item.value : item.value.toString('latin1');
    });
    return { part, kind, fields };
  }
  if (list) throw new ParseError(`Unexpected list after ${kindText || 'section'}`);
  return { part, kind };
}

function parsePartial(text: string): { start: number; length: number } {
  const match = /^(\d{1,10})\.(\d{1,10})$/.exec(text);
  if (!match || Number(match[2]) === 0) throw new ParseError(`Invalid partial <${text}> (expected <start.length>, length above 0)`);
  return { start: Number(match[1]), length: Number(match[2]) };
}

function sectionName(section: SectionSpec): string {
  const part = section.part.join('.');
  const kind = section.kind ? (part ? `.${section.kind}` : section.kind) : '';
  const fields = section.fields ? ` (${section.fields.map(quoteField).join(' ')})` : '';
  return `BODY[${part}${kind}${fields}]${section.partial ? `<${section.partial.start}>` : ''}`;
}

function parseItem(token: Token): FetchItem {
  if (token.type !== 'atom') throw new ParseError('Invalid FETCH item');
  const name = token.value.toUpperCase();
  if (token.section) {
    if (name !== 'BODY' && name !== 'BODY.PEEK') throw new ParseError(`${name}[...] is not supported`);
    const section: SectionSpec = parseSection(token.section);
    if (token.partial !== undefined) section.partial = parsePartial(token.partial);
    return { kind: 'section', section, peek: name === 'BODY.PEEK', responseName: sectionName(section) };
  }
  if (token.partial !== undefined) throw new ParseError('A partial range needs a section');
  if (name === 'RFC822') return { kind: 'section', section: { part: [], kind: '' }, peek: false, responseName: 'RFC822' };
  if (name === 'RFC822.HEADER') return { kind: 'section', section: { part: [], kind: 'HEADER' }, peek: true, responseName: 'RFC822.HEADER' };
  if (name === 'RFC822.TEXT') return { kind: 'section', section: { part: [], kind: 'TEXT' }, peek: false, responseName: 'RFC822.TEXT' };
  if (SIMPLE.has(name)) return { kind: 'simple', name: name as SimpleItem };
  throw new ParseError(`Unknown FETCH item "${token.value}"`);
}

/** The argument after the sequence set: a macro, one item, or a parenthesized list of items. */
export function parseFetchItems(token: Token): FetchItem[] {
  if (token.type === 'atom' && !token.section && MACROS[token.value.toUpperCase()]) {
    return MACROS[token.value.toUpperCase()]!.map((name) => ({ kind: 'simple', name }));
  }
  const items = token.type === 'list' ? token.items.map(parseItem) : [parseItem(token)];
  if (items.length === 0) throw new ParseError('Empty FETCH item list');
  return items;
}
