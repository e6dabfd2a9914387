/**
 * Turning header values and body parts into text for SEARCH: RFC 2047 encoded words,
 * quoted-printable and base64 (RFC 2045 6.7, 6.8), charsets through the WHATWG decoders
 * (Latin-1, UTF-8, and whatever else Node's ICU knows), raw 8-bit as UTF-8 or else Windows-1252.
 */

import { TextDecoder } from 'node:util';

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
const decoders = new Map<string, TextDecoder | null>();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes in a charset; an unknown or missing charset reads as UTF-8 when valid, else Windows-1252. */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const decoder = charset ? decoderFor(charset) : null;
  if (decoder) return decoder.decode(bytes);
  return decodeUnlabelled(bytes);
}

function decodeUnlabelled(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decoderFor('windows-1252')!.decode(bytes);
  }
}

function decoderFor(charset: string): TextDecoder | null {
  // RFC 2231 lets a charset carry a language: "utf-8*en".
  const label = charset.split('*')[0]!.trim().toLowerCase();
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

/** A header value (binary string) as readable text: encoded words decoded, whitespace between them dropped. */
export function decodeHeaderValue(value: string): string {
  let text = '';
  let last = 0;
  // Adjacent words in one charset are decoded together: a multi-byte character may span them.
  let runCharset: string | null = null;
  let runBytes: Buffer[] = [];
  const endRun = () => {
    if (runCharset !== null) text += decodeCharset(Buffer.concat(runBytes), runCharset);
    runCharset = null;
    runBytes = [];
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    const charset = match[1]!;
    const encoded = match[3]!;
    const bytes = match[2]!.toLowerCase() === 'b' ? Buffer.from(encoded, 'base64') : decodeQEncoding(encoded);
    const adjacent = runCharset !== null && /^\s*$/.test(between);
    if (!adjacent) {
      endRun();
      text += decodeCharset(Buffer.from(between, 'latin1'), undefined);
    } else if (runCharset!.toLowerCase() !== charset.toLowerCase()) {
      endRun();
    }
    runCharset = charset;
    runBytes.push(bytes);
    last = match.index + match[0].length;
  }
  endRun();
  return text + decodeCharset(Buffer.from(value.slice(last), 'latin1'), undefined);
}

function decodeQEncoding(encoded: string): Buffer {
  return decodeQuotedPrintable(Buffer.from(encoded.replace(/_/g, ' '), 'latin1'));
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/** `=XX` escapes and `=` soft line breaks; a malformed escape stays as written. */
export function decodeQuotedPrintable(input: Uint8Array): Buffer {
  const output = Buffer.allocUnsafe(input.length);
  let length = 0;
  for (let index = 0; index < input.length; index++) {
    const byte = input[index]!;
    if (byte !== 0x3d) {
      output[length++] = byte;
      continue;
    }
    const high = hexValue(input[index + 1] ?? -1);
    const low = hexValue(input[index + 2] ?? -1);
    if (high >= 0 && low >= 0) {
      output[length++] = high * 16 + low;
      index += 2;
      continue;
    }
    let next = index + 1;
    while (input[next] === 0x20 || input[next] === 0x09) next++;
    if (input[next] === 0x0d && input[next + 1] === 0x0a) {
      index = next + 1;
    } else if (input[next] === 0x0a) {
      index = next;
    } else {
      output[length++] = byte;
    }
  }
  return output.subarray(0, length);
}

export function decodeTransfer(body: Buffer, transferEncoding: string): Buffer {
  switch (transferEncoding.trim().toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case 'base64':
      return Buffer.from(body.toString('latin1'), 'base64');
    default:
      return body;
  }
}
