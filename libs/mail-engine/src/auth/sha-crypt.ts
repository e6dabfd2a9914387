/**
 * SHA-crypt (`$5$` SHA-256, `$6$` SHA-512), Ulrich Drepper's "Unix crypt using SHA-256 and
 * SHA-512" (the specification glibc, libxcrypt and `openssl passwd -5/-6` follow), with the
 * optional `rounds=N$` parameter.
 */
import { createHash } from 'node:crypto';
import { cryptBase64 } from './crypt-base64.js';

export const SHA_CRYPT_DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
/**
 * The specification allows 999,999,999 rounds; a hash that costly would let one login hold
 * the CPU for minutes, so hashes above this bound are refused as unsupported.
 */
export const SHA_CRYPT_MAX_ROUNDS = 1_000_000;

interface Variant {
  prefix: '$5$' | '$6$';
  algorithm: 'sha256' | 'sha512';
  length: number;
  order: ReadonlyArray<readonly number[]>;
}

export const SHA256_CRYPT: Variant = {
  prefix: '$5$',
  algorithm: 'sha256',
  length: 32,
  order: [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29], [31, 30]],
};

export const SHA512_CRYPT: Variant = {
  prefix: '$6$',
  algorithm: 'sha512',
  length: 64,
  order: [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
    [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41], [63],
  ],
};

export interface ShaCryptSetting {
  salt: string;
  /** Null when the hash does not name its rounds (then the default, and none is written back). */
  rounds: number | null;
}

const SETTING = /^\$([56])\$(?:rounds=([0-9]{1,9})\$)?([^$]{0,16})[^$]*\$([./0-9A-Za-z]+)$/;

/** The salt and rounds of a stored hash, or null when it is not a well-formed SHA-crypt hash of `variant`. */
export function parseShaCrypt(variant: Variant, hash: string): ShaCryptSetting | null {
  const match = SETTING.exec(hash);
  if (!match || `$${match[1]}$` !== variant.prefix) return null;
  const encodedLength = Math.ceil((variant.length * 8) / 6);
  if (match[4]!.length !== encodedLength) return null;
  const rounds = match[2] === undefined ? null : Number(match[2]);
  if (rounds !== null && rounds > SHA_CRYPT_MAX_ROUNDS) return null;
  return { salt: match[3]!, rounds };
}

/** Repeats `block` (a digest) until it covers `length` bytes, as the P and S sequences of the specification. */
function stretch(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += block.length) block.copy(out, offset, 0, Math.min(block.length, length - offset));
  return out;
}

export function shaCrypt(variant: Variant, password: Buffer, setting: ShaCryptSetting): string {
  const hash = () => createHash(variant.algorithm);
  const salt = Buffer.from(setting.salt).subarray(0, 16);
  const rounds = Math.min(Math.max(setting.rounds ?? SHA_CRYPT_DEFAULT_ROUNDS, MIN_ROUNDS), 999_999_999);

  const b = hash().update(password).update(salt).update(password).digest();
  const a = hash().update(password).update(salt);
  a.update(stretch(b, password.length));
  for (let bits = password.length; bits > 0; bits >>= 1) a.update(bits & 1 ? b : password);
  let digest = a.digest();

  const dp = hash();
  for (let i = 0; i < password.length; i++) dp.update(password);
  const p = stretch(dp.digest(), password.length);
  const ds = hash();
  for (let i = 0; i < 16 + digest[0]!; i++) ds.update(salt);
  const s = stretch(ds.digest(), salt.length);

  for (let round = 0; round < rounds; round++) {
    const c = hash();
    c.update(round & 1 ? p : digest);
    if (round % 3) c.update(s);
    if (round % 7) c.update(p);
    c.update(round & 1 ? digest : p);
    digest = c.digest();
  }
  const roundsPart = setting.rounds === null ? '' : `rounds=${rounds}$`;
  return `${variant.prefix}${roundsPart}${salt.toString()}$${cryptBase64(digest, variant.order)}`;
}
