/**
 * Flags as stored: system flags in their RFC 3501 spelling whatever case the client used,
 * keywords as given, each once. \Recent is not stored (it belongs to a session, RFC 3501
 * 2.3.2), nor are wildcards.
 */
const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];
const SYSTEM_BY_LOWER = new Map(SYSTEM_FLAGS.map((flag) => [flag.toLowerCase(), flag]));

export const SEEN = '\\Seen';
export const DELETED = '\\Deleted';

export function normalizeFlags(flags: readonly string[]): string[] {
  const result: string[] = [];
  for (const raw of flags) {
    const flag = raw.startsWith('\\') ? SYSTEM_BY_LOWER.get(raw.toLowerCase()) : raw;
    if (!flag || flag === '\\*' || result.includes(flag)) continue;
    result.push(flag);
  }
  return result;
}
