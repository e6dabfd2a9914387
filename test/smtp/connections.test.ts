/**
 * Connection limits per client address (421 4.7.0) and trusted sources: a client in a
 * trusted network (the engine's SCHOOLMAIL_TRUSTED_NETWORKS, or the server acceptance
 * policy) may use a local domain as sender on the MX and skips content refusals.
 */
import { invalidateAcceptancePolicies, loadEngineConfig } from '@schoolmail/mail-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, mailbox, mailDomain, message, pythonSmtp, rawConnect, startTestEngine, type TestEngine } from '../support/smtp.js';

const D = 'district1.k12.us';
let env: TestEngine;

beforeAll(async () => {
  env = await startTestEngine({ maxConnectionsPerClient: 3 });
  await mailDomain(env.prisma, D);
});
afterAll(() => env?.close());

describe('connection limit', () => {
  it('refuses a client beyond its connection limit with 421 4.7.0, and lets it in again once one closes', async () => {
    const open = await Promise.all([1, 2, 3].map(() => rawConnect(env.ports.smtp)));
    expect(open.map((c) => c.greeting.slice(0, 4))).toEqual(['220 ', '220 ', '220 ']);
    const refused = await rawConnect(env.ports.smtp);
    expect(refused.greeting).toMatch(/^421 4\.7\.0 /);
    refused.close();
    // The submission listener counts the same client address.
    expect((await rawConnect(env.ports.submission)).greeting).toMatch(/^421 4\.7\.0 /);
    open[0]!.close();
    await expect.poll(async () => {
      const again = await rawConnect(env.ports.smtp);
      again.close();
      return again.greeting.slice(0, 4);
    }).toBe('220 ');
    open.slice(1).forEach((c) => c.close());
  });
});

describe('shared-address networks', () => {
  it('lets a client in a shared-address network (a school behind NAT) hold more connections, with its own limit', async () => {
    const shared = await startTestEngine({ maxConnectionsPerClient: 1, sharedAddressNetworks: ['127.0.0.0/8'], maxConnectionsPerSharedClient: 3 });
    try {
      const open = await Promise.all([1, 2, 3].map(() => rawConnect(shared.ports.smtp)));
      expect(open.map((c) => c.greeting.slice(0, 4))).toEqual(['220 ', '220 ', '220 ']);
      const refused = await rawConnect(shared.ports.smtp);
      expect(refused.greeting).toMatch(/^421 4\.7\.0 /);
      refused.close();
      open.forEach((c) => c.close());
    } finally {
      await shared.close();
    }
  });

  it('refuses to start with a shared-address network that is not CIDR, naming the setting', () => {
    expect(() => loadEngineConfig({ SCHOOLMAIL_SHARED_ADDRESS_NETWORKS: '10.0.0.0/8, school-gateway' })).toThrow(/SCHOOLMAIL_SHARED_ADDRESS_NETWORKS: "school-gateway" is not a network/);
  });
});

describe('impersonation and trusted sources', () => {
  it('refuses a local-domain sender without AUTH on the MX (553 5.7.1) until the server policy trusts the client', async () => {
    await mailbox(env.prisma, `principal@${D}`);
    const send = () => pythonSmtp({ port: env.ports.smtp, sender: `principal@${D}`, recipients: [`principal@${D}`], message: message({ from: `principal@${D}`, to: `principal@${D}` }) });
    const refused = await send();
    expect(codeOf(refused.reply('mail'))).toBe('553 5.7.1');
    expect(refused.reply('rcpt')).toBeUndefined();
    await env.prisma.acceptancePolicy.create({ data: { level: 'server', trustedNetworks: ['127.0.0.0/8'] } });
    invalidateAcceptancePolicies(env.prisma);
    expect(codeOf((await send()).reply('data'))).toBe('250 2.0.0');
    await env.prisma.acceptancePolicy.deleteMany({ where: { level: 'server' } });
    invalidateAcceptancePolicies(env.prisma);
  });

  it('trusts the networks of SCHOOLMAIL_TRUSTED_NETWORKS: local sender allowed, word lists skipped', async () => {
    const trusted = await startTestEngine({ trustedNetworks: ['127.0.0.1/32'] });
    try {
      await mailDomain(trusted.prisma, D);
      const account = await mailbox(trusted.prisma, `office@${D}`);
      await trusted.prisma.wordList.create({ data: { name: 'no-lunch', scope: 'account', accountId: account.id, action: 'reject', entries: { create: [{ text: 'lunch' }] } } });
      const result = await pythonSmtp({ port: trusted.ports.smtp, sender: `app@${D}`, recipients: [`office@${D}`], message: message({ from: `app@${D}`, to: `office@${D}`, subject: 'lunch menu' }) });
      expect(codeOf(result.reply('mail'))).toBe('250 2.1.0');
      expect(codeOf(result.reply('data'))).toBe('250 2.0.0');
      // Trust is not a licence to relay.
      const relay = await pythonSmtp({ port: trusted.ports.smtp, sender: `app@${D}`, recipients: ['x@example.com'] });
      expect(codeOf(relay.reply('rcpt'))).toBe('554 5.7.1');
    } finally {
      await trusted.close();
    }
  });
});
