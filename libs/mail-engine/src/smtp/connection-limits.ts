/**
 * Step 1 of the pipeline: how many connections one client address may hold open at once
 * (421 4.7.0 beyond it). Failed AUTH attempts are limited by the access module
 * (access/login-throttle.ts), for every protocol alike.
 */
import { clientKey } from '../access/client-key.js';
import { refuse } from './replies.js';

export { clientKey };

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
