/**
 * Argon2 hashes as Dovecot writes them (`doveadm pw -s ARGON2ID`, `-s ARGON2I`, through
 * libsodium): `{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>`, the PHC string
 * format with salt and hash in unpadded base64. Verified only (the current scheme stays
 * scrypt, see passwords.ts), with the parameters the string carries.
 *
 * The parameters come from whoever uploaded the hash, and every login attempt on the
 * account (right password or not) pays them, so a hash that asks for more than
 * ARGON2_LIMITS is refused before anything is allocated, both when it is stored and when
 * it is verified. Dovecot's defaults are m=65536,t=3,p=1 (ARGON2ID) and m=32768,t=4,p=1
 * (ARGON2I); about 0.1 s of one core each.
 */
import { timingSafeEqual } from 'node:crypto';
import { hashRaw, type Algorithm, type Version } from '@node-rs/argon2';

export const ARGON2_SCHEMES = ['ARGON2ID', 'ARGON2I'] as const;
type Argon2Tag = (typeof ARGON2_SCHEMES)[number];

export const ARGON2_LIMITS = {
  /** m, in KiB: 256 MiB, four times Dovecot's default. */
  maxMemoryKiB: 262_144,
  /** t, passes over the memory. */
  maxPasses: 16,
  /** m × t: the work of one verification (Dovecot's default is 196,608; this is about 1 s of one core). */
  maxMemoryTimesPasses: 1_048_576,
  /** p, lanes (Argon2 wants m >= 8 × p). */
  maxLanes: 16,
  minSaltBytes: 8,
  maxSaltBytes: 64,
  minHashBytes: 16,
  maxHashBytes: 64,
} as const;

// The numeric values of @node-rs/argon2's const enums (not importable under isolatedModules).
const ALGORITHM: Record<Argon2Tag, Algorithm> = { ARGON2ID: 2 as Algorithm, ARGON2I: 1 as Algorithm };
const VERSION_19 = 1 as Version;

interface Argon2Hash {
  memoryKiB: number;
  passes: number;
  lanes: number;
  salt: Buffer;
  hash: Buffer;
}

export function isArgon2Tag(tag: string): tag is Argon2Tag {
  return (ARGON2_SCHEMES as readonly string[]).includes(tag);
}

const PHC = /^\$(argon2id|argon2i)\$v=(\d{1,10})\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,10})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Unpadded base64 in its one canonical spelling, else null. */
function unpaddedBase64(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === text ? bytes : null;
}

/** The hash and its parameters, or why it is refused (a phrase that follows the field name). */
function parse(tag: Argon2Tag, body: string): Argon2Hash | string {
  const variant = tag.toLowerCase();
  const match = PHC.exec(body);
  if (!match || match[1] !== variant) {
    return `is not a {${tag}} hash as Dovecot writes it: {${tag}}$${variant}$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash> (unpadded base64)`;
  }
  const [version, memoryKiB, passes, lanes] = match.slice(2, 6).map(Number) as [number, number, number, number];
  const salt = unpaddedBase64(match[6]!);
  const hash = unpaddedBase64(match[7]!);
  const limits = ARGON2_LIMITS;
  if (version !== 19) return `has Argon2 version v=${version}; only v=19 is supported`;
  if (lanes < 1 || lanes > limits.maxLanes) return `asks for p=${lanes} lanes; {${tag}} hashes may have 1 to ${limits.maxLanes}`;
  if (memoryKiB < 8 * lanes) return `asks for m=${memoryKiB} KiB of memory; Argon2 needs at least 8 KiB per lane (m >= 8 × p)`;
  if (memoryKiB > limits.maxMemoryKiB) {
    return `asks for m=${memoryKiB} KiB of memory; {${tag}} hashes may ask for at most ${limits.maxMemoryKiB} KiB (256 MiB)`;
  }
  if (passes < 1 || passes > limits.maxPasses) return `asks for t=${passes} passes; {${tag}} hashes may have 1 to ${limits.maxPasses}`;
  if (memoryKiB * passes > limits.maxMemoryTimesPasses) {
    return `asks for m × t = ${memoryKiB * passes} KiB × passes; {${tag}} hashes may ask for at most ${limits.maxMemoryTimesPasses} (e.g. m=65536 with t up to 16)`;
  }
  if (!salt || salt.length < limits.minSaltBytes || salt.length > limits.maxSaltBytes) {
    return `has a salt that is not ${limits.minSaltBytes} to ${limits.maxSaltBytes} bytes of unpadded base64`;
  }
  if (!hash || hash.length < limits.minHashBytes || hash.length > limits.maxHashBytes) {
    return `has a hash that is not ${limits.minHashBytes} to ${limits.maxHashBytes} bytes of unpadded base64`;
  }
  return { memoryKiB, passes, lanes, salt, hash };
}

/** Why this server will not verify the {ARGON2ID}/{ARGON2I} hash `body` (without its tag), or null. */
export function argon2Problem(tag: Argon2Tag, body: string): string | null {
  const parsed = parse(tag, body);
  return typeof parsed === 'string' ? parsed : null;
}

/** Recomputes the hash with the string's own parameters and compares in constant time. */
export async function verifyArgon2(password: string, tag: Argon2Tag, body: string): Promise<boolean> {
  const parsed = parse(tag, body);
  if (typeof parsed === 'string') return false;
  const actual = await hashRaw(Buffer.from(password, 'utf8'), {
    algorithm: ALGORITHM[tag],
    version: VERSION_19,
    memoryCost: parsed.memoryKiB,
    timeCost: parsed.passes,
    parallelism: parsed.lanes,
    outputLen: parsed.hash.length,
    salt: parsed.salt,
  });
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}
