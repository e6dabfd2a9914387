import type { IncomingMessage } from 'node:http';
import { AppError } from '../common/errors.js';

/** Enough for 10,000 entries of 200 four-byte characters, with line breaks. */
const MAX_IMPORT_BYTES = 9 * 1024 * 1024;

/**
 * The body of an import: JSON `{ "text" }` (already parsed by the app's JSON parser) or
 * text/plain, which the app does not parse, so it is read here with a size limit.
 */
export async function importBody(request: IncomingMessage & { body?: unknown }): Promise<unknown> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return request.body;
  if (type !== 'text/plain') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send text/plain with one entry per line, or application/json { "text": "..." }');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_IMPORT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `the text is larger than ${MAX_IMPORT_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}
