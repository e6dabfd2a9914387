import { describe, expect, it } from 'vitest';
import { backoffDelayMs, loadWebhookConfig } from './config.js';
import { subscriptionProblem, subscriptionsMatching } from './events.js';

describe('webhook settings and subscriptions', () => {
  it('backs off along the schedule, repeating its last step, within +-20% jitter', () => {
    const config = loadWebhookConfig({ SCHOOLMAIL_WEBHOOK_BACKOFF_SECONDS: '10, 60,600' });
    expect(config.backoffSeconds).toEqual([10, 60, 600]);
    expect(backoffDelayMs(config, 1, () => 0)).toBe(8_000);
    expect(backoffDelayMs(config, 1, () => 1)).toBe(12_000);
    expect(backoffDelayMs(config, 2, () => 0.5)).toBe(60_000);
    expect(backoffDelayMs(config, 9, () => 0.5)).toBe(600_000);
    expect(loadWebhookConfig({}).maxAgeSeconds).toBe(86_400);
    expect(() => loadWebhookConfig({ SCHOOLMAIL_WEBHOOK_BACKOFF_SECONDS: '10,soon' })).toThrow(/comma-separated list/);
    expect(() => loadWebhookConfig({ SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS: 'some' })).toThrow(/staff, all or none/);
  });

  it('accepts known events, category wildcards and *, and names what it refuses', () => {
    for (const ok of ['account.created', 'domain.*', '*', 'quarantine.added', 'queue.remote-domain-held']) expect(subscriptionProblem(ok), ok).toBeNull();
    expect(subscriptionProblem('account.exploded')).toMatch(/"account.exploded" is not a webhook event/);
    expect(subscriptionProblem('nope.*')).toMatch(/no event category "nope"/);
    expect(subscriptionsMatching('domain.deleted')).toEqual(['domain.deleted', 'domain.*', '*']);
  });
});
