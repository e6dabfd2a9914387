/**
 * The parsed shape of a message: a tree of MIME entities holding byte offsets into the raw
 * message, never copies of it. Header text is kept as "binary" strings (one char per byte,
 * latin1) so 8-bit bytes survive the round trip to the client unchanged.
 */

export interface HeaderField {
  /** Lower-cased field name, for lookups. */
  readonly name: string;
  /** Offset of the field's first byte and just past its last line break (all folded lines). */
  readonly start: number;
  readonly end: number;
  /** Unfolded value (line breaks removed), trimmed; a binary string. */
  readonly value: string;
}

export class HeaderBlock {
  private readonly byName = new Map<string, HeaderField[]>();

  constructor(readonly fields: readonly HeaderField[]) {
    for (const field of fields) {
      const same = this.byName.get(field.name);
      if (same) same.push(field);
      else this.byName.set(field.name, [field]);
    }
  }

  /** The first occurrence's value, as RFC 3501's ENVELOPE and most clients use it. */
  first(name: string): string | undefined {
    return this.byName.get(name.toLowerCase())?.[0]?.value;
  }

  all(name: string): readonly HeaderField[] {
    return this.byName.get(name.toLowerCase()) ?? [];
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }
}

/** A parameter as written: name and value are binary strings; the value is unquoted. */
export type MimeParam = readonly [name: string, value: string];

export interface ContentType {
  /** As written in the header (case kept), or the RFC 2045 default. */
  readonly type: string;
  readonly subtype: string;
  readonly params: readonly MimeParam[];
}

export interface ContentDisposition {
  readonly type: string;
  readonly params: readonly MimeParam[];
}

export interface MessagePart {
  /** First byte of the header; the body starts just past the blank line that ends it. */
  readonly headerStart: number;
  readonly bodyStart: number;
  /** Just past the body's last byte (before the line break that belongs to the next boundary). */
  readonly bodyEnd: number;
  readonly headers: HeaderBlock;
  readonly contentType: ContentType;
  readonly disposition: ContentDisposition | null;
  readonly language: readonly string[] | null;
  readonly location: string | null;
  readonly contentId: string | null;
  readonly description: string | null;
  readonly md5: string | null;
  /** As written (case kept), '7bit' when absent. */
  readonly transferEncoding: string;
  /** Line feeds in the body. */
  readonly lines: number;
  /** Subparts of a multipart, in order. */
  readonly children: readonly MessagePart[];
  /** The encapsulated message of a message/rfc822 part. */
  readonly message: MessagePart | null;
}

export function isMultipart(part: MessagePart): boolean {
  return part.contentType.type.toLowerCase() === 'multipart';
}

export function isEncapsulatedMessage(part: MessagePart): boolean {
  return part.message !== null;
}

export function bodySize(part: MessagePart): number {
  return part.bodyEnd - part.bodyStart;
}
