import type { IncomingMessage } from 'node:http';
import { AppError } from '../common/errors.js';

const MAX_CSV_BYTES = 20 * 1024 * 1024;

/**
 * The import's body: JSON `{ csv, ... }` (parsed by the app's JSON parser) or the file
 * itself as text/csv, read here with a size limit since the app parses JSON only.
 */
export async function importRequestBody(request: IncomingMessage & { body?: unknown }, query: Record<string, unknown>): Promise<unknown> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return request.body;
  if (type !== 'text/csv' && type !== 'text/plain') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the file as text/csv (options in the query: domain, dryRun), or application/json { "csv": "...", "domain"?, "dryRun"? }');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_CSV_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `the file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB`);
    chunks.push(chunk as Buffer);
  }
  return { ...query, csv: Buffer.concat(chunks).toString('utf8') };
}
