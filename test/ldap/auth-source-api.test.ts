/**
 * A domain's authentication source through REST and GraphQL: staff only, validation as
 * problem documents, the bind password sealed and never shown, inheritance by sub-domains,
 * the audit trail, and the "test" operation against a real slapd.
 */
import { loadSecretKey, SealedSecrets } from '@schoolmail/mail-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';

const D1 = 'district1.k12.us';
const WEST = `west.${D1}`;
const path = (domain: string) => `/domains/${domain}/auth-source`;

let api: TestApi;
let people: Districts;
let slapd: TestSlapd;
let source: Record<string, unknown>;

beforeAll(async () => {
  [api, slapd] = await Promise.all([startTestApi(), TestSlapd.start()]);
  people = await seedDistricts(api);
  slapd.addPerson({ uid: 'jane', mail: `jane@${WEST}`, password: 'jane-directory-pw', displayName: 'Jane Doe' });
  source = {
    kind: 'ldap',
    urls: ['ldap://127.0.0.1:1', slapd.url],
    bindDn: LDAP_ADMIN_DN,
    bindPassword: LDAP_ADMIN_PASSWORD,
    userBase: LDAP_PEOPLE,
    userFilter: '(&(objectClass=inetOrgPerson)(mail={address}))',
    connectTimeoutMs: 1000,
    operationTimeoutMs: 1000,
  };
});
afterAll(async () => {
  await api?.close();
  await slapd?.close();
});

describe('REST', () => {
  it('a domain without a source is local', async () => {
    const response = await people.staff.get(path(D1));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ domain: D1, kind: 'local', inheritedFrom: null, version: null });
  });

  it('staff sets an LDAP source with defaults; the bind password is sealed, never shown, and audited without it', async () => {
    const response = await people.staff.put(path(D1), source);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      domain: D1,
      kind: 'ldap',
      inheritedFrom: null,
      urls: source.urls,
      tlsMode: 'none',
      bindDn: LDAP_ADMIN_DN,
      hasBindPassword: true,
      attributes: { mail: 'mail', uid: 'uid', displayName: 'displayName', mailHost: 'mailHost', quota: null },
      cacheSeconds: 60,
      version: 1,
    });
    expect(JSON.stringify(response.body)).not.toContain(LDAP_ADMIN_PASSWORD);
    const stored = await api.prisma.domainAuthSource.findFirstOrThrow({ where: { domain: { name: D1 } } });
    expect(stored.bindPasswordSealed).not.toContain(LDAP_ADMIN_PASSWORD);
    expect(new SealedSecrets(loadSecretKey(api.config.dataDir)).open(stored.bindPasswordSealed!)).toBe(LDAP_ADMIN_PASSWORD);

    // Changing other fields without a password keeps the stored one.
    const changed = await people.staff.put(path(D1), { ...source, bindPassword: undefined, cacheSeconds: 30 });
    expect(changed.body).toMatchObject({ hasBindPassword: true, cacheSeconds: 30, version: 2 });

    const audit = await api.prisma.auditEvent.findMany({ where: { action: 'domain.auth-source.set', subjectId: D1 }, orderBy: { id: 'asc' } });
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit.map((event) => [event.before, event.after]))).not.toMatch(new RegExp(`${LDAP_ADMIN_PASSWORD}|bindPassword"`));
  });

  it('a sub-domain inherits it, and shows from where', async () => {
    const response = await people.staff.get(path(WEST));
    expect(response.body).toMatchObject({ domain: WEST, kind: 'ldap', inheritedFrom: D1, userBase: LDAP_PEOPLE });
  });

  it('tests the service bind and the lookup of an address, and the password when given', async () => {
    const found = await people.staff.post(`${path(WEST)}/test`, { address: `jane@${WEST}`, password: 'jane-directory-pw' });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      reachable: true,
      user: { dn: `uid=jane,${LDAP_PEOPLE}`, attributes: { mail: [`jane@${WEST}`], uid: ['jane'], displayName: ['Jane Doe'] } },
      passwordAccepted: true,
      error: null,
    });
    const wrong = await people.staff.post(`${path(WEST)}/test`, { address: `jane@${WEST}`, password: 'nope' });
    expect(wrong.body).toMatchObject({ reachable: true, passwordAccepted: false });
    const missing = await people.staff.post(`${path(WEST)}/test`, { address: `*)(uid=*@${WEST}` });
    expect(missing.body).toMatchObject({ reachable: true, user: null, passwordAccepted: null });
  });

  it('reports a directory that cannot be reached as a result, not an error', async () => {
    await slapd.stop();
    try {
      const response = await people.staff.post(`${path(D1)}/test`, { address: `jane@${WEST}` });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ reachable: false, user: null });
      expect(response.body.error).toMatch(/no LDAP server answered/);
    } finally {
      await slapd.resume();
    }
  });

  it('answers invalid input with a problem document naming each field', async () => {
    const response = await people.staff.put(path(D1), {
      kind: 'ldap',
      urls: ['http://directory.example'],
      userFilter: '(mail=*)',
      connectTimeoutMs: 5,
      cacheSeconds: -1,
      colour: 'red',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const fields = response.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['urls.0', 'userBase', 'userFilter', 'connectTimeoutMs', 'cacheSeconds']));
    const injected = await people.staff.put(path(D1), { ...source, userFilter: '(mail=*{local}*)' });
    expect(injected.body.errors).toEqual([expect.objectContaining({ field: 'userFilter', message: expect.stringMatching(/equality match/) })]);
    const mismatch = await people.staff.put(path(D1), { ...source, tlsMode: 'ldaps' });
    expect(mismatch.body.errors.map((e: { field: string }) => e.field)).toEqual(['urls.0', 'urls.1']);
  });

  it('is for staff only: a postmaster in scope gets 403, out of scope 404', async () => {
    expect((await people.postmaster1.get(path(D1))).status).toBe(403);
    expect((await people.postmaster1.put(path(D1), source)).status).toBe(403);
    expect((await people.postmaster2.get(path(D1))).status).toBe(404);
    expect((await people.postmaster2.delete(path(D1))).status).toBe(404);
  });

  it('deleting the own source makes the domain local again (and its sub-domains)', async () => {
    expect((await people.staff.delete(path(D1))).status).toBe(204);
    expect((await people.staff.get(path(WEST))).body).toMatchObject({ kind: 'local', inheritedFrom: null });
    expect((await people.staff.delete(path(D1))).status).toBe(404);
    expect(await api.prisma.auditEvent.count({ where: { action: 'domain.auth-source.delete', subjectId: D1 } })).toBe(1);
  });
});

describe('GraphQL', () => {
  it('sets, reads, tests and deletes a source', async () => {
    const set = await people.staff.graphql(
      `mutation ($input: AuthSourceInput!) { setDomainAuthSource(domain: "${WEST}", input: $input) { kind urls hasBindPassword cacheSeconds } }`,
      { input: { ...source, cacheSeconds: 5 } },
    );
    expect(set.errors).toBeUndefined();
    expect(set.data.setDomainAuthSource).toEqual({ kind: 'ldap', urls: source.urls, hasBindPassword: true, cacheSeconds: 5 });
    const read = await people.staff.graphql(`{ domainAuthSource(domain: "${WEST}") { kind inheritedFrom userFilter attributes { mail } } }`);
    expect(read.data.domainAuthSource).toEqual({ kind: 'ldap', inheritedFrom: null, userFilter: source.userFilter, attributes: { mail: 'mail' } });
    const tested = await people.staff.graphql(`mutation { testDomainAuthSource(domain: "${WEST}", address: "jane@${WEST}") { reachable user { dn attributes { name values } } } }`);
    expect(tested.data.testDomainAuthSource.reachable).toBe(true);
    expect(tested.data.testDomainAuthSource.user.attributes).toContainEqual({ name: 'uid', values: ['jane'] });
    const invalid = await people.staff.graphql(`mutation { setDomainAuthSource(domain: "${WEST}", input: { kind: "ldap", urls: [], userBase: "" }) { kind } }`);
    expect(invalid.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const forbidden = await people.postmaster1.graphql(`{ domainAuthSource(domain: "${WEST}") { kind } }`);
    expect(forbidden.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const removed = await people.staff.graphql(`mutation { deleteDomainAuthSource(domain: "${WEST}") }`);
    expect(removed.data.deleteDomainAuthSource).toBe(true);
  });
});

describe('console sign-in of a mailbox owner in an LDAP domain', () => {
  const D2 = 'district2.k12.us';

  it('takes the directory password, not the local one, and fails temporarily while the directory is down', async () => {
    expect((await people.staff.put(path(D2), { ...source, cacheSeconds: 0 })).status).toBe(200);
    expect((await people.postmaster2.post(`/domains/${D2}/accounts`, { localPart: 'kim', password: 'local-secret-2026-qz' })).status).toBe(201);
    slapd.addPerson({ uid: 'kim', mail: `kim@${D2}`, password: 'kim-directory-pw' });
    const signIn = (password: string) => api.anonymous.post('/auth/login', { username: `kim@${D2}`, password });

    const signedIn = await signIn('kim-directory-pw');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.role).toBe('user');
    expect((await signIn('local-secret-2026-qz')).status).toBe(401);

    await slapd.stop();
    try {
      const down = await signIn('kim-directory-pw');
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('30');
      expect(down.body.detail).toMatch(/^sign-in is not possible right now/);
    } finally {
      await slapd.resume();
    }
  });
});
