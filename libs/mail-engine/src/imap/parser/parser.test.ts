import { describe, expect, it } from 'vitest';
import { Arguments } from './arguments.js';
import { formatDateTime, parseDateTime, parseSearchDate } from './date-time.js';
import { ParseError } from './errors.js';
import { parseFetchItems } from './fetch-items.js';
import { decodeMailboxName, encodeMailboxName } from './mailbox-name.js';
import { parseSearchProgram } from './search-program.js';
import { formatSequenceSet, parseSequenceSet, resolveSequenceSet } from './sequence-set.js';
import { tokenize, type CommandParts } from './tokens.js';

const args = (...parts: CommandParts) => new Arguments(tokenize(parts));
const fetchItems = (text: string) => parseFetchItems(args(text).token('items'));
const search = (text: string) => parseSearchProgram(args(text));

describe('tokens', () => {
  it('reads atoms, quoted strings with escapes, nested lists and literals', () => {
    const tokens = tokenize(['a "b \\"c\\" \\\\" (d (e)) {3}', Buffer.from('xyz'), ' f']);
    expect(tokens).toEqual([
      { type: 'atom', value: 'a' },
      { type: 'string', value: Buffer.from('b "c" \\'), literal: false },
      { type: 'list', items: [{ type: 'atom', value: 'd' }, { type: 'list', items: [{ type: 'atom', value: 'e' }] }] },
      { type: 'string', value: Buffer.from('xyz'), literal: true },
      { type: 'atom', value: 'f' },
    ]);
  });

  it('keeps a literal byte for byte, CRLF and 8-bit included', () => {
    const bytes = Buffer.from('Subject: \xe9t\xe9\r\n\r\nbody', 'latin1');
    const [, literal] = tokenize([`INBOX {${bytes.length}+}`, bytes, '']);
    expect(literal).toEqual({ type: 'string', value: bytes, literal: true });
  });

  it('reads BODY[section]<partial> as one atom, and "]" as an atom character elsewhere', () => {
    const [body, other] = tokenize(['BODY.PEEK[HEADER.FIELDS (Subject "X-Y")]<0.100> [Gmail]/Sent']);
    expect(body).toMatchObject({ type: 'atom', value: 'BODY.PEEK', partial: '0.100' });
    expect(other).toEqual({ type: 'atom', value: '[Gmail]/Sent' });
  });

  it.each([
    ['"unterminated', /Unterminated/],
    ['(a b', /Missing "\)"/],
    ['a)', /Unexpected/],
    ['BODY[TEXT', /Missing "\]"/],
    ['"bad \\q escape"', /escaped/],
    ['{5}', /Literal data missing/],
    ['{3} trailing', /must end its line/],
    ['a\x01b', /Control character/],
  ])('refuses %j', (text, message) => {
    expect(() => tokenize([text])).toThrow(message);
  });
});

describe('sequence sets', () => {
  it('parses ranges, "*" and lists', () => {
    expect(parseSequenceSet('1:4,7,*,9:*')).toEqual([
      { from: 1, to: 4 },
      { from: 7, to: 7 },
      { from: '*', to: '*' },
      { from: 9, to: '*' },
    ]);
  });

  it.each(['0', '1:0', 'a', '1,,2', '1:2:3', '4294967296', ''])('refuses %j', (text) => {
    expect(() => parseSequenceSet(text)).toThrow(ParseError);
  });

  it('resolves reversed ranges and "*" against the numbers in use', () => {
    expect(resolveSequenceSet(parseSequenceSet('5:2,*'), [1, 2, 3, 9, 12], 12)).toEqual([2, 3, 12]);
    expect(resolveSequenceSet(parseSequenceSet('20:*'), [3, 7], 7)).toEqual([7]);
  });

  it('formats ascending numbers compactly', () => {
    expect(formatSequenceSet([1, 2, 3, 5, 7, 8])).toBe('1:3,5,7:8');
  });
});

describe('mailbox names', () => {
  it('decodes and encodes modified UTF-7', () => {
    expect(decodeMailboxName('&AMk-l&AOg-ves/&ZeVnLIqe-')).toBe('Élèves/日本語');
    expect(encodeMailboxName('Élèves/日本語 & co')).toBe('&AMk-l&AOg-ves/&ZeVnLIqe- &- co');
    expect(decodeMailboxName(encodeMailboxName('Отчёты/2026'))).toBe('Отчёты/2026');
  });

  it('spells INBOX in capitals whatever the client wrote', () => {
    expect(decodeMailboxName('inbox')).toBe('INBOX');
    expect(decodeMailboxName('Inbox/Sub')).toBe('INBOX/Sub');
    expect(decodeMailboxName('Inboxes')).toBe('Inboxes');
  });

  it('refuses a bare "&"', () => {
    expect(() => decodeMailboxName('a&b')).toThrow(ParseError);
  });
});

describe('dates', () => {
  it('parses date-time with its zone, and formats INTERNALDATE in UTC', () => {
    const date = parseDateTime(' 7-Jul-1996 02:44:25 -0700');
    expect(date.toISOString()).toBe('1996-07-07T09:44:25.000Z');
    expect(formatDateTime(date)).toBe('07-Jul-1996 09:44:25 +0000');
  });

  it('parses SEARCH dates as days', () => {
    expect(parseSearchDate('1-Feb-1994')).toBe('1994-02-01');
    expect(() => parseSearchDate('1994-02-01')).toThrow(ParseError);
    expect(() => parseDateTime('17-Foo-1996 02:44:25 -0700')).toThrow(ParseError);
  });
});

describe('FETCH items', () => {
  it('expands macros', () => {
    expect(fetchItems('FAST').map((item) => item.kind === 'simple' && item.name)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
  });

  it('reads sections, part numbers, header field lists and partial ranges', () => {
    const items = fetchItems('(UID BODY.PEEK[1.2.HEADER.FIELDS.NOT (Subject "X Y")]<10.20> BODY[] BODY[3.MIME] RFC822.HEADER)');
    expect(items).toEqual([
      { kind: 'simple', name: 'UID' },
      {
        kind: 'section',
        peek: true,
        section: { part: [1, 2], kind: 'HEADER.FIELDS.NOT', fields: ['Subject', 'X Y'], partial: { start: 10, length: 20 } },
        responseName: 'BODY[1.2.HEADER.FIELDS.NOT (Subject "X Y")]<10>',
      },
      { kind: 'section', peek: false, section: { part: [], kind: '' }, responseName: 'BODY[]' },
      { kind: 'section', peek: false, section: { part: [3], kind: 'MIME' }, responseName: 'BODY[3.MIME]' },
      { kind: 'section', peek: true, section: { part: [], kind: 'HEADER' }, responseName: 'RFC822.HEADER' },
    ]);
  });

  it.each(['BODY[MIME]', 'BODY[HEADER.FIELDS]', 'BODY[0]', 'BODY[TEXT]<5>', 'FLAGZ', '()', 'BODY[]<1.0>', 'UID<1.2>'])('refuses %j', (text) => {
    expect(() => fetchItems(text)).toThrow(ParseError);
  });
});

describe('SEARCH programs', () => {
  it('maps keys to the shared SearchKey tree', () => {
    expect(search('UNSEEN FROM "Ann" SINCE 1-Feb-2026 NOT LARGER 1000')).toEqual({
      kind: 'and',
      keys: [
        { kind: 'flag', flag: '\\Seen', set: false },
        { kind: 'header', field: 'From', value: 'Ann' },
        { kind: 'date', which: 'internal', op: 'since', day: '2026-02-01' },
        { kind: 'not', key: { kind: 'size', op: 'larger', bytes: 1000 } },
      ],
    });
  });

  it('reads OR, parenthesized groups, sequence sets, UID sets and HEADER', () => {
    expect(search('OR (SEEN FLAGGED) UID 5:* 1,3 HEADER X-Priority 1')).toEqual({
      kind: 'and',
      keys: [
        {
          kind: 'or',
          left: { kind: 'and', keys: [{ kind: 'flag', flag: '\\Seen', set: true }, { kind: 'flag', flag: '\\Flagged', set: true }] },
          right: { kind: 'uid', set: [{ from: 5, to: '*' }] },
        },
        { kind: 'seq', set: [{ from: 1, to: 1 }, { from: 3, to: 3 }] },
        { kind: 'header', field: 'X-Priority', value: '1' },
      ],
    });
  });

  it('takes a literal value as UTF-8', () => {
    expect(parseSearchProgram(args('BODY {5}', Buffer.from('été', 'utf8'), ''))).toEqual({ kind: 'body', value: 'été' });
  });

  it.each(['', 'FROM', 'OR SEEN', 'BOGUS', 'LARGER x', 'SINCE yesterday', '()'])('refuses %j', (text) => {
    expect(() => search(text)).toThrow(ParseError);
  });
});

describe('arguments', () => {
  it('reads flags canonically and refuses \\Recent and unknown system flags', () => {
    expect(args('(\\seen \\DELETED $Label1)').flagList()).toEqual(['\\Seen', '\\Deleted', '$Label1']);
    expect(() => args('(\\Recent)').flagList()).toThrow(/not a flag that can be set/);
    expect(() => args('(\\Bogus)').flagList()).toThrow(ParseError);
  });

  it('says what is missing or extra', () => {
    expect(() => args('').astring('user name')).toThrow('Missing user name');
    expect(() => {
      const a = args('one two');
      a.astring('x');
      a.end();
    }).toThrow('Too many arguments');
  });
});
