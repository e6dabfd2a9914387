/**
 * `ldap sync` for a domain whose directory is the source (no provisioning), over REST and
 * GraphQL, and who may manage an authentication source: staff, and a domain's postmaster
 * only where staff set postmasterMayManage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';
import { ldapModify } from './ldapsearch.js';

const D1 = 'district1.k12.us';
const WEST = `west.${D1}`;
const D2 = 'district2.k12.us';
const sourcePath = (domain: string) => `/domains/${domain}/auth-source`;

let api: TestApi;
let people: Districts;
let slapd: TestSlapd;
let source: Record<string, unknown>;

function person(uid: string, domain: string, extra: string[] = []) {
  slapd.add([`dn: uid=${uid},${LDAP_PEOPLE}`, 'objectClass: inetOrgPerson', 'objectClass: shadowAccount', `uid: ${uid}`, `cn: ${uid}`, `sn: ${uid}`, `mail: ${uid}@${domain}`, ...extra, ''].join('\n'));
}

beforeAll(async () => {
  [api, slapd] = await Promise.all([startTestApi(), TestSlapd.start()]);
  people = await seedDistricts(api);
  source = { kind: 'ldap', urls: [slapd.url], bindDn: LDAP_ADMIN_DN, bindPassword: LDAP_ADMIN_PASSWORD, userBase: LDAP_PEOPLE, connectTimeoutMs: 1000, operationTimeoutMs: 2000 };
  expect((await people.staff.put(sourcePath(D2), source)).status).toBe(200);
  person('new', D2, ['displayName: New Pupil']);
  person('expired', D2, ['shadowExpire: 1']);
  person('renamed', D2, ['displayName: Name In Directory']);
  person('elsewhere', D1);
  for (const [localPart, displayName] of [
    ['gone', 'Gone'],
    ['renamed', 'Old Name'],
  ]) {
    expect((await people.staff.post(`/domains/${D2}/accounts`, { localPart, password: 'orchid-meadow-17', displayName })).status).toBe(201);
  }
});
afterAll(async () => {
  await api?.close();
  await slapd?.close();
});

describe('directory is the source', () => {
  it('reports both directions and the attribute differences without changing anything', async () => {
    const report = await people.staff.post(`${sourcePath(D2)}/sync`, { apply: false });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ domain: D2, source: D2, direction: 'directory-to-schoolmail', applied: false, directoryEntries: 3, accounts: 2, remaining: 4 });
    expect(report.body.differences).toEqual([
      { kind: 'only-in-directory', address: `expired@${D2}`, dn: `uid=expired,${LDAP_PEOPLE}`, repair: 'create-account' },
      { kind: 'only-in-schoolmail', address: `gone@${D2}`, repair: 'suspend-account' },
      { kind: 'only-in-directory', address: `new@${D2}`, dn: `uid=new,${LDAP_PEOPLE}`, repair: 'create-account' },
      {
        kind: 'attributes',
        address: `renamed@${D2}`,
        dn: `uid=renamed,${LDAP_PEOPLE}`,
        fields: [{ field: 'displayName', schoolmail: 'Old Name', directory: 'Name In Directory' }],
        repair: 'update-account',
      },
    ]);
    expect(await api.prisma.account.count({ where: { domain: { name: D2 } } })).toBe(2);
  });

  it('apply creates, suspends and updates accounts, each audited and announced to webhooks; a second run finds nothing', async () => {
    const hook = await people.staff.post('/webhooks', { url: 'https://cms.example/accounts', events: ['account.*'] });
    expect(hook.status).toBe(201);
    const applied = await people.staff.post(`${sourcePath(D2)}/sync`, { apply: true });
    expect(applied.body).toMatchObject({ applied: true, remaining: 0 });
    const accounts = await api.prisma.account.findMany({ where: { domain: { name: D2 } }, orderBy: { address: 'asc' }, select: { address: true, displayName: true, status: true, ldapDn: true } });
    expect(accounts).toEqual([
      { address: `expired@${D2}`, displayName: null, status: 'suspended', ldapDn: `uid=expired,${LDAP_PEOPLE}` },
      { address: `gone@${D2}`, displayName: 'Gone', status: 'suspended', ldapDn: null },
      { address: `new@${D2}`, displayName: 'New Pupil', status: 'active', ldapDn: `uid=new,${LDAP_PEOPLE}` },
      { address: `renamed@${D2}`, displayName: 'Name In Directory', status: 'active', ldapDn: `uid=renamed,${LDAP_PEOPLE}` },
    ]);
    // The new mailbox is complete: its address is claimed and its folders exist.
    expect((await people.staff.post(`/domains/${D2}/aliases`, { localPart: 'new', targets: [`renamed@${D2}`] })).status).toBe(409);
    expect(await api.prisma.mailboxFolder.count({ where: { account: { address: `new@${D2}` } } })).toBeGreaterThan(0);
    const audited = await api.prisma.auditEvent.findMany({ where: { action: { startsWith: 'ldap.sync.' } }, orderBy: { subjectId: 'asc' } });
    expect(audited.map((event) => [event.action, event.subjectId])).toEqual([
      ['ldap.sync.create-account', `expired@${D2}`],
      ['ldap.sync.suspend-account', `gone@${D2}`],
      ['ldap.sync.create-account', `new@${D2}`],
      ['ldap.sync.update-account', `renamed@${D2}`],
    ]);
    // The provider's CMS hears of them as of accounts changed through the API.
    const announced = await api.prisma.webhookDelivery.findMany({ where: { webhookId: hook.body.id }, orderBy: { id: 'asc' }, select: { event: true, payload: true } });
    expect(announced.map(({ event, payload }) => [event, (payload as { subject: { id: string } }).subject.id]).sort()).toEqual(
      [
        ['account.created', `expired@${D2}`],
        ['account.created', `new@${D2}`],
        ['account.updated', `gone@${D2}`],
        ['account.updated', `renamed@${D2}`],
      ].sort(),
    );
    expect((await people.staff.post(`${sourcePath(D2)}/sync`, {})).body).toMatchObject({ differences: [], remaining: 0 });
  });

  it('a suspension lifted in the directory reactivates the account', async () => {
    ldapModify(slapd, `dn: uid=expired,${LDAP_PEOPLE}\nchangetype: modify\ndelete: shadowExpire\n`);
    const applied = await people.staff.post(`${sourcePath(D2)}/sync`, { apply: true });
    expect(applied.body.differences).toEqual([
      expect.objectContaining({ address: `expired@${D2}`, fields: [{ field: 'suspended', schoolmail: true, directory: false }], result: 'repaired' }),
    ]);
    expect((await api.prisma.account.findUniqueOrThrow({ where: { address: `expired@${D2}` } })).status).toBe('active');
  });

  it('GraphQL gives the same report', async () => {
    ldapModify(slapd, `dn: uid=new,${LDAP_PEOPLE}\nchangetype: modify\nreplace: displayName\ndisplayName: Newer Name\n`);
    const result = await people.staff.graphql(
      `mutation { syncDomainAuthSource(domain: "${D2}") { direction applied remaining differences { kind address dn repair fields { field schoolmail directory } result } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.syncDomainAuthSource).toEqual({
      direction: 'directory-to-schoolmail',
      applied: false,
      remaining: 1,
      differences: [
        { kind: 'attributes', address: `new@${D2}`, dn: `uid=new,${LDAP_PEOPLE}`, repair: 'update-account', fields: [{ field: 'displayName', schoolmail: 'New Pupil', directory: 'Newer Name' }], result: null },
      ],
    });
  });

  it('a directory that is down answers 503; a local domain answers 409', async () => {
    await slapd.stop();
    try {
      const response = await people.staff.post(`${sourcePath(D2)}/sync`, { apply: true });
      expect(response.status).toBe(503);
      expect(response.body.title).toBe('The directory was unreachable');
    } finally {
      await slapd.resume();
    }
    expect((await people.staff.post(`${sourcePath(D1)}/sync`, {})).status).toBe(409);
    expect((await people.staff.post(`${sourcePath(D2)}/sync`, { apply: 'yes' })).status).toBe(400);
  });

  it('a repair that fails is reported with its reason and still counts; the others are done', async () => {
    expect((await people.staff.post(`/domains/${D2}/aliases`, { localPart: 'clash', targets: [`renamed@${D2}`] })).status).toBe(201);
    person('clash', D2);
    const applied = await people.staff.post(`${sourcePath(D2)}/sync`, { apply: true });
    expect(applied.body.remaining).toBe(1);
    expect(applied.body.differences).toEqual([
      expect.objectContaining({ address: `clash@${D2}`, repair: 'create-account', result: 'failed', error: expect.stringMatching(/^Conflict: .*already used by an alias/) }),
      expect.objectContaining({ address: `new@${D2}`, repair: 'update-account', result: 'repaired' }),
    ]);
    expect(await api.prisma.auditEvent.count({ where: { action: 'ldap.sync.create-account', subjectId: `clash@${D2}` } })).toBe(0);
  });
});

describe('who manages a source', () => {
  it('a postmaster gets 403 until staff allows it, then may read, change, test and sync its own source', async () => {
    expect((await people.postmaster2.get(sourcePath(D2))).status).toBe(403);
    expect((await people.postmaster2.post(`${sourcePath(D2)}/sync`, {})).status).toBe(403);
    expect((await people.staff.put(sourcePath(D2), { ...source, bindPassword: undefined, postmasterMayManage: true })).body).toMatchObject({ postmasterMayManage: true, hasBindPassword: true });

    expect((await people.postmaster2.get(sourcePath(D2))).body).toMatchObject({ kind: 'ldap', postmasterMayManage: true });
    const read = await people.postmaster2.graphql(`{ domainAuthSource(domain: "${D2}") { provisioning provisionRdnAttribute provisionObjectClasses postmasterMayManage } }`);
    expect(read.data.domainAuthSource).toEqual({ provisioning: false, provisionRdnAttribute: 'uid', provisionObjectClasses: ['inetOrgPerson', 'shadowAccount'], postmasterMayManage: true });
    const flagByGraphql = await people.postmaster2.graphql(
      `mutation ($input: AuthSourceInput!) { setDomainAuthSource(domain: "${D2}", input: $input) { postmasterMayManage } }`,
      { input: { kind: 'ldap', urls: [slapd.url], userBase: LDAP_PEOPLE, bindDn: LDAP_ADMIN_DN, postmasterMayManage: false } },
    );
    expect(flagByGraphql.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const changed = await people.postmaster2.put(sourcePath(D2), { ...source, bindPassword: undefined, cacheSeconds: 30 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ cacheSeconds: 30, postmasterMayManage: true, hasBindPassword: true });
    expect((await people.postmaster2.post(`${sourcePath(D2)}/test`, { address: `new@${D2}` })).body).toMatchObject({ reachable: true });
    expect((await people.postmaster2.post(`${sourcePath(D2)}/sync`, {})).status).toBe(200);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'domain.auth-source.set', subjectId: D2 }, orderBy: { id: 'desc' } });
    expect(audit.actorName).toBe('pm2');
  });

  it('the flag itself, deleting a source and creating one stay with staff', async () => {
    const revoke = await people.postmaster2.put(sourcePath(D2), { ...source, bindPassword: undefined, postmasterMayManage: false });
    expect(revoke.status).toBe(403);
    expect((await people.postmaster2.delete(sourcePath(D2))).status).toBe(403);
    expect((await people.postmaster1.put(sourcePath(D1), source)).status).toBe(403);
    expect((await api.prisma.domainAuthSource.findFirstOrThrow({ where: { domain: { name: D2 } } })).postmasterMayManage).toBe(true);
  });

  it('out of scope is 404; a sub-domain admin may not manage the parent source its domain inherits', async () => {
    expect((await people.postmaster1.get(sourcePath(D2))).status).toBe(404);
    expect((await people.postmaster1.post(`${sourcePath(D2)}/sync`, {})).status).toBe(404);
    expect((await people.staff.put(sourcePath(D1), { ...source, postmasterMayManage: true })).status).toBe(200);
    expect((await people.postmaster1.post(`${sourcePath(WEST)}/sync`, {})).status).toBe(200);
    expect((await people.westAdmin.get(sourcePath(WEST))).status).toBe(403);
    expect((await people.westAdmin.post(`${sourcePath(WEST)}/sync`, {})).status).toBe(403);
    const graphql = await people.westAdmin.graphql(`mutation { syncDomainAuthSource(domain: "${WEST}") { remaining } }`);
    expect(graphql.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
