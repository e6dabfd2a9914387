import { describe, expect, it } from 'vitest';
import type { SearchKey } from '../../types.js';
import { parseMessage } from '../parse-message.js';
import { decodeHeaderValue } from './decode.js';
import { matches, needsContent, type SearchableMessage } from './matches.js';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

const raw = Buffer.concat([
  crlf(
    'From: =?ISO-8859-1?Q?Fran=E7ois?= Dupont <francois@example.fr>',
    'To: Class 5B <class5b@school.example>',
    'Cc: nurse@school.example',
    'Subject: =?UTF-8?B?R3LDvMOfZQ==?= =?UTF-8?Q?_aus_K=C3=B6ln?=',
    'Date: Tue, 3 Nov 2026 23:30:00 -0800',
    'X-Priority: 1',
    'X-Empty:',
    'Content-Type: multipart/mixed; boundary=sep',
    '',
    '--sep',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Le caf=C3=A9 est pr=C3=AAt, the field trip is =',
    'on Friday.',
    '--sep',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('Grüße aus Köln', 'latin1').toString('base64'),
    '--sep',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('secret attachment words').toString('base64'),
    '--sep',
    'Content-Type: message/rfc822',
    '',
    'Subject: forwarded note',
    '',
    'inner permission slip',
    '--sep--',
    '',
  ),
]);
const rawHeaderSubject = Buffer.concat([Buffer.from('Subject: Caf'), Buffer.from([0xe9]), Buffer.from(' menu\r\n\r\nbody\r\n')]);

const message: SearchableMessage = {
  seq: 3,
  uid: 42,
  size: raw.length,
  flags: ['\\Seen', '$Homework'],
  internalDate: new Date('2026-11-04T07:30:00Z'),
  raw,
};
const context = { maxSeq: 10, maxUid: 99 };
const hit = (key: SearchKey, target: SearchableMessage = message) => matches(key, target, context);
const header = (field: string, value: string): SearchKey => ({ kind: 'header', field, value });

describe('SEARCH keys (RFC 3501 6.4.4)', () => {
  it('ALL, AND, OR and NOT combine', () => {
    expect(hit({ kind: 'all' })).toBe(true);
    expect(hit({ kind: 'and', keys: [{ kind: 'all' }, { kind: 'flag', flag: '\\Seen', set: true }] })).toBe(true);
    expect(hit({ kind: 'and', keys: [{ kind: 'all' }, { kind: 'flag', flag: '\\Deleted', set: true }] })).toBe(false);
    expect(hit({ kind: 'or', left: { kind: 'flag', flag: '\\Deleted', set: true }, right: header('subject', 'köln') })).toBe(true);
    expect(hit({ kind: 'or', left: { kind: 'flag', flag: '\\Deleted', set: true }, right: header('subject', 'paris') })).toBe(false);
    expect(hit({ kind: 'not', key: { kind: 'flag', flag: '\\Deleted', set: true } })).toBe(true);
  });

  it('matches system flags and keywords, set and unset, case-insensitively', () => {
    expect(hit({ kind: 'flag', flag: '\\SEEN', set: true })).toBe(true);
    expect(hit({ kind: 'flag', flag: '\\Seen', set: false })).toBe(false);
    expect(hit({ kind: 'flag', flag: '\\Answered', set: false })).toBe(true);
    expect(hit({ kind: 'flag', flag: '$homework', set: true })).toBe(true);
    expect(hit({ kind: 'flag', flag: '$Junk', set: false })).toBe(true);
  });

  it('matches FROM, TO, CC, SUBJECT and any header as decoded, case-insensitive substrings', () => {
    expect(hit(header('from', 'françois'))).toBe(true);
    expect(hit(header('from', 'FRANCOIS@EXAMPLE'))).toBe(true);
    expect(hit(header('to', 'class 5b'))).toBe(true);
    expect(hit(header('cc', 'nurse@'))).toBe(true);
    expect(hit(header('bcc', 'nurse'))).toBe(false);
    expect(hit(header('subject', 'GRÜSSE'))).toBe(false);
    expect(hit(header('subject', 'grüße aus köln'))).toBe(true);
    expect(hit(header('x-priority', '1'))).toBe(true);
    expect(hit(header('subject', 'café'), { ...message, raw: rawHeaderSubject })).toBe(true);
  });

  it('with an empty string, matches every message that has the field', () => {
    expect(hit(header('x-empty', ''))).toBe(true);
    expect(hit(header('X-Priority', ''))).toBe(true);
    expect(hit(header('x-missing', ''))).toBe(false);
  });

  it('BODY looks into decoded text parts (quoted-printable, base64, Latin-1), not attachments or headers', () => {
    expect(hit({ kind: 'body', value: 'café est prêt' })).toBe(true);
    expect(hit({ kind: 'body', value: 'trip is on friday' })).toBe(true);
    expect(hit({ kind: 'body', value: 'grüße aus köln' })).toBe(true);
    expect(hit({ kind: 'body', value: 'inner permission' })).toBe(true);
    expect(hit({ kind: 'body', value: 'secret attachment' })).toBe(false);
    expect(hit({ kind: 'body', value: 'nurse@school' })).toBe(false);
  });

  it('TEXT looks into headers and body', () => {
    expect(hit({ kind: 'text', value: 'nurse@school' })).toBe(true);
    expect(hit({ kind: 'text', value: 'field trip' })).toBe(true);
    expect(hit({ kind: 'text', value: 'forwarded note' })).toBe(true);
    expect(hit({ kind: 'text', value: 'not anywhere' })).toBe(false);
  });

  it('compares the internal date by its UTC day', () => {
    const internal = (op: 'before' | 'on' | 'since', day: string) => hit({ kind: 'date', which: 'internal', op, day });
    expect(internal('on', '2026-11-04')).toBe(true);
    expect(internal('on', '2026-11-03')).toBe(false);
    expect(internal('before', '2026-11-04')).toBe(false);
    expect(internal('before', '2026-11-05')).toBe(true);
    expect(internal('since', '2026-11-04')).toBe(true);
    expect(internal('since', '2026-11-05')).toBe(false);
  });

  it('compares the sent date by the Date header\'s own day, not the UTC day', () => {
    const sent = (op: 'before' | 'on' | 'since', day: string) => hit({ kind: 'date', which: 'sent', op, day });
    expect(sent('on', '2026-11-03')).toBe(true);
    expect(sent('on', '2026-11-04')).toBe(false);
    expect(sent('before', '2026-11-04')).toBe(true);
    expect(sent('before', '2026-11-03')).toBe(false);
    expect(sent('since', '2026-11-03')).toBe(true);
    expect(sent('since', '2026-11-04')).toBe(false);
    const undated = { ...message, raw: crlf('Subject: no date', '', 'x') };
    expect(hit({ kind: 'date', which: 'sent', op: 'since', day: '1970-01-01' }, undated)).toBe(false);
    const twoDigitYear = { ...message, raw: crlf('Date: 5 Jan 99 10:00 GMT', '', 'x') };
    expect(hit({ kind: 'date', which: 'sent', op: 'on', day: '1999-01-05' }, twoDigitYear)).toBe(true);
  });

  it('compares sizes strictly (LARGER n means more than n octets)', () => {
    expect(hit({ kind: 'size', op: 'larger', bytes: raw.length - 1 })).toBe(true);
    expect(hit({ kind: 'size', op: 'larger', bytes: raw.length })).toBe(false);
    expect(hit({ kind: 'size', op: 'smaller', bytes: raw.length + 1 })).toBe(true);
    expect(hit({ kind: 'size', op: 'smaller', bytes: raw.length })).toBe(false);
  });

  it('matches UID and sequence sets, with * as the largest in use and ranges either way round', () => {
    expect(hit({ kind: 'uid', set: [{ from: 40, to: 45 }] })).toBe(true);
    expect(hit({ kind: 'uid', set: [{ from: 43, to: '*' }] })).toBe(false);
    expect(hit({ kind: 'uid', set: [{ from: '*', to: 42 }] })).toBe(true);
    expect(hit({ kind: 'uid', set: [{ from: 42, to: 42 }] })).toBe(true);
    expect(hit({ kind: 'uid', set: [{ from: 1, to: 2 }, { from: 42, to: 42 }] })).toBe(true);
    expect(hit({ kind: 'uid', set: [{ from: '*', to: '*' }] }, { ...message, uid: 99 })).toBe(true);
    expect(hit({ kind: 'uid', set: [{ from: 500, to: '*' }] }, { ...message, uid: 99 })).toBe(true);
    expect(hit({ kind: 'seq', set: [{ from: 5, to: 2 }] })).toBe(true);
    expect(hit({ kind: 'seq', set: [{ from: 4, to: '*' }] })).toBe(false);
    expect(hit({ kind: 'seq', set: [{ from: '*', to: '*' }] }, { ...message, seq: 10 })).toBe(true);
  });

  it('uses a tree the caller already parsed', () => {
    const tree = parseMessage(crlf('Subject: from the cache', '', ''));
    expect(hit(header('subject', 'cache'), { ...message, tree })).toBe(true);
  });

  it('does not match content keys when the caller passed no content', () => {
    const bare = { ...message, raw: undefined };
    expect(hit(header('subject', ''), bare)).toBe(false);
    expect(hit({ kind: 'body', value: '' }, bare)).toBe(false);
  });
});

describe('needsContent', () => {
  it('asks for nothing, the header or the whole message as the keys require', () => {
    expect(needsContent({ kind: 'all' })).toBe('none');
    expect(needsContent({ kind: 'and', keys: [{ kind: 'flag', flag: '\\Seen', set: true }, { kind: 'uid', set: [{ from: 1, to: '*' }] }] })).toBe('none');
    expect(needsContent({ kind: 'date', which: 'internal', op: 'on', day: '2026-01-01' })).toBe('none');
    expect(needsContent({ kind: 'size', op: 'larger', bytes: 5 })).toBe('none');
    expect(needsContent(header('from', 'x'))).toBe('headers');
    expect(needsContent({ kind: 'date', which: 'sent', op: 'on', day: '2026-01-01' })).toBe('headers');
    expect(needsContent({ kind: 'not', key: header('from', 'x') })).toBe('headers');
    expect(needsContent({ kind: 'or', left: header('from', 'x'), right: { kind: 'body', value: 'y' } })).toBe('full');
    expect(needsContent({ kind: 'and', keys: [{ kind: 'text', value: 'y' }, header('to', 'z')] })).toBe('full');
  });
});

describe('decodeHeaderValue (RFC 2047)', () => {
  it('decodes B and Q words, joining adjacent words and dropping the space between them', () => {
    expect(decodeHeaderValue('=?UTF-8?B?R3LDvMOfZQ==?= =?UTF-8?Q?_aus_K=C3=B6ln?=')).toBe('Grüße aus Köln');
    expect(decodeHeaderValue('=?utf-8?q?=C3?= =?utf-8?q?=A9t=C3=A9?=')).toBe('été');
    expect(decodeHeaderValue('Re: =?iso-8859-1?q?caf=E9?= au lait')).toBe('Re: café au lait');
    expect(decodeHeaderValue('=?x-unknown?q?plain?=')).toBe('plain');
    expect(decodeHeaderValue('=?utf-8*en?q?tagged?=')).toBe('tagged');
  });

  it('reads raw 8-bit bytes as UTF-8, or as Windows-1252 when they are not UTF-8', () => {
    expect(decodeHeaderValue(Buffer.from('Grüße', 'utf8').toString('latin1'))).toBe('Grüße');
    expect(decodeHeaderValue('caf\xe9')).toBe('café');
  });
});
