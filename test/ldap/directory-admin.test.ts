/**
 * The provisioning adapter against a real slapd, checked with OpenLDAP's own tools: entries
 * whose RDN holds every RFC 4514 special land with exactly that value, writes refused by the
 * directory and a directory that is down are told apart, and listings are paged.
 */
import {
  DirectoryRefusedError,
  DirectoryUnavailableError,
  directoryPassword,
  dnOf,
  escapeDnValue,
  LdapjsDirectoryAdmin,
  newEntryAttributes,
  type DirectoryConfig,
  type ProvisioningLayout,
} from '@schoolmail/mail-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';
import { canBind, ldapsearch } from './ldapsearch.js';

let slapd: TestSlapd;

const configFor = (): DirectoryConfig => ({
  urls: [slapd.url],
  tlsMode: 'none',
  bindDn: LDAP_ADMIN_DN,
  bindPassword: LDAP_ADMIN_PASSWORD,
  userBase: LDAP_PEOPLE,
  userFilter: '(mail={address})',
  attributes: ['mail'],
  connectTimeoutMs: 1_000,
  operationTimeoutMs: 1_000,
});

const layout = (rdnAttribute: ProvisioningLayout['rdnAttribute']): ProvisioningLayout => ({
  base: LDAP_PEOPLE,
  rdnAttribute,
  objectClasses: ['inetOrgPerson', 'shadowAccount'],
  mailAttribute: 'mail',
  uidAttribute: 'uid',
  displayNameAttribute: 'displayName',
});

async function withAdmin<T>(run: (admin: LdapjsDirectoryAdmin) => Promise<T>): Promise<T> {
  const admin = new LdapjsDirectoryAdmin(configFor());
  try {
    return await run(admin);
  } finally {
    await admin.close();
  }
}

beforeAll(async () => {
  slapd = await TestSlapd.start();
});
afterAll(() => slapd?.close());

describe('LdapjsDirectoryAdmin against slapd', () => {
  const awkwardNames = ['Smith, John', 'a+b=c', '"Quoted" <angle>; semi', 'back\\slash', ' leading and trailing ', '#hash first'];

  it.each(awkwardNames)('adds, renames and deletes an entry whose RDN is %j, byte for byte', async (name) => {
    const account = { address: `x${awkwardNames.indexOf(name)}@school.test`, localPart: `x${awkwardNames.indexOf(name)}`, displayName: name, suspended: false };
    const dn = dnOf(layout('cn'), account);
    await withAdmin(async (admin) => {
      await admin.add(dn, newEntryAttributes(layout('cn'), account, directoryPassword({ password: 'directory-pw-1' })));
      const [stored] = ldapsearch(slapd, `(mail=${account.address})`, 'cn', 'displayName');
      expect(stored!.attributes.cn).toEqual([name]);
      expect(stored!.attributes.displayName).toEqual([name]);
      expect(canBind(slapd, dn, 'directory-pw-1')).toBe(true);

      const renamed = `${name} (renamed)`;
      await admin.rename(dn, `cn=${escapeDnValue(renamed)}`);
      const [moved] = ldapsearch(slapd, `(mail=${account.address})`, 'cn');
      expect(moved!.attributes.cn).toEqual([renamed]);
      const newDn = `cn=${escapeDnValue(renamed)},${LDAP_PEOPLE}`;
      expect((await admin.read(newDn, ['mail']))?.attributes.mail).toEqual([account.address]);

      await admin.remove(newDn);
      expect(ldapsearch(slapd, `(mail=${account.address})`)).toEqual([]);
    });
  });

  it('an injected RDN stays one value: no extra RDN, no entry elsewhere in the tree', async () => {
    const account = { address: 'inject@school.test', localPart: 'inject', displayName: 'evil,ou=admins+uid=root', suspended: false };
    await withAdmin((admin) => admin.add(dnOf(layout('cn'), account), newEntryAttributes(layout('cn'), account, null)));
    const [entry] = ldapsearch(slapd, '(mail=inject@school.test)', 'cn', 'uid');
    expect(entry!.dn).toMatch(/,ou=people,dc=school,dc=test$/);
    expect(entry!.attributes.cn).toEqual(['evil,ou=admins+uid=root']);
    expect(entry!.attributes.uid).toEqual(['inject']);
  });

  it('modify replaces and deletes attributes; a constraint the directory enforces is a refusal, not an outage', async () => {
    const account = { address: 'mod@school.test', localPart: 'mod', displayName: 'Mod One', suspended: false };
    const dn = dnOf(layout('uid'), account);
    await withAdmin(async (admin) => {
      await admin.add(dn, newEntryAttributes(layout('uid'), account, null));
      await admin.modify(dn, [
        { operation: 'replace', attribute: 'shadowExpire', values: ['1'] },
        { operation: 'delete', attribute: 'displayName', values: [] },
      ]);
      const [entry] = ldapsearch(slapd, '(mail=mod@school.test)', 'shadowExpire', 'displayName');
      expect(entry!.attributes).toEqual({ shadowExpire: ['1'] });

      const duplicate = admin.add(dn, newEntryAttributes(layout('uid'), account, null));
      await expect(duplicate).rejects.toBeInstanceOf(DirectoryRefusedError);
      await expect(duplicate).rejects.toMatchObject({ resultCode: 68 });
      // shadowExpire is single-valued in the nis schema.
      await expect(admin.modify(dn, [{ operation: 'replace', attribute: 'shadowExpire', values: ['1', '2'] }])).rejects.toBeInstanceOf(DirectoryRefusedError);
    });
  });

  it('lists entries by mail suffix in pages, exactly the domain and not its sub-domains', async () => {
    const lines: string[] = [];
    for (let index = 0; index < 120; index++) lines.push(`dn: uid=p${index},${LDAP_PEOPLE}`, 'objectClass: inetOrgPerson', `uid: p${index}`, `cn: p${index}`, `sn: p${index}`, `mail: p${index}@paged.test`, '');
    lines.push(`dn: uid=sub,${LDAP_PEOPLE}`, 'objectClass: inetOrgPerson', 'uid: sub', 'cn: sub', 'sn: sub', 'mail: sub@west.paged.test', '');
    slapd.add(lines.join('\n'));
    const entries = await withAdmin((admin) => admin.searchBySuffix(LDAP_PEOPLE, 'mail', '@paged.test', ['mail'], 25));
    expect(entries).toHaveLength(120);
    expect(new Set(entries.map((entry) => entry.attributes.mail![0])).size).toBe(120);
    // Each page is its own search request carrying the paged-results control (RFC 2696).
    expect(slapd.log().match(/SRCH base="ou=people,dc=school,dc=test" scope=2 deref=0 filter="\(mail=\*@paged\.test\)"/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('a stopped directory is unavailable (temporary), not a refusal', async () => {
    await slapd.stop();
    try {
      await expect(withAdmin((admin) => admin.add(`uid=down,${LDAP_PEOPLE}`, { objectClass: ['inetOrgPerson'] }))).rejects.toBeInstanceOf(DirectoryUnavailableError);
    } finally {
      await slapd.resume();
    }
  });
});

describe('directory passwords', () => {
  it('a new password becomes {SSHA} that slapd verifies; crypt hashes become {CRYPT}; scrypt has no directory form', () => {
    expect(directoryPassword({ password: 'pw' })).toMatch(/^\{SSHA\}[A-Za-z0-9+/]{38}==$/);
    expect(directoryPassword({ hash: '{SHA512-CRYPT}$6$salt$abc' })).toBe('{CRYPT}$6$salt$abc');
    expect(directoryPassword({ hash: '{SCRYPT}$16384$8$1$c2FsdA==$a2V5' })).toBeNull();
  });
});
