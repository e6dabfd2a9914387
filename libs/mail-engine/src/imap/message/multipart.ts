/** Finding the body parts of a multipart entity between its boundary delimiter lines (RFC 2046 5.1.1). */

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const SP = 0x20;
const TAB = 0x09;

export interface ByteRange {
  start: number;
  end: number;
}

interface DelimiterLine {
  /** Where the line break preceding the delimiter starts: it belongs to the delimiter, not the part. */
  breakStart: number;
  /** Just past the delimiter line's own line break. */
  next: number;
  closing: boolean;
}

/**
 * The ranges of the parts in body [start, end). The preamble and epilogue are skipped; a
 * missing close delimiter ends the last part at `end`; no delimiter at all means no parts.
 */
export function splitMultipart(raw: Buffer, start: number, end: number, boundary: Buffer, maxParts: number): ByteRange[] {
  if (boundary.length === 0) return [];
  const dashBoundary = Buffer.concat([Buffer.from('--', 'latin1'), boundary]);
  const bounded = raw.subarray(0, end);
  const parts: ByteRange[] = [];
  let partStart = -1;
  let from = start;
  while (parts.length < maxParts) {
    const line = nextDelimiter(bounded, start, from, dashBoundary);
    if (line === null) break;
    if (partStart >= 0) parts.push({ start: partStart, end: Math.max(partStart, line.breakStart) });
    if (line.closing) return parts;
    partStart = line.next;
    from = line.next;
  }
  if (partStart >= 0 && parts.length < maxParts) parts.push({ start: partStart, end });
  return parts;
}

function nextDelimiter(raw: Buffer, bodyStart: number, from: number, dashBoundary: Buffer): DelimiterLine | null {
  let candidate = from;
  while (candidate < raw.length) {
    const found = raw.indexOf(dashBoundary, candidate);
    if (found < 0) return null;
    const atLineStart = found === bodyStart || (found > bodyStart && raw[found - 1] === LF);
    const line = atLineStart ? readDelimiterLine(raw, bodyStart, found, dashBoundary.length) : null;
    if (line) return line;
    candidate = found + 1;
  }
  return null;
}

/** A delimiter is `--boundary`, optionally `--`, then only whitespace up to the line end. */
function readDelimiterLine(raw: Buffer, bodyStart: number, found: number, length: number): DelimiterLine | null {
  let position = found + length;
  const closing = raw[position] === DASH && raw[position + 1] === DASH;
  if (closing) position += 2;
  while (position < raw.length && (raw[position] === SP || raw[position] === TAB || raw[position] === CR)) position++;
  if (position < raw.length && raw[position] !== LF) return null;
  let breakStart = found;
  if (found > bodyStart) {
    breakStart = found - 1;
    if (breakStart > bodyStart && raw[breakStart - 1] === CR) breakStart--;
  }
  return { breakStart, next: Math.min(raw.length, position + 1), closing };
}
