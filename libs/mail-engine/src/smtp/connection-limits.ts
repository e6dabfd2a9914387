/**
 * Step 1 of the pipeline: how many connections one client address may hold open at once
 * (421 4.7.0 beyond it), and how many failed AUTH attempts it may make in a window before
 * its AUTH commands are refused without checking the password (454 4.7.0), which keeps a
 * password-guessing client from costing a scrypt per guess.
 */
import { refuse } from './replies.js';

/** "::ffff:10.1.2.3" and "10.1.2.3" are one client. */
export function clientKey(address: string | undefined | null): string {
  const text = (address ?? '').toLowerCase();
  return text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text;
}

export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerClient: number) {}

  /** Counts a new connection, or throws the 421 refusal when the client already has the maximum. */
  acquire(address: string): void {
    const key = clientKey(address);
    const count = this.open.get(key) ?? 0;
    if (this.maxPerClient > 0 && count >= this.maxPerClient) throw refuse.tooManyConnections();
    this.open.set(key, count + 1);
  }

  release(address: string): void {
    const key = clientKey(address);
    const count = (this.open.get(key) ?? 0) - 1;
    if (count > 0) this.open.set(key, count);
    else this.open.delete(key);
  }

  openFrom(address: string): number {
    return this.open.get(clientKey(address)) ?? 0;
  }
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (times.length) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }

  /** Throws the 454 refusal while the client is over its failures in the window. */
  check(address: string): void {
    if (this.recent(clientKey(address), Date.now()).length >= this.maxFailures) throw refuse.authThrottled();
  }

  fail(address: string): void {
    const key = clientKey(address);
    const now = Date.now();
    const times = this.recent(key, now);
    times.push(now);
    this.failures.set(key, times);
    // A flood of distinct addresses must not grow the map without bound.
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }
}
