import { parseHeader } from './header-parser.js';
import { HeaderBlock, type ContentType, type MessagePart } from './message-part.js';
import { findParam, parseContentType, parseDisposition, parseLanguage, parseToken } from './mime-fields.js';
import { splitMultipart } from './multipart.js';

/** Dovecot's limits (mail_max_nested_mime_parts 100, mail_max_mime_parts 10000): beyond them content stays unsplit. */
const MAX_DEPTH = 100;
const MAX_PARTS = 10_000;

const TEXT_PLAIN: ContentType = { type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] };
const MESSAGE_RFC822: ContentType = { type: 'message', subtype: 'rfc822', params: [] };
const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);
const LF = 0x0a;

interface ParseBudget {
  partsLeft: number;
}

/**
 * Parses the MIME structure of a raw message (RFC 2045, 2046) into a tree of byte offsets.
 * Never throws: a missing final boundary ends the last part at the end of its parent, a
 * multipart without boundaries has no parts, an unreadable Content-Type is text/plain.
 */
export function parseMessage(raw: Buffer): MessagePart {
  return parseEntity(raw, 0, raw.length, TEXT_PLAIN, 0, { partsLeft: MAX_PARTS });
}

function parseEntity(raw: Buffer, start: number, end: number, defaultType: ContentType, depth: number, budget: ParseBudget): MessagePart {
  budget.partsLeft--;
  const { fields, bodyStart } = parseHeader(raw, start, end);
  const headers = new HeaderBlock(fields);
  const contentType = readContentType(headers.first('content-type'), defaultType);
  const transferEncoding = readTransferEncoding(headers.first('content-transfer-encoding'));
  const type = contentType.type.toLowerCase();
  const subtype = contentType.subtype.toLowerCase();
  const canDescend = depth < MAX_DEPTH && budget.partsLeft > 0;

  const children: MessagePart[] = [];
  let message: MessagePart | null = null;
  if (type === 'multipart' && canDescend) {
    const boundary = findParam(contentType.params, 'boundary');
    if (boundary) {
      const childDefault = subtype === 'digest' ? MESSAGE_RFC822 : TEXT_PLAIN;
      const ranges = splitMultipart(raw, bodyStart, end, Buffer.from(boundary, 'latin1'), budget.partsLeft);
      for (const range of ranges) {
        if (budget.partsLeft <= 0) break;
        children.push(parseEntity(raw, range.start, range.end, childDefault, depth + 1, budget));
      }
    }
  } else if (type === 'message' && subtype === 'rfc822' && canDescend && IDENTITY_ENCODINGS.has(transferEncoding.toLowerCase())) {
    message = parseEntity(raw, bodyStart, end, TEXT_PLAIN, depth + 1, budget);
  }

  const dispositionValue = headers.first('content-disposition');
  const languageValue = headers.first('content-language');
  return new ParsedPart(raw, {
    headerStart: start,
    bodyStart,
    bodyEnd: end,
    headers,
    contentType,
    disposition: dispositionValue === undefined ? null : parseDisposition(dispositionValue),
    language: languageValue === undefined ? null : parseLanguage(languageValue),
    location: headers.first('content-location') || null,
    contentId: headers.first('content-id') || null,
    description: headers.first('content-description') || null,
    md5: headers.first('content-md5') || null,
    transferEncoding,
    children,
    message,
  });
}

/** Counting lines is the one full scan of a body, so it waits until BODYSTRUCTURE asks (text and message parts only). */
class ParsedPart implements MessagePart {
  readonly headerStart: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly headers: HeaderBlock;
  readonly contentType: ContentType;
  readonly disposition: MessagePart['disposition'];
  readonly language: MessagePart['language'];
  readonly location: string | null;
  readonly contentId: string | null;
  readonly description: string | null;
  readonly md5: string | null;
  readonly transferEncoding: string;
  readonly children: readonly MessagePart[];
  readonly message: MessagePart | null;
  private lineCount: number | undefined;

  constructor(
    private readonly raw: Buffer,
    fields: Omit<MessagePart, 'lines'>,
  ) {
    this.headerStart = fields.headerStart;
    this.bodyStart = fields.bodyStart;
    this.bodyEnd = fields.bodyEnd;
    this.headers = fields.headers;
    this.contentType = fields.contentType;
    this.disposition = fields.disposition;
    this.language = fields.language;
    this.location = fields.location;
    this.contentId = fields.contentId;
    this.description = fields.description;
    this.md5 = fields.md5;
    this.transferEncoding = fields.transferEncoding;
    this.children = fields.children;
    this.message = fields.message;
  }

  get lines(): number {
    this.lineCount ??= countLineFeeds(this.raw, this.bodyStart, this.bodyEnd);
    return this.lineCount;
  }
}

/** The mechanism token, without comments or trailing junk; '7bit' when absent or empty (RFC 2045 6.1). */
function readTransferEncoding(value: string | undefined): string {
  return (value === undefined ? '' : parseToken(value)) || '7bit';
}

function readContentType(value: string | undefined, defaultType: ContentType): ContentType {
  if (value === undefined) return defaultType;
  return parseContentType(value) ?? TEXT_PLAIN;
}

function countLineFeeds(raw: Buffer, start: number, end: number): number {
  const bounded = raw.subarray(0, end);
  let count = 0;
  let position = bounded.indexOf(LF, start);
  while (position >= 0) {
    count++;
    position = bounded.indexOf(LF, position + 1);
  }
  return count;
}
