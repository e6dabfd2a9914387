/**
 * Compiled word-list sets, keyed by the ids and versions of their lists: editing a list bumps
 * its version, so the next lookup misses and compiles the new set. Least recently used sets
 * are dropped beyond `maxSize` (a compiled set of 10,000 entries holds a few MB).
 */
import { compileWordLists, type CompiledWordLists, type CompileOptions } from './matcher.js';
import type { WordListDefinition } from './types.js';

export interface WordListHead {
  id: number;
  version: number;
}

export class WordListCache {
  private readonly sets = new Map<string, Promise<CompiledWordLists>>();
  private readonly maxSize: number;
  private readonly compileOptions: CompileOptions;

  constructor(options: { maxSize?: number } & CompileOptions = {}) {
    this.maxSize = Math.max(1, options.maxSize ?? 16);
    this.compileOptions = { denseBudget: options.denseBudget };
  }

  static keyOf(lists: readonly WordListHead[]): string {
    return lists
      .map((list) => `${list.id}:${list.version}`)
      .sort()
      .join(',');
  }

  get size(): number {
    return this.sets.size;
  }

  has(lists: readonly WordListHead[]): boolean {
    return this.sets.has(WordListCache.keyOf(lists));
  }

  /**
   * The compiled set for these lists; `load` (which reads the entries) runs only on a miss, and
   * concurrent callers of one key share one compilation.
   */
  obtain(heads: readonly WordListHead[], load: () => Promise<readonly WordListDefinition[]> | readonly WordListDefinition[]): Promise<CompiledWordLists> {
    const key = WordListCache.keyOf(heads);
    const cached = this.sets.get(key);
    if (cached) {
      this.sets.delete(key);
      this.sets.set(key, cached);
      return cached;
    }
    const compiled = Promise.resolve()
      .then(load)
      .then((lists) => compileWordLists(lists, this.compileOptions));
    this.sets.set(key, compiled);
    // A failed load must not stay cached.
    compiled.catch(() => {
      if (this.sets.get(key) === compiled) this.sets.delete(key);
    });
    while (this.sets.size > this.maxSize) this.sets.delete(this.sets.keys().next().value!);
    return compiled;
  }

  clear(): void {
    this.sets.clear();
  }
}
