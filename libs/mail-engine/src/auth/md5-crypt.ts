/**
 * MD5-crypt (`$1$salt$hash`), Poul-Henning Kamp's FreeBSD algorithm as glibc and OpenSSL
 * (`openssl passwd -1`) implement it: vpopmail's default scheme for years.
 */
import { createHash } from 'node:crypto';
import { cryptBase64 } from './crypt-base64.js';

const MAGIC = '$1$';
const OUTPUT_ORDER = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5], [11]] as const;

export const MD5_CRYPT_PATTERN = /^\$1\$[^$]{0,8}\$[./0-9A-Za-z]{22}$/;

export function md5Crypt(password: Buffer, salt: string): string {
  const saltBytes = Buffer.from(salt.slice(0, 8));
  const md5 = () => createHash('md5');
  const alternate = md5().update(password).update(saltBytes).update(password).digest();
  const context = md5().update(password).update(MAGIC).update(saltBytes);
  for (let left = password.length; left > 0; left -= 16) context.update(alternate.subarray(0, Math.min(left, 16)));
  // The C original reads the first character of the password or its terminating NUL.
  const firstByte = Buffer.from([password[0] ?? 0]);
  for (let bits = password.length; bits > 0; bits >>= 1) context.update(bits & 1 ? Buffer.alloc(1) : firstByte);
  let digest = context.digest();
  for (let round = 0; round < 1000; round++) {
    const step = md5();
    step.update(round & 1 ? password : digest);
    if (round % 3) step.update(saltBytes);
    if (round % 7) step.update(password);
    step.update(round & 1 ? digest : password);
    digest = step.digest();
  }
  return `${MAGIC}${saltBytes.toString()}$${cryptBase64(digest, OUTPUT_ORDER)}`;
}

/** The salt of a stored `$1$salt$hash`. */
export function md5CryptSalt(hash: string): string {
  return hash.split('$')[2]!;
}
