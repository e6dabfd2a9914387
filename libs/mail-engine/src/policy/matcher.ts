/**
 * Word-list matching: every entry of every list in an effective set goes into one automaton;
 * a scan skips the plain words no entry can touch (plain-words.ts), normalizes the rest of each
 * text once, runs the automaton once, and checks each candidate against the entry's word
 * boundaries, phrase breaks and doubled letters.
 */
import { AhoCorasick, Hits } from './aho-corasick.js';
import { PlainWordFilter, TextRanges } from './plain-words.js';
import { GAP_HARD, GAP_NONE, GAP_SOFT, isNoSpaceScript, normalizeForMatching, normalizeTransient, type NormalizedText } from './normalize.js';
import {
  appliesTo,
  strictestAction,
  type MailDirection,
  type MatchedList,
  type ScannableText,
  type ScanWhere,
  type WordListDefinition,
  type WordListMatch,
  type WordListScanResult,
} from './types.js';

/** What an entry asks of the text between two of its atoms. */
const BREAK_NONE = 0; // inside a word: anything but whitespace between words
const BREAK_OPTIONAL = 1; // punctuation in the entry ("f-word"): anything
const BREAK_REQUIRED = 2; // a space in a phrase: any whitespace or separators, at least one

/** One spelling of an entry: the same symbols can carry different doubled letters or breaks. */
interface Variant {
  required: Uint8Array;
  breaks: Uint8Array;
  /** Scripts without spaces (Chinese, Japanese, Thai...) have no word boundary to check. */
  openStart: boolean;
  openEnd: boolean;
  owners: Array<{ list: number; entry: string }>;
}

export interface CompileOptions {
  /** Dense transition cells at most (memory bound); see aho-corasick.ts. */
  denseBudget?: number;
  /** Skip the plain words no entry can touch (default true); off, every character is normalized. */
  plainWordShortcut?: boolean;
}

export interface ScanOptions {
  /** Matches returned at most (all of them still decide the verdict). Default 100. */
  maxMatches?: number;
}

const EXCERPT_CONTEXT = 40;

export type CompiledListInfo = Omit<WordListDefinition, 'entries'>;

export class CompiledWordLists {
  readonly lists: readonly CompiledListInfo[];
  /** Distinct (list, normalized entry) pairs compiled. */
  readonly entryCount: number;
  private readonly automaton: AhoCorasick;
  private readonly variants: Variant[][] = [];
  private readonly lengths: number[] = [];
  private readonly plainWords: PlainWordFilter | null;
  private readonly hits = new Hits();
  private readonly ranges = new TextRanges();

  constructor(lists: readonly WordListDefinition[], options: CompileOptions = {}) {
    this.lists = lists.map(({ entries: _entries, ...info }) => info);
    const sequenceIndex = new Map<string, number>();
    const sequences: Int32Array[] = [];
    const variantIndex = new Map<string, Variant>();
    let entryCount = 0;
    lists.forEach((list, listIndex) => {
      for (const entry of list.entries) {
        const normalized = normalizeForMatching(entry);
        if (normalized.length === 0) continue;
        const variant = variantOf(normalized);
        const sequenceKey = String.fromCodePoint(...normalized.symbols);
        let index = sequenceIndex.get(sequenceKey);
        if (index === undefined) {
          index = sequences.length;
          sequenceIndex.set(sequenceKey, index);
          sequences.push(Int32Array.from(normalized.symbols));
          this.variants.push([]);
          this.lengths.push(normalized.length);
        }
        const key = `${index}|${variant.required.join('')}|${variant.breaks.join('')}`;
        let shared = variantIndex.get(key);
        if (!shared) {
          variantIndex.set(key, (shared = variant));
          this.variants[index]!.push(shared);
        }
        if (!shared.owners.some((owner) => owner.list === listIndex)) {
          shared.owners.push({ list: listIndex, entry });
          entryCount++;
        }
      }
    });
    this.entryCount = entryCount;
    this.plainWords = options.plainWordShortcut === false ? null : new PlainWordFilter(
      sequences,
      this.variants.map((variants) => {
        const breakable = new Uint8Array(variants[0]!.breaks.length);
        for (const variant of variants) variant.breaks.forEach((kind, k) => kind !== BREAK_NONE && (breakable[k] = 1));
        return breakable;
      }),
    );
    this.automaton = new AhoCorasick(
      sequences,
      this.variants.map((variants) => variants[0]!.openEnd),
      options.denseBudget,
    );
  }

  get stateCount(): number {
    return this.automaton.stateCount;
  }

  /** Scans the texts of one message for the lists that apply to `direction`. */
  scan(texts: readonly ScannableText[], direction: MailDirection, options: ScanOptions = {}): WordListScanResult {
    const found: Found = {
      maxMatches: options.maxMatches ?? 100,
      applicable: this.lists.map((list) => appliesTo(list, direction)),
      matches: [],
      lists: new Set(),
      count: 0,
    };
    if (found.applicable.some(Boolean)) {
      for (const { where, text } of texts) {
        if (!text) continue;
        let ranges: TextRanges | null = null;
        if (this.plainWords) {
          this.plainWords.plainWordRanges(text, (ranges = this.ranges));
          if (ranges.length === 0) continue;
        }
        const normalized = normalizeTransient(text, ranges);
        this.hits.length = 0;
        this.automaton.run(normalized, this.hits);
        this.collect(normalized, where, text, found);
      }
    }
    const lists: MatchedList[] = [...found.lists]
      .sort((a, b) => a - b)
      .map((index) => {
        const { id, name, scope, action } = this.lists[index]!;
        return { id, name, scope, action };
      });
    return { matches: found.matches, verdict: { action: strictestAction(lists.map((list) => list.action)), lists }, truncated: found.count > found.matches.length };
  }

  /** Checks the automaton's candidates against boundaries, breaks and doubled letters. */
  private collect(normalized: NormalizedText, where: ScanWhere, text: string, found: Found) {
    const { data, length } = this.hits;
    for (let h = 0; h < length; h += 2) {
      const sequence = data[h]!;
      const last = data[h + 1]!;
      const first = last - this.lengths[sequence]! + 1;
      const variants = this.variants[sequence]!;
      // Most candidates end a word but start inside one ("class" for "ass"): every spelling of a
      // sequence shares its first and last symbols, so one look at the gaps settles those.
      const { openStart, openEnd } = variants[0]!;
      if ((!openStart && normalized.gaps[first]! < GAP_SOFT) || (!openEnd && normalized.gaps[last + 1]! < GAP_SOFT)) continue;
      // Two spellings in one list ("fuck", "fuuck") may both fit one place: report it once.
      let reportedHere: number[] | undefined;
      for (const variant of variants) {
        if (!fits(variant, normalized, first, last)) continue;
        const start = normalized.starts[first]!;
        const end = normalized.ends[last]!;
        for (const owner of variant.owners) {
          if (!found.applicable[owner.list]) continue;
          if (variants.length > 1) {
            if (reportedHere?.includes(owner.list)) continue;
            (reportedHere ??= []).push(owner.list);
          }
          found.lists.add(owner.list);
          found.count++;
          if (found.matches.length >= found.maxMatches) continue;
          const list = this.lists[owner.list]!;
          found.matches.push({
            listId: list.id,
            listName: list.name,
            entry: owner.entry,
            action: list.action,
            where,
            start,
            end,
            matched: text.slice(start, end),
            excerpt: excerptOf(text, start, end),
          });
        }
      }
    }
  }
}

/** What a scan has found so far. */
interface Found {
  maxMatches: number;
  applicable: boolean[];
  matches: WordListMatch[];
  lists: Set<number>;
  count: number;
}

export function compileWordLists(lists: readonly WordListDefinition[], options?: CompileOptions): CompiledWordLists {
  return new CompiledWordLists(lists, options);
}

function variantOf(entry: NormalizedText): Variant {
  const required = new Uint8Array(entry.length);
  const breaks = new Uint8Array(entry.length);
  for (let k = 0; k < entry.length; k++) {
    // A doubled letter needs a doubled letter ("ass" is not "as"); longer runs need no more.
    required[k] = Math.min(2, entry.counts[k]!);
    if (k > 0) {
      const gap = entry.gaps[k]!;
      breaks[k] = gap === GAP_HARD ? BREAK_REQUIRED : gap === GAP_SOFT ? BREAK_OPTIONAL : BREAK_NONE;
    }
  }
  return {
    required,
    breaks,
    openStart: isNoSpaceScript(entry.symbols[0]!),
    openEnd: isNoSpaceScript(entry.symbols[entry.length - 1]!),
    owners: [],
  };
}

function fits(variant: Variant, text: NormalizedText, first: number, last: number): boolean {
  const { gaps, counts } = text;
  if (!variant.openStart && gaps[first]! < GAP_SOFT) return false;
  if (!variant.openEnd && gaps[last + 1]! < GAP_SOFT) return false;
  const { required, breaks } = variant;
  for (let k = 0; k <= last - first; k++) {
    if (counts[first + k]! < required[k]!) return false;
    if (k === 0) continue;
    const gap = gaps[first + k]!;
    if (breaks[k] === BREAK_NONE ? gap === GAP_HARD : breaks[k] === BREAK_REQUIRED && gap === GAP_NONE) return false;
  }
  return true;
}

function excerptOf(text: string, start: number, end: number): string {
  let from = Math.max(0, start - EXCERPT_CONTEXT);
  let to = Math.min(text.length, end + EXCERPT_CONTEXT);
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from--;
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to++;
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/gu, ' ')}${to < text.length ? '…' : ''}`;
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
