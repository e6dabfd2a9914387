import { z } from 'zod';

export const MAX_ENTRIES_PER_LIST = 10_000;
export const MAX_ENTRY_LENGTH = 200;

/**
 * The form the mail engine matches on: Unicode NFKC (so full-width and ligature spellings
 * are the same word), lower case, single inner spaces, no outer spaces.
 */
export function normalizeEntry(raw: string): string {
  return raw.normalize('NFKC').toLowerCase().normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** Normalized, de-duplicated entries, or the message saying which one is too long. */
export function normalizeEntries(raw: readonly string[], describe: (index: number) => string): { entries: string[] } | { error: string } {
  const seen = new Set<string>();
  for (const [index, value] of raw.entries()) {
    const entry = normalizeEntry(value);
    if (!entry) continue;
    if ([...entry].length > MAX_ENTRY_LENGTH) {
      return { error: `${describe(index)} is longer than ${MAX_ENTRY_LENGTH} characters ("${[...entry].slice(0, 30).join('')}...")` };
    }
    seen.add(entry);
  }
  return { entries: [...seen] };
}

/** A JSON array of entries, normalized; the issue names the array field itself. */
export const entryArray = z
  .array(z.string({ error: 'each entry must be a string' }))
  .max(10 * MAX_ENTRIES_PER_LIST, `at most ${MAX_ENTRIES_PER_LIST} entries per list`)
  .transform((raw, ctx) => {
    const result = normalizeEntries(raw, (index) => `entry ${index + 1}`);
    if ('error' in result) {
      ctx.addIssue({ code: 'custom', message: result.error });
      return z.NEVER;
    }
    return result.entries;
  });

/** Lines of an imported text, normalized; blank lines are skipped. */
export function entriesFromText(text: string) {
  return normalizeEntries(text.split(/\r\n|\r|\n/), (index) => `line ${index + 1}`);
}

export const sortEntries = (entries: Iterable<string>) => [...entries].sort();
