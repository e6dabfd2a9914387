import type { ProvisioningLayout } from '@schoolmail/mail-engine';
import { describe, expect, it } from 'vitest';
import { parentDn } from './dn-parts.js';
import { planSync, type SyncAccount } from './directory-sync.js';

const layout: ProvisioningLayout = {
  base: 'ou=people,dc=x',
  rdnAttribute: 'uid',
  objectClasses: ['inetOrgPerson'],
  mailAttribute: 'mail',
  uidAttribute: 'uid',
  displayNameAttribute: 'displayName',
};
const account = (localPart: string, extra: Partial<SyncAccount> = {}): SyncAccount => ({
  id: 1,
  address: `${localPart}@x.test`,
  localPart,
  domainId: 1,
  displayName: null,
  status: 'active',
  ldapDn: null,
  mailHost: null,
  ...extra,
});
const entry = (uid: string, attributes: Record<string, string[]> = {}) => ({ dn: `uid=${uid},ou=people,dc=x`, attributes: { mail: [`${uid}@x.test`], ...attributes } });

describe('planSync', () => {
  it('matches addresses case-insensitively and flags two entries for one address', () => {
    const plan = planSync({
      provisioning: true,
      layout,
      mailHostAttribute: 'mailHost',
      accounts: [account('ada'), account('bob')],
      entries: [{ dn: 'uid=ada,ou=people,dc=x', attributes: { MAIL: ['Ada@X.test'] } }, entry('bob'), { ...entry('bob'), dn: 'uid=bob2,ou=people,dc=x' }],
    });
    expect(plan).toEqual([{ kind: 'duplicate-entries', address: 'bob@x.test', dns: ['uid=bob,ou=people,dc=x', 'uid=bob2,ou=people,dc=x'], repair: 'none' }]);
  });

  it('the direction decides the repair; a suspended local account without an entry is already repaired', () => {
    const input = { layout, mailHostAttribute: 'mailHost', accounts: [account('local'), account('parked', { status: 'suspended' })], entries: [entry('remote')] };
    expect(planSync({ ...input, provisioning: true }).map((item) => [item.address, item.repair])).toEqual([
      ['local@x.test', 'create-entry'],
      ['parked@x.test', 'create-entry'],
      ['remote@x.test', 'delete-entry'],
    ]);
    expect(planSync({ ...input, provisioning: false }).map((item) => [item.address, item.repair])).toEqual([
      ['local@x.test', 'suspend-account'],
      ['remote@x.test', 'create-account'],
    ]);
  });

  it('a locked account is not a suspended one', () => {
    expect(planSync({ provisioning: false, layout, mailHostAttribute: 'mailHost', accounts: [account('ada', { status: 'locked' })], entries: [entry('ada')] })).toEqual([]);
  });

  it('takes mailHost from the directory in both directions: trimmed, blank as none; a provisioning domain repairs it on the account', () => {
    const accounts = [account('ada', { displayName: 'Ada' }), account('bob', { mailHost: 'node-a' }), account('cy', { mailHost: 'node-a' }), account('dee', { mailHost: 'node-b' })];
    const entries = [
      entry('ada', { displayName: ['Ada L.'], mailHost: [' node-b '] }),
      entry('bob', { mailHost: ['node-a'] }),
      entry('cy', { MailHost: ['  '] }),
      entry('dee'),
    ];
    const moved = (schoolmail: string | null, directory: string | null) => ({ field: 'mailHost', schoolmail, directory });
    expect(planSync({ provisioning: false, layout, mailHostAttribute: 'mailHost', accounts, entries })).toEqual([
      { kind: 'attributes', address: 'ada@x.test', dn: 'uid=ada,ou=people,dc=x', repair: 'update-account', fields: [{ field: 'displayName', schoolmail: 'Ada', directory: 'Ada L.' }, moved(null, 'node-b')] },
      { kind: 'attributes', address: 'cy@x.test', dn: 'uid=cy,ou=people,dc=x', repair: 'update-account', fields: [moved('node-a', null)] },
      { kind: 'attributes', address: 'dee@x.test', dn: 'uid=dee,ou=people,dc=x', repair: 'update-account', fields: [moved('node-b', null)] },
    ]);
    expect(planSync({ provisioning: true, layout, mailHostAttribute: 'mailHost', accounts: accounts.slice(0, 1), entries }).filter((item) => item.address === 'ada@x.test')).toEqual([
      { kind: 'attributes', address: 'ada@x.test', dn: 'uid=ada,ou=people,dc=x', repair: 'update-entry', fields: [{ field: 'displayName', schoolmail: 'Ada', directory: 'Ada L.' }] },
      { kind: 'attributes', address: 'ada@x.test', dn: 'uid=ada,ou=people,dc=x', repair: 'update-account', fields: [moved(null, 'node-b')] },
    ]);
    expect(planSync({ provisioning: false, layout, mailHostAttribute: null, accounts: accounts.slice(1, 2), entries: [entry('bob')] })).toEqual([]);
  });
});

describe('parentDn', () => {
  it('skips escaped commas of the first RDN', () => {
    expect(parentDn('cn=Smith\\, John,ou=people,dc=x')).toBe('ou=people,dc=x');
    expect(parentDn('cn=back\\\\,ou=people,dc=x')).toBe('ou=people,dc=x');
    expect(parentDn('cn=a\\2cb,ou=p')).toBe('ou=p');
  });
});
