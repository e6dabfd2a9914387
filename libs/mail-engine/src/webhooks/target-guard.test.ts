import { describe, expect, it } from 'vitest';
import { isInternalAddress } from '../net/internal-addresses.js';
import { literalTargetRefusal, privateTargetsAllowed, publicOnlyLookup } from './target-guard.js';

describe('webhook target guard', () => {
  it('classifies loopback, private, link-local, CGNAT, multicast and mapped addresses as private', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(isInternalAddress(address), address).toBe(false);
    }
  });

  it('refuses literal private hosts, bracketed IPv6 included, and leaves names to the lookup', () => {
    expect(literalTargetRefusal('127.0.0.1')?.message).toMatch(/refused to connect to 127\.0\.0\.1/);
    expect(literalTargetRefusal('[::1]')).not.toBeNull();
    expect(literalTargetRefusal('93.184.216.34')).toBeNull();
    expect(literalTargetRefusal('cms.example')).toBeNull();
  });

  it('refuses a name that resolves to a private address', async () => {
    const error = await new Promise<Error | null>((resolve) => publicOnlyLookup('localhost', { all: true }, (e) => resolve(e)));
    expect((error as NodeJS.ErrnoException | null)?.code).toBe('EPRIVATETARGET');
  });

  it('lets staff webhooks reach private addresses by default, everyone with "all", nobody with "none"', () => {
    expect(privateTargetsAllowed('staff', true)).toBe(true);
    expect(privateTargetsAllowed('staff', false)).toBe(false);
    expect(privateTargetsAllowed('all', false)).toBe(true);
    expect(privateTargetsAllowed('none', true)).toBe(false);
  });
});
