/**
 * The routing value a directory entry carries in the source's mapped `mailHost` attribute: a
 * node id (see cluster/ownership.ts). Logins and `ldap sync` both copy it into
 * `Account.mailHost`, so both read it the same way: the first value, trimmed, and null for an
 * absent or blank one (the account then lives where its domain is pinned).
 */
import type { DirectoryEntry } from './directory-client.js';
import { valuesOf } from './provisioned-entry.js';

export function mailHostOf(entry: DirectoryEntry, attribute: string | null): string | null {
  if (!attribute) return null;
  return valuesOf(entry, attribute)[0]?.trim() || null;
}
