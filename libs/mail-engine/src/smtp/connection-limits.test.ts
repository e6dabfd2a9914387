import { describe, expect, it } from 'vitest';
import { ConnectionLimiter, clientKey } from './connection-limits.js';
import { SmtpReply } from './replies.js';

describe('ConnectionLimiter', () => {
  it('counts per client address, IPv4-mapped IPv6 being the same client', () => {
    const limiter = new ConnectionLimiter(2);
    limiter.acquire('10.0.0.1');
    limiter.acquire('::ffff:10.0.0.1');
    expect(() => limiter.acquire('10.0.0.1')).toThrow(SmtpReply);
    expect(() => limiter.acquire('10.0.0.1')).toThrow(/^4\.7\.0 /);
    limiter.acquire('10.0.0.2');
    limiter.release('10.0.0.1');
    limiter.acquire('10.0.0.1');
    expect(limiter.openFrom('10.0.0.1')).toBe(2);
    expect(clientKey('::FFFF:1.2.3.4')).toBe('1.2.3.4');
  });

  it('has no limit at 0', () => {
    const limiter = new ConnectionLimiter(0);
    for (let i = 0; i < 100; i++) limiter.acquire('10.0.0.1');
  });
});
