import type { IncomingMessage } from 'node:http';
import { AppError } from './errors.js';

/**
 * A body that may come as JSON or as a text file (a CSV import, a word list): both are parsed
 * by the app before the interceptors (http-app.ts), so Idempotency-Key and size limits apply
 * alike. Answers the parsed JSON, or the text; any other media type is a 415 with `hint`.
 */
export function jsonOrText(request: IncomingMessage & { body?: unknown }, textTypes: readonly string[], hint: string): { json: unknown } | { text: string } {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return { json: request.body };
  if (textTypes.includes(type) && typeof request.body === 'string') return { text: request.body };
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', hint);
}
