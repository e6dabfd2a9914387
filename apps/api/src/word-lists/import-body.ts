import type { IncomingMessage } from 'node:http';
import { AppError } from '../common/errors.js';
import { jsonOrText } from '../common/text-body.js';

/** Enough for 10,000 entries of 200 four-byte characters, with line breaks. */
const MAX_IMPORT_BYTES = 9 * 1024 * 1024;

/** The body of an import: JSON `{ "text" }` or the entries as text/plain, one per line. */
export function importBody(request: IncomingMessage & { body?: unknown }): unknown {
  const body = jsonOrText(request, ['text/plain'], 'send text/plain with one entry per line, or application/json { "text": "..." }');
  if (!('text' in body)) return body.json;
  if (Buffer.byteLength(body.text) > MAX_IMPORT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `the text is larger than ${MAX_IMPORT_BYTES} bytes`);
  return { text: body.text };
}
