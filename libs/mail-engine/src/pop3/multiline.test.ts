import { describe, expect, it } from 'vitest';
import { stuffMessage, textLines, topOfMessage } from './multiline.js';

describe('multi-line responses', () => {
  it('doubles a leading dot, makes line ends CRLF, and terminates', () => {
    const wire = stuffMessage(Buffer.from('Subject: x\r\n\r\n.hidden\n..two\nlast', 'latin1')).toString('latin1');
    expect(wire).toBe('Subject: x\r\n\r\n..hidden\r\n...two\r\nlast\r\n.\r\n');
  });

  it('cannot be ended early by a lone dot inside the message', () => {
    const wire = stuffMessage(Buffer.from('a\r\n.\r\nb\r\n', 'latin1')).toString('latin1');
    expect(wire).toBe('a\r\n..\r\nb\r\n.\r\n');
  });

  it('stuffs text listings too', () => {
    expect(textLines(['TOP', '.odd'])).toBe('TOP\r\n..odd\r\n.\r\n');
    expect(textLines([])).toBe('.\r\n');
  });

  it('TOP keeps the header section, the blank line and n body lines', () => {
    const message = Buffer.from('A: 1\r\nB: 2\r\n\r\nline1\r\nline2\r\nline3\r\n', 'latin1');
    expect(topOfMessage(message, 0).toString()).toBe('A: 1\r\nB: 2\r\n\r\n');
    expect(topOfMessage(message, 2).toString()).toBe('A: 1\r\nB: 2\r\n\r\nline1\r\nline2\r\n');
    expect(topOfMessage(message, 99).toString()).toBe(message.toString());
  });
});
