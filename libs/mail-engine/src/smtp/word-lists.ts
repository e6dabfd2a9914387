/**
 * Word lists at protocol time: the compiled automaton of a set of lists, from the policy
 * cache (one compilation per set of list ids and versions). The versions are read at most
 * every two seconds per set, so an edited list applies within that time.
 */
import type { Db } from '../contracts.js';
import type { CompiledWordLists } from '../policy/matcher.js';
import type { WordListCache, WordListHead } from '../policy/cache.js';
import { TtlCache } from './ttl-cache.js';

export class WordListScanner {
  private readonly heads = new TtlCache<string, WordListHead[]>(2_000, 10_000);

  constructor(
    private readonly db: Db,
    private readonly cache: WordListCache,
  ) {}

  async compiled(listIds: readonly number[]): Promise<CompiledWordLists | null> {
    if (listIds.length === 0) return null;
    const ids = [...new Set(listIds)].sort((a, b) => a - b);
    const heads = await this.heads.get(ids.join(','), () => this.db.wordList.findMany({ where: { id: { in: ids } }, select: { id: true, version: true } }));
    if (heads.length === 0) return null;
    return this.cache.obtain(heads, async () => {
      const lists = await this.db.wordList.findMany({
        where: { id: { in: heads.map((h) => h.id) } },
        select: { id: true, name: true, scope: true, action: true, direction: true, version: true, entries: { select: { text: true } } },
      });
      return lists.map((list) => ({ ...list, entries: list.entries.map((e) => e.text) }));
    });
  }
}
