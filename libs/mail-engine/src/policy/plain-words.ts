/**
 * The scan's shortcut past ordinary words: most of a message is plain words ("the", "homework")
 * that no entry can touch, and normalizing them only to watch the automaton fall back to its
 * root is most of a scan's cost.
 *
 * A plain word is a whitespace-delimited token of two or more ASCII letters (after collapsing
 * runs), optionally followed by sentence punctuation. Normalized, it is a word of its own: hard
 * gaps on both sides, none inside, no digit readings, no spaced-letter joining. A match that
 * touches it must therefore cover it exactly, as a whole entry or as one or more whole words
 * of a phrase. So a plain word whose symbols equal no such piece of any entry cannot take part
 * in a match, and the scan skips it: `plainWordRanges` returns the stretches that still need
 * normalizing. The pieces are kept as hashes in a bitmap; a collision only costs a skipped
 * shortcut, never a missed match.
 */

const HASH_BITS = 21;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Per ASCII code: the symbol a letter folds to (as normalize.ts folds it: lower case, l = i), else 0. */
const LETTER_SYMBOL = new Int32Array(128);
for (let code = 0x61; code <= 0x7a; code++) LETTER_SYMBOL[code] = LETTER_SYMBOL[code - 0x20] = code === 0x6c ? 0x69 : code;
/** Sentence punctuation allowed after a plain word (never `$` or `@`, which read as letters). */
const TRAILING = new Uint8Array(128);
for (const ch of '.,;:!?)"\'') TRAILING[ch.charCodeAt(0)] = 1;

const isWhitespace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

function finish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> (32 - HASH_BITS);
}

/** Stretches of a text, as [from, to) pairs in `data[0 .. length)`, reused between calls. */
export class TextRanges {
  data = new Int32Array(64);
  length = 0;

  push(from: number, to: number) {
    if (this.length + 2 > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = from;
    this.data[this.length++] = to;
  }
}

export class PlainWordFilter {
  private readonly bits = new Uint32Array(1 << (HASH_BITS - 5));

  /**
   * `sequences[i]` are the symbols of an entry; `breakable[i][k]` says whether a match may have
   * whitespace before its atom k (a space or punctuation in the entry there).
   */
  constructor(sequences: readonly Int32Array[], breakable: readonly Uint8Array[]) {
    sequences.forEach((symbols, index) => {
      const cuts = [0];
      for (let k = 1; k < symbols.length; k++) if (breakable[index]![k]) cuts.push(k);
      cuts.push(symbols.length);
      for (let a = 0; a < cuts.length - 1; a++) {
        let hash = FNV_OFFSET;
        for (let b = a + 1, k = cuts[a]!; b < cuts.length; b++) {
          for (; k < cuts[b]!; k++) hash = Math.imul(hash ^ symbols[k]!, FNV_PRIME);
          const slot = finish(hash);
          this.bits[slot >>> 5]! |= 1 << (slot & 31);
        }
      }
    });
  }

  /**
   * Fills `ranges` with the stretches of `text` that hold anything but skippable plain words
   * (each stretch starts and ends at whitespace or the text's ends).
   */
  plainWordRanges(text: string, ranges: TextRanges): void {
    const letters = LETTER_SYMBOL;
    const trailing = TRAILING;
    const bits = this.bits;
    const length = text.length;
    ranges.length = 0;
    let keepFrom = 0;
    let pending = false;
    let i = 0;
    while (i < length) {
      let code = text.charCodeAt(i);
      while (isWhitespace(code) && ++i < length) code = text.charCodeAt(i);
      if (i >= length) break;
      const tokenStart = i;
      let hash = FNV_OFFSET;
      let previous = 0;
      let atoms = 0;
      while (code < 128 && letters[code] !== 0) {
        const symbol = letters[code]!;
        if (symbol !== previous) {
          hash = Math.imul(hash ^ symbol, FNV_PRIME);
          previous = symbol;
          atoms++;
        }
        if (++i >= length) break;
        code = text.charCodeAt(i);
      }
      while (i < length && code < 128 && trailing[code] !== 0 && ++i < length) code = text.charCodeAt(i);
      if (i < length && !isWhitespace(code)) {
        // Anything else in the token (digits, symbols, other scripts): normalize it.
        while (++i < length && !isWhitespace(text.charCodeAt(i)));
        pending = true;
        continue;
      }
      const slot = finish(hash);
      if (atoms < 2 || (bits[slot >>> 5]! & (1 << (slot & 31))) !== 0) {
        pending = true;
        continue;
      }
      if (pending) ranges.push(keepFrom, tokenStart);
      pending = false;
      keepFrom = i;
    }
    if (pending) ranges.push(keepFrom, length);
  }
}
