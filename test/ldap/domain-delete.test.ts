/**
 * A provisioning domain deleted with its content (staff, ?force=true) takes its accounts'
 * directory entries with it in the same operation, sub-domains' included, checked with
 * OpenLDAP's own tools against a real slapd; a directory that refuses one entry rolls the
 * whole delete back and puts back the entries already removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';
import { canBind, ldapDelete, ldapsearch } from './ldapsearch.js';

let api: TestApi;
let people: Districts;
let slapd: TestSlapd;

const entryOf = (address: string) => ldapsearch(slapd, `(mail=${address})`, '*')[0];

/**
 * A district provisioned to the directory, with a sub-domain that inherits its source, and
 * mailboxes in each (local parts, the entries' RDNs, unique to the district).
 */
async function provisionedDistrict(name: string) {
  const sub = `annex.${name}`;
  const label = name.split('.')[0];
  for (const domain of [{ name }, { name: sub, parent: name }]) expect((await people.staff.post('/domains', domain)).status).toBe(201);
  const source = await people.staff.put(`/domains/${name}/auth-source`, {
    kind: 'ldap',
    urls: [slapd.url],
    bindDn: LDAP_ADMIN_DN,
    bindPassword: LDAP_ADMIN_PASSWORD,
    userBase: LDAP_PEOPLE,
    connectTimeoutMs: 1000,
    operationTimeoutMs: 2000,
    provisioning: true,
  });
  expect(source.status).toBe(200);
  const addresses = [`ann-${label}@${name}`, `bob-${label}@${name}`, `cy-${label}@${sub}`];
  for (const address of addresses) {
    const [localPart, domain] = address.split('@');
    expect((await people.staff.post(`/domains/${domain}/accounts`, { localPart, password: 'heron-willow-lamp-1' })).status).toBe(201);
    expect(entryOf(address)).toBeDefined();
  }
  return { sub, addresses };
}

beforeAll(async () => {
  [api, slapd] = await Promise.all([startTestApi(), TestSlapd.start()]);
  people = await seedDistricts(api);
});
afterAll(async () => {
  await api?.close();
  await slapd?.close();
});

describe('deleting a provisioning domain with its content', () => {
  it('removes the directory entry of every account, sub-domains included, and nothing else', async () => {
    const { addresses } = await provisionedDistrict('closing.k12.us');
    expect((await people.staff.post('/domains/district2.k12.us/accounts', { localPart: 'stays', password: 'heron-willow-lamp-1' })).status).toBe(201);
    slapd.add(`dn: uid=outsider,${LDAP_PEOPLE}\nobjectClass: inetOrgPerson\nuid: outsider\ncn: outsider\nsn: outsider\nmail: outsider@example.org\n`);

    expect((await people.staff.delete('/domains/closing.k12.us?force=true')).status).toBe(204);

    for (const address of addresses) expect(entryOf(address), address).toBeUndefined();
    expect(entryOf('outsider@example.org')).toBeDefined();
    expect(await api.prisma.domain.count({ where: { name: { endsWith: 'closing.k12.us' } } })).toBe(0);
    expect(await api.prisma.account.count({ where: { address: 'stays@district2.k12.us' } })).toBe(1);
  });

  it('an entry already gone from the directory is no obstacle', async () => {
    const { addresses } = await provisionedDistrict('gone.k12.us');
    ldapDelete(slapd, entryOf(addresses[1]!)!.dn);
    expect((await people.staff.delete('/domains/gone.k12.us?force=true')).status).toBe(204);
    for (const address of addresses) expect(entryOf(address), address).toBeUndefined();
  });

  it('a directory that refuses one entry: 502, the domain and its accounts stay, and the entries removed before it come back', async () => {
    const { sub, addresses } = await provisionedDistrict('refusing.k12.us');
    const [ann, bob, cy] = addresses.map((address) => entryOf(address)!);
    // An entry with a child cannot be deleted (LDAP result 66): bob's, the second one.
    slapd.add(`dn: ou=devices,${bob!.dn}\nobjectClass: organizationalUnit\nou: devices\n`);

    const refused = await people.staff.delete('/domains/refusing.k12.us?force=true');
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ title: 'The directory refused the change', detail: expect.stringContaining('LDAP result 66') });

    expect(entryOf(addresses[0]!)).toEqual(ann);
    expect(canBind(slapd, ann!.dn, 'heron-willow-lamp-1')).toBe(true);
    expect(entryOf(addresses[1]!)).toEqual(bob);
    expect(entryOf(addresses[2]!)).toEqual(cy);
    expect((await people.staff.get(`/domains/${sub}`)).status).toBe(200);
    expect(await api.prisma.account.count({ where: { address: { in: addresses } } })).toBe(3);
    expect(await api.prisma.auditEvent.count({ where: { action: 'account.delete', subjectId: { in: addresses } } })).toBe(0);
  });
});
