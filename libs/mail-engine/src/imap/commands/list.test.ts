import { describe, expect, it } from 'vitest';
import type { FolderInfo } from '../../mailstore/types.js';
import { listEntries, patternMatcher } from './list.js';

const folder = (name: string, options: Partial<FolderInfo> = {}): FolderInfo => ({
  id: 1,
  accountId: 1,
  name,
  specialUse: null,
  uidValidity: 1,
  uidNext: 1,
  modSeq: 0n,
  subscribed: true,
  ...options,
});

const FOLDERS = [folder('INBOX'), folder('Sent', { specialUse: '\\Sent' }), folder('Classes/Maths/2026', { subscribed: false }), folder('Classes/Art')];

describe('LIST patterns', () => {
  it('"*" crosses levels, "%" stops at the separator, and the reference is a prefix', () => {
    expect(['Classes', 'Classes/Art', 'Classes/Maths/2026'].filter(patternMatcher('', 'Classes/*'))).toEqual(['Classes/Art', 'Classes/Maths/2026']);
    expect(['Classes', 'Classes/Art', 'Classes/Maths/2026'].filter(patternMatcher('', 'Classes/%'))).toEqual(['Classes/Art']);
    expect(['Classes/Art', 'Sent'].filter(patternMatcher('Classes/', '%'))).toEqual(['Classes/Art']);
    expect(['a.b', 'axb'].filter(patternMatcher('', 'a.b'))).toEqual(['a.b']);
  });

  it('lists parents that exist only as parents as \\Noselect, with CHILDREN and special-use attributes', () => {
    const entries = listEntries(FOLDERS, patternMatcher('', '*'), { subscribedOnly: false, children: true });
    expect(entries).toEqual([
      { name: 'INBOX', attributes: ['\\HasNoChildren'] },
      { name: 'Sent', attributes: ['\\HasNoChildren', '\\Sent'] },
      { name: 'Classes', attributes: ['\\Noselect', '\\HasChildren'] },
      { name: 'Classes/Maths', attributes: ['\\Noselect', '\\HasChildren'] },
      { name: 'Classes/Maths/2026', attributes: ['\\HasNoChildren'] },
      { name: 'Classes/Art', attributes: ['\\HasNoChildren'] },
    ]);
  });

  it('LSUB lists subscribed folders only, their unsubscribed parents as \\Noselect', () => {
    const entries = listEntries(FOLDERS, patternMatcher('', '*'), { subscribedOnly: true, children: false });
    expect(entries).toEqual([
      { name: 'INBOX', attributes: [] },
      { name: 'Sent', attributes: [] },
      { name: 'Classes', attributes: ['\\Noselect'] },
      { name: 'Classes/Art', attributes: [] },
    ]);
  });
});
