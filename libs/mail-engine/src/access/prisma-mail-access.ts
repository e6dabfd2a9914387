/**
 * MailAccess on PostgreSQL: the account by its address, its scheme-tagged hash verified (a
 * recent success remembered, see verified-passwords.ts) or, when its domain authenticates
 * against LDAP, a bind as its directory entry (ldap/directory-logins.ts), whose mailHost the
 * account then follows; then its status and the service from the effective settings (cached
 * per account, see settings-cache.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../contracts.js';
import { hashPassword, needsRehash, verifyPassword } from '../auth/passwords.js';
import type { ChangeListener } from '../notify/change-listener.js';
import { AuthSources, type AuthSourceRow } from '../ldap/auth-sources.js';
import { DirectoryUnavailableError } from '../ldap/directory-client.js';
import type { AcceptedDirectoryLogin, DirectoryLogins } from '../ldap/directory-logins.js';
import type { EffectiveSettings } from '../settings/resolve-settings.js';
import { loginAddress } from './login-address.js';
import { LoginThrottle, type LoginThrottleLimits } from './login-throttle.js';
import { refusalReason } from './reasons.js';
import { SettingsCache } from './settings-cache.js';
import type { LoginOutcome, LoginRequest, MailAccess, MailService, SettingsChange } from './types.js';
import { VerifiedPasswords } from './verified-passwords.js';

export interface PrismaMailAccessOptions {
  /** The engine's change listener; without one settings are read fresh on every call. */
  changes?: ChangeListener | null;
  limits?: Partial<LoginThrottleLimits>;
  /** How long a verified password is remembered (0: never; the benchmark's "uncached"). */
  verifiedPasswordMs?: number;
  /** Verifies passwords of accounts in LDAP domains; without it their logins are refused as temporarily unavailable. */
  directory?: DirectoryLogins | null;
  /** How long the domains' authentication sources are remembered. */
  authSourceRefreshMs?: number;
  log?: (line: string) => void;
}

/** lastLoginAt is written at most this often per account: SMTP AUTH happens once per message sent. */
const LAST_LOGIN_RESOLUTION_MS = 10 * 60_000;

export class PrismaMailAccess implements MailAccess {
  private readonly cache: SettingsCache;
  private readonly throttle: LoginThrottle;
  private readonly passwords: VerifiedPasswords;
  private readonly authSources: AuthSources;
  private readonly directory: DirectoryLogins | null;
  private readonly log: (line: string) => void;
  private readonly lastLoginWritten = new Map<number, number>();
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Db,
    options: PrismaMailAccessOptions = {},
  ) {
    this.log = options.log ?? (() => {});
    this.cache = new SettingsCache(db, options.changes ?? null, this.log);
    this.throttle = new LoginThrottle({ perClient: 10, perAccount: 10, windowMs: 5 * 60_000, ...options.limits });
    this.passwords = new VerifiedPasswords(options.verifiedPasswordMs);
    this.authSources = new AuthSources(db, options.authSourceRefreshMs);
    this.directory = options.directory ?? null;
  }

  async login(request: LoginRequest): Promise<LoginOutcome> {
    const address = loginAddress(request.user);
    // Not an address: still counted (and timed) like an unknown one.
    const throttleKey = address ?? request.user.trim().toLowerCase().slice(0, 320);
    const retryAfterSeconds = this.throttle.retryAfterSeconds(throttleKey, request.clientIp);
    if (retryAfterSeconds > 0) return { ok: false, reason: 'rate-limited', retryAfterSeconds };

    let account: { id: number; address: string; domainId: number; passwordHash: string; mailHost: string | null } | null;
    let directorySource: AuthSourceRow | null;
    try {
      account = address
        ? await this.db.account.findUnique({ where: { address }, select: { id: true, address: true, domainId: true, passwordHash: true, mailHost: true } })
        : null;
      directorySource = account ? await this.authSources.forDomain(account.domainId) : null;
    } catch (error) {
      return this.unavailable(error);
    }
    let valid: boolean;
    let directoryLogin: AcceptedDirectoryLogin | null = null;
    if (account && directorySource) {
      try {
        directoryLogin = await this.checkDirectoryPassword(directorySource, account.address, request.password);
      } catch (error) {
        return this.directoryUnavailable(account.address, error);
      }
      valid = directoryLogin !== null;
    } else {
      valid = account && request.password ? await this.checkPassword(account, request.password) : await this.wasteTime(request.password);
    }
    if (!account || !valid) {
      this.throttle.fail(throttleKey, request.clientIp);
      return { ok: false, reason: 'credentials' };
    }
    this.throttle.succeed(throttleKey);

    let settings: EffectiveSettings | null;
    try {
      settings = await this.cache.get(account.id);
    } catch (error) {
      return this.unavailable(error);
    }
    if (!settings) return { ok: false, reason: 'credentials' };
    const refusal = refusalReason(settings, request.service);
    if (refusal) return { ok: false, reason: 'disabled', message: refusal };

    if (!directorySource && needsRehash(account.passwordHash)) await this.rehash(account.id, account.passwordHash, request.password);
    const mailHost = directoryLogin?.mailHost;
    if (mailHost !== undefined && mailHost !== account.mailHost) await this.followMailHost(account.id, account.mailHost, mailHost);
    this.noteLogin(account.id);
    return { ok: true, accountId: account.id, address: account.address, domainId: account.domainId };
  }

  async refusal(accountId: number, service: MailService): Promise<string | null> {
    const settings = await this.cache.get(accountId);
    return settings ? refusalReason(settings, service) : 'The account no longer exists';
  }

  settings(accountId: number): Promise<EffectiveSettings | null> {
    return this.cache.get(accountId);
  }

  onSettingsChanged(listener: (change: SettingsChange) => void): () => void {
    return this.cache.onChanged(listener);
  }

  close(): void {
    this.cache.close();
  }

  /** A stored hash that cannot be read (a damaged import) refuses the login; the operators learn why. */
  private async checkPassword(account: { id: number; address: string; passwordHash: string }, password: string): Promise<boolean> {
    try {
      return await this.passwords.matches(account.address, password, account.passwordHash);
    } catch (error) {
      this.log(`access: the password hash of account ${account.id} cannot be checked: ${String(error)}`);
      return false;
    }
  }

  /** The directory is asked for the stored address, never for the name as typed. */
  private checkDirectoryPassword(source: AuthSourceRow, address: string, password: string): Promise<AcceptedDirectoryLogin | null> {
    if (!this.directory) throw new DirectoryUnavailableError('this process was started without LDAP support');
    return this.directory.verify(source, address, password);
  }

  /** Not counted as a failed attempt: the user may well have typed the right password. */
  private directoryUnavailable(address: string, error: unknown): LoginOutcome {
    this.log(`access: LDAP login of ${address}: ${error instanceof DirectoryUnavailableError ? error.message : String(error)}`);
    return { ok: false, reason: 'unavailable', message: 'The account directory cannot be reached now; try again later' };
  }

  /** The same scrypt work for an unknown address as for a wrong password: no user enumeration by timing. */
  private async wasteTime(password: string): Promise<false> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password ?? '', await this.dummyHash);
    return false;
  }

  private unavailable(error: unknown): LoginOutcome {
    this.log(`access: login lookup failed: ${String(error)}`);
    return { ok: false, reason: 'unavailable', message: 'The account directory cannot be reached now; try again later' };
  }

  /**
   * A legacy or weaker hash is replaced by the current scheme once its password is known to
   * be right. Only if the stored hash is still the one verified: a password set meanwhile wins.
   */
  private async rehash(accountId: number, verifiedHash: string, password: string) {
    try {
      const passwordHash = await hashPassword(password);
      await this.db.account.updateMany({ where: { id: accountId, passwordHash: verifiedHash }, data: { passwordHash } });
    } catch (error) {
      this.log(`access: rehash of account ${accountId} failed: ${String(error)}`);
    }
  }

  /**
   * The directory decides where an LDAP account's mailbox lives, and routing (cluster/ownership.ts)
   * reads Account.mailHost: so the column follows the entry, written only when they differ and
   * before the login is answered, so that the nginx auth request of this very login already
   * routes by it. Raw SQL so that updatedAt (an administrator's last change) stays as it is. A
   * failed write keeps the previous routing until the next login that reaches the directory.
   */
  private async followMailHost(accountId: number, previous: string | null, mailHost: string | null) {
    try {
      await this.db.$executeRaw`UPDATE "Account" SET "mailHost" = ${mailHost} WHERE "id" = ${accountId} AND "mailHost" IS DISTINCT FROM ${mailHost}`;
      this.log(`access: account ${accountId} is routed by the directory's mailHost ${JSON.stringify(mailHost)} (was ${JSON.stringify(previous)})`);
    } catch (error) {
      this.log(`access: mailHost of account ${accountId}: ${String(error)}`);
    }
  }

  /**
   * Records the login time at a coarse resolution and off the login's path: one UPDATE per
   * account per ten minutes per process, however many messages a client submits. Raw SQL so
   * that updatedAt (an administrator's last change, shown in the console) stays as it is.
   */
  private noteLogin(accountId: number) {
    const now = Date.now();
    if ((this.lastLoginWritten.get(accountId) ?? 0) > now - LAST_LOGIN_RESOLUTION_MS) return;
    if (this.lastLoginWritten.size >= 100_000) this.lastLoginWritten.clear();
    this.lastLoginWritten.set(accountId, now);
    this.db.$executeRaw`
      UPDATE "Account" SET "lastLoginAt" = now() AT TIME ZONE 'UTC'
      WHERE "id" = ${accountId} AND ("lastLoginAt" IS NULL OR "lastLoginAt" < now() AT TIME ZONE 'UTC' - INTERVAL '10 minutes')`.catch((error: unknown) =>
      this.log(`access: lastLoginAt of account ${accountId}: ${String(error)}`),
    );
  }
}
