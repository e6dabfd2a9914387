/**
 * Lenient readers for the structured MIME fields (RFC 2045 5.1, RFC 2183, RFC 3282) on
 * binary header strings. Malformed input yields null or fewer parameters, never an exception.
 */
import type { ContentDisposition, MimeParam } from './message-part.js';

const TSPECIALS = '()<>@,;:\\"/[]?=';

class FieldReader {
  position = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text[this.position] ?? '';
  }

  /** Whitespace and (nested) comments. */
  skipCfws(): void {
    while (!this.done) {
      const char = this.peek();
      if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
        this.position++;
      } else if (char === '(') {
        this.skipComment();
      } else {
        return;
      }
    }
  }

  token(): string {
    const begin = this.position;
    while (!this.done) {
      const char = this.peek();
      if (char <= ' ' || char === '\x7f' || TSPECIALS.includes(char)) break;
      this.position++;
    }
    return this.text.slice(begin, this.position);
  }

  quotedString(): string {
    this.position++;
    let value = '';
    while (!this.done) {
      const char = this.text[this.position++]!;
      if (char === '"') return value;
      if (char === '\\' && !this.done) value += this.text[this.position++];
      else value += char;
    }
    return value;
  }

  /** A parameter value: quoted, or (leniently) everything up to the next ';' trimmed. */
  parameterValue(): string {
    if (this.peek() === '"') return this.quotedString();
    const begin = this.position;
    while (!this.done && this.peek() !== ';') this.position++;
    return this.text.slice(begin, this.position).trim();
  }

  skipPast(char: string): void {
    const found = this.text.indexOf(char, this.position);
    this.position = found < 0 ? this.text.length : found + 1;
  }

  private skipComment(): void {
    let depth = 0;
    while (!this.done) {
      const char = this.text[this.position++];
      if (char === '\\') this.position++;
      else if (char === '(') depth++;
      else if (char === ')' && --depth === 0) return;
    }
  }
}

function readParams(reader: FieldReader): MimeParam[] {
  const params: MimeParam[] = [];
  while (!reader.done) {
    reader.skipCfws();
    if (reader.peek() !== ';') {
      reader.skipPast(';');
      continue;
    }
    reader.position++;
    reader.skipCfws();
    const name = reader.token();
    reader.skipCfws();
    if (name.length === 0 || reader.peek() !== '=') continue;
    reader.position++;
    reader.skipCfws();
    params.push([name, reader.parameterValue()]);
  }
  return mergeContinuations(params);
}

interface Section {
  base: string;
  index: number;
  extended: boolean;
  value: string;
}

/**
 * RFC 2231 continuations (`name*0`, `name*1*`, ...) merged into one `name` or, when any
 * section is charset-encoded, one `name*` with value `charset'lang'%xx...`: what Dovecot
 * sends. Sections with a gap in their numbering are left as written.
 */
function mergeContinuations(params: MimeParam[]): MimeParam[] {
  const plain: MimeParam[] = [];
  const sections: Section[] = [];
  for (const [name, value] of params) {
    const match = /^([^*]+)\*(?:(\d+)(\*)?)?$/.exec(name);
    if (!match) {
      plain.push([name, value]);
      continue;
    }
    const numbered = match[2] !== undefined;
    sections.push({ base: match[1]!, index: numbered ? Number(match[2]) : 0, extended: numbered ? match[3] === '*' : true, value });
  }
  if (sections.length === 0) return plain;
  sections.sort((left, right) => (left.base < right.base ? -1 : left.base > right.base ? 1 : left.index - right.index));

  const merged: MimeParam[] = [];
  for (let first = 0; first < sections.length; ) {
    let next = first;
    while (next < sections.length && sections[next]!.base.toLowerCase() === sections[first]!.base.toLowerCase()) next++;
    const group = sections.slice(first, next);
    first = next;
    if (group.some((section, position) => section.index !== position)) {
      for (const section of group) merged.push([`${section.base}*${section.index}${section.extended ? '*' : ''}`, section.value]);
      continue;
    }
    const anyExtended = group.some((section) => section.extended);
    let value = anyExtended && !group[0]!.extended ? "''" : '';
    for (const section of group) value += anyExtended && !section.extended ? section.value.replace(/%/g, '%25') : section.value;
    merged.push([anyExtended ? `${group[0]!.base}*` : group[0]!.base, value]);
  }
  return [...plain, ...merged];
}

export interface ParsedContentType {
  type: string;
  subtype: string;
  params: MimeParam[];
}

/** `type/subtype; params`, or null when the type or subtype is missing. */
export function parseContentType(value: string): ParsedContentType | null {
  const reader = new FieldReader(value);
  reader.skipCfws();
  const type = reader.token();
  reader.skipCfws();
  if (type.length === 0 || reader.peek() !== '/') return null;
  reader.position++;
  reader.skipCfws();
  const subtype = reader.token();
  if (subtype.length === 0) return null;
  return { type, subtype, params: readParams(reader) };
}

export function parseDisposition(value: string): ContentDisposition | null {
  const reader = new FieldReader(value);
  reader.skipCfws();
  const type = reader.token();
  if (type.length === 0) return null;
  return { type, params: readParams(reader) };
}

/** A single token field such as Content-Transfer-Encoding; '' when there is none. */
export function parseToken(value: string): string {
  const reader = new FieldReader(value);
  reader.skipCfws();
  return reader.token();
}

/** Content-Language: a comma-separated list of language tags. */
export function parseLanguage(value: string): string[] | null {
  const tags = value
    .replace(/\([^)]*\)/g, ' ')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  return tags.length > 0 ? tags : null;
}

export function findParam(params: readonly MimeParam[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  return params.find(([paramName]) => paramName.toLowerCase() === wanted)?.[1];
}
