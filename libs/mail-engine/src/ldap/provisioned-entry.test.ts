import { describe, expect, it } from 'vitest';
import { changesToMatch, dnOf, isSuspendedEntry, newEntryAttributes, type ProvisioningLayout } from './provisioned-entry.js';

const layout: ProvisioningLayout = {
  base: 'ou=people,dc=school,dc=test',
  rdnAttribute: 'uid',
  objectClasses: ['inetOrgPerson', 'shadowAccount'],
  mailAttribute: 'mail',
  uidAttribute: 'uid',
  displayNameAttribute: 'displayName',
};
const ada = { address: 'ada@school.test', localPart: 'ada', displayName: 'Ada Lovelace', suspended: false };
const today = Math.floor(Date.now() / 86_400_000);

describe('provisioned entries', () => {
  it('names the entry by the chosen RDN attribute, its value escaped', () => {
    expect(dnOf(layout, ada)).toBe('uid=ada,ou=people,dc=school,dc=test');
    expect(dnOf({ ...layout, rdnAttribute: 'mail' }, { ...ada, address: 'a+b@school.test' })).toBe('mail=a\\+b@school.test,ou=people,dc=school,dc=test');
    expect(dnOf({ ...layout, rdnAttribute: 'cn' }, { ...ada, displayName: 'Lovelace, Ada' })).toBe('cn=Lovelace\\, Ada,ou=people,dc=school,dc=test');
    expect(dnOf({ ...layout, rdnAttribute: 'cn' }, { ...ada, displayName: null })).toBe('cn=ada,ou=people,dc=school,dc=test');
  });

  it('a new entry carries the object classes, names, suspension and password; no empty attribute', () => {
    expect(newEntryAttributes(layout, { ...ada, displayName: null, suspended: true }, '{SSHA}x')).toEqual({
      objectClass: ['inetOrgPerson', 'shadowAccount'],
      mail: ['ada@school.test'],
      uid: ['ada'],
      cn: ['ada'],
      sn: ['ada'],
      shadowExpire: ['1'],
      userPassword: ['{SSHA}x'],
    });
  });

  it('changes only what differs, adds missing object classes and never touches the RDN attribute', () => {
    const entry = {
      dn: 'uid=ada,ou=people,dc=school,dc=test',
      attributes: { objectClass: ['inetOrgPerson'], mail: ['ada@school.test'], uid: ['ada'], cn: ['Ada Lovelace'], sn: ['Ada Lovelace'], displayName: ['Countess'] },
    };
    expect(changesToMatch(layout, { ...ada, suspended: true }, entry)).toEqual([
      { operation: 'add', attribute: 'objectClass', values: ['shadowAccount'] },
      { operation: 'replace', attribute: 'displayName', values: ['Ada Lovelace'] },
      { operation: 'replace', attribute: 'shadowExpire', values: ['1'] },
    ]);
    expect(changesToMatch(layout, { ...ada, displayName: null }, entry)).toEqual([
      { operation: 'add', attribute: 'objectClass', values: ['shadowAccount'] },
      { operation: 'replace', attribute: 'cn', values: ['ada'] },
      { operation: 'replace', attribute: 'sn', values: ['ada'] },
      { operation: 'delete', attribute: 'displayName', values: [] },
    ]);
  });

  it('an entry is suspended while its shadowExpire day has come, whoever set it', () => {
    const withExpire = (value?: string) => ({ dn: 'uid=x', attributes: value === undefined ? {} : { ShadowExpire: [value] } });
    expect(isSuspendedEntry(withExpire('1'))).toBe(true);
    expect(isSuspendedEntry(withExpire(String(today)))).toBe(true);
    expect(isSuspendedEntry(withExpire(String(today + 30)))).toBe(false);
    expect(isSuspendedEntry(withExpire('-1'))).toBe(false);
    expect(isSuspendedEntry(withExpire())).toBe(false);
  });
});
