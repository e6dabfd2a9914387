/** Word-list ("student-safe") matching: normalization, the compiled automaton, and its cache. */
export * from './types.js';
export { normalizeForMatching, canonicalForm, type NormalizedText } from './normalize.js';
export { compileWordLists, CompiledWordLists, type CompileOptions, type ScanOptions, type CompiledListInfo } from './matcher.js';
export { WordListCache, type WordListHead } from './cache.js';
