/**
 * Renaming a mailbox of a provisioning domain against a real slapd, read back with OpenLDAP's
 * own tools: the entry's mail and uid change and the entry is renamed (modifyDN) when its RDN
 * is uid or mail; a directory that is down or refuses changes nothing in Schoolmail, and a commit
 * that fails afterwards renames the entry back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';
import { canBind, ldapsearch } from './ldapsearch.js';

const D1 = 'district1.k12.us';
const D2 = 'district2.k12.us';
const EAST = 'east.district1.k12.us';
const PASSWORD = 'orchid-harbor-lamp-7';
let api: TestApi;
let people: Districts;
let slapd: TestSlapd;

const entryOf = (address: string) => ldapsearch(slapd, `(mail=${address})`, '*')[0];
const stored = (address: string) => api.prisma.account.findUnique({ where: { address } });
const signIn = (address: string) => api.anonymous.post('/auth/login', { username: address, password: PASSWORD });

async function provision(domain: string, provisionRdnAttribute: 'uid' | 'mail' | 'cn') {
  const source = { kind: 'ldap', urls: [slapd.url], bindDn: LDAP_ADMIN_DN, bindPassword: LDAP_ADMIN_PASSWORD, userBase: LDAP_PEOPLE };
  const timeouts = { connectTimeoutMs: 1000, operationTimeoutMs: 2000, cacheSeconds: 0 };
  const response = await people.staff.put(`/domains/${domain}/auth-source`, { ...source, ...timeouts, provisioning: true, provisionRdnAttribute });
  expect(response.status).toBe(200);
}

async function createAccount(domain: string, localPart: string) {
  expect((await people.staff.post(`/domains/${domain}/accounts`, { localPart, password: PASSWORD, displayName: `Pupil ${localPart}` })).status).toBe(201);
}

beforeAll(async () => {
  [api, slapd] = await Promise.all([startTestApi(), TestSlapd.start()]);
  people = await seedDistricts(api);
  await provision(D2, 'uid');
  await provision(D1, 'mail');
  await provision(EAST, 'cn');
  // A commit that fails after the directory write: PostgreSQL checks deferred constraints at COMMIT.
  await api.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_at_commit() RETURNS trigger AS $$ BEGIN
    IF NEW."localPart" = 'doomed' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NULL; END $$ LANGUAGE plpgsql`);
  await api.prisma.$executeRawUnsafe(
    `CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER UPDATE ON "Account" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()`,
  );
});
afterAll(async () => {
  await api?.close();
  await slapd?.close();
});

describe('rename in a provisioning domain', () => {
  it('RDN uid: the entry is renamed and its mail changed; the owner signs in with the new address through the directory', async () => {
    await createAccount(D2, 'tom');
    expect(entryOf(`tom@${D2}`)!.dn).toBe(`uid=tom,${LDAP_PEOPLE}`);
    expect((await signIn(`tom@${D2}`)).status).toBe(200);

    const renamed = await people.postmaster2.post(`/accounts/tom@${D2}/rename`, { localPart: 'thomas' });
    expect(renamed.status).toBe(200);
    const entry = entryOf(`thomas@${D2}`)!;
    expect(entry.dn).toBe(`uid=thomas,${LDAP_PEOPLE}`);
    expect(entry.attributes).toMatchObject({ mail: [`thomas@${D2}`], uid: ['thomas'], cn: ['Pupil tom'] });
    expect(entryOf(`tom@${D2}`)).toBeUndefined();
    expect(ldapsearch(slapd, '(uid=tom)')).toEqual([]);
    expect((await stored(`thomas@${D2}`))!.ldapDn).toBe(entry.dn);
    expect(canBind(slapd, entry.dn, PASSWORD)).toBe(true);

    const newSignIn = await signIn(`thomas@${D2}`);
    expect(newSignIn.status).toBe(200);
    expect(newSignIn.body.role).toBe('user');
    // The old address is an alias now: it receives mail but is no login.
    expect((await signIn(`tom@${D2}`)).status).toBe(401);
  });

  it('RDN mail: the entry is renamed to the new address', async () => {
    await createAccount(D1, 'ann');
    expect((await people.staff.post(`/accounts/ann@${D1}/rename`, { localPart: 'anne', keepOldAddressAsAlias: false })).status).toBe(200);
    const entry = entryOf(`anne@${D1}`)!;
    expect(entry.dn).toBe(`mail=anne@${D1},${LDAP_PEOPLE}`);
    expect(entry.attributes).toMatchObject({ mail: [`anne@${D1}`], uid: ['anne'] });
    expect(entryOf(`ann@${D1}`)).toBeUndefined();
    expect((await stored(`anne@${D1}`))!.ldapDn).toBe(entry.dn);
    expect((await signIn(`anne@${D1}`)).status).toBe(200);
  });

  it('RDN cn: the entry keeps its DN, its mail and uid change', async () => {
    await createAccount(EAST, 'cy');
    const dn = entryOf(`cy@${EAST}`)!.dn;
    expect((await people.staff.post(`/accounts/cy@${EAST}/rename`, { localPart: 'cyrus' })).status).toBe(200);
    const entry = entryOf(`cyrus@${EAST}`)!;
    expect(entry.dn).toBe(dn);
    expect(entry.attributes).toMatchObject({ mail: [`cyrus@${EAST}`], uid: ['cyrus'], cn: ['Pupil cy'] });
    expect((await stored(`cyrus@${EAST}`))!.ldapDn).toBe(dn);
    expect((await signIn(`cyrus@${EAST}`)).status).toBe(200);
  });
});

describe('rollback and compensation', () => {
  async function expectUnchanged(localPart: string, refusedLocalPart: string) {
    const account = (await stored(`${localPart}@${D2}`))!;
    expect(account).toMatchObject({ version: 1, ldapDn: `uid=${localPart},${LDAP_PEOPLE}` });
    expect(await stored(`${refusedLocalPart}@${D2}`)).toBeNull();
    expect(await api.prisma.address.findUnique({ where: { address: `${localPart}@${D2}` } })).toMatchObject({ kind: 'account' });
    expect(await api.prisma.address.findUnique({ where: { address: `${refusedLocalPart}@${D2}` } })).toBeNull();
    expect(await api.prisma.alias.count({ where: { targets: { has: `${refusedLocalPart}@${D2}` } } })).toBe(0);
    const entry = entryOf(`${localPart}@${D2}`)!;
    expect(entry.dn).toBe(`uid=${localPart},${LDAP_PEOPLE}`);
    expect(entry.attributes.uid).toEqual([localPart]);
    expect(canBind(slapd, entry.dn, PASSWORD)).toBe(true);
  }

  it('a stopped directory: 503 problem document, nothing changed in Schoolmail', async () => {
    await createAccount(D2, 'uma');
    await slapd.stop();
    try {
      const renamed = await people.postmaster2.post(`/accounts/uma@${D2}/rename`, { localPart: 'umar' });
      expect(renamed.status).toBe(503);
      expect(renamed.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(renamed.body).toMatchObject({ status: 503, title: 'The directory was unreachable' });
    } finally {
      await slapd.resume();
    }
    await expectUnchanged('uma', 'umar');
  });

  it('a directory that refuses (an entry with the new RDN exists): 502, nothing changed in Schoolmail', async () => {
    await createAccount(D2, 'vic');
    slapd.add(`dn: uid=victor,${LDAP_PEOPLE}\nobjectClass: inetOrgPerson\nuid: victor\ncn: victor\nsn: victor\nmail: victor@example.org\n`);
    const renamed = await people.postmaster2.post(`/accounts/vic@${D2}/rename`, { localPart: 'victor' });
    expect(renamed.status).toBe(502);
    expect(renamed.body).toMatchObject({ title: 'The directory refused the change', detail: expect.stringContaining('LDAP result 68') });
    await expectUnchanged('vic', 'victor');
  });

  it('a commit that fails after the directory write: the entry is renamed back with its old mail', async () => {
    await createAccount(D2, 'wes');
    const renamed = await people.postmaster2.post(`/accounts/wes@${D2}/rename`, { localPart: 'doomed' });
    expect(renamed.status).toBe(500);
    await expectUnchanged('wes', 'doomed');
    expect(ldapsearch(slapd, '(uid=doomed)')).toEqual([]);
  });
});
