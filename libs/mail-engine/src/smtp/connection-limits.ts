/**
 * Step 1 of the pipeline: how many connections one client address may hold open at once
 * (421 4.7.0 beyond it; more inside the shared-address networks, see access/client-limits.ts).
 * Failed AUTH attempts are limited by the access module (access/login-throttle.ts), for every
 * protocol alike.
 */
import { clientKey } from '../access/client-key.js';
import { limitFor, type ClientLimit } from '../access/client-limits.js';
import { refuse } from './replies.js';

export { clientKey };

export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  private readonly limit: ClientLimit;

  /** `limit`: a number applies to every address alike. */
  constructor(limit: number | ClientLimit) {
    this.limit = typeof limit === 'number' ? { perClient: limit, perSharedClient: limit, sharedNetworks: [] } : limit;
  }

  /** Whether `address` holds as many connections as it may. */
  isFull(address: string): boolean {
    const max = limitFor(this.limit, address);
    return max > 0 && this.openFrom(address) >= max;
  }

  /** Counts a new connection, or throws the 421 refusal when the client already has the maximum. */
  acquire(address: string): void {
    if (this.isFull(address)) throw refuse.tooManyConnections();
    const key = clientKey(address);
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
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
