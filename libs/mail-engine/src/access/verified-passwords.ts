/**
 * A mail client logs in for every message it sends and every folder check, and scrypt costs
 * tens of milliseconds of CPU by design; so a verified (address, password) pair is
 * remembered for a minute as an HMAC under a key that lives only in this process (never the
 * password), tied to the stored hash it was verified against: a password change or reset
 * invalidates it at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifyPassword } from '../auth/passwords.js';

const MAX_ENTRIES = 50_000;

export class VerifiedPasswords {
  private readonly processKey = randomBytes(32);
  private readonly verified = new Map<string, { storedHash: string; digest: Buffer; until: number }>();

  constructor(private readonly ttlMs = 60_000) {}

  private digestOf(address: string, password: string) {
    return createHmac('sha256', this.processKey).update(address).update('\0').update(password).digest();
  }

  /** Does `password` match `storedHash`? Answered from memory when this pair was verified recently. */
  async matches(address: string, password: string, storedHash: string): Promise<boolean> {
    const digest = this.digestOf(address, password);
    if (this.ttlMs > 0) {
      const known = this.verified.get(address);
      if (known && known.storedHash === storedHash && known.until > Date.now() && timingSafeEqual(known.digest, digest)) return true;
    }
    if (!(await verifyPassword(password, storedHash))) return false;
    if (this.ttlMs > 0) {
      if (this.verified.size >= MAX_ENTRIES) this.verified.clear();
      this.verified.set(address, { storedHash, digest, until: Date.now() + this.ttlMs });
    }
    return true;
  }
}
