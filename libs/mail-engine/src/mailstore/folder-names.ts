/**
 * Folder names as the store keeps them: "/" separates levels; "INBOX" is one name whatever
 * its case (RFC 3501 5.1), also as the first level of its children ("inbox/2025" is
 * "INBOX/2025"); other names are kept exactly as given.
 */
import { INBOX } from '../mailbox/default-folders.js';
import { MailStoreError } from './types.js';

export const SEPARATOR = '/';
const MAX_NAME_LENGTH = 255;
const MAX_DEPTH = 32;

/** The stored spelling of `name` (INBOX canonical); does not validate. */
export function canonicalName(name: string): string {
  const [first, ...rest] = name.split(SEPARATOR);
  return first!.toUpperCase() === INBOX ? [INBOX, ...rest].join(SEPARATOR) : name;
}

export const isInbox = (name: string) => canonicalName(name) === INBOX;

/** Why `name` cannot name a new folder, or null when it can. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'a folder name cannot be empty';
  if (name.length > MAX_NAME_LENGTH) return `a folder name is at most ${MAX_NAME_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a folder name cannot contain control characters';
  if (/[*%]/.test(name)) return 'a folder name cannot contain * or % (they are LIST wildcards)';
  const levels = name.split(SEPARATOR);
  if (levels.some((level) => level.length === 0)) return 'a folder name cannot start or end with "/" nor contain "//"';
  if (levels.length > MAX_DEPTH) return `folders nest at most ${MAX_DEPTH} levels deep`;
  return null;
}

/** The canonical spelling of a name for a new folder, or MailStoreError('invalid'). */
export function validName(name: string): string {
  const problem = nameProblem(name);
  if (problem) throw new MailStoreError('invalid', problem);
  return canonicalName(name);
}

/** "a/b/c" -> ["a", "a/b"]: the superior levels, widest first. */
export function parentsOf(name: string): string[] {
  const levels = name.split(SEPARATOR);
  return levels.slice(0, -1).map((_, i) => levels.slice(0, i + 1).join(SEPARATOR));
}
