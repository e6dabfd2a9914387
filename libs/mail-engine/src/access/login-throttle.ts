/**
 * Failed logins counted per account and per client address in a sliding window; over the
 * limit on either, further attempts are refused without checking the password (a guessing
 * client costs no scrypt) until the oldest counted failure leaves the window. A client inside
 * the shared-address networks (a school's NAT gateway) has its own, higher limit
 * (client-limits.ts). Per process:
 * with several engine nodes an attacker gets the limit once per node, which still bounds
 * guessing to a handful a minute.
 */
import { clientKey } from './client-key.js';
import { limitFor, type ClientLimit } from './client-limits.js';

export interface LoginThrottleLimits {
  /** Failures per client address in the window (0: no limit). */
  perClient: number;
  /** Failures per account address in the window (0: no limit). */
  perAccount: number;
  windowMs: number;
  /** Failures per client address inside `sharedNetworks` (default: `perClient`). */
  perSharedClient?: number;
  sharedNetworks?: ClientLimit['sharedNetworks'];
}

const MAX_KEYS = 100_000;


class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (times.length) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }

  /** Seconds until an attempt is allowed again; 0 when it is now. */
  waitSeconds(key: string, limit: number, now: number): number {
    if (limit <= 0) return 0;
    const times = this.recent(key, now);
    if (times.length < limit) return 0;
    const freedAt = times[times.length - limit]! + this.windowMs;
    return Math.max(1, Math.ceil((freedAt - now) / 1000));
  }

  fail(key: string, limit: number, now: number): void {
    if (limit <= 0) return;
    const times = this.recent(key, now);
    times.push(now);
    // Only the last `limit` failures decide the wait.
    this.failures.set(key, times.slice(-limit));
    // A flood of distinct keys must not grow the map without bound.
    if (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}

export class LoginThrottle {
  private readonly clients: FailureWindow;
  private readonly accounts: FailureWindow;
  private readonly clientLimit: ClientLimit;

  constructor(private readonly limits: LoginThrottleLimits) {
    this.clients = new FailureWindow(limits.windowMs);
    this.accounts = new FailureWindow(limits.windowMs);
    this.clientLimit = { perClient: limits.perClient, perSharedClient: limits.perSharedClient ?? limits.perClient, sharedNetworks: limits.sharedNetworks ?? [] };
  }

  /** Seconds to wait before `user` may try again from `clientIp`; 0 when it may now. */
  retryAfterSeconds(user: string, clientIp: string): number {
    const now = Date.now();
    return Math.max(
      this.clients.waitSeconds(clientKey(clientIp), limitFor(this.clientLimit, clientIp), now),
      this.accounts.waitSeconds(user, this.limits.perAccount, now),
    );
  }

  fail(user: string, clientIp: string): void {
    const now = Date.now();
    this.clients.fail(clientKey(clientIp), limitFor(this.clientLimit, clientIp), now);
    this.accounts.fail(user, this.limits.perAccount, now);
  }

  /** A successful login forgets the account's failures (not the client's: it may be guessing others). */
  succeed(user: string): void {
    this.accounts.clear(user);
  }
}
