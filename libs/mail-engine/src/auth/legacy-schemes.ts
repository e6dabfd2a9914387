/**
 * The crypt(3) schemes of older platforms (vpopmail/qmail, Dovecot, /etc/shadow), verified so
 * that migrated accounts keep their passwords until their next login re-hashes them.
 * Each scheme is known by its Dovecot tag; an untagged crypt(3) string is recognised by its
 * prefix (`$1$`, `$5$`, `$6$`, `$2y$`, or 13 characters of DES).
 */
import bcrypt from 'bcryptjs';
import unixCryptTD from 'unix-crypt-td-js';
import { md5Crypt, md5CryptSalt, MD5_CRYPT_PATTERN } from './md5-crypt.js';
import { parseShaCrypt, SHA256_CRYPT, SHA512_CRYPT, shaCrypt } from './sha-crypt.js';

interface LegacyScheme {
  tag: string;
  /** Is `body` (the hash without its tag) a well-formed hash of this scheme that we accept to verify? */
  accepts(body: string): boolean;
  /** The hash `password` would have with the salt and parameters of `body`. */
  recompute(password: Buffer, body: string): Promise<string>;
}

/** bcrypt costs double per step; above this a single login would take seconds of CPU in JavaScript. */
const MAX_BCRYPT_COST = 15;
const BCRYPT_PATTERN = /^\$2[aby]\$(\d\d)\$[./0-9A-Za-z]{53}$/;
const DES_PATTERN = /^[./0-9A-Za-z]{13}$/;

const schemes: LegacyScheme[] = [
  {
    tag: 'MD5-CRYPT',
    accepts: (body) => MD5_CRYPT_PATTERN.test(body),
    recompute: async (password, body) => md5Crypt(password, md5CryptSalt(body)),
  },
  {
    tag: 'SHA256-CRYPT',
    accepts: (body) => parseShaCrypt(SHA256_CRYPT, body) !== null,
    recompute: async (password, body) => shaCrypt(SHA256_CRYPT, password, parseShaCrypt(SHA256_CRYPT, body)!),
  },
  {
    tag: 'SHA512-CRYPT',
    accepts: (body) => parseShaCrypt(SHA512_CRYPT, body) !== null,
    recompute: async (password, body) => shaCrypt(SHA512_CRYPT, password, parseShaCrypt(SHA512_CRYPT, body)!),
  },
  {
    tag: 'BCRYPT',
    accepts: (body) => {
      const cost = BCRYPT_PATTERN.exec(body)?.[1];
      return cost !== undefined && Number(cost) >= 4 && Number(cost) <= MAX_BCRYPT_COST;
    },
    // bcryptjs takes text and encodes it as UTF-8 itself.
    recompute: (password, body) => bcrypt.hash(password.toString('utf8'), body.slice(0, 29)),
  },
  {
    tag: 'CRYPT',
    accepts: (body) => DES_PATTERN.test(body),
    // DES crypt reads the low seven bits of at most eight bytes.
    recompute: async (password, body) => unixCryptTD([...password.subarray(0, 8)], body.slice(0, 2)),
  },
];

const byTag = new Map(schemes.map((scheme) => [scheme.tag, scheme]));

export const LEGACY_SCHEMES = schemes.map((scheme) => scheme.tag);

/** The scheme an untagged crypt(3) string is written in, recognised by its prefix, or null. */
function schemeOfUntagged(body: string): LegacyScheme | null {
  return schemes.find((scheme) => scheme.accepts(body)) ?? null;
}

/**
 * The legacy scheme of a (tagged) hash and its body. Dovecot's `{CRYPT}` means "whatever
 * crypt(3) understands", so its body may be any of the untagged forms.
 */
export function legacySchemeOf(tag: string, body: string): LegacyScheme | null {
  const scheme = tag === 'CRYPT' ? schemeOfUntagged(body) : byTag.get(tag);
  return scheme?.accepts(body) ? scheme : null;
}

/**
 * An untagged crypt(3) string as vpopmail stores it, tagged so this server can verify it
 * (`$1$...` -> `{MD5-CRYPT}$1$...`); null when it is no hash we know.
 */
export function tagLegacyHash(untagged: string): string | null {
  const scheme = schemeOfUntagged(untagged);
  return scheme ? `{${scheme.tag}}${untagged}` : null;
}
