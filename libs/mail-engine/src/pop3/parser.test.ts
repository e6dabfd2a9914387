import { describe, expect, it } from 'vitest';
import { LineReader, MAX_LINE_OCTETS, parseCommandLine, parseMessageNumber } from './parser.js';

describe('POP3 command lines', () => {
  it('reads the keyword case-insensitively and keeps the rest of the line whole (a password may hold spaces)', () => {
    expect(parseCommandLine('pass my secret  pw')).toEqual({ ok: true, command: { keyword: 'PASS', rest: 'my secret  pw', args: ['my', 'secret', '', 'pw'] } });
    expect(parseCommandLine('STAT')).toEqual({ ok: true, command: { keyword: 'STAT', rest: '', args: [] } });
  });

  it('refuses what is not a keyword of 3-4 letters', () => {
    expect(parseCommandLine('')).toEqual({ ok: false, error: 'empty command' });
    expect(parseCommandLine('RETRIEVE 1').ok).toBe(false);
    expect(parseCommandLine('RE1R').ok).toBe(false);
    expect(parseCommandLine(' STAT').ok).toBe(false);
  });

  it('accepts message numbers of digits only, from 1', () => {
    expect(parseMessageNumber('12')).toBe(12);
    for (const bad of ['0', '-1', '+1', '1.0', '1e3', '', ' 1', '9999999999', undefined]) expect(parseMessageNumber(bad)).toBeNull();
  });
});

describe('LineReader', () => {
  it('splits CRLF and bare LF lines across chunks', () => {
    const reader = new LineReader();
    expect(reader.push(Buffer.from('US'))).toEqual([]);
    expect(reader.push(Buffer.from('ER a\r\nNOOP\nST'))).toEqual([
      { kind: 'line', line: 'USER a' },
      { kind: 'line', line: 'NOOP' },
    ]);
    expect(reader.push(Buffer.from('AT\r\n'))).toEqual([{ kind: 'line', line: 'STAT' }]);
  });

  it('reports an overlong line once, skips it to its end, and reads the next line', () => {
    const reader = new LineReader();
    const long = Buffer.alloc(MAX_LINE_OCTETS + 10, 0x41);
    expect(reader.push(long)).toEqual([{ kind: 'overlong' }]);
    expect(reader.push(long)).toEqual([]);
    expect(reader.push(Buffer.from('AAA\r\nNOOP\r\n'))).toEqual([{ kind: 'line', line: 'NOOP' }]);
  });
});
