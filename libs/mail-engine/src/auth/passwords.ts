/**
 * Password hashes are stored scheme-tagged, as Dovecot does (`{SCRYPT}...`), so accounts
 * brought from other systems keep their hashes and are upgraded at their next login.
 * The current scheme is scrypt (memory-hard, in Node's crypto, no native add-on).
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

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

export const SUPPORTED_SCHEMES = ['SCRYPT'] as const;

/** The scheme tag of a stored hash, e.g. `SCRYPT`, or null when untagged. */
export function schemeOf(hash: string): string | null {
  return /^\{([A-Z0-9-]+)\}/.exec(hash)?.[1] ?? null;
}

export function isSupportedHash(hash: string): boolean {
  return hash.startsWith('{SCRYPT}$') && hash.split('$').length === 6;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (!isSupportedHash(stored)) return false;
  const [, n, blockSize, parallel, salt, key] = stored.split('$');
  const expected = Buffer.from(key!, 'base64');
  const actual = await scrypt(password, Buffer.from(salt!, 'base64'), Number(n), Number(blockSize), Number(parallel));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Does a verified hash use weaker parameters or another scheme than we now write? */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`{SCRYPT}$${N}$${r}$${p}$`);
}
