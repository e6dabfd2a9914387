import { describe, expect, it } from 'vitest';
import { parseSenderPattern, senderMatches, senderParts, type SenderPattern } from './sender-patterns.js';

function pattern(text: string): SenderPattern {
  const parsed = parseSenderPattern(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

const matches = (p: string, sender: string) => senderMatches(pattern(p), senderParts(sender)!);

describe('whitelisted sender patterns', () => {
  it('matches an exact address case-insensitively', () => {
    expect(matches('News@Partner.org', 'news@partner.ORG')).toBe(true);
    expect(matches('news@partner.org', 'other@partner.org')).toBe(false);
  });

  it('matches a whole domain written @domain or *@domain, and not its sub-domains', () => {
    expect(matches('@partner.org', 'anyone@PARTNER.org')).toBe(true);
    expect(matches('*@partner.org', 'anyone@partner.org')).toBe(true);
    expect(matches('*@partner.org', 'anyone@mail.partner.org')).toBe(false);
    expect(matches('@partner.org', 'anyone@notpartner.org')).toBe(false);
  });

  it('never matches the null sender', () => {
    expect(senderParts('')).toBeNull();
    expect(senderParts('<>')).toBeNull();
  });

  it('refuses what is not an address or a domain pattern', () => {
    for (const bad of ['partner.org', '*', '*@', '@', 'a@b', 'a b@partner.org', '**@partner.org', 'news@partner..org', 'x'.repeat(65) + '@partner.org']) {
      expect(parseSenderPattern(bad), bad).toHaveProperty('error');
    }
  });
});
