import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { makeAccount, makeGroup } from '../support/acceptance.js';
import { adminWithSets } from '../support/addressing.js';
import { resolveAcceptancePolicy } from '../../libs/mail-engine/src/acceptance/index.js';

const D1 = 'district1.k12.us';
const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';

let api: TestApi;
let people: Districts;
let readOnly: ApiClient;
let studentId: number;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  studentId = (await makeAccount(api.prisma, `student@${WEST}`)).id;
  await makeAccount(api.prisma, `teacher@${EAST}`);
  await makeGroup(api.prisma, `staff@${WEST}`, [studentId]);
  readOnly = await adminWithSets(api, 'policy-reader', [{ name: 'read-domains', domain: D1, permissions: [{ action: 'read', subject: 'Domain' }, { action: 'read', subject: 'Account' }, { action: 'read', subject: 'Group' }] }]);
});
afterAll(() => api?.close());

const policyCount = () => api.prisma.acceptancePolicy.count();
const auditOf = (action: string) => api.prisma.auditEvent.findMany({ where: { action }, orderBy: { id: 'asc' } });

describe('acceptance policies API', () => {
  it('lets staff set the server policy, with normalized entries, ETag and an audit event', async () => {
    const put = await people.staff.put('/policies/server', { whitelistedSenders: ['Alerts@State.gov', '*@Partner.org'], trustedNetworks: ['10.0.0.0/8', '2001:DB8::/32'], maxAttachmentKb: 20000 });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      level: 'server',
      domain: null,
      whitelistedSenders: ['alerts@state.gov', '*@partner.org'],
      trustedNetworks: ['10.0.0.0/8', '2001:db8::/32'],
      maxAttachmentKb: 20000,
      version: 1,
    });
    expect(put.headers.get('etag')).toBe('"1"');
    const again = await people.staff.put('/policies/server', { whitelistedSenders: ['alerts@state.gov'] }, { 'if-match': '"1"' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ whitelistedSenders: ['alerts@state.gov'], trustedNetworks: [], maxAttachmentKb: null, version: 2 });
    const stale = await people.staff.put('/policies/server', {}, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    const audits = await auditOf('policy.create');
    expect(audits.at(-1)).toMatchObject({ subjectType: 'AcceptancePolicy', subjectId: 'server', actorName: 'staff' });
    expect((await auditOf('policy.update')).at(-1)!.before).toMatchObject({ version: 1 });
  });

  it('keeps the server level for staff: a postmaster reads it (200) but may not change it (403)', async () => {
    expect((await people.postmaster1.get('/policies/server')).status).toBe(200);
    const put = await people.postmaster1.put('/policies/server', { whitelistedSenders: ['x@y.example'] });
    expect(put.status).toBe(403);
    expect((await people.postmaster1.delete('/policies/server')).status).toBe(403);
    const graph = await people.postmaster1.graphql(`mutation { setAcceptancePolicy(level: "server", input: { whitelistedSenders: ["x@y.example"] }) { version } }`);
    expect(graph.errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect((await people.staff.get('/policies/server')).body.whitelistedSenders).toEqual(['alerts@state.gov']);
  });

  it('refuses bad patterns and networks naming the entry, and changes nothing', async () => {
    const before = await policyCount();
    const badNetwork = await people.postmaster1.put(`/policies/domains/${D1}`, { trustedNetworks: ['10.0.0.0/8', '192.168.1.0/24', '10.0.0.0/33'] });
    expect(badNetwork.status).toBe(400);
    expect(badNetwork.headers.get('content-type')).toContain('application/problem+json');
    expect(badNetwork.body.errors).toEqual([{ field: 'trustedNetworks.2', message: expect.stringContaining('at most 32') }]);
    const hostBits = await people.postmaster1.put(`/policies/domains/${D1}`, { trustedNetworks: ['10.1.0.0/8'] });
    expect(hostBits.body.errors[0]).toEqual({ field: 'trustedNetworks.0', message: expect.stringContaining('the network is 10.0.0.0/8') });
    const badSender = await people.postmaster1.put(`/policies/domains/${D1}`, { whitelistedSenders: ['ok@partner.org', 'partner.org'] });
    expect(badSender.status).toBe(400);
    expect(badSender.body.errors[0].field).toBe('whitelistedSenders.1');
    const repeated = await people.postmaster1.put(`/policies/domains/${D1}`, { whitelistedSenders: ['@a.example', '@A.example'] });
    expect(repeated.body.errors[0].field).toBe('whitelistedSenders.1');
    const tooMany = await people.postmaster1.put(`/policies/domains/${D1}`, { trustedNetworks: Array.from({ length: 1001 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0]).toMatchObject({ field: 'trustedNetworks', message: expect.stringContaining('1,000') });
    const negative = await people.postmaster1.put(`/policies/domains/${D1}`, { maxAttachmentKb: -5 });
    expect(negative.body.errors[0].field).toBe('maxAttachmentKb');
    const unknown = await people.postmaster1.put(`/policies/domains/${D1}`, { whitelist: [] });
    expect(unknown.status).toBe(400);
    const graph = await people.postmaster1.graphql(`mutation { setAcceptancePolicy(level: "domain", target: "${D1}", input: { trustedNetworks: ["nope"] }) { version } }`);
    expect(graph.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(await policyCount()).toBe(before);
  });

  it('refuses networks wider than an IPv4 /8 or an IPv6 /32 from anyone but staff, naming the entry', async () => {
    const before = await policyCount();
    for (const [client, level] of [
      [people.postmaster1, `domains/${D1}`],
      [people.westAdmin, `accounts/student@${WEST}`],
    ] as const) {
      for (const wide of ['0.0.0.0/0', '8.0.0.0/6', '::/0', '2001::/16', '::ffff:0:0/96', '::/64']) {
        const response = await client.put(`/policies/${level}`, { trustedNetworks: ['10.0.0.0/8', wide] });
        expect(response.status, wide).toBe(400);
        expect(response.body.errors, wide).toEqual([{ field: 'trustedNetworks.1', message: expect.stringContaining('wider than an administrator below platform staff may trust') }]);
      }
    }
    expect(await policyCount()).toBe(before);
    // The widest allowed, and staff anywhere.
    expect((await people.postmaster1.put(`/policies/domains/${EAST}`, { trustedNetworks: ['10.0.0.0/8', '2001:db8::/32', '::ffff:10.0.0.0/104'] })).status).toBe(201);
    expect((await people.staff.put(`/policies/domains/${EAST}`, { trustedNetworks: ['0.0.0.0/0', '::/0'] })).status).toBe(200);
    expect((await people.staff.delete(`/policies/domains/${EAST}`)).status).toBe(204);
  });

  it('lets a postmaster set domain, group and account policies in its subtree, and the engine sees them', async () => {
    const domain = await people.postmaster1.put(`/policies/domains/${D1}`, { trustedNetworks: ['192.0.2.0/24'], maxAttachmentKb: 5000 });
    expect(domain.status).toBe(201);
    expect(domain.body).toMatchObject({ level: 'domain', domain: D1, group: null, account: null });
    const group = await people.westAdmin.put(`/policies/groups/staff@${WEST}`, { whitelistedSenders: ['@publisher.example'] });
    expect(group.status).toBe(201);
    expect(group.body).toMatchObject({ level: 'group', domain: WEST, group: `staff@${WEST}` });
    const account = await people.westAdmin.put(`/policies/accounts/student@${WEST}`, { maxAttachmentKb: 300 });
    expect(account.body).toMatchObject({ level: 'account', domain: WEST, account: `student@${WEST}`, maxAttachmentKb: 300 });

    const decision = await resolveAcceptancePolicy(api.prisma, { clientIp: '192.0.2.9', sender: 'x@y.example', recipientAccountId: studentId });
    // The district's waiver covers its own rules (its limit, the student's 300 KB), not the server's.
    expect(decision).toMatchObject({ skipContentChecks: false, reason: `trusted network 192.0.2.0/24 at domain ${D1}`, maxAttachmentKb: null });
    expect(decision.waivers.map((w) => w.at.level)).toEqual(['domain']);
    const unwaived = await resolveAcceptancePolicy(api.prisma, { clientIp: '198.51.100.1', sender: 'x@y.example', recipientAccountId: studentId });
    expect(unwaived).toMatchObject({ waivers: [], maxAttachmentKb: 300 });
    const viaGroup = await resolveAcceptancePolicy(api.prisma, { clientIp: '198.51.100.1', sender: 'books@publisher.example', recipientAccountId: studentId });
    expect(viaGroup.reason).toBe(`whitelisted sender @publisher.example at group staff@${WEST}`);
  });

  it('answers 404 out of scope and 403 in scope without the right to update the domain', async () => {
    expect((await people.westAdmin.put(`/policies/domains/${D1}`, {})).status).toBe(404);
    expect((await people.westAdmin.get(`/policies/domains/${D1}`)).status).toBe(404);
    expect((await people.westAdmin.put(`/policies/accounts/teacher@${EAST}`, {})).status).toBe(404);
    expect((await people.postmaster2.put(`/policies/groups/staff@${WEST}`, {})).status).toBe(404);
    expect((await people.postmaster2.delete(`/policies/domains/${D1}`)).status).toBe(404);
    expect((await readOnly.get(`/policies/domains/${D1}`)).status).toBe(200);
    expect((await readOnly.put(`/policies/domains/${WEST}`, {})).status).toBe(403);
    expect((await readOnly.put(`/policies/accounts/student@${WEST}`, {})).status).toBe(403);
    const graph404 = await people.postmaster2.graphql(`{ acceptancePolicy(level: "domain", target: "${D1}") { version } }`);
    expect(graph404.errors![0]!.extensions.code).toBe('NOT_FOUND');
    const graph403 = await readOnly.graphql(`mutation { deleteAcceptancePolicy(level: "domain", target: "${D1}") }`);
    expect(graph403.errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect((await people.staff.get(`/policies/domains/${D1}`)).status).toBe(200);
  });

  it('lists what each admin can see, filtered by level, domain, group and account, same in GraphQL', async () => {
    const keys = (items: Array<{ level: string; domain: string | null; group: string | null; account: string | null }>) =>
      items.map((p) => `${p.level}:${p.account ?? p.group ?? p.domain ?? ''}`);
    expect(keys((await people.staff.get('/policies')).body.items)).toEqual(['server:', `domain:${D1}`, `group:staff@${WEST}`, `account:student@${WEST}`]);
    expect(keys((await people.westAdmin.get('/policies')).body.items)).toEqual(['server:', `group:staff@${WEST}`, `account:student@${WEST}`]);
    expect(keys((await people.postmaster2.get('/policies')).body.items)).toEqual(['server:']);
    expect(keys((await people.postmaster1.get(`/policies?domain=${WEST}`)).body.items)).toEqual([`group:staff@${WEST}`, `account:student@${WEST}`]);
    expect(keys((await people.postmaster1.get('/policies?level=domain')).body.items)).toEqual([`domain:${D1}`]);
    expect(keys((await people.postmaster1.get(`/policies?account=student@${WEST}`)).body.items)).toEqual([`account:student@${WEST}`]);
    expect((await people.postmaster2.get(`/policies?domain=${WEST}`)).status).toBe(404);
    const page1 = await people.staff.get('/policies?limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await people.staff.get(`/policies?limit=2&cursor=${page1.body.nextCursor}`);
    expect(keys(page2.body.items)).toEqual([`group:staff@${WEST}`, `account:student@${WEST}`]);
    expect(page2.body.nextCursor).toBeNull();
    const graph = await people.westAdmin.graphql(`{ acceptancePolicies { items { level domain group account whitelistedSenders trustedNetworks maxAttachmentKb version } nextCursor } }`);
    expect(graph.data.acceptancePolicies).toEqual(
      JSON.parse(JSON.stringify((await people.westAdmin.get('/policies')).body, (key, value) => (key === 'createdAt' || key === 'updatedAt' ? undefined : value))),
    );
  });

  it('deletes a policy with If-Match, audited; a second delete is 404', async () => {
    const read = await people.westAdmin.get(`/policies/accounts/student@${WEST}`);
    expect(read.headers.get('etag')).toBe(`"${read.body.version}"`);
    expect((await people.westAdmin.delete(`/policies/accounts/student@${WEST}`, { 'if-match': '"99"' })).status).toBe(412);
    expect((await people.westAdmin.delete(`/policies/accounts/student@${WEST}`, { 'if-match': read.headers.get('etag')! })).status).toBe(204);
    expect((await people.westAdmin.delete(`/policies/accounts/student@${WEST}`)).status).toBe(404);
    expect((await people.westAdmin.get(`/policies/accounts/student@${WEST}`)).status).toBe(404);
    const audit = (await auditOf('policy.delete')).at(-1)!;
    expect(audit).toMatchObject({ actorName: 'westadmin', subjectId: `student@${WEST}`, domainPath: expect.stringMatching(/^\/\d+\/\d+\/$/) });
    const graph = await people.postmaster1.graphql(`mutation { deleteAcceptancePolicy(level: "group", target: "staff@${WEST}") }`);
    expect(graph.data.deleteAcceptancePolicy).toBe(true);
  });

  it('creates once under concurrent first PUTs of the same level', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => people.postmaster1.put(`/policies/domains/${EAST}`, { maxAttachmentKb: 100 })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(await api.prisma.acceptancePolicy.count({ where: { level: 'domain', domainId: (await api.prisma.domain.findUniqueOrThrow({ where: { name: EAST } })).id } })).toBe(1);
  });
});

