import * as nodeArgon2 from '@node-rs/argon2';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { directoryPassword } from '../ldap/provisioned-entry.js';
import { ARGON2_LIMITS, isSupportedHash, needsRehash, passwordHashProblem, SUPPORTED_SCHEMES, verifyPassword } from './passwords.js';

// The real library, watched: a refused hash must never reach it (no memory asked for).
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const original = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...original, hashRaw: vi.fn(original.hashRaw) };
});
const hashRaw = vi.mocked(nodeArgon2.hashRaw);
beforeEach(() => {
  hashRaw.mockClear();
});

const DOVECOT_PASSWORD = 'Dovecot-Passw0rd';
/** Written by `doveadm pw -s ARGON2ID` / `-s ARGON2I` (Dovecot 2.3.19, libsodium; Debian 12), with their default parameters. */
const DOVECOT_ARGON2ID = '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$eeb3f85Qrrfjf+tXDIOuvQ$7jxltTnLc3ivmZaFKL+aNGXP/iH50CA70w88e4ByUX8';
const DOVECOT_ARGON2I = '{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$7p4l8wcedfLC0fzf8kvcBA$JffOdk2Ze66i9HO1wVcn1vIxbUMH6/s79aNE6LuUwog';

/**
 * Computed by the reference implementation (libargon2 1, `argon2i_hash_encoded` /
 * `argon2id_hash_encoded`); the m=65536,t=2 pair are the vectors of its own test.c.
 */
const REFERENCE_VECTORS: Array<[string, string]> = [
  ['password', '{ARGON2I}$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA'],
  ['password', '{ARGON2ID}$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc'],
  ['password', '{ARGON2I}$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E'],
  ['password', '{ARGON2ID}$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc'],
  ['élève-2026 ñ', '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$ZG92ZWNvdHNhbHQxNmJ5dA$+n4VSe6GGxHIU8i/1yI0s+s6I0GfXrwuN1RxBDVelso'],
  ['élève-2026 ñ', '{ARGON2I}$argon2i$v=19$m=65536,t=3,p=1$ZG92ZWNvdHNhbHQxNmJ5dA$XT4ndm4/QWb6aOTOR8epD0lKU9ji32KCps9eNmWcM98'],
  // A 24-byte salt and a 64-byte hash, four lanes.
  [
    'p4ss',
    '{ARGON2ID}$argon2id$v=19$m=4096,t=1,p=4$c2FsdC1vZi0yNC1ieXRlcy1sZW5ndGgh$BucOejl/Sf+fyThT1DgZwHeDveNgWA/XxTIQualkI2+uXjoIvwfGx3tbGQ28FuyFYlnEEk/XSWZkOhq4jvyIEg',
  ],
];

describe('Dovecot {ARGON2ID} and {ARGON2I} hashes', () => {
  it('verifies hashes written by doveadm pw and by the reference implementation, and refuses wrong passwords', async () => {
    expect(SUPPORTED_SCHEMES).toEqual(expect.arrayContaining(['ARGON2ID', 'ARGON2I']));
    for (const [password, hash] of [[DOVECOT_PASSWORD, DOVECOT_ARGON2ID], [DOVECOT_PASSWORD, DOVECOT_ARGON2I], ...REFERENCE_VECTORS] as const) {
      expect(isSupportedHash(hash), hash).toBe(true);
      expect(passwordHashProblem(hash), hash).toBeNull();
      expect(await verifyPassword(password, hash), hash).toBe(true);
      expect(await verifyPassword(`${password}x`, hash), hash).toBe(false);
      expect(await verifyPassword(password.slice(1), hash), hash).toBe(false);
    }
  });

  it('verifies hashes the library makes now, in either variant, and reports the time of one verification', async () => {
    for (const [tag, algorithm] of [['ARGON2ID', 2], ['ARGON2I', 1]] as const) {
      const encoded = await nodeArgon2.hash('fresh-Passw0rd ü', { algorithm: algorithm as nodeArgon2.Algorithm, memoryCost: 65536, timeCost: 3, parallelism: 1 });
      expect(encoded).toMatch(new RegExp(`^\\$${tag.toLowerCase()}\\$v=19\\$m=65536,t=3,p=1\\$`));
      const stored = `{${tag}}${encoded}`;
      const started = performance.now();
      expect(await verifyPassword('fresh-Passw0rd ü', stored)).toBe(true);
      console.log(`${tag} m=65536,t=3,p=1 verified in ${Math.round(performance.now() - started)} ms`);
      expect(await verifyPassword('fresh-Passw0rd u', stored)).toBe(false);
    }
  });

  it('refuses tampered hashes: other hash or salt bytes, other parameters, other variant, non-canonical base64', async () => {
    const body = DOVECOT_ARGON2ID.slice('{ARGON2ID}'.length);
    const tampered = [
      DOVECOT_ARGON2ID.replace('$7jxl', '$7jxm'), // a hash byte
      DOVECOT_ARGON2ID.replace('$eeb3f85Q', '$eeb3f85R'), // salt
      DOVECOT_ARGON2ID.replace(/X8$/, 'X8A'), // one hash byte more
      DOVECOT_ARGON2ID.replace('t=3', 't=2'),
      DOVECOT_ARGON2ID.replace('m=65536', 'm=65535'),
      DOVECOT_ARGON2ID.replace('p=1', 'p=2'),
      `{ARGON2I}${body.replace('$argon2id$', '$argon2i$')}`,
    ];
    for (const hash of tampered) {
      expect(isSupportedHash(hash), hash).toBe(true);
      expect(await verifyPassword(DOVECOT_PASSWORD, hash), hash).toBe(false);
    }
    const malformed = [
      `{ARGON2I}${body}`, // the tag and the string disagree
      `{ARGON2ID}${body.replace('$argon2id$', '$argon2d$')}`,
      `{ARGON2ID}${body}=`, // padded
      DOVECOT_ARGON2ID.replace(/X8$/, 'X9='),
      DOVECOT_ARGON2ID.replace(/X8$/, 'X'), // truncated: its last character has bits no byte uses
      DOVECOT_ARGON2ID.replace(/X8$/, 'X8AA'), // a length base64 cannot have
      DOVECOT_ARGON2ID.replace('v=19', 'v=16'),
      DOVECOT_ARGON2ID.replace('$v=19', ''),
      DOVECOT_ARGON2ID.replace('m=65536,t=3,p=1', 't=3,m=65536,p=1'),
      `{ARGON2ID}${body.split('$').slice(0, 5).join('$')}`, // no hash
      '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$7jxltTnLc3ivmZaFKL+aNGXP/iH50CA70w88e4ByUX8', // 4-byte salt
      '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$eeb3f85Qrrfjf+tXDIOuvQ$7jxltTnLc3ivmZaF', // 12-byte hash
      `${DOVECOT_ARGON2ID}\n`,
    ];
    for (const hash of malformed) {
      expect(isSupportedHash(hash), hash).toBe(false);
      expect(passwordHashProblem(hash), hash).toEqual(expect.any(String));
      expect(await verifyPassword(DOVECOT_PASSWORD, hash), hash).toBe(false);
    }
  });

  it('refuses absurd parameters at once, naming them, without asking the library for the memory', async () => {
    const withParams = (params: string, tag = 'ARGON2ID') =>
      `{${tag}}$${tag.toLowerCase()}$v=19$${params}$eeb3f85Qrrfjf+tXDIOuvQ$7jxltTnLc3ivmZaFKL+aNGXP/iH50CA70w88e4ByUX8`;
    const absurd: Array<[string, RegExp]> = [
      [withParams('m=4194304,t=3,p=1'), /m=4194304 KiB .*at most 262144 KiB/],
      [withParams('m=4294967295,t=1,p=1', 'ARGON2I'), /m=4294967295 KiB/],
      [withParams('m=65536,t=5000,p=1'), /t=5000 passes.*1 to 16/],
      [withParams('m=262144,t=16,p=1'), /m × t = 4194304 .*at most 1048576/],
      [withParams('m=65536,t=3,p=255'), /p=255 lanes/],
      [withParams('m=65536,t=0,p=1'), /t=0 passes/],
      [withParams('m=8,t=3,p=4'), /at least 8 KiB per lane/],
      [withParams('m=9999999999,t=9999999999,p=1'), /m=9999999999 KiB/],
    ];
    const rssBefore = process.memoryUsage().rss;
    for (const [hash, problem] of absurd) {
      expect(passwordHashProblem(hash), hash).toMatch(problem);
      expect(isSupportedHash(hash), hash).toBe(false);
      const started = performance.now();
      expect(await verifyPassword('anything', hash), hash).toBe(false);
      expect(performance.now() - started, hash).toBeLessThan(100);
    }
    expect(hashRaw).not.toHaveBeenCalled();
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    // The limits themselves are accepted (checked, not computed: 256 MiB is slow here).
    expect(passwordHashProblem(withParams(`m=${ARGON2_LIMITS.maxMemoryKiB},t=4,p=1`))).toBeNull();
    expect(passwordHashProblem(withParams(`m=65536,t=${ARGON2_LIMITS.maxPasses},p=${ARGON2_LIMITS.maxLanes}`))).toBeNull();
  });

  it('is upgraded to scrypt at the next login like the other foreign schemes, and has no form an LDAP directory is sent', async () => {
    expect(await verifyPassword(DOVECOT_PASSWORD, DOVECOT_ARGON2I)).toBe(true);
    expect(needsRehash(DOVECOT_ARGON2ID)).toBe(true);
    expect(needsRehash(DOVECOT_ARGON2I)).toBe(true);
    // Provisioning refuses it as it refuses {SCRYPT}: slapd verifies Argon2 only with a module it may not load.
    expect(directoryPassword({ hash: DOVECOT_ARGON2ID })).toBeNull();
    expect(directoryPassword({ hash: DOVECOT_ARGON2I })).toBeNull();
  });
});
