import { describe, expect, it } from 'vitest';
import { ConnectionLimiter, FailureLimiter, clientKey } from './connection-limits.js';
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

describe('FailureLimiter', () => {
  it('refuses with 454 4.7.0 after the maximum of failures in the window, and forgets old ones', async () => {
    const limiter = new FailureLimiter(2, 50);
    limiter.fail('10.0.0.1');
    limiter.check('10.0.0.1');
    limiter.fail('10.0.0.1');
    let error: unknown;
    try {
      limiter.check('10.0.0.1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SmtpReply);
    expect((error as SmtpReply).code).toBe('454 4.7.0');
    limiter.check('10.0.0.2');
    await new Promise((resolve) => setTimeout(resolve, 60));
    limiter.check('10.0.0.1');
  });
});
