import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SearchKey, SectionSpec } from '../types.js';
import { bodyStructure } from './body-structure.js';
import { envelope } from './envelope.js';
import { serialize } from './imap-string.js';
import type { MessagePart } from './message-part.js';
import { parseMessage } from './parse-message.js';
import { section } from './section.js';
import { matches } from './search/matches.js';

/** Fragments that steer random input into the parser's interesting paths: boundaries, nesting, folding, 8-bit. */
const fragment = fc.oneof(
  fc.constantFrom(
    'Content-Type: multipart/mixed; boundary=b\r\n',
    'Content-Type: multipart/digest; boundary="c"\r\n',
    'Content-Type: message/rfc822\r\n',
    'Content-Type: text/plain; charset="utf-8"; name*0=a\r\n',
    'Content-Disposition: attachment; filename=x\r\n',
    'Content-Transfer-Encoding: quoted-printable\r\n',
    'From: "a, b" <x@y>, g: c@d;\r\n',
    'To: <@r:x@y> (c), =?utf-8?q?=C3=A9?=\r\n',
    'Date: 1 Jan 2026 00:00 +0000\r\n',
    '--b\r\n',
    '--b--\r\n',
    '--c\n',
    '\r\n',
    '\n',
    '\r',
    ' folded\r\n',
    ':\r\n',
    '=\r\n',
    '=C3=A9',
  ),
  fc.string({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const rawMessage = fc.array(fragment, { maxLength: 40 }).map((parts) => Buffer.from(parts.join(''), 'latin1'));

const sectionSpec: fc.Arbitrary<SectionSpec> = fc.record({
  part: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
  kind: fc.constantFrom('', 'HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME'),
  fields: fc.constant(['from', 'Content-Type']),
  partial: fc.option(fc.record({ start: fc.nat(200), length: fc.nat(200) }), { nil: undefined }),
});

function checkOffsets(part: MessagePart, start: number, end: number): void {
  expect(part.headerStart).toBeGreaterThanOrEqual(start);
  expect(part.bodyStart).toBeGreaterThanOrEqual(part.headerStart);
  expect(part.bodyEnd).toBeGreaterThanOrEqual(part.bodyStart);
  expect(part.bodyEnd).toBeLessThanOrEqual(end);
  for (const child of part.children) checkOffsets(child, part.bodyStart, part.bodyEnd);
  if (part.message) checkOffsets(part.message, part.bodyStart, part.bodyEnd);
}

describe('robustness on arbitrary input', () => {
  it('parseMessage never throws and every part lies inside its parent', () => {
    fc.assert(
      fc.property(rawMessage, (raw) => {
        checkOffsets(parseMessage(raw), 0, raw.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('section never throws and returns bytes of the message itself', () => {
    fc.assert(
      fc.property(rawMessage, sectionSpec, (raw, spec) => {
        const result = section(raw, parseMessage(raw), spec);
        if (result === null || spec.kind.startsWith('HEADER.FIELDS')) return;
        expect(result.buffer).toBe(raw.buffer);
        expect(result.byteOffset).toBeGreaterThanOrEqual(raw.byteOffset);
        expect(result.byteOffset + result.length).toBeLessThanOrEqual(raw.byteOffset + raw.length);
        if (spec.partial) expect(result.length).toBeLessThanOrEqual(spec.partial.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('ENVELOPE, BODYSTRUCTURE and SEARCH never throw', () => {
    const keys: SearchKey[] = [
      { kind: 'text', value: 'é' },
      { kind: 'header', field: 'from', value: 'x' },
      { kind: 'date', which: 'sent', op: 'on', day: '2026-01-01' },
    ];
    fc.assert(
      fc.property(rawMessage, (raw) => {
        const tree = parseMessage(raw);
        serialize([envelope(tree), bodyStructure(tree, true), bodyStructure(tree, false)]);
        const message = { seq: 1, uid: 1, size: raw.length, flags: [], internalDate: new Date(0), raw, tree };
        for (const key of keys) matches(key, message, { maxSeq: 1, maxUid: 1 });
      }),
      { numRuns: 1000 },
    );
  });
});
