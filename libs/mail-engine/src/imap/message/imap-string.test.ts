import { describe, expect, it } from 'vitest';
import { asLiteral, astring, atom, imapString, joined, literal, nstring, quoted, serialize } from './imap-string.js';

const text = (bytes: Buffer) => bytes.toString('latin1');

describe('IMAP strings (RFC 3501 4.3)', () => {
  it('quotes with backslash escapes for quote and backslash', () => {
    expect(text(quoted('say "hi" \\o/'))).toBe('"say \\"hi\\" \\\\o/"');
    expect(text(quoted(''))).toBe('""');
  });

  it('refuses to quote what a quoted string cannot carry', () => {
    expect(() => quoted('two\r\nlines')).toThrow(RangeError);
    expect(() => quoted(Buffer.from([0x61, 0x00]))).toThrow(RangeError);
    expect(() => quoted('café')).toThrow(RangeError);
  });

  it('writes literals as {octets} CRLF then the bytes, counting bytes not characters', () => {
    expect(text(literal('abc'))).toBe('{3}\r\nabc');
    expect(literal('café')).toEqual(Buffer.concat([Buffer.from('{5}\r\n'), Buffer.from('café', 'utf8')]));
    expect(text(literal(Buffer.alloc(0)))).toBe('{0}\r\n');
  });

  it('chooses a literal for CR, LF, NUL, 8-bit and long strings, a quoted string otherwise', () => {
    expect(text(imapString('plain text'))).toBe('"plain text"');
    expect(text(imapString('a\rb'))).toBe('{3}\r\na\rb');
    expect(text(imapString('a\nb'))).toBe('{3}\r\na\nb');
    expect(text(imapString(Buffer.from([0x61, 0x00])))).toBe('{2}\r\na\0');
    expect(text(imapString(Buffer.from([0x63, 0xe9])))).toBe('{2}\r\nc\xe9');
    expect(text(imapString('x'.repeat(2000)))).toBe(`{2000}\r\n${'x'.repeat(2000)}`);
  });

  it('writes NIL for a missing nstring', () => {
    expect(text(nstring(null))).toBe('NIL');
    expect(text(nstring(undefined))).toBe('NIL');
    expect(text(nstring(''))).toBe('""');
    expect(text(nstring('NIL'))).toBe('"NIL"');
  });

  it('writes an astring as an atom when it can, never as a bare NIL', () => {
    expect(text(astring('INBOX'))).toBe('INBOX');
    expect(text(astring('Sent]'))).toBe('Sent]');
    expect(text(astring('My Folder'))).toBe('"My Folder"');
    expect(text(astring('a*b'))).toBe('"a*b"');
    expect(text(astring(''))).toBe('""');
    expect(text(astring('nil'))).toBe('"nil"');
  });
});

describe('serialize', () => {
  it('writes nested lists of atoms, numbers, NIL and strings', () => {
    const value = [atom('UID'), 42, atom('FLAGS'), [atom('\\Seen'), atom('$Label1')], atom('X'), null, 'a "b"', [[], ['x']]];
    expect(text(serialize(value))).toBe('(UID 42 FLAGS (\\Seen $Label1) X NIL "a \\"b\\"" (() ("x")))');
  });

  it('embeds literals as bytes and keeps going after them', () => {
    const body = Buffer.from([0x48, 0x0d, 0x0a, 0xff]);
    const out = serialize([atom('BODY[]'), asLiteral(body), atom('UID'), 7, 'line\nbreak']);
    expect(out).toEqual(Buffer.concat([Buffer.from('(BODY[] {4}\r\n'), body, Buffer.from(' UID 7 {10}\r\nline\nbreak)')]));
  });

  it('writes a literal even for short ASCII content when asked to', () => {
    expect(text(serialize(asLiteral('hi')))).toBe('{2}\r\nhi');
  });

  it('writes joined values back to back, as multipart bodies and address lists need', () => {
    expect(text(serialize([joined([['a'], ['b']]), 'mixed']))).toBe('(("a")("b") "mixed")');
  });

  it('writes strings given as text in UTF-8', () => {
    expect(serialize('Grüße')).toEqual(Buffer.concat([Buffer.from('{7}\r\n'), Buffer.from('Grüße', 'utf8')]));
  });
});
