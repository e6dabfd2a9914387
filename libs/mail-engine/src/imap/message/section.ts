import type { SectionSpec } from '../types.js';
import { isMultipart, type HeaderField, type MessagePart } from './message-part.js';

const CRLF = Buffer.from('\r\n', 'latin1');
const LF = 0x0a;

/**
 * The bytes of BODY[<section>]<<partial>> (RFC 3501 6.4.5), or null when the message has no
 * such part or the section does not apply to it (the server answers NIL). The partial range
 * is applied; the server writes `BODY[...]<start>` itself. Results are views into `raw`.
 */
export function section(raw: Buffer, tree: MessagePart, spec: SectionSpec): Buffer | null {
  const content = sectionContent(raw, tree, spec);
  if (content === null || !spec.partial) return content;
  const start = Math.min(Math.max(0, spec.partial.start), content.length);
  return content.subarray(start, Math.min(content.length, start + Math.max(0, spec.partial.length)));
}

function sectionContent(raw: Buffer, tree: MessagePart, spec: SectionSpec): Buffer | null {
  const node = resolvePart(tree, spec.part);
  if (node === null) return null;
  const isRoot = spec.part.length === 0;
  switch (spec.kind) {
    case '':
      return isRoot ? slice(raw, node.headerStart, node.bodyEnd) : slice(raw, node.bodyStart, node.bodyEnd);
    case 'MIME':
      return isRoot ? null : slice(raw, node.headerStart, node.bodyStart);
  }
  // HEADER, HEADER.FIELDS[.NOT] and TEXT address a message: the top one or a message/rfc822 part's.
  const message = isRoot ? node : node.message;
  if (message === null) return null;
  switch (spec.kind) {
    case 'HEADER':
      return slice(raw, message.headerStart, message.bodyStart);
    case 'TEXT':
      return slice(raw, message.bodyStart, message.bodyEnd);
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      const wanted = new Set((spec.fields ?? []).map((field) => field.toLowerCase()));
      const keep = spec.kind === 'HEADER.FIELDS';
      return headerFields(raw, message.headers.fields.filter((field) => wanted.has(field.name) === keep));
    }
  }
}

/**
 * Part numbers per RFC 3501 6.4.5: a multipart's parts are its children; a non-multipart
 * message has only part 1, its body; a message/rfc822 part's numbers go into its message.
 */
export function resolvePart(root: MessagePart, path: readonly number[]): MessagePart | null {
  let node = root;
  let asMessage = true;
  for (const number of path) {
    const child = subparts(node, asMessage)[number - 1];
    if (!child) return null;
    node = child;
    asMessage = false;
  }
  return node;
}

function subparts(node: MessagePart, asMessage: boolean): readonly MessagePart[] {
  if (isMultipart(node)) return node.children;
  if (!asMessage && node.message) return subparts(node.message, true);
  return asMessage ? [node] : [];
}

/** Each field with all its folded lines, then the blank line that ends a header. */
function headerFields(raw: Buffer, fields: readonly HeaderField[]): Buffer {
  const chunks: Buffer[] = [];
  for (const field of fields) {
    chunks.push(raw.subarray(field.start, field.end));
    if (raw[field.end - 1] !== LF) chunks.push(CRLF);
  }
  chunks.push(CRLF);
  return Buffer.concat(chunks);
}

function slice(raw: Buffer, start: number, end: number): Buffer {
  return raw.subarray(start, Math.max(start, end));
}
