/**
 * Counts failed logins per username and per client address in a sliding window. Kept in
 * memory: one API process answers a login; in a cluster each node limits on its own,
 * which still caps guessing at (nodes x limit) per window.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly perUser: number,
    private readonly perAddress: number,
  ) {}

  private recent(key: string, now: number) {
    const kept = (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Seconds to wait before another attempt is allowed, or 0 when it may go ahead. */
  retryAfter(username: string, address: string | null, now = Date.now()): number {
    const checks: Array<[string, number]> = [[`user:${username.toLowerCase()}`, this.perUser]];
    if (address) checks.push([`addr:${address}`, this.perAddress]);
    let wait = 0;
    for (const [key, limit] of checks) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) wait = Math.max(wait, Math.ceil((recent[recent.length - limit]! + this.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(username: string, address: string | null, now = Date.now()) {
    for (const key of [`user:${username.toLowerCase()}`, ...(address ? [`addr:${address}`] : [])]) {
      this.failures.set(key, [...this.recent(key, now), now]);
    }
  }

  succeed(username: string) {
    this.failures.delete(`user:${username.toLowerCase()}`);
  }
}
