/**
 * Aho-Corasick over symbol sequences (the atoms of normalize.ts), built once per effective set
 * of word lists.
 *
 * States are numbered breadth-first, so the shallow states (where a scan spends nearly all its
 * time) come first: those below `denseStates` get a complete transition row (one array read per
 * symbol), the deeper ones keep only their trie children plus the failure link, which bounds the
 * memory of a large list set (`denseBudget` cells) without slowing the common path.
 */

import { GAP_SOFT } from './normalize.js';

/** Transition-table cells kept dense at most: 2M cells = 8 MB per compiled set. */
export const DEFAULT_DENSE_BUDGET = 1 << 21;

/** Emitting states: their sequences need a word end after them, or some may end anywhere. */
const EMITS_AT_WORD_END = 1;
const EMITS_ANYWHERE = 2;

/** (sequence, last atom index) pairs found by a run, in a reusable buffer. */
export class Hits {
  data = new Int32Array(256);
  length = 0;

  push(sequence: number, lastIndex: number) {
    if (this.length + 2 > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = sequence;
    this.data[this.length++] = lastIndex;
  }
}

export class AhoCorasick {
  /** Alphabet size + 1: class 0 is every symbol no sequence uses. */
  readonly width: number;
  readonly stateCount: number;
  readonly denseStates: number;
  private readonly bmpClass: Int32Array;
  private readonly astralClass: Map<number, number>;
  /** Uint16 while the state ids fit: half the memory, so more of the table stays in cache. */
  private readonly delta: Int32Array | Uint16Array;
  private readonly fail: Int32Array;
  private readonly firstChild: Int32Array;
  private readonly childCount: Int32Array;
  private readonly via: Int32Array;
  /** Where this state or a suffix of it ends a sequence: EMITS_AT_WORD_END or EMITS_ANYWHERE, else 0. */
  private readonly emits: Uint8Array;
  private readonly ownStart: Int32Array;
  private readonly own: Int32Array;
  /** The nearest proper suffix state that ends a sequence, 0 for none (the root ends none). */
  private readonly dict: Int32Array;

  /**
   * `openEnd[i]`: sequence i may end anywhere (scripts without spaces), not only where a word
   * ends; the scan loop skips every other output that is not at a word end.
   */
  constructor(sequences: readonly Int32Array[], openEnd: readonly boolean[], denseBudget = DEFAULT_DENSE_BUDGET) {
    this.bmpClass = new Int32Array(0x10000);
    this.astralClass = new Map();
    let classes = 0;
    for (const sequence of sequences) {
      for (const symbol of sequence) {
        if (this.classOf(symbol) === 0) {
          classes++;
          if (symbol < 0x10000) this.bmpClass[symbol] = classes;
          else this.astralClass.set(symbol, classes);
        }
      }
    }
    const width = (this.width = classes + 1);

    // The trie, with temporary ids in insertion order.
    const edges = new Map<number, number>();
    const parentOf: number[] = [0];
    const classVia: number[] = [0];
    const ownOf: number[][] = [[]];
    const childrenOf: number[][] = [[]];
    sequences.forEach((sequence, index) => {
      let state = 0;
      for (const symbol of sequence) {
        const key = state * width + this.classOf(symbol);
        let next = edges.get(key);
        if (next === undefined) {
          next = parentOf.length;
          edges.set(key, next);
          parentOf.push(state);
          classVia.push(this.classOf(symbol));
          ownOf.push([]);
          childrenOf.push([]);
          childrenOf[state]!.push(next);
        }
        state = next;
      }
      if (sequence.length > 0) ownOf[state]!.push(index);
    });

    // Breadth-first renumbering: a node's children get consecutive ids.
    const count = (this.stateCount = parentOf.length);
    const order = new Int32Array(count);
    const renamed = new Int32Array(count);
    let tail = 1;
    for (let head = 0; head < count; head++) {
      for (const child of childrenOf[order[head]!]!) {
        renamed[child] = tail;
        order[tail++] = child;
      }
    }
    this.firstChild = new Int32Array(count);
    this.childCount = new Int32Array(count);
    this.via = new Int32Array(count);
    this.ownStart = new Int32Array(count + 1);
    const ownFlat: number[] = [];
    for (let state = 0; state < count; state++) {
      const old = order[state]!;
      const children = childrenOf[old]!;
      this.firstChild[state] = children.length ? renamed[children[0]!]! : 0;
      this.childCount[state] = children.length;
      this.via[state] = classVia[old]!;
      this.ownStart[state] = ownFlat.length;
      ownFlat.push(...ownOf[old]!);
    }
    this.ownStart[count] = ownFlat.length;
    this.own = Int32Array.from(ownFlat);

    // Failure and dictionary links, parents before children.
    this.fail = new Int32Array(count);
    this.dict = new Int32Array(count);
    this.emits = new Uint8Array(count);
    for (let state = 0; state < count; state++) {
      const start = this.firstChild[state]!;
      for (let child = start; child < start + this.childCount[state]!; child++) {
        let link = 0;
        if (state !== 0) {
          let probe = this.fail[state]!;
          for (;;) {
            const found = this.child(probe, this.via[child]!);
            if (found >= 0) {
              link = found;
              break;
            }
            if (probe === 0) break;
            probe = this.fail[probe]!;
          }
        }
        this.fail[child] = link;
        this.dict[child] = this.ownStart[link + 1]! > this.ownStart[link]! ? link : this.dict[link]!;
        let emits = this.dict[child] !== 0 ? this.emits[this.dict[child]!]! : 0;
        for (let k = this.ownStart[child]!; k < this.ownStart[child + 1]!; k++) {
          emits = Math.max(emits, openEnd[this.own[k]!] ? EMITS_ANYWHERE : EMITS_AT_WORD_END);
        }
        this.emits[child] = emits;
      }
    }

    // Complete rows for the shallow states; a row starts as its failure state's row.
    this.denseStates = Math.max(1, Math.min(count, Math.floor(denseBudget / width)));
    this.delta = count <= 0xffff ? new Uint16Array(this.denseStates * width) : new Int32Array(this.denseStates * width);
    for (let state = 0; state < this.denseStates; state++) {
      const row = state * width;
      if (state !== 0) this.delta.copyWithin(row, this.fail[state]! * width, this.fail[state]! * width + width);
      const start = this.firstChild[state]!;
      for (let child = start; child < start + this.childCount[state]!; child++) this.delta[row + this.via[child]!] = child;
    }
  }

  classOf(symbol: number): number {
    return symbol < 0x10000 ? this.bmpClass[symbol]! : (this.astralClass.get(symbol) ?? 0);
  }

  private child(state: number, symbolClass: number): number {
    const start = this.firstChild[state]!;
    const end = start + this.childCount[state]!;
    for (let child = start; child < end; child++) if (this.via[child] === symbolClass) return child;
    return -1;
  }

  /**
   * Runs the automaton over the atoms of a text and appends to `hits` every occurrence of
   * every sequence (overlapping ones included) that ends at a word end, or anywhere for the
   * open-ended ones.
   */
  run(text: { symbols: Int32Array; gaps: Uint8Array; length: number }, hits: Hits): void {
    const { delta, width, denseStates, emits, bmpClass } = this;
    const { symbols, gaps, length } = text;
    let state = 0;
    for (let i = 0; i < length; i++) {
      const symbol = symbols[i]!;
      const symbolClass = symbol < 0x10000 ? bmpClass[symbol]! : (this.astralClass.get(symbol) ?? 0);
      if (symbolClass === 0) {
        state = 0;
        continue;
      }
      state = state < denseStates ? delta[state * width + symbolClass]! : this.sparseNext(state, symbolClass);
      const emit = emits[state]!;
      if (emit !== 0 && (emit === EMITS_ANYWHERE || gaps[i + 1]! >= GAP_SOFT)) this.report(state, i, hits);
    }
  }

  private sparseNext(state: number, symbolClass: number): number {
    while (state >= this.denseStates) {
      const found = this.child(state, symbolClass);
      if (found >= 0) return found;
      state = this.fail[state]!;
    }
    return this.delta[state * this.width + symbolClass]!;
  }

  private report(state: number, lastIndex: number, hits: Hits) {
    for (let at = this.ownStart[state + 1]! > this.ownStart[state]! ? state : this.dict[state]!; at !== 0; at = this.dict[at]!) {
      for (let k = this.ownStart[at]!; k < this.ownStart[at + 1]!; k++) hits.push(this.own[k]!, lastIndex);
    }
  }
}
