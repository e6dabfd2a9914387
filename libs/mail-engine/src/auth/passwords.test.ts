import { execFileSync } from 'node:child_process';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { hashPassword, isSupportedHash, needsRehash, schemeOf, tagLegacyHash, verifyPassword } from './passwords.js';

const openssl = (...args: string[]) => execFileSync('openssl', ['passwd', ...args], { encoding: 'utf8' }).trim();

/** Python's crypt module (glibc/libxcrypt crypt(3)) where this Python still has it (removed in 3.13). */
function pythonCrypt(password: string, salt: string): string | null {
  try {
    const script = 'import sys, warnings; warnings.simplefilter("ignore"); import crypt; print(crypt.crypt(sys.argv[1], sys.argv[2]))';
    const out = execFileSync('python3', ['-c', script, password, salt], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out && !out.startsWith('*') ? out : null;
  } catch {
    return null;
  }
}

describe('legacy crypt(3) schemes', () => {
  it('verifies the test vectors of the SHA-crypt specification and of MD5-crypt', async () => {
    const vectors: Array<[string, string]> = [
      ['Hello world!', '{SHA256-CRYPT}$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
      ['Hello world!', '{SHA256-CRYPT}$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
      ['Hello world!', '{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
      ['Hello world!', '{SHA512-CRYPT}$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
      [
        'a very much longer text to encrypt.  This one even stretches over morethan one line.',
        '{SHA512-CRYPT}$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1',
      ],
      ['Hello world!', '{MD5-CRYPT}$1$saltstri$YMyguxXMBpd2TEZ.vS/3q1'],
      ['', '{MD5-CRYPT}$1$$qRPK7m23GJusamGpoGLby/'],
      // The example of the unix-crypt-td-js README and the classic DES vector.
      ['foob', '{CRYPT}arlEKn0OzVJn.'],
      ['hello', '{CRYPT}abl0JrMf6tlhw'],
    ];
    for (const [password, hash] of vectors) {
      expect(isSupportedHash(hash), hash).toBe(true);
      expect(await verifyPassword(password, hash), hash).toBe(true);
      expect(await verifyPassword(`${password}x`, hash), hash).toBe(false);
    }
  });

  it('verifies hashes made by openssl passwd -1, -5 and -6, including long and non-ASCII passwords', async () => {
    for (const password of ['s3cret', 'élève-2026 ñ', 'a'.repeat(40)]) {
      for (const [flag, tag] of [['-1', 'MD5-CRYPT'], ['-5', 'SHA256-CRYPT'], ['-6', 'SHA512-CRYPT']] as const) {
        const untagged = openssl(flag, password);
        const tagged = tagLegacyHash(untagged);
        expect(tagged).toBe(`{${tag}}${untagged}`);
        expect(await verifyPassword(password, tagged!)).toBe(true);
        expect(await verifyPassword('wrong', tagged!)).toBe(false);
      }
    }
  });

  it('verifies SHA-crypt hashes with explicit rounds as crypt(3) writes them', async () => {
    const made = pythonCrypt('rounds-pass', '$6$rounds=20000$abcdefgh$');
    // Without crypt(3) in this Python, the specification vectors above cover rounds=.
    if (!made) return;
    expect(made.startsWith('$6$rounds=20000$abcdefgh$')).toBe(true);
    expect(await verifyPassword('rounds-pass', tagLegacyHash(made)!)).toBe(true);
    expect(await verifyPassword('rounds-pas', tagLegacyHash(made)!)).toBe(false);
  });

  it('verifies bcrypt $2y$, $2a$ and $2b$ hashes', async () => {
    const fromCrypt = pythonCrypt('bcrypt-pass', '$2b$05$abcdefghijklmnopqrstuu');
    const base = fromCrypt ?? (await bcrypt.hash('bcrypt-pass', 5));
    for (const minor of ['y', 'a', 'b']) {
      const hash = tagLegacyHash(base.replace(/^\$2.\$/, `$2${minor}$`));
      expect(hash).toMatch(/^\{BCRYPT\}\$2/);
      expect(await verifyPassword('bcrypt-pass', hash!)).toBe(true);
      expect(await verifyPassword('bcrypt-pasS', hash!)).toBe(false);
    }
  });

  it('verifies traditional DES crypt made by crypt(3), which reads only eight characters', async () => {
    // crypt(3)'s answer for this pair, used where this Python has no crypt module any more.
    const hash = tagLegacyHash(pythonCrypt('password1', 'Zx') ?? 'ZxnjglVvhlyeM')!;
    expect(hash).toBe('{CRYPT}ZxnjglVvhlyeM');
    expect(await verifyPassword('password1', hash)).toBe(true);
    expect(await verifyPassword('password-and-more', hash)).toBe(true);
    expect(await verifyPassword('passw0rd1', hash)).toBe(false);
  });

  it('accepts Dovecot {CRYPT} with any crypt(3) body, and refuses malformed or too costly hashes', async () => {
    const md5 = openssl('-1', 'pw');
    expect(await verifyPassword('pw', `{CRYPT}${md5}`)).toBe(true);
    for (const bad of [
      '{MD5-CRYPT}$1$salt$short',
      '{SHA512-CRYPT}$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
      '{SHA256-CRYPT}$5$rounds=900000000$salt$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
      `{BCRYPT}${(await bcrypt.hash('x', 4)).replace('$04$', '$31$')}`,
      '{CRYPT}toolongforades',
      '{NOPE}abc',
      '$1$untagged$abc',
    ]) {
      expect(isSupportedHash(bad), bad).toBe(false);
      expect(await verifyPassword('x', bad)).toBe(false);
    }
    expect(tagLegacyHash('plain text')).toBeNull();
  });

  it('asks for a re-hash of every legacy scheme and not of the current one', async () => {
    expect(needsRehash('{MD5-CRYPT}$1$saltstri$YMyguxXMBpd2TEZ.vS/3q1')).toBe(true);
    expect(needsRehash('{CRYPT}abl0JrMf6tlhw')).toBe(true);
    const current = await hashPassword('new');
    expect(needsRehash(current)).toBe(false);
    expect(schemeOf(current)).toBe('SCRYPT');
    expect(await verifyPassword('new', current)).toBe(true);
  });
});
