import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSecretKey, SealedSecrets } from './sealed-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'schoolmail-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sealed secrets', () => {
  it('round-trips, never stores the plaintext, and differs on every seal', () => {
    const box = new SealedSecrets(loadSecretKey(dir, {}));
    const a = box.seal('pop-password');
    const b = box.seal('pop-password');
    expect(a).not.toContain('pop-password');
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe('pop-password');
  });

  it('keeps the generated key private and stable across loads', () => {
    const first = loadSecretKey(dir, {});
    expect(loadSecretKey(dir, {}).equals(first)).toBe(true);
    expect(statSync(join(dir, 'secret.key')).mode & 0o077).toBe(0);
  });

  it('refuses a value sealed under another key or altered', () => {
    const sealed = new SealedSecrets(loadSecretKey(dir, {})).seal('x');
    const other = new SealedSecrets(loadSecretKey(dir, { SCHOOLMAIL_SECRET_KEY: 'ab'.repeat(32) }));
    expect(() => other.open(sealed)).toThrow();
    expect(() => new SealedSecrets(loadSecretKey(dir, {})).open(sealed.slice(0, -2) + 'AA')).toThrow();
  });

  it('rejects a malformed SCHOOLMAIL_SECRET_KEY with a clear message', () => {
    expect(() => loadSecretKey(dir, { SCHOOLMAIL_SECRET_KEY: 'short' })).toThrow(/32 bytes/);
  });
});
