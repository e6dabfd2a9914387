import { describe, expect, it } from 'vitest';
import type { SectionSpec } from '../types.js';
import { parseMessage } from './parse-message.js';
import { section } from './section.js';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

const outerHeader = [
  'From: a@example.org',
  'To: b@example.org,',
  '  c@example.org',
  'Subject: Fwd: hello',
  'X-Note: one',
  'Content-Type: multipart/mixed; boundary=b1',
];
const attachedMessage = ['From: Carol <c@example.org>', 'Subject: hello', '', 'inner body'];
const raw = crlf(
  ...outerHeader,
  '',
  '--b1',
  'Content-Type: text/plain',
  '',
  'see below',
  '--b1',
  'Content-Type: message/rfc822',
  '',
  ...attachedMessage,
  '--b1',
  'Content-Type: message/rfc822',
  '',
  'Subject: nested multipart',
  'Content-Type: multipart/alternative; boundary=b2',
  '',
  '--b2',
  '',
  'plain alternative',
  '--b2',
  'Content-Type: text/html',
  '',
  '<b>html</b>',
  '--b2--',
  '--b1--',
  '',
);
const tree = parseMessage(raw);
const fetch = (spec: Partial<SectionSpec>) => section(raw, tree, { part: [], kind: '', ...spec })?.toString('latin1') ?? null;

describe('BODY[section] (RFC 3501 6.4.5)', () => {
  it('returns the whole message, its header with the blank line, and its text', () => {
    expect(fetch({})).toBe(raw.toString('latin1'));
    expect(fetch({ kind: 'HEADER' })).toBe(`${outerHeader.join('\r\n')}\r\n\r\n`);
    expect(fetch({ kind: 'TEXT' })).toBe(raw.toString('latin1').split('\r\n\r\n').slice(1).join('\r\n\r\n'));
  });

  it('picks header fields case-insensitively, each with all its folded lines, ending with a blank line', () => {
    expect(fetch({ kind: 'HEADER.FIELDS', fields: ['to', 'SUBJECT', 'X-Absent'] })).toBe('To: b@example.org,\r\n  c@example.org\r\nSubject: Fwd: hello\r\n\r\n');
    expect(fetch({ kind: 'HEADER.FIELDS', fields: ['x-absent'] })).toBe('\r\n');
    expect(fetch({ kind: 'HEADER.FIELDS.NOT', fields: ['to', 'content-type', 'x-note'] })).toBe('From: a@example.org\r\nSubject: Fwd: hello\r\n\r\n');
  });

  it('numbers parts, descending into message/rfc822 parts', () => {
    expect(fetch({ part: [1] })).toBe('see below');
    expect(fetch({ part: [1], kind: 'MIME' })).toBe('Content-Type: text/plain\r\n\r\n');
    expect(fetch({ part: [2] })).toBe(attachedMessage.join('\r\n'));
    expect(fetch({ part: [2], kind: 'HEADER' })).toBe('From: Carol <c@example.org>\r\nSubject: hello\r\n\r\n');
    expect(fetch({ part: [2], kind: 'TEXT' })).toBe('inner body');
    expect(fetch({ part: [2], kind: 'HEADER.FIELDS', fields: ['subject'] })).toBe('Subject: hello\r\n\r\n');
    expect(fetch({ part: [2, 1] })).toBe('inner body');
    expect(fetch({ part: [3, 1] })).toBe('plain alternative');
    expect(fetch({ part: [3, 2] })).toBe('<b>html</b>');
    expect(fetch({ part: [3, 2], kind: 'MIME' })).toBe('Content-Type: text/html\r\n\r\n');
    expect(fetch({ part: [3], kind: 'HEADER.FIELDS', fields: ['Subject'] })).toBe('Subject: nested multipart\r\n\r\n');
  });

  it('answers null (NIL) for parts that do not exist and sections that do not apply', () => {
    expect(fetch({ part: [4] })).toBeNull();
    expect(fetch({ part: [0] })).toBeNull();
    expect(fetch({ part: [1, 1] })).toBeNull();
    expect(fetch({ part: [1], kind: 'HEADER' })).toBeNull();
    expect(fetch({ part: [1], kind: 'TEXT' })).toBeNull();
    expect(fetch({ kind: 'MIME' })).toBeNull();
  });

  it('treats a non-multipart message\'s part 1 as its body', () => {
    const single = crlf('Subject: single', 'Content-Type: text/plain', '', 'just text');
    const singleTree = parseMessage(single);
    expect(section(single, singleTree, { part: [1], kind: '' })?.toString()).toBe('just text');
    expect(section(single, singleTree, { part: [1], kind: 'MIME' })?.toString()).toBe('Subject: single\r\nContent-Type: text/plain\r\n\r\n');
    expect(section(single, singleTree, { part: [2], kind: '' })).toBeNull();
  });

  it('applies partial ranges, clipping at the end', () => {
    expect(fetch({ partial: { start: 0, length: 4 } })).toBe('From');
    expect(fetch({ part: [1], partial: { start: 4, length: 100 } })).toBe('below');
    expect(fetch({ part: [1], partial: { start: 9, length: 5 } })).toBe('');
    expect(fetch({ part: [1], partial: { start: 50, length: 5 } })).toBe('');
    expect(fetch({ kind: 'HEADER.FIELDS', fields: ['subject'], partial: { start: 9, length: 5 } })).toBe('Fwd: ');
  });

  it('ends a field with CRLF even when the stored header ends without a line break', () => {
    const headerOnly = Buffer.from('Subject: no newline', 'latin1');
    expect(section(headerOnly, parseMessage(headerOnly), { part: [], kind: 'HEADER.FIELDS', fields: ['subject'] })?.toString()).toBe(
      'Subject: no newline\r\n\r\n',
    );
  });
});
