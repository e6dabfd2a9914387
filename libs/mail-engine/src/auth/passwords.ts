/**
 * Password hashes are stored scheme-tagged, as Dovecot does (`{SCRYPT}...`), so accounts
 * brought from other systems keep their hashes and are upgraded at their next login.
 * The current scheme is scrypt (memory-hard, in Node's crypto, no native add-on); Dovecot's
 * Argon2 hashes (argon2.ts) and the crypt(3) schemes of older platforms (legacy-schemes.ts)
 * are verified only.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { ARGON2_SCHEMES, argon2Problem, isArgon2Tag, verifyArgon2 } from './argon2.js';
import { LEGACY_SCHEMES, legacySchemeOf } from './legacy-schemes.js';

export { LEGACY_SCHEMES, tagLegacyHash } from './legacy-schemes.js';
export { ARGON2_LIMITS, ARGON2_SCHEMES } from './argon2.js';

const N = 16384;
const r = 8;
const p = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, n: number, blockSize: number, parallel: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, KEY_LENGTH, { N: n, r: blockSize, p: parallel, maxmem: 256 * n * blockSize }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, r, p);
  return `{SCRYPT}$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export const SUPPORTED_SCHEMES = ['SCRYPT', ...ARGON2_SCHEMES, ...LEGACY_SCHEMES] as const;

/** The scheme tag of a stored hash, e.g. `SCRYPT`, or null when untagged. */
export function schemeOf(hash: string): string | null {
  return /^\{([A-Z0-9-]+)\}/.exec(hash)?.[1] ?? null;
}

const bodyOf = (hash: string, tag: string) => hash.slice(tag.length + 2);

function isScryptHash(hash: string) {
  return hash.startsWith('{SCRYPT}$') && hash.split('$').length === 6;
}

export function isSupportedHash(hash: string): boolean {
  return passwordHashProblem(hash) === null;
}

/**
 * Why a pre-hashed password cannot be stored (a phrase that follows the field name), or null
 * when this server can verify it. Names the parameter when an Argon2 hash asks for too much.
 */
export function passwordHashProblem(hash: string): string | null {
  const tag = schemeOf(hash);
  if (tag !== null && isArgon2Tag(tag)) return argon2Problem(tag, bodyOf(hash, tag));
  const supported = tag === 'SCRYPT' ? isScryptHash(hash) : tag !== null && legacySchemeOf(tag, bodyOf(hash, tag)) !== null;
  return supported ? null : `must be a scheme-tagged hash this server can verify (${SUPPORTED_SCHEMES.map((s) => `{${s}}`).join(', ')})`;
}

/** Compares in time that depends on the lengths only, never on where the strings differ. */
function sameText(a: string | Buffer, b: string | Buffer) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const tag = schemeOf(stored);
  if (tag === 'SCRYPT') {
    if (!isScryptHash(stored)) return false;
    const [, n, blockSize, parallel, salt, key] = stored.split('$');
    const actual = await scrypt(password, Buffer.from(salt!, 'base64'), Number(n), Number(blockSize), Number(parallel));
    return sameText(actual, Buffer.from(key!, 'base64'));
  }
  if (tag === null) return false;
  const body = bodyOf(stored, tag);
  // Checks the parameters before any memory is asked for.
  if (isArgon2Tag(tag)) return verifyArgon2(password, tag, body);
  const scheme = legacySchemeOf(tag, body);
  if (!scheme) return false;
  return sameText(await scheme.recompute(Buffer.from(password, 'utf8'), body), body);
}

/** Does a verified hash use weaker parameters or another scheme than we now write? */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`{SCRYPT}$${N}$${r}$${p}$`);
}
