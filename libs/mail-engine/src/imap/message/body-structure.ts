import { envelope } from './envelope.js';
import { joined, type ImapValue } from './imap-string.js';
import { findParam } from './mime-fields.js';
import { bodySize, isMultipart, type ContentDisposition, type MessagePart, type MimeParam } from './message-part.js';

/** Dovecot's stand-in for a multipart with no parts, which RFC 3501's grammar (1*body) cannot express. */
const EMPTY_BODY: ImapValue[] = ['text', 'plain', ['charset', 'us-ascii'], null, null, '7bit', 0, 0];
const EMPTY_BODYSTRUCTURE: ImapValue[] = [...EMPTY_BODY, null, null, null, null];

/**
 * BODY (extensible = false) or BODYSTRUCTURE (extensible = true) of a message or part
 * (RFC 3501 7.4.2), ready for serialize(). Sizes are octets of the stored body.
 */
export function bodyStructure(part: MessagePart, extensible: boolean): ImapValue {
  return isMultipart(part) ? multipartBody(part, extensible) : singleBody(part, extensible);
}

function multipartBody(part: MessagePart, extensible: boolean): ImapValue {
  const empty = extensible ? EMPTY_BODYSTRUCTURE : EMPTY_BODY;
  const bodies = part.children.length > 0 ? part.children.map((child) => bodyStructure(child, extensible)) : [empty];
  const fields: ImapValue[] = [joined(bodies), text(part.contentType.subtype)];
  if (extensible) fields.push(params(part.contentType.params), ...commonExtensions(part));
  return fields;
}

function singleBody(part: MessagePart, extensible: boolean): ImapValue {
  const { type, subtype } = part.contentType;
  const isText = type.toLowerCase() === 'text';
  const fields: ImapValue[] = [
    text(type),
    text(subtype),
    params(isText ? withDefaultCharset(part.contentType.params) : part.contentType.params),
    nullableText(part.contentId),
    nullableText(part.description),
    text(part.transferEncoding),
    bodySize(part),
  ];
  if (part.message) {
    fields.push(envelope(part.message), bodyStructure(part.message, extensible), part.lines);
  } else if (isText) {
    fields.push(part.lines);
  }
  if (extensible) fields.push(nullableText(part.md5), ...commonExtensions(part));
  return fields;
}

function commonExtensions(part: MessagePart): ImapValue[] {
  return [disposition(part.disposition), part.language ? part.language.map(text) : null, nullableText(part.location)];
}

/** RFC 2045 5.2: a text part without a charset is us-ascii; Dovecot writes the default out. */
function withDefaultCharset(list: readonly MimeParam[]): readonly MimeParam[] {
  return findParam(list, 'charset') === undefined ? [...list, ['charset', 'us-ascii']] : list;
}

function disposition(value: ContentDisposition | null): ImapValue {
  return value === null ? null : [text(value.type), params(value.params)];
}

function params(list: readonly MimeParam[]): ImapValue {
  return list.length === 0 ? null : list.flatMap(([name, value]) => [text(name), text(value)]);
}

function text(value: string): Buffer {
  return Buffer.from(value, 'latin1');
}

function nullableText(value: string | null): Buffer | null {
  return value === null ? null : text(value);
}

