/**
 * The text form word lists match on, shared by entries and messages so both sides fold alike.
 *
 * A text becomes a sequence of "atoms": one canonical symbol (a code point) per run of equal
 * letters, with the run length, the kind of gap before it, and the original UTF-16 offsets it
 * came from (so a match is reported, and highlighted, in the original text).
 *
 * Folding, per character: NFKC (full-width, ligatures, superscripts), lower case plus the case
 * folds toLowerCase misses (ß -> ss, final sigma, dotless i), then NFD with the diacritic marks
 * removed ("niño" = "nino", "ё" = "е"). Marks that carry meaning in their script (Devanagari
 * vowel signs, kana voicing, Thai vowels) stay as symbols of their own.
 *
 * Obfuscations:
 * - runs of one letter collapse into one atom that keeps its length ("fuuuck" = "fuck"; an
 *   entry's doubled letter still needs a doubled letter, so "ass" never matches "as");
 * - `4 3 1 0 5 $ @ 7` read as `a e i o s s a t` inside a word that is not all digits, so plain
 *   numbers ("Room 455") stay numbers; `l` and `1` share i's symbol, which reads `1` both ways;
 * - letters joined by punctuation only ("f.u.c.k", "f_u_c_k", "f*u*c*k") form one word whose
 *   inner gaps also count as word boundaries ("bad-ass" still contains "ass");
 * - single letters spaced out on one line ("f u c k", "f. u. c. k") form one word; whitespace
 *   between longer tokens stays a hard word break, so "pen is" never reads as "penis".
 * Zero-width characters, soft hyphens and variation selectors vanish without leaving a gap.
 */

import type { TextRanges } from './plain-words.js';

/** The gap before an atom. */
export const GAP_NONE = 0;
/** Spaced-out single letters: inside one word. */
export const GAP_JOIN = 1;
/** Punctuation only: inside one word, and also a word boundary. */
export const GAP_SOFT = 2;
/** Whitespace between words, or the start/end of the text. */
export const GAP_HARD = 3;
/** Whitespace that becomes GAP_JOIN when both neighbours are single letters, else GAP_HARD. */
const GAP_SPACED = 4;

export interface NormalizedText {
  /** Number of atoms. */
  readonly length: number;
  /** Canonical symbol (code point) of each atom. */
  readonly symbols: Int32Array;
  /** How many equal letters the atom stands for (capped at 65535). */
  readonly counts: Uint16Array;
  /** `length + 1` gap kinds: `gaps[i]` is the gap before atom i, `gaps[length]` the end. */
  readonly gaps: Uint8Array;
  /** Original UTF-16 offset where the atom starts. */
  readonly starts: Int32Array;
  /** Original UTF-16 offset just after the atom. */
  readonly ends: Int32Array;
}

const KIND_LETTER = 1;
const KIND_EXPANSION = 2;
const KIND_IGNORABLE = 3;
const KIND_SPACE = 4;
const KIND_LINE = 5;
const KIND_PUNCT = 6;

/** Spaced-out letters join across at most this much whitespace/punctuation ("f . u . c . k"). */
const MAX_SPACED_GAP = 3;
const MAX_COUNT = 65535;

const I = 0x69;
/** The symbol of a skipped stretch: NUL is punctuation here, so no text or entry atom has it. */
const SKIPPED = 0;
/** Digit/symbol-for-letter readings, on folded ASCII. */
const SUBSTITUTE = new Int32Array(128);
for (const [from, to] of [['4', 'a'], ['3', 'e'], ['1', 'i'], ['0', 'o'], ['5', 's'], ['$', 's'], ['@', 'a'], ['7', 't']] as const) {
  SUBSTITUTE[from.charCodeAt(0)] = to.charCodeAt(0);
}
/** Per symbol: not an ASCII digit (only words with one get substitutions, so numbers stay numbers). */
const NOT_DIGIT = 1;
/** Per symbol: has a letter reading. */
const SUBSTITUTABLE = 2;
const ASCII_FLAGS = new Uint8Array(128);
for (let symbol = 0; symbol < 128; symbol++) {
  ASCII_FLAGS[symbol] = (symbol >= 0x30 && symbol <= 0x39 ? 0 : NOT_DIGIT) | (SUBSTITUTE[symbol] !== 0 ? SUBSTITUTABLE : 0);
}

const DROPPED_MARK =
  /[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\u{e0100}-\u{e01ef}]/u;
const FORMAT = /^[\p{Cf}]$/u;
const LINE_BREAK = /^[\n\r\v\f\u0085\u2028\u2029]$/u;
const SPACE = /^\s$/u;
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const NUMBER = /^\p{N}$/u;

/** The symbols of characters that fold to several (ligatures, "ß", Hangul syllables). */
const expansions: Int32Array[] = [];
/** Info bit: the symbol has a letter reading (see SUBSTITUTE). */
const INFO_SUBSTITUTABLE = 8;
/** Per BMP code unit: kind | INFO_SUBSTITUTABLE | payload << 4 (symbol or expansion index); 0 = not yet known. */
const bmpInfo = new Int32Array(0x10000);
const astralInfo = new Map<number, number>();

function foldChar(ch: string): string {
  let folded = ch.normalize('NFKC').toLowerCase().normalize('NFKC');
  if (/[ßςı]/u.test(folded)) folded = folded.replace(/ß/gu, 'ss').replace(/ς/gu, 'σ').replace(/ı/gu, 'i');
  return folded.normalize('NFD');
}

function classify(codePoint: number): number {
  const ch = String.fromCodePoint(codePoint);
  let info: number;
  if (FORMAT.test(ch) || DROPPED_MARK.test(ch)) info = KIND_IGNORABLE;
  else if (LINE_BREAK.test(ch)) info = KIND_LINE;
  else if (SPACE.test(ch)) info = KIND_SPACE;
  else {
    const symbols: number[] = [];
    let sawSpace = false;
    for (const part of foldChar(ch)) {
      if (DROPPED_MARK.test(part)) continue;
      const cp = part.codePointAt(0)!;
      if (LETTER_OR_MARK.test(part)) symbols.push(part === 'l' ? I : cp);
      else if (NUMBER.test(part) || part === '$' || part === '@') symbols.push(cp);
      else if (SPACE.test(part)) sawSpace = true;
    }
    if (symbols.length === 1) info = KIND_LETTER | (symbols[0]! < 128 && SUBSTITUTE[symbols[0]!] !== 0 ? INFO_SUBSTITUTABLE : 0) | (symbols[0]! << 4);
    else if (symbols.length > 1) {
      expansions.push(Int32Array.from(symbols));
      info = KIND_EXPANSION | ((expansions.length - 1) << 4);
    } else info = sawSpace ? KIND_SPACE : KIND_PUNCT;
  }
  if (codePoint < 0x10000) bmpInfo[codePoint] = info;
  else astralInfo.set(codePoint, info);
  return info;
}

for (let cp = 0; cp < 128; cp++) classify(cp);

/** Growable atom storage; one instance is reused by every scan (normalization is synchronous). */
class Atoms {
  symbols: Int32Array;
  counts: Uint16Array;
  gaps: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Atoms that the word pass must look at: a spaced gap before them, or a digit/symbol with a letter reading. */
  dirty: Int32Array;

  constructor(readonly capacity: number) {
    this.symbols = new Int32Array(capacity);
    this.counts = new Uint16Array(capacity);
    this.gaps = new Uint8Array(capacity + 1);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.dirty = new Int32Array(capacity);
  }

  grown(capacity: number): Atoms {
    const bigger = new Atoms(capacity);
    bigger.symbols.set(this.symbols);
    bigger.counts.set(this.counts);
    bigger.gaps.set(this.gaps);
    bigger.starts.set(this.starts);
    bigger.ends.set(this.ends);
    bigger.dirty.set(this.dirty);
    return bigger;
  }

  /** Moves atoms [from, to) down to `at` (after merges removed some before them). */
  move(at: number, from: number, to: number) {
    if (at === from || from === to) return;
    this.symbols.copyWithin(at, from, to);
    this.counts.copyWithin(at, from, to);
    this.gaps.copyWithin(at, from, to);
    this.starts.copyWithin(at, from, to);
    this.ends.copyWithin(at, from, to);
  }
}

let scratch = new Atoms(4096);
/** Largest scratch kept between calls: a huge text should not pin its buffers forever. */
const SCRATCH_KEPT = 1 << 20;

/**
 * Pass 1, per character: fold, merge runs of one symbol, classify gaps roughly (spaced gaps
 * are resolved by the word pass), and note the atoms the word pass must look at.
 * Module bindings cost a context load and a hole check per use, so the hot loop uses copies.
 */
function readAtoms(text: string, ranges: TextRanges | null): { atoms: Atoms; length: number; dirtyCount: number } {
  const NONE = GAP_NONE;
  const SOFT = GAP_SOFT;
  const SPACED = GAP_SPACED;
  const HARD = GAP_HARD;
  const LETTER = KIND_LETTER;
  const EXPANSION = KIND_EXPANSION;
  const IGNORABLE = KIND_IGNORABLE;
  const SPACE_KIND = KIND_SPACE;
  const LINE_KIND = KIND_LINE;
  const info16 = bmpInfo;
  const maxCount = MAX_COUNT;
  const maxSpaced = MAX_SPACED_GAP;
  const substitutable = INFO_SUBSTITUTABLE;
  const length = text.length;
  let atoms = scratch.capacity >= length + 32 ? scratch : new Atoms(length + 32);
  let { symbols, counts, gaps, starts, ends, dirty } = atoms;
  let n = 0;
  let dirtyCount = 0;
  let gapChars = 0;
  let gapSpace = false;
  let gapLine = false;

  const rangeCount = ranges ? ranges.length : 2;
  for (let r = 0; r < rangeCount; r += 2) {
    let i = ranges ? ranges.data[r]! : 0;
    const rangeEnd = ranges ? ranges.data[r + 1]! : length;
    if (r > 0) {
      // What lies between two ranges was skipped (plain-words.ts): a symbol no entry holds
      // stands for it, so that no match spans the gap, with hard gaps on both sides.
      gaps[n] = HARD;
      symbols[n] = SKIPPED;
      counts[n] = 1;
      starts[n] = ends[n] = i;
      n++;
      gapChars = 1;
      gapSpace = gapLine = true;
    }
    for (; i < rangeEnd; ) {
      let cp = text.charCodeAt(i);
      let size = 1;
      let info: number;
      if (cp < 0xd800 || cp > 0xdbff) info = info16[cp]!;
      else {
        const low = i + 1 < length ? text.charCodeAt(i + 1) : 0;
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          size = 2;
          info = astralInfo.get(cp) ?? 0;
        } else info = info16[cp]!;
      }
      if (info === 0) info = classify(cp);
      const kind = info & 7;

      if (kind === LETTER) {
        const symbol = info >>> 4;
        if (gapChars === 0 && n > 0 && symbols[n - 1] === symbol) {
          if (counts[n - 1]! < maxCount) counts[n - 1]!++;
          ends[n - 1] = i + size;
        } else {
          // Spaced whitespace can join only single letters: after a longer token it is a hard gap.
          const gap = n === 0 ? HARD : gapChars === 0 ? NONE : !gapSpace ? SOFT : !gapLine && gapChars <= maxSpaced && gaps[n - 1] !== NONE ? SPACED : HARD;
          if (gap === SPACED || (info & substitutable) !== 0) dirty[dirtyCount++] = n;
          gaps[n] = gap;
          symbols[n] = symbol;
          counts[n] = 1;
          starts[n] = i;
          ends[n] = i + size;
          n++;
          gapChars = 0;
        }
      } else if (kind === EXPANSION) {
        const expansion = expansions[info >>> 4]!;
        // Letters after this one still need one atom per character at most.
        const needed = n + expansion.length + (length - i) + 1;
        if (needed >= atoms.capacity) {
          atoms = atoms.grown(Math.max(atoms.capacity * 2, needed + 32));
          ({ symbols, counts, gaps, starts, ends, dirty } = atoms);
        }
        for (let p = 0; p < expansion.length; p++) {
          const symbol = expansion[p]!;
          if (gapChars === 0 && n > 0 && symbols[n - 1] === symbol) {
            if (counts[n - 1]! < maxCount) counts[n - 1]!++;
            ends[n - 1] = i + size;
            continue;
          }
          const gap = n === 0 ? HARD : gapChars === 0 ? NONE : !gapSpace ? SOFT : !gapLine && gapChars <= maxSpaced && gaps[n - 1] !== NONE ? SPACED : HARD;
          if (gap === SPACED || (symbol < 128 && SUBSTITUTE[symbol] !== 0)) dirty[dirtyCount++] = n;
          gaps[n] = gap;
          symbols[n] = symbol;
          counts[n] = 1;
          starts[n] = i;
          ends[n] = i + size;
          n++;
          gapChars = 0;
        }
      } else if (kind !== IGNORABLE) {
        if (gapChars === 0) gapSpace = gapLine = false;
        gapChars++;
        if (kind === SPACE_KIND) gapSpace = true;
        else if (kind === LINE_KIND) gapSpace = gapLine = true;
      }
      i += size;
    }
  }
  if (atoms.capacity <= SCRATCH_KEPT) scratch = atoms;
  return { atoms, length: n, dirtyCount };
}

/**
 * Normalizes into the shared scratch buffers: the result is valid until the next call. For
 * the scan loop, which uses each text's atoms before normalizing the next text. With `ranges`,
 * only those stretches of the text are read (the rest holds only skippable plain words).
 */
export function normalizeTransient(text: string, ranges: TextRanges | null = null): NormalizedText {
  const NONE = GAP_NONE;
  const JOIN = GAP_JOIN;
  const SPACED = GAP_SPACED;
  const HARD = GAP_HARD;
  const substitutes = SUBSTITUTE;
  const asciiFlags = ASCII_FLAGS;
  const maxCount = MAX_COUNT;
  const { atoms, length: n, dirtyCount } = readAtoms(text, ranges);
  const { symbols, counts, gaps, starts, ends, dirty } = atoms;
  gaps[n] = HARD;

  // Pass 2, only over the words (between hard gaps) that hold a dirty atom. Spaced whitespace
  // joins only single-letter tokens (a token starts at any gap but NONE). Then, where the word
  // is not all digits, substitutions; and the runs that substitution or joining made adjacent
  // merge. Compacts in place: `w` is the last atom written, `cursor` the first not yet read.
  let w = -1;
  let cursor = 0;
  for (let p = 0; p < dirtyCount; p++) {
    const at = dirty[p]!;
    if (at < cursor) continue;
    let r = at;
    while (r > cursor && gaps[r] !== HARD) r--;
    atoms.move(w + 1, cursor, r);
    w += r - cursor;

    let end = r + 1;
    let wordFlags = symbols[r]! < 128 ? asciiFlags[symbols[r]!]! : NOT_DIGIT;
    let joined = false;
    for (; end < n; end++) {
      let gap = gaps[end]!;
      if (gap === SPACED) {
        gap = gaps[end - 1] !== NONE && gaps[end + 1] !== NONE ? JOIN : HARD;
        gaps[end] = gap;
      }
      if (gap === HARD) break;
      if (gap === JOIN) joined = true;
      wordFlags |= symbols[end]! < 128 ? asciiFlags[symbols[end]!]! : NOT_DIGIT;
    }
    const substitute = (wordFlags & NOT_DIGIT) !== 0 && (wordFlags & SUBSTITUTABLE) !== 0;
    for (let k = r; k < end; k++) {
      let symbol = symbols[k]!;
      if (substitute && symbol < 128 && substitutes[symbol] !== 0) symbol = substitutes[symbol]!;
      const gap = gaps[k]!;
      if (k > r && gap <= JOIN && symbols[w] === symbol && (substitute || joined)) {
        counts[w] = Math.min(maxCount, counts[w]! + counts[k]!);
        ends[w] = ends[k]!;
        continue;
      }
      w++;
      symbols[w] = symbol;
      counts[w] = counts[k]!;
      gaps[w] = gap;
      starts[w] = starts[k]!;
      ends[w] = ends[k]!;
    }
    cursor = end;
    // Spaced whitespace that turned out hard ("x 4ss") leaves this atom to the next word.
    if (at >= end) p--;
  }
  atoms.move(w + 1, cursor, n);
  const length = w + 1 + (n - cursor);
  gaps[length] = HARD;
  return {
    length,
    symbols: symbols.subarray(0, length),
    counts: counts.subarray(0, length),
    gaps: gaps.subarray(0, length + 1),
    starts: starts.subarray(0, length),
    ends: ends.subarray(0, length),
  };
}

/** Normalizes a text (a message part or a word-list entry) into atoms of its own. */
export function normalizeForMatching(text: string): NormalizedText {
  const shared = normalizeTransient(text);
  return {
    length: shared.length,
    symbols: shared.symbols.slice(),
    counts: shared.counts.slice(),
    gaps: shared.gaps.slice(),
    starts: shared.starts.slice(),
    ends: shared.ends.slice(),
  };
}

/** The canonical spelling of a normalized text, one character per atom (runs collapsed), for tests and debugging. */
export function canonicalForm(normalized: NormalizedText): string {
  let out = '';
  for (let i = 0; i < normalized.length; i++) {
    if (i > 0 && normalized.gaps[i] === GAP_HARD) out += ' ';
    else if (i > 0 && normalized.gaps[i] === GAP_SOFT) out += '|';
    out += String.fromCodePoint(normalized.symbols[i]!);
  }
  return out;
}

/**
 * Scripts written without spaces between words: an entry in them matches anywhere, since
 * there is no word boundary to look for (Chinese, Japanese, Thai, Lao, Khmer, Myanmar).
 * Script extensions, so the kana voicing marks kept as symbols count as Japanese.
 */
const NO_SPACE_SCRIPT = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
export function isNoSpaceScript(symbol: number): boolean {
  return NO_SPACE_SCRIPT.test(String.fromCodePoint(symbol));
}

/**
 * Feedback for every branch before the optimizing compiler sees the hot loops: its first
 * compilation happens on stack, in the middle of a large text, and without feedback for the
 * rare branches (expansions, spaced letters, merges) that code kept bailing out at every call.
 */
const PRIMER = 'Hi  the f u u c k, f.u.c.k k1ll a55 455 Straße ﬁne ni\u0303ño x\u200by 😀 ДУРАК 傻瓜\n\r\n end.';
for (let round = 0; round < 8; round++) normalizeTransient(PRIMER);
