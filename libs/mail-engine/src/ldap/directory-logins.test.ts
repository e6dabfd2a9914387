/**
 * What a directory login reports to its caller: the entry's mailHost (trimmed, blank as none)
 * when the directory was asked, nothing new when the success came from memory, and null for a
 * refused password. A scripted DirectoryClient stands in for slapd (test/ldap has the real one).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DomainAuthSource } from '@schoolmail/prisma';
import { SealedSecrets } from '../secrets/sealed-secrets.js';
import type { DirectoryClient, DirectoryUser } from './directory-client.js';
import { DirectoryLogins } from './directory-logins.js';

const source = (extra: Partial<DomainAuthSource> = {}) =>
  ({ id: 1, version: 1, urls: ['ldap://127.0.0.1:1'], tlsMode: 'none', caPem: null, bindDn: null, bindPasswordSealed: null, userBase: 'ou=people', userFilter: '(mail={address})', mailAttribute: 'mail', uidAttribute: 'uid', displayNameAttribute: 'displayName', mailHostAttribute: 'mailHost', quotaAttribute: null, connectTimeoutMs: 1000, operationTimeoutMs: 1000, cacheSeconds: 60, ...extra }) as DomainAuthSource;

/** Logins against one scripted entry whose password is "right"; counts the directory round trips. */
function scripted(attributes: Record<string, string[]>) {
  const asked = { searches: 0, attributes: [] as string[] };
  const user: DirectoryUser = { dn: 'uid=ada,ou=people', attributes };
  const logins = new DirectoryLogins({
    secrets: new SealedSecrets(randomBytes(32)),
    connect: (config): DirectoryClient => ({
      async findUser() {
        asked.searches++;
        asked.attributes = config.attributes;
        return user;
      },
      async verify(_dn, password) {
        return password === 'right';
      },
      async close() {},
    }),
  });
  return { logins, asked };
}

describe('DirectoryLogins.verify', () => {
  it("asks for the mapped attribute and reports the entry's mailHost, trimmed", async () => {
    const { logins, asked } = scripted({ MailHost: [' node-b '] });
    expect(await logins.verify(source({ mailHostAttribute: 'mailHost' }), 'ada@x.test', 'right')).toEqual({ mailHost: 'node-b' });
    expect(asked.attributes).toContain('mailHost');
  });

  it('reports none for an absent or blank attribute, and null for a refused password', async () => {
    expect(await scripted({}).logins.verify(source(), 'ada@x.test', 'right')).toEqual({ mailHost: null });
    expect(await scripted({ mailHost: ['   '] }).logins.verify(source(), 'ada@x.test', 'right')).toEqual({ mailHost: null });
    expect(await scripted({ mailHost: ['node-b'] }).logins.verify(source(), 'ada@x.test', 'wrong')).toBeNull();
  });

  it('a success from memory reports nothing new: the directory was not asked', async () => {
    const { logins, asked } = scripted({ mailHost: ['node-b'] });
    await logins.verify(source(), 'ada@x.test', 'right');
    expect(await logins.verify(source(), 'ada@x.test', 'right')).toEqual({});
    expect(asked.searches).toBe(1);
    expect(await logins.verify(source({ cacheSeconds: 0, version: 2 }), 'ada@x.test', 'right')).toEqual({ mailHost: 'node-b' });
    expect(asked.searches).toBe(2);
  });
});
