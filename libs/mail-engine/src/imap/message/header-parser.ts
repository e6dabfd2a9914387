import type { HeaderField } from './message-part.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

export interface ParsedHeader {
  fields: HeaderField[];
  /** Just past the blank line ending the header, or `end` when there is none (the body is then empty). */
  bodyStart: number;
}

/**
 * Reads the header block starting at `start`. Accepts CRLF and bare LF line ends. Lines that
 * are neither fields nor continuations (no colon, a continuation before any field) stay in
 * the header's bytes but yield no field, as in Dovecot.
 */
export function parseHeader(raw: Buffer, start: number, end: number): ParsedHeader {
  const fields: HeaderField[] = [];
  let name = '';
  let fieldStart = -1;
  let value = '';
  const finishField = (fieldEnd: number) => {
    if (fieldStart >= 0) fields.push({ name, start: fieldStart, end: fieldEnd, value: value.trim() });
    fieldStart = -1;
  };

  // Searching a view that stops at `end` keeps a long line-feed-free tail from being rescanned per part.
  const bounded = raw.subarray(0, end);
  let position = start;
  while (position < end) {
    let lineFeed = bounded.indexOf(LF, position);
    if (lineFeed < 0) lineFeed = end;
    const next = lineFeed < end ? lineFeed + 1 : end;
    const textEnd = lineFeed > position && raw[lineFeed - 1] === CR ? lineFeed - 1 : lineFeed;

    if (textEnd === position) {
      finishField(position);
      return { fields, bodyStart: next };
    }
    const first = raw[position];
    if (first === SP || first === TAB) {
      if (fieldStart >= 0) value += raw.toString('latin1', position, textEnd);
    } else {
      finishField(position);
      const colon = raw.indexOf(COLON, position);
      if (colon >= 0 && colon < textEnd) {
        const fieldName = raw.toString('latin1', position, colon).trim();
        // RFC 5322 field names have no white space: this keeps an mbox "From " line out of the fields.
        if (fieldName.length > 0 && !/[\s]/.test(fieldName)) {
          name = fieldName.toLowerCase();
          fieldStart = position;
          value = raw.toString('latin1', colon + 1, textEnd);
        }
      }
    }
    position = next;
  }
  finishField(end);
  return { fields, bodyStart: end };
}
