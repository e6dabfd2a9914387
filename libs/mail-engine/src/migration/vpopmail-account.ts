/**
 * One mailbox as vpopmail kept it, from either of its stores (a `vpasswd` file or the
 * `vpopmail` MySQL table), in the shape the importers need.
 */
import { tagLegacyHash } from '../auth/passwords.js';

export interface VpopmailAccount {
  /** Line of the source file, for the report. */
  line: number;
  localPart: string;
  /** Only the MySQL table names the domain (pw_domain); a vpasswd file belongs to one domain. */
  domain: string | null;
  /** Scheme-tagged (`{MD5-CRYPT}$1$...`), or null when the stored hash is none we can verify. */
  passwordHash: string | null;
  /** vpopmail's optional clear-text copy (pw_clear_passwd); used only when the hash is unusable. */
  clearPassword: string | null;
  displayName: string | null;
  /** Null: NOQUOTA (no limit of its own). */
  quotaBytes: number | null;
  /** Services vpopmail's pw_gid flags switched off for this mailbox. */
  disabledServices: Array<'pop3' | 'imap' | 'webmail' | 'smtp'>;
}

export interface ParseIssue {
  line: number;
  message: string;
}

export interface ParsedAccounts {
  accounts: VpopmailAccount[];
  issues: ParseIssue[];
}

/** vpopmail's pw_gid bits (vpopmail.h) for the services this platform has. */
const GID_FLAGS = [
  [0x02, 'pop3'],
  [0x04, 'webmail'],
  [0x08, 'imap'],
  [0x800, 'smtp'],
] as const;

export function disabledServicesOf(gidFlags: string): VpopmailAccount['disabledServices'] {
  const bits = Number.parseInt(gidFlags, 10);
  if (!Number.isInteger(bits) || bits <= 0) return [];
  return GID_FLAGS.filter(([bit]) => (bits & bit) !== 0).map(([, service]) => service);
}

/**
 * vpopmail's quota text (pw_shell): `NOQUOTA`, `<bytes>S`, `<bytes>S,<count>C` (a message
 * count this platform does not limit), or a bare number of bytes. Null means no limit.
 */
export function parseVpopmailQuota(text: string): { bytes: number | null } | { error: string } {
  const value = text.trim();
  if (value === '' || value.toUpperCase() === 'NOQUOTA') return { bytes: null };
  const match = /^(\d+)S?(?:,\d+C)?$/i.exec(value);
  if (!match) return { error: `quota "${value}" is neither NOQUOTA nor a size such as 52428800S` };
  return { bytes: Number(match[1]) };
}

/** The scheme-tagged form of a vpopmail pw_passwd, or null when empty or unknown. */
export function legacyHashOf(crypted: string): string | null {
  const value = crypted.trim();
  return value === '' ? null : tagLegacyHash(value);
}
