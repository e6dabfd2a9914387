import { describe, expect, it } from 'vitest';
import { shellWords } from './shell-words.js';

describe('shellWords', () => {
  it('splits like a POSIX shell', () => {
    expect(shellWords(`account add jane@d.us --display-name "Jane \\"JJ\\" O'Neil" --password 'p a$s"w'`)).toEqual([
      'account', 'add', 'jane@d.us', '--display-name', `Jane "JJ" O'Neil`, '--password', 'p a$s"w',
    ]);
    expect(shellWords('alias add a@d.us b@d.us   # a comment')).toEqual(['alias', 'add', 'a@d.us', 'b@d.us']);
    expect(shellWords('wordlist entries add 3 semi#colon bad\\ word ""')).toEqual(['wordlist', 'entries', 'add', '3', 'semi#colon', 'bad word', '']);
    expect(shellWords('   # only a comment')).toEqual([]);
    expect(shellWords('')).toEqual([]);
  });

  it('refuses unterminated quotes', () => {
    expect(() => shellWords('domain add "x')).toThrow('unterminated double quote');
    expect(() => shellWords("domain add 'x")).toThrow('unterminated single quote');
    expect(() => shellWords('domain add x\\')).toThrow('a backslash ends the line');
  });
});
