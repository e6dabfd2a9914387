/** The decoded, lower-cased texts SEARCH looks into, each computed once per message. */
import type { MessagePart } from '../message-part.js';
import { findParam } from '../mime-fields.js';
import { decodeCharset, decodeHeaderValue, decodeTransfer } from './decode.js';

export class MessageText {
  private bodyText: string | undefined;
  private headerText: string | undefined;

  constructor(
    private readonly raw: Buffer,
    readonly tree: MessagePart,
  ) {}

  /** Decoded values of every field with this name, lower-cased. */
  headerValues(field: string): string[] {
    return this.tree.headers.all(field).map((header) => decodeHeaderValue(header.value).toLowerCase());
  }

  /** The top-level header block as "name: decoded value" lines. */
  headers(): string {
    this.headerText ??= decodedHeader(this.tree).toLowerCase();
    return this.headerText;
  }

  /** Decoded text parts, and the headers of encapsulated messages, which are body content of their parent. */
  body(): string {
    this.bodyText ??= this.collectBody(this.tree).join('\n').toLowerCase();
    return this.bodyText;
  }

  private collectBody(part: MessagePart): string[] {
    if (part.children.length > 0) return part.children.flatMap((child) => this.collectBody(child));
    if (part.message) return [decodedHeader(part.message), ...this.collectBody(part.message)];
    if (part.contentType.type.toLowerCase() !== 'text') return [];
    const body = decodeTransfer(this.raw.subarray(part.bodyStart, part.bodyEnd), part.transferEncoding);
    return [decodeCharset(body, findParam(part.contentType.params, 'charset'))];
  }
}

function decodedHeader(part: MessagePart): string {
  return part.headers.fields.map((field) => `${field.name}: ${decodeHeaderValue(field.value)}`).join('\n');
}
