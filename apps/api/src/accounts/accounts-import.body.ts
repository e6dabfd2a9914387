import type { IncomingMessage } from 'node:http';
import { AppError } from '../common/errors.js';

/**
 * The import's body: JSON `{ csv, ... }` or the file itself as text/csv (options in the
 * query); both are parsed by the app (20 MB at most, 413 beyond).
 */
export function importRequestBody(request: IncomingMessage & { body?: unknown }, query: Record<string, unknown>): unknown {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return request.body;
  if ((type !== 'text/csv' && type !== 'text/plain') || typeof request.body !== 'string') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the file as text/csv (options in the query: domain, dryRun), or application/json { "csv": "...", "domain"?, "dryRun"? }');
  }
  return { ...query, csv: request.body };
}
