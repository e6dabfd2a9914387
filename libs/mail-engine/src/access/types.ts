/**
 * Mailbox access: the one place where a protocol login (SMTP AUTH, POP3, IMAP, the RPOP
 * owner, an end-user web login) is decided, and where protocol code asks whether a service is
 * still effective for an account. Backed by the effective-settings resolver
 * (settings/resolve-settings.ts) with a per-account cache that PostgreSQL LISTEN/NOTIFY
 * invalidates, so an administrator's change takes effect within a second on every process.
 */
import type { EffectiveSettings } from '../settings/resolve-settings.js';

export type MailService = 'smtp' | 'imap' | 'pop3' | 'rpop' | 'webmail';

export interface LoginRequest {
  /** The full address (any case); a bare local part is not accepted. */
  user: string;
  password: string;
  service: MailService;
  /** For per-client rate limiting and the audit trail. */
  clientIp: string;
}

export type LoginOutcome =
  | { ok: true; accountId: number; address: string; domainId: number }
  /** Unknown user or wrong password: one answer for both, so nobody can probe addresses. */
  | { ok: false; reason: 'credentials' }
  /** Right password, but the account or a domain above it is suspended, or the service is off. `message` is readable, e.g. "IMAP is disabled for west.district1.k12.us". */
  | { ok: false; reason: 'disabled'; message: string }
  | { ok: false; reason: 'rate-limited'; retryAfterSeconds: number }
  /** Temporary: the directory or the database could not answer. */
  | { ok: false; reason: 'unavailable'; message: string };

export type SettingsChange = { accountIds: number[] } | 'all';

export interface MailAccess {
  login(request: LoginRequest): Promise<LoginOutcome>;
  /** `null` when `service` is effective for the account now; else the readable reason. Cached; a change is seen within a second. */
  refusal(accountId: number, service: MailService): Promise<string | null>;
  /** The account's effective settings (quota, limits, word lists), from the same cache. `null` for an unknown account. */
  settings(accountId: number): Promise<EffectiveSettings | null>;
  /** Told after settings of some accounts (or possibly all) changed; answers an unsubscribe function. */
  onSettingsChanged(listener: (change: SettingsChange) => void): () => void;
}
