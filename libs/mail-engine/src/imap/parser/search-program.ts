/** SEARCH keys (RFC 3501 6.4.4) into the SearchKey tree the message model evaluates. */
import type { SearchKey } from '../types.js';
import { Arguments, parseFlag } from './arguments.js';
import { parseSearchDate } from './date-time.js';
import { ParseError } from './errors.js';
import { parseSequenceSet } from './sequence-set.js';

const flag = (name: string, set: boolean): SearchKey => ({ kind: 'flag', flag: name, set });

const FLAG_KEYS: Record<string, SearchKey> = {
  ALL: { kind: 'all' },
  ANSWERED: flag('\\Answered', true),
  UNANSWERED: flag('\\Answered', false),
  DELETED: flag('\\Deleted', true),
  UNDELETED: flag('\\Deleted', false),
  DRAFT: flag('\\Draft', true),
  UNDRAFT: flag('\\Draft', false),
  FLAGGED: flag('\\Flagged', true),
  UNFLAGGED: flag('\\Flagged', false),
  SEEN: flag('\\Seen', true),
  UNSEEN: flag('\\Seen', false),
  RECENT: flag('\\Recent', true),
  OLD: flag('\\Recent', false),
  NEW: { kind: 'and', keys: [flag('\\Recent', true), flag('\\Seen', false)] },
};
const HEADER_KEYS: Record<string, string> = { FROM: 'From', TO: 'To', CC: 'Cc', BCC: 'Bcc', SUBJECT: 'Subject' };
const DATE_KEYS: Record<string, [('internal' | 'sent'), ('before' | 'on' | 'since')]> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};

function searchKey(args: Arguments): SearchKey {
  const token = args.token('search key');
  if (token.type === 'list') {
    const inner = new Arguments(token.items);
    const keys: SearchKey[] = [];
    while (!inner.done) keys.push(searchKey(inner));
    if (keys.length === 0) throw new ParseError('Empty search key list');
    return keys.length === 1 ? keys[0]! : { kind: 'and', keys };
  }
  if (token.type !== 'atom' || token.section) throw new ParseError('Invalid search key');
  const name = token.value.toUpperCase();
  if (FLAG_KEYS[name]) return FLAG_KEYS[name];
  if (HEADER_KEYS[name]) return { kind: 'header', field: HEADER_KEYS[name], value: args.astring(`${name} value`) };
  if (DATE_KEYS[name]) {
    const [which, op] = DATE_KEYS[name];
    return { kind: 'date', which, op, day: parseSearchDate(args.astring(`${name} date`)) };
  }
  switch (name) {
    case 'KEYWORD':
    case 'UNKEYWORD':
      return flag(parseFlag({ type: 'atom', value: args.astring(`${name} flag`) }), name === 'KEYWORD');
    case 'HEADER':
      return { kind: 'header', field: args.astring('header name'), value: args.astring('header value') };
    case 'BODY':
      return { kind: 'body', value: args.astring('BODY value') };
    case 'TEXT':
      return { kind: 'text', value: args.astring('TEXT value') };
    case 'LARGER':
    case 'SMALLER':
      return { kind: 'size', op: name === 'LARGER' ? 'larger' : 'smaller', bytes: args.number(`${name} size`) };
    case 'UID':
      return { kind: 'uid', set: args.sequenceSet('UID set') };
    case 'NOT':
      return { kind: 'not', key: searchKey(args) };
    case 'OR':
      return { kind: 'or', left: searchKey(args), right: searchKey(args) };
    default:
      if (/^[\d*:,]+$/.test(name)) return { kind: 'seq', set: parseSequenceSet(name) };
      throw new ParseError(`Unknown search key "${token.value}"`);
  }
}

/** The keys after SEARCH [CHARSET x]: all must match. */
export function parseSearchProgram(args: Arguments): SearchKey {
  const keys: SearchKey[] = [];
  while (!args.done) keys.push(searchKey(args));
  if (keys.length === 0) throw new ParseError('SEARCH needs at least one key');
  return keys.length === 1 ? keys[0]! : { kind: 'and', keys };
}
