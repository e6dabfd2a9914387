/** sequence-set (RFC 3501 section 9): "1:4,7,9:*", numbers 1 to 2^32-1, "*" for the largest in use. */
import type { SequenceSet } from '../types.js';
import { ParseError } from './errors.js';

const MAX = 4_294_967_295;

function number(text: string): number | '*' {
  if (text === '*') return '*';
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > MAX) throw new ParseError(`Invalid sequence number "${text}"`);
  return Number(text);
}

export function parseSequenceSet(text: string): SequenceSet {
  if (!text) throw new ParseError('Sequence set expected');
  return text.split(',').map((range) => {
    const [from, to, extra] = range.split(':');
    if (extra !== undefined) throw new ParseError(`Invalid sequence range "${range}"`);
    const start = number(from ?? '');
    return { from: start, to: to === undefined ? start : number(to) };
  });
}

/** The numbers of `set` among `present` (ascending, each once), '*' being `largest`. */
export function resolveSequenceSet(set: SequenceSet, present: readonly number[], largest: number): number[] {
  const value = (n: number | '*') => (n === '*' ? largest : n);
  const ranges = set.map(({ from, to }) => {
    const [a, b] = [value(from), value(to)];
    return a <= b ? [a, b] : [b, a];
  });
  return present.filter((n) => ranges.some(([low, high]) => n >= low! && n <= high!));
}

/** Compact form of ascending numbers, for COPYUID/APPENDUID ("4:7,9"). */
export function formatSequenceSet(numbers: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    ranges.push(i === j ? `${numbers[i]}` : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}
