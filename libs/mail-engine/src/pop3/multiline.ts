/**
 * Multi-line responses (RFC 1939 section 3): CRLF line ends, a line that starts with "."
 * gets another "." in front (byte stuffing), and "." alone ends the response. Message bytes
 * are sent as stored; bare LFs become CRLF so that the terminator cannot be forged.
 */

const CRLF_DOT_CRLF = Buffer.from('.\r\n', 'latin1');

/** The bytes of a message (or part of it) as a multi-line response body, terminator included. */
export function stuffMessage(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    const last = end < 0;
    if (last) end = bytes.length;
    const contentEnd = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    if (bytes[start] === 0x2e) parts.push(Buffer.from('.', 'latin1'));
    parts.push(bytes.subarray(start, contentEnd), Buffer.from('\r\n', 'latin1'));
    start = end + 1;
  }
  parts.push(CRLF_DOT_CRLF);
  return Buffer.concat(parts);
}

/** Text lines (CAPA, LIST, UIDL listings) as a multi-line response body. */
export function textLines(lines: readonly string[]): string {
  return lines.map((line) => (line.startsWith('.') ? `.${line}` : line) + '\r\n').join('') + '.\r\n';
}

/** The header section, the blank line and the first `bodyLines` lines of the body (TOP). */
export function topOfMessage(bytes: Buffer, bodyLines: number): Buffer {
  let headerEnd = -1;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    const next = bytes[i + 1];
    if (next === 0x0a || (next === 0x0d && bytes[i + 2] === 0x0a)) {
      headerEnd = next === 0x0a ? i + 2 : i + 3;
      break;
    }
  }
  if (headerEnd < 0) return bytes;
  let end = headerEnd;
  for (let n = 0; n < bodyLines && end < bytes.length; n++) {
    const lineEnd = bytes.indexOf(0x0a, end);
    end = lineEnd < 0 ? bytes.length : lineEnd + 1;
  }
  return bytes.subarray(0, end);
}
