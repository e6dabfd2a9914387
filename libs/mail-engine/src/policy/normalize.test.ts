import { describe, expect, it } from 'vitest';
import { canonicalForm, normalizeForMatching } from './normalize.js';

const canonical = (text: string) => canonicalForm(normalizeForMatching(text));

describe('normalization for word-list matching', () => {
  it('folds case, NFKC forms and diacritics alike on both sides', () => {
    expect(canonical('FUCK')).toBe('fuck');
    expect(canonical('ＦＵＣＫ')).toBe('fuck'); // full-width
    expect(canonical('ﬁne')).toBe('fine'); // ligature
    expect(canonical('niño')).toBe(canonical('nino'));
    expect(canonical('ni\u0303no')).toBe(canonical('niño')); // decomposed tilde
    expect(canonical('Straße')).toBe(canonical('strasse'));
    expect(canonical('ΟΔΟΣ')).toBe(canonical('οδος')); // final sigma
    expect(canonical('Ёлка')).toBe(canonical('елка'));
  });

  it('collapses repeated letters but remembers the run length', () => {
    const text = normalizeForMatching('fuuuuck');
    expect(canonicalForm(text)).toBe('fuck');
    expect([...text.counts]).toEqual([1, 4, 1, 1]);
  });

  it('joins letters separated by punctuation, and spaced-out single letters', () => {
    for (const spelling of ['f.u.c.k', 'f-u-c-k', 'f_u_c_k', 'f*u*c*k']) expect(canonical(spelling).replaceAll('|', '')).toBe('fuck');
    expect(canonical('f u c k')).toBe('fuck');
    expect(canonical('f. u. c. k')).toBe('fuck');
    // Whitespace between longer tokens stays a word break.
    expect(canonical('pen is')).toBe('pen is');
    expect(canonical('big a s s hole')).toBe('big as hoie');
    // Zero-width characters and soft hyphens leave no gap at all.
    expect(canonical('f\u200bu\u00adck')).toBe('fuck');
  });

  it('reads digits and symbols as letters inside words, where l and 1 share one symbol', () => {
    expect(canonical('sh1t')).toBe(canonical('shit'));
    expect(canonical('$h1t')).toBe(canonical('shit'));
    expect(canonical('4ss')).toBe(canonical('ass'));
    expect(canonical('@ss')).toBe(canonical('ass'));
    expect(canonical('b1tch')).toBe(canonical('bitch'));
    expect(canonical('k1ll')).toBe(canonical('kill'));
    expect(canonical('0rg45m')).toBe(canonical('orgasm'));
    expect(canonical('7w47')).toBe(canonical('twat'));
    expect(canonical('h3ll')).toBe(canonical('hell'));
    // A number without letters stays a number.
    expect(canonical('455')).toBe('45');
    // Also right after a single letter, whose spaced gap turns out to be a word break.
    expect(canonical('x 4ss')).toBe('x as');
  });

  it('keeps words that need no rewriting intact around ones that do', () => {
    const original = 'one f u u c k two 4ss three 2024 s p a m four';
    const text = normalizeForMatching(original);
    expect(canonicalForm(text)).toBe('one fuck two as thre 2024 spam four'); // "ee" is one atom of two
    const atomOf = (word: string) => [...text.starts].indexOf(original.indexOf(word));
    expect(original.slice(text.starts[atomOf('three')], text.ends[atomOf('three') + 3])).toBe('three');
    expect(original.slice(text.starts[atomOf('f u')], text.ends[atomOf('f u') + 3])).toBe('f u u c k');
    expect(original.slice(text.starts[atomOf('four')], text.ends[text.length - 1])).toBe('four');
  });

  it('maps every atom back to its original offsets', () => {
    const original = 'Oh F.u.u.ck!';
    const text = normalizeForMatching(original);
    const f = 2; // o h f
    expect(original.slice(text.starts[f], text.ends[text.length - 1])).toBe('F.u.u.ck');
    const surrogates = normalizeForMatching('😀 ｂad');
    expect(surrogates.starts[0]).toBe(3);
  });
});
