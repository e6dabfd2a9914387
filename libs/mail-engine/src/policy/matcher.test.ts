import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileWordLists, type CompileOptions } from './matcher.js';
import { WordListCache } from './cache.js';
import type { MailDirection, WordListDefinition } from './types.js';

const list = (entries: string[], overrides: Partial<WordListDefinition> = {}): WordListDefinition => ({
  id: 1,
  name: 'Profanity',
  scope: 'system',
  action: 'reject',
  direction: 'both',
  entries,
  ...overrides,
});

function matchesOf(entries: string[], text: string, options?: CompileOptions) {
  return compileWordLists([list(entries)], options)
    .scan([{ where: 'text', text }], 'inbound')
    .matches.map((match) => match.matched);
}

describe('word-list matcher', () => {
  it('matches case-insensitively, on NFKC text, diacritics folded', () => {
    expect(matchesOf(['fuck'], 'What the FUCK')).toEqual(['FUCK']);
    expect(matchesOf(['fuck'], 'ｆｕｃｋ this')).toEqual(['ｆｕｃｋ']);
    expect(matchesOf(['niño'], 'el nino y el NIÑO y el nin\u0303o')).toEqual(['nino', 'NIÑO', 'nin\u0303o']);
    expect(matchesOf(['nino'], 'niño')).toEqual(['niño']);
  });

  it('sees through repeated letters, separators and digit substitutions', () => {
    expect(matchesOf(['fuck'], 'fuuuuuck! FFFUUUCK')).toEqual(['fuuuuuck', 'FFFUUUCK']);
    for (const spelling of ['f.u.c.k', 'f-u-c-k', 'f u c k', 'f_u_c_k', 'f*u*c*k', 'f/u/c/k', 'F . U . C . K']) {
      expect(matchesOf(['fuck'], `oh ${spelling} off`)).toEqual([spelling]);
    }
    expect(matchesOf(['shit'], 'sh1t, $h1t, 5hit')).toEqual(['sh1t', '$h1t', '5hit']);
    expect(matchesOf(['ass'], 'you @ss, a55, 4$$')).toEqual(['@ss', 'a55', '4$$']);
    expect(matchesOf(['ass'], 'a 4ss')).toEqual(['4ss']);
    expect(matchesOf(['hello'], 'h3ll0 and he11o')).toEqual(['h3ll0', 'he11o']); // 1 read as l
    expect(matchesOf(['fail'], 'fai1')).toEqual(['fai1']); // 1 read as i... or l: both
    expect(matchesOf(['sexy'], 'sexxxyyy')).toEqual(['sexxxyyy']);
  });

  it('matches only at word boundaries', () => {
    expect(matchesOf(['ass'], 'class, passage, assess, bass, sass, assassin, grass')).toEqual([]);
    expect(matchesOf(['ass'], 'as I said, as soon as possible')).toEqual([]); // a doubled letter needs a doubled letter
    expect(matchesOf(['ass'], 'Room 455')).toEqual([]); // a number is not a word
    expect(matchesOf(['penis'], 'the pen is mightier')).toEqual([]);
    expect(matchesOf(['hell'], 'hello shell')).toEqual([]);
    expect(matchesOf(['ass'], 'kick-ass, ass. (ass) "ass"')).toEqual(['ass', 'ass', 'ass', 'ass']);
    expect(matchesOf(['ass'], 'big a s s hole')).toEqual(['a s s']);
  });

  it('matches phrases across any run of whitespace or separators, but not glued together', () => {
    expect(matchesOf(['bad word'], 'a bad word, a bad\r\n\t word, a bad-word, a bad...word')).toEqual(['bad word', 'bad\r\n\t word', 'bad-word', 'bad...word']);
    expect(matchesOf(['bad word'], 'badword, bad words, bad wordy')).toEqual([]);
    expect(matchesOf(['kill yourself'], 'K1LL  Y0URSELF')).toEqual(['K1LL  Y0URSELF']);
  });

  it('works for Spanish, Cyrillic, Greek and scripts without spaces', () => {
    expect(matchesOf(['mierda', 'hijo de puta'], '¡Qué MIÉRDA! Eres un hijo   de PUTA.')).toEqual(['MIÉRDA', 'hijo   de PUTA']);
    expect(matchesOf(['cabrón'], 'CABRON y cabrón y cabroncito')).toEqual(['CABRON', 'cabrón']);
    expect(matchesOf(['дурак'], 'Ты ДУРАК! д у р а к, дураааак, дураки')).toEqual(['ДУРАК', 'д у р а к', 'дураааак']);
    expect(matchesOf(['ёлка'], 'Елка')).toEqual(['Елка']);
    expect(matchesOf(['βλάκας'], 'ΒΛΑΚΑΣ είσαι')).toEqual(['ΒΛΑΚΑΣ']);
    // Chinese and Japanese have no spaces between words: no boundary check.
    expect(matchesOf(['傻瓜'], '你是傻瓜吗')).toEqual(['傻瓜']);
    expect(matchesOf(['ばか'], 'あなたはﾊﾞｶです、ばかですね')).toEqual(['ばか']);
  });

  it('reports where, offsets, entry and an excerpt of the original text', () => {
    const compiled = compileWordLists([list(['fuck'], { id: 7, name: 'Bad words', action: 'quarantine' })]);
    const subject = 'Re: F.U.C.K off';
    const result = compiled.scan([{ where: 'subject', text: subject }, { where: 'attachment-name', text: 'fuck.pdf' }], 'inbound');
    expect(result.matches).toEqual([
      { listId: 7, listName: 'Bad words', entry: 'fuck', action: 'quarantine', where: 'subject', start: 4, end: 11, matched: 'F.U.C.K', excerpt: subject },
      { listId: 7, listName: 'Bad words', entry: 'fuck', action: 'quarantine', where: 'attachment-name', start: 0, end: 4, matched: 'fuck', excerpt: 'fuck.pdf' },
    ]);
    expect(result.verdict).toEqual({ action: 'quarantine', lists: [{ id: 7, name: 'Bad words', scope: 'system', action: 'quarantine' }] });
  });

  it('lets the strictest action win and filters lists by direction', () => {
    const compiled = compileWordLists([
      list(['spam'], { id: 1, name: 'tagged', action: 'tag', direction: 'both' }),
      list(['spam', 'scam'], { id: 2, name: 'held', action: 'quarantine', direction: 'inbound' }),
      list(['scam'], { id: 3, name: 'refused', action: 'reject', direction: 'outbound' }),
    ]);
    const scan = (direction: MailDirection) => compiled.scan([{ where: 'text', text: 'spam and scam' }], direction);
    expect(scan('inbound').verdict).toEqual({
      action: 'quarantine',
      lists: [
        { id: 1, name: 'tagged', scope: 'system', action: 'tag' },
        { id: 2, name: 'held', scope: 'system', action: 'quarantine' },
      ],
    });
    expect(scan('outbound').verdict.action).toBe('reject');
    expect(scan('outbound').verdict.lists.map((l) => l.id)).toEqual([1, 3]);
    expect(compiled.scan([{ where: 'text', text: 'nothing here' }], 'inbound').verdict).toEqual({ action: null, lists: [] });
  });

  it('caps the matches returned without losing the verdict', () => {
    const compiled = compileWordLists([list(['spam'])]);
    const result = compiled.scan([{ where: 'text', text: 'spam '.repeat(500) }], 'inbound', { maxMatches: 10 });
    expect(result.matches).toHaveLength(10);
    expect(result.truncated).toBe(true);
    expect(result.verdict.action).toBe('reject');
  });

  it('gives the same answers when deep states are sparse', () => {
    const entries = ['fuck', 'shit', 'ass', 'bad word', 'дурак', 'abcdefgh', 'bcdefghij', 'cdefg'];
    const text = 'fuuuck f.u.c.k class sh1t bad-word abcdefgh bcdefghij cdefg д у р а к abcdefghij';
    expect(matchesOf(entries, text, { denseBudget: 1 })).toEqual(matchesOf(entries, text));
    expect(matchesOf(entries, text)).toEqual(['fuuuck', 'f.u.c.k', 'sh1t', 'bad-word', 'abcdefgh', 'bcdefghij', 'cdefg', 'д у р а к']);
  });
});

describe('the plain-word shortcut', () => {
  const entries = ['fuck', 'ass', 'shit', 'bad word', 'kill your self', 'hijo de puta', 'f-word', 'дурак', '傻瓜', 'hell', 'as'];
  const pieces = [
    ...entries,
    'the', 'class', 'hello', 'Bad', 'WORD', 'words', 'your', 'self', 'de', 'puta', 'fword', 'pen', 'is', 'a', 'I', 'f', 'u', 'c', 'k',
    'a55', 'sh1t', '4ss', 'f.u.c.k', 'fuuuck', 'niño', 'Д', 'у', 'р', 'а', 'к', 'ДУРАК', '傻', '瓜', 'x\u200by', '455', '$', '@',
  ];
  const separators = [' ', '  ', '\n', '\r\n', '. ', ', ', '-', '.', '\t', ' . ', '! ', '"', ' ('];
  const text = fc.array(fc.tuple(fc.constantFrom(...pieces), fc.constantFrom(...separators)), { maxLength: 40 }).map((parts) => parts.map(([piece, separator]) => piece + separator).join(''));
  const withShortcut = compileWordLists([list(entries)]);
  const everyCharacter = compileWordLists([list(entries)], { plainWordShortcut: false });
  const scan = (compiled: typeof withShortcut, value: string) => compiled.scan([{ where: 'text', text: value }], 'inbound', { maxMatches: 1000 });

  it('finds exactly what normalizing every character finds', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(scan(withShortcut, value)).toEqual(scan(everyCharacter, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a phrase from matching across a skipped word', () => {
    expect(matchesOf(['bad word'], 'bad homework word, bad word')).toEqual(['bad word']);
  });
});

describe('word-list cache', () => {
  it('compiles once per set of list versions, recompiles after a change, and evicts the least recently used', async () => {
    const cache = new WordListCache({ maxSize: 2 });
    let loads = 0;
    const lists = (version: number) => [{ ...list(['spam']), version }];
    const load = (version: number) => () => {
      loads++;
      return lists(version);
    };
    const first = await cache.obtain([{ id: 1, version: 1 }], load(1));
    expect(await cache.obtain([{ id: 1, version: 1 }], load(1))).toBe(first);
    expect(loads).toBe(1);
    const changed = await cache.obtain([{ id: 1, version: 2 }], load(2));
    expect(changed).not.toBe(first);
    expect(loads).toBe(2);
    await cache.obtain([{ id: 1, version: 1 }], load(1)); // touch version 1
    await cache.obtain([{ id: 2, version: 1 }], load(1)); // evicts version 2
    expect(cache.size).toBe(2);
    expect(cache.has([{ id: 1, version: 1 }])).toBe(true);
    expect(cache.has([{ id: 1, version: 2 }])).toBe(false);
    expect(WordListCache.keyOf([{ id: 2, version: 1 }, { id: 1, version: 3 }])).toBe(WordListCache.keyOf([{ id: 1, version: 3 }, { id: 2, version: 1 }]));
  });

  it('does not keep a failed load', async () => {
    const cache = new WordListCache();
    await expect(cache.obtain([{ id: 1, version: 1 }], () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(cache.has([{ id: 1, version: 1 }])).toBe(false);
  });
});
