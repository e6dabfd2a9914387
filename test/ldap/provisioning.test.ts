/**
 * Provisioning mode through the REST API against a real slapd, read back with OpenLDAP's own
 * tools: creates, renames, suspensions, passwords and deletes reach the directory in the same
 * operation; a directory that is down or refuses rolls the database back; a commit that fails
 * after the directory write is compensated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';
import { canBind, ldapDelete, ldapModify, ldapsearch } from './ldapsearch.js';

const D1 = 'district1.k12.us';
let api: TestApi;
let people: Districts;
let slapd: TestSlapd;

const entryOf = (address: string) => ldapsearch(slapd, `(mail=${address})`, '*')[0];

beforeAll(async () => {
  [api, slapd] = await Promise.all([startTestApi(), TestSlapd.start()]);
  people = await seedDistricts(api);
  const response = await people.staff.put(`/domains/${D1}/auth-source`, {
    kind: 'ldap',
    urls: [slapd.url],
    bindDn: LDAP_ADMIN_DN,
    bindPassword: LDAP_ADMIN_PASSWORD,
    userBase: LDAP_PEOPLE,
    connectTimeoutMs: 1000,
    operationTimeoutMs: 2000,
    provisioning: true,
    provisionRdnAttribute: 'cn',
  });
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ provisioning: true, provisionRdnAttribute: 'cn', provisionBase: null, provisionObjectClasses: ['inetOrgPerson', 'shadowAccount'] });
  // A commit that fails after the directory write: PostgreSQL checks deferred constraints at COMMIT.
  await api.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_at_commit() RETURNS trigger AS $$ BEGIN
    IF (TG_OP <> 'DELETE' AND NEW."localPart" = 'doomed') OR (TG_OP = 'DELETE' AND OLD."localPart" = 'keeper') THEN RAISE EXCEPTION 'refused at commit'; END IF;
    RETURN NULL; END $$ LANGUAGE plpgsql`);
  await api.prisma.$executeRawUnsafe(
    `CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT OR UPDATE OR DELETE ON "Account" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()`,
  );
});
afterAll(async () => {
  await api?.close();
  await slapd?.close();
});

describe('provisioning writes', () => {
  // The API trims display names; edge spaces in an RDN are covered in directory-admin.test.ts.
  const awkward = '#Lovelace, Ada "Countess" <a+b=c>; back\\slash';
  let dn: string;

  it('a created account becomes an entry with its address, names and an {SSHA} password the directory verifies', async () => {
    const created = await people.staff.post(`/domains/${D1}/accounts`, { localPart: 'ada', password: 'violet-harbor-lamp-1', displayName: awkward });
    expect(created.status).toBe(201);
    const entry = entryOf(`ada@${D1}`)!;
    expect(entry.attributes).toMatchObject({ mail: [`ada@${D1}`], uid: ['ada'], cn: [awkward], sn: [awkward], displayName: [awkward] });
    expect(entry.attributes.objectClass).toEqual(expect.arrayContaining(['inetOrgPerson', 'shadowAccount']));
    expect(entry.attributes.userPassword![0]).toMatch(/^\{SSHA\}/);
    expect(entry.dn).toMatch(/,ou=people,dc=school,dc=test$/);
    dn = (await api.prisma.account.findUniqueOrThrow({ where: { address: `ada@${D1}` } })).ldapDn!;
    expect(canBind(slapd, dn, 'violet-harbor-lamp-1')).toBe(true);
    expect(canBind(slapd, dn, 'wrong-password')).toBe(false);
    const audit = await api.prisma.auditEvent.findMany({ where: { subjectId: `ada@${D1}` } });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.map((event) => [event.before, event.after]))).not.toContain('violet-harbor-lamp-1');
  });

  it('a new display name renames the entry (its RDN is cn), escaped per RFC 4514', async () => {
    const renamed = 'Byron; Ada =#';
    expect((await people.staff.patch(`/accounts/ada@${D1}`, { displayName: renamed })).status).toBe(200);
    const entry = entryOf(`ada@${D1}`)!;
    expect(entry.attributes).toMatchObject({ cn: [renamed], sn: [renamed], displayName: [renamed] });
    const newDn = (await api.prisma.account.findUniqueOrThrow({ where: { address: `ada@${D1}` } })).ldapDn!;
    expect(newDn).toBe(`cn=Byron\\; Ada \\=#,${LDAP_PEOPLE}`);
    expect(canBind(slapd, newDn, 'violet-harbor-lamp-1')).toBe(true);
    expect(canBind(slapd, dn, 'violet-harbor-lamp-1')).toBe(false);
    dn = newDn;
  });

  it('suspension sets shadowExpire, reactivation removes it', async () => {
    expect((await people.staff.patch(`/accounts/ada@${D1}`, { status: 'suspended' })).status).toBe(200);
    expect(entryOf(`ada@${D1}`)!.attributes.shadowExpire).toEqual(['1']);
    expect((await people.staff.patch(`/accounts/ada@${D1}`, { status: 'active' })).status).toBe(200);
    expect(entryOf(`ada@${D1}`)!.attributes.shadowExpire).toBeUndefined();
  });

  it('a new password replaces userPassword; a crypt hash goes as {CRYPT}; scrypt hashes are refused', async () => {
    expect((await people.staff.put(`/accounts/ada@${D1}/password`, { password: 'violet-harbor-lamp-2' })).status).toBe(204);
    expect(canBind(slapd, dn, 'violet-harbor-lamp-2')).toBe(true);
    expect(canBind(slapd, dn, 'violet-harbor-lamp-1')).toBe(false);
    // openssl passwd -6 -salt saltsalt violet-harbor-lamp-3
    const crypt = '{SHA512-CRYPT}$6$saltsalt$WD63Dff7llNZ3CMMyWYbNMfULPGUoqW.8W.Y1MHV6/nEa7zuWRB3vENafzIdcjOhHvhbbvlKYbpaosjQyvWaw/';
    expect((await people.staff.put(`/accounts/ada@${D1}/password`, { passwordHash: crypt })).status).toBe(204);
    expect(entryOf(`ada@${D1}`)!.attributes.userPassword).toEqual([`{CRYPT}${crypt.slice('{SHA512-CRYPT}'.length)}`]);
    expect(canBind(slapd, dn, 'violet-harbor-lamp-3')).toBe(true);
    const scrypt = await people.staff.put(`/accounts/ada@${D1}/password`, { passwordHash: '{SCRYPT}$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=' });
    expect(scrypt.status).toBe(400);
    expect(scrypt.body.errors).toEqual([expect.objectContaining({ field: 'passwordHash' })]);
    expect(entryOf(`ada@${D1}`)!.attributes.userPassword).toEqual([`{CRYPT}${crypt.slice('{SHA512-CRYPT}'.length)}`]);
  });

  it('a deleted account takes its entry with it', async () => {
    expect((await people.staff.delete(`/accounts/ada@${D1}`)).status).toBe(204);
    expect(entryOf(`ada@${D1}`)).toBeUndefined();
  });

  it('a bulk create writes every entry; a directory that is down rolls the whole call back', async () => {
    const rows = ['pia', 'quinn', 'rosa'].map((localPart) => ({ localPart, password: 'tundra-willow-88', displayName: `Pupil ${localPart}` }));
    const created = await people.staff.post(`/domains/${D1}/accounts/bulk`, { accounts: rows });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ created: 3, failed: 0 });
    for (const { localPart } of rows) {
      const entry = entryOf(`${localPart}@${D1}`)!;
      expect(entry.attributes.cn).toEqual([`Pupil ${localPart}`]);
      expect(canBind(slapd, entry.dn, 'tundra-willow-88')).toBe(true);
      expect((await api.prisma.account.findUniqueOrThrow({ where: { address: `${localPart}@${D1}` } })).ldapDn).toBe(`cn=Pupil ${localPart},${LDAP_PEOPLE}`);
    }
    await slapd.stop();
    try {
      const refused = await people.staff.post(`/domains/${D1}/accounts/bulk`, { accounts: [{ localPart: 'sam', password: 'tundra-willow-88' }] });
      expect(refused.status).toBe(503);
    } finally {
      await slapd.resume();
    }
    expect(await api.prisma.account.findUnique({ where: { address: `sam@${D1}` } })).toBeNull();
  });

  it('an account of a local domain never touches the directory', async () => {
    expect((await people.staff.post('/domains/district2.k12.us/accounts', { localPart: 'local', password: 'granite-harbor-lamp-1' })).status).toBe(201);
    expect(ldapsearch(slapd, '(mail=local@district2.k12.us)')).toEqual([]);
  });
});

describe('rollback', () => {
  it('a stopped directory: 503 problem document, nothing written in Schoolmail', async () => {
    expect((await people.staff.post(`/domains/${D1}/accounts`, { localPart: 'grace', password: 'amber-harbor-lamp-1' })).status).toBe(201);
    await slapd.stop();
    try {
      const created = await people.staff.post(`/domains/${D1}/accounts`, { localPart: 'bob', password: 'maple-harbor-lamp-1', displayName: 'Bob' });
      expect(created.status).toBe(503);
      expect(created.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(created.headers.get('retry-after')).toBe('30');
      expect(created.body).toMatchObject({ status: 503, title: 'The directory was unreachable', detail: expect.stringMatching(/^no LDAP server answered/) });
      expect(await api.prisma.account.findUnique({ where: { address: `bob@${D1}` } })).toBeNull();
      expect(await api.prisma.address.findUnique({ where: { address: `bob@${D1}` } })).toBeNull();

      const renamed = await people.staff.patch(`/accounts/grace@${D1}`, { displayName: 'Grace Hopper' });
      expect(renamed.status).toBe(503);
      expect((await api.prisma.account.findUniqueOrThrow({ where: { address: `grace@${D1}` } })).displayName).toBeNull();
      expect((await people.staff.delete(`/accounts/grace@${D1}`)).status).toBe(503);
      expect((await people.staff.put(`/accounts/grace@${D1}/password`, { password: 'amber-harbor-lamp-2' })).status).toBe(503);
    } finally {
      await slapd.resume();
    }
    expect((await people.staff.get(`/accounts/grace@${D1}`)).status).toBe(200);
    const graceDn = (await api.prisma.account.findUniqueOrThrow({ where: { address: `grace@${D1}` } })).ldapDn!;
    expect(canBind(slapd, graceDn, 'amber-harbor-lamp-1')).toBe(true);
    // The address was never claimed: the same create succeeds once the directory is back.
    expect((await people.staff.post(`/domains/${D1}/accounts`, { localPart: 'bob', password: 'maple-harbor-lamp-1', displayName: 'Bob' })).status).toBe(201);
  });

  it('a directory that refuses (the entry exists already): 502, nothing written in Schoolmail', async () => {
    slapd.add(`dn: cn=Taken,${LDAP_PEOPLE}\nobjectClass: inetOrgPerson\ncn: Taken\nsn: Taken\nmail: someone-else@example.org\n`);
    const created = await people.staff.post(`/domains/${D1}/accounts`, { localPart: 'taken', password: 'cobalt-harbor-lamp-1', displayName: 'Taken' });
    expect(created.status).toBe(502);
    expect(created.body).toMatchObject({ title: 'The directory refused the change', detail: expect.stringContaining('LDAP result 68') });
    expect(await api.prisma.account.findUnique({ where: { address: `taken@${D1}` } })).toBeNull();
    expect(ldapsearch(slapd, `(mail=taken@${D1})`)).toEqual([]);
  });

  it('a commit that fails after the directory write: the entry is removed again', async () => {
    const created = await people.staff.post(`/domains/${D1}/accounts`, { localPart: 'doomed', password: 'copper-harbor-lamp-1' });
    expect(created.status).toBe(500);
    expect(await api.prisma.account.findUnique({ where: { address: `doomed@${D1}` } })).toBeNull();
    expect(ldapsearch(slapd, `(mail=doomed@${D1})`)).toEqual([]);
  });

  it('a delete whose commit fails: the entry is added back with its password', async () => {
    expect((await people.staff.post(`/domains/${D1}/accounts`, { localPart: 'keeper', password: 'silver-harbor-lamp-1', displayName: 'Keeper' })).status).toBe(201);
    const before = entryOf(`keeper@${D1}`)!;
    expect((await people.staff.delete(`/accounts/keeper@${D1}`)).status).toBe(500);
    const after = entryOf(`keeper@${D1}`)!;
    expect(after).toEqual(before);
    expect(canBind(slapd, after.dn, 'silver-harbor-lamp-1')).toBe(true);
  });
});

describe('ldap sync, provisioning domain (Schoolmail is the source)', () => {
  it('reports entries without accounts, accounts without entries and differing attributes; apply repairs each, audited', async () => {
    // Out-of-band changes: a stray entry, an entry deleted, a display name changed by hand.
    slapd.add(`dn: uid=stray,${LDAP_PEOPLE}\nobjectClass: inetOrgPerson\nuid: stray\ncn: stray\nsn: stray\nmail: stray@${D1}\n`);
    const bob = entryOf(`bob@${D1}`)!;
    const grace = entryOf(`grace@${D1}`)!;
    ldapDelete(slapd, grace.dn);
    ldapModify(slapd, `dn: ${bob.dn}\nchangetype: modify\nreplace: displayName\ndisplayName: Robert\n`);

    const report = await people.staff.post(`/domains/${D1}/auth-source/sync`, { apply: false });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ domain: D1, direction: 'schoolmail-to-directory', applied: false, remaining: 3 });
    expect(report.body.differences).toEqual([
      { kind: 'attributes', address: `bob@${D1}`, dn: bob.dn, fields: [{ field: 'displayName', schoolmail: 'Bob', directory: 'Robert' }], repair: 'update-entry' },
      { kind: 'only-in-schoolmail', address: `grace@${D1}`, repair: 'create-entry' },
      { kind: 'only-in-directory', address: `stray@${D1}`, dn: `uid=stray,${LDAP_PEOPLE}`, repair: 'delete-entry' },
    ]);
    expect(entryOf(`stray@${D1}`)).toBeDefined();

    const applied = await people.staff.post(`/domains/${D1}/auth-source/sync`, { apply: true });
    expect(applied.body).toMatchObject({ applied: true, remaining: 0 });
    expect(applied.body.differences.map((item: { result: string }) => item.result)).toEqual(['repaired', 'repaired', 'repaired']);
    expect(applied.body.differences[1].note).toMatch(/without a password/);
    expect(entryOf(`stray@${D1}`)).toBeUndefined();
    expect(entryOf(`bob@${D1}`)!.attributes.displayName).toEqual(['Bob']);
    expect(entryOf(`grace@${D1}`)!.attributes).toMatchObject({ mail: [`grace@${D1}`], cn: ['grace'] });
    const audited = await api.prisma.auditEvent.findMany({ where: { action: { startsWith: 'ldap.sync.' } }, orderBy: { id: 'asc' } });
    expect(audited.map((event) => [event.action, event.subjectId])).toEqual([
      ['ldap.sync.update-entry', `bob@${D1}`],
      ['ldap.sync.create-entry', `grace@${D1}`],
      ['ldap.sync.delete-entry', `stray@${D1}`],
    ]);

    expect((await people.staff.post(`/domains/${D1}/auth-source/sync`, {})).body).toMatchObject({ differences: [], remaining: 0 });
  });
});
