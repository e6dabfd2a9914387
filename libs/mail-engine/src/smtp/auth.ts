/**
 * Step 2: AUTH (PLAIN or LOGIN) on the submission listener. The account is found by its
 * address; its scheme-tagged hash is verified; the account and its domains must be active
 * and the `smtp` service effective for it; anything else is 535 5.7.8 with one text, so a
 * client cannot tell a wrong password from a suspended mailbox. Failures count against the
 * client address (connection-limits.ts).
 *
 * A mail client logs in for every message it sends, and scrypt costs tens of milliseconds
 * of CPU by design; so a verified (address, password) pair is remembered for a minute as an
 * HMAC under a key that lives only in this process, tied to the stored hash it was verified
 * against (a password change or reset invalidates it at once).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { AuthenticatedUser, PipelineContext } from './context.js';
import { normalizeAddress } from './recipients.js';
import { refuse } from './replies.js';

const VERIFIED_MS = 60_000;
const processKey = randomBytes(32);
const verified = new Map<string, { storedHash: string; digest: Buffer; until: number }>();
let dummyHash: Promise<string> | undefined;

const digestOf = (address: string, password: string) => createHmac('sha256', processKey).update(address).update('\0').update(password).digest();

async function passwordMatches(address: string, password: string, storedHash: string): Promise<boolean> {
  const digest = digestOf(address, password);
  const known = verified.get(address);
  if (known && known.storedHash === storedHash && known.until > Date.now() && timingSafeEqual(known.digest, digest)) return true;
  if (!(await verifyPassword(password, storedHash))) return false;
  if (verified.size > 50_000) verified.clear();
  verified.set(address, { storedHash, digest, until: Date.now() + VERIFIED_MS });
  return true;
}

export async function authenticate(ctx: PipelineContext, clientIp: string, username: string | undefined, password: string | null | undefined): Promise<AuthenticatedUser> {
  ctx.authFailures.check(clientIp);
  const address = normalizeAddress(username ?? '')?.address;
  const account = address
    ? await ctx.db.account.findUnique({ where: { address }, select: { id: true, address: true, passwordHash: true } })
    : null;
  let ok = false;
  if (account && password) {
    ok = await passwordMatches(account.address, password, account.passwordHash);
  } else {
    // The same work for an unknown address as for a wrong password: no user enumeration by timing.
    await verifyPassword(password ?? '', await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))));
  }
  if (ok && account) {
    const mailbox = await ctx.directory.mailbox(account.id, { fresh: true });
    if (mailbox && mailbox.status === 'active' && mailbox.smtpEnabled) return { accountId: account.id, address: account.address };
  }
  ctx.authFailures.fail(clientIp);
  throw refuse.authFailed();
}
