import type { IncomingMessage } from 'node:http';
import { jsonOrText } from '../common/text-body.js';

/** The import's body: JSON `{ csv, ... }` or the file itself as text/csv (options in the query). */
export function importRequestBody(request: IncomingMessage & { body?: unknown }, query: Record<string, unknown>): unknown {
  const body = jsonOrText(request, ['text/csv', 'text/plain'], 'send the file as text/csv (options in the query: domain, dryRun), or application/json { "csv": "...", "domain"?, "dryRun"? }');
  return 'text' in body ? { ...query, csv: body.text } : body.json;
}
