import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSION_REGISTRY } from '@schoolmail/rbac';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { createAdmin, PASSWORD, seedDistricts, type Districts } from '../support/fixtures.js';

let api: TestApi;
let people: Districts;

const FILTERS_AND_USERS = [
  { action: 'read', subject: 'Account' },
  { action: 'create', subject: 'Account' },
  { action: 'update', subject: 'Account' },
  { action: 'read', subject: 'WordList' },
  { action: 'create', subject: 'WordList' },
  { action: 'update', subject: 'WordList' },
  { action: 'delete', subject: 'WordList' },
  { action: 'read', subject: 'Domain' },
];

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
});
afterAll(() => api?.close());

describe('custom permission sets', () => {
  let filters: ApiClient;

  it('lets staff create a platform-wide set that gives exactly its permissions over a subtree', async () => {
    const created = await people.staff.post('/permission-sets', { name: 'filters-and-users', description: 'Filters and mailboxes only', permissions: FILTERS_AND_USERS });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'filters-and-users', description: 'Filters and mailboxes only', permissions: FILTERS_AND_USERS, domain: null });
    expect((await people.staff.get('/audit-events?action=permission-set.create')).body.items[0]).toMatchObject({ subjectId: 'filters-and-users' });

    const admin = (await people.staff.post('/admins', { username: 'filters', password: 'filters-password-1' })).body;
    const assigned = await people.staff.post(`/admins/${admin.id}/assignments`, { permissionSet: 'filters-and-users', domain: 'west.district1.k12.us' });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ role: null, permissionSet: 'filters-and-users', domain: 'west.district1.k12.us' });

    filters = await api.login('filters', 'filters-password-1');
    expect((await filters.get('/auth/me')).body.role).toBe('set:filters-and-users');
    expect((await filters.get('/domains')).body.items.map((d: { name: string }) => d.name)).toEqual(['west.district1.k12.us']);
    expect((await filters.get('/domains/district2.k12.us')).status).toBe(404);
    expect((await filters.get('/domains/west.district1.k12.us/accounts')).status).toBe(200);
    const account = await filters.post('/domains/west.district1.k12.us/accounts', { localPart: 'pupil', password: 'filter-kite-pass-1' });
    expect(account.status).toBe(201);
    expect(account.body.address).toBe('pupil@west.district1.k12.us');
    // In scope, but the set does not hold these rights.
    expect((await filters.patch('/domains/west.district1.k12.us', { status: 'suspended' })).status).toBe(403);
    expect((await filters.post('/domains/west.district1.k12.us/aliases', { localPart: 'office', targets: ['pupil@west.district1.k12.us'] })).status).toBe(403);
    expect((await filters.delete('/accounts/pupil@west.district1.k12.us')).status).toBe(403);
    const graphql = await filters.graphql('mutation { updateDomain(name: "west.district1.k12.us", input: { status: "suspended" }) { name } }');
    expect(graphql.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const wordList = await filters.post('/word-lists', { name: 'west words', scope: 'domain', domain: 'west.district1.k12.us', entries: ['badword'] });
    expect(wordList.status).toBe(201);
    expect((await api.prisma.domain.findUniqueOrThrow({ where: { name: 'west.district1.k12.us' } })).status).toBe('active');
  });

  it('validates the permissions with the registry, naming permissions.N', async () => {
    const cases: Array<[unknown, string, string]> = [
      [[{ action: 'update', subject: 'AuditEvent' }], 'permissions.0', 'update:AuditEvent is not a known permission'],
      [[{ action: 'read', subject: 'Account' }, { action: 'create', subject: 'Alias' }], 'permissions.1', 'create:Alias requires read:Alias'],
      [[], 'permissions', 'a permission set needs at least one permission'],
    ];
    for (const [permissions, field, message] of cases) {
      const response = await people.staff.post('/permission-sets', { name: 'broken', permissions });
      expect(response.status, JSON.stringify(permissions)).toBe(400);
      expect(response.body.errors).toContainEqual({ field, message });
    }
    const badName = await people.staff.post('/permission-sets', { name: 'no spaces here', permissions: [{ action: 'read', subject: 'Account' }] });
    expect(badName.body.errors[0].field).toBe('name');
    const duplicate = await people.staff.post('/permission-sets', { name: 'filters-and-users', permissions: [{ action: 'read', subject: 'Account' }] });
    expect(duplicate.status).toBe(409);
    const graphql = await people.staff.graphql('mutation { createPermissionSet(input: { name: "broken", permissions: [{ action: "update", subject: "AuditEvent" }] }) { name } }');
    expect(graphql.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', errors: [{ field: 'permissions.0', message: 'update:AuditEvent is not a known permission' }] });
    expect(await api.prisma.permissionSet.count({ where: { name: 'broken' } })).toBe(0);
  });

  it('makes a non-staff author own the set by a domain of its scope', async () => {
    const missing = await people.postmaster1.post('/permission-sets', { name: 'd1-readers', permissions: [{ action: 'read', subject: 'Account' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('domain');
    const elsewhere = await people.postmaster1.post('/permission-sets', { name: 'd1-readers', domain: 'district2.k12.us', permissions: [{ action: 'read', subject: 'Account' }] });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors[0]).toEqual({ field: 'domain', message: 'unknown domain "district2.k12.us"' });
    const created = await people.postmaster1.post('/permission-sets', { name: 'd1-readers', domain: 'district1.k12.us', permissions: [{ action: 'read', subject: 'Account' }, { action: 'read', subject: 'Domain' }] });
    expect(created.status).toBe(201);
    expect(created.body.domain).toBe('district1.k12.us');
    // Sets owned by district1 are district1's business; platform sets are visible to every admin.
    expect((await people.postmaster2.get('/permission-sets/d1-readers')).status).toBe(404);
    expect((await people.postmaster2.get('/permission-sets')).body.items.map((s: { name: string }) => s.name)).toEqual(['filters-and-users']);
    expect((await people.postmaster1.get('/permission-sets')).body.items.map((s: { name: string }) => s.name)).toEqual(['d1-readers', 'filters-and-users']);
    expect((await people.postmaster2.patch('/permission-sets/filters-and-users', { description: 'mine now' })).status).toBe(403);
    // A district set applies only inside its district, even for staff.
    const target = await createAdmin(api, 'd2-reader', []);
    const outside = await people.staff.post(`/admins/${target.id}/assignments`, { permissionSet: 'd1-readers', domain: 'district2.k12.us' });
    expect(outside.status).toBe(400);
    expect(outside.body.errors[0].field).toBe('domain');
    expect((await people.westAdmin.post(`/admins/${target.id}/assignments`, { permissionSet: 'd1-readers', domain: 'west.district1.k12.us' })).status).toBe(404);
  });

  it('lets an author put in a set, and grant, only the rights it holds', async () => {
    const delegatorSet = await people.staff.post('/permission-sets', {
      name: 'delegator',
      permissions: [
        { action: 'read', subject: 'Account' },
        { action: 'read', subject: 'Admin' },
        { action: 'read', subject: 'RoleAssignment' },
        { action: 'create', subject: 'RoleAssignment' },
        { action: 'read', subject: 'PermissionSet' },
        { action: 'create', subject: 'PermissionSet' },
        { action: 'read', subject: 'Domain' },
      ],
    });
    expect(delegatorSet.status).toBe(201);
    await createAdmin(api, 'delegator', [{ permissionSet: 'delegator', domain: 'west.district1.k12.us' }]);
    const delegator = await api.login('delegator', PASSWORD);

    const tooMuch = await delegator.post('/permission-sets', { name: 'west-editors', domain: 'west.district1.k12.us', permissions: [{ action: 'read', subject: 'Domain' }, { action: 'update', subject: 'Domain' }] });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.detail).toContain('update:Domain');
    const readers = await delegator.post('/permission-sets', { name: 'west-readers', domain: 'west.district1.k12.us', permissions: [{ action: 'read', subject: 'Account' }] });
    expect(readers.status).toBe(201);

    const filtersId = (await api.prisma.admin.findUniqueOrThrow({ where: { username: 'filters' } })).id;
    const beyond = await delegator.post(`/admins/${filtersId}/assignments`, { permissionSet: 'filters-and-users', domain: 'west.district1.k12.us' });
    expect(beyond.status).toBe(403);
    expect(beyond.body.detail).toBe('you cannot grant a right you do not hold or a scope wider than yours');
    expect((await delegator.post(`/admins/${filtersId}/assignments`, { permissionSet: 'west-readers', domain: 'west.district1.k12.us' })).status).toBe(201);
    expect((await delegator.post(`/admins/${filtersId}/assignments`, { role: 'subdomain-admin', domain: 'west.district1.k12.us' })).status).toBe(403);
  });

  it('annotates the registry with what the actor could grant', async () => {
    const forStaff = await people.staff.get('/permissions');
    expect(forStaff.status).toBe(200);
    expect(forStaff.body.items).toHaveLength(PERMISSION_REGISTRY.length);
    expect(forStaff.body.items.every((p: { grantable: boolean }) => p.grantable)).toBe(true);
    expect(forStaff.body.items.find((p: { action: string; subject: string }) => p.action === 'update' && p.subject === 'Account')).toMatchObject({
      description: expect.any(String),
      requires: [{ action: 'read', subject: 'Account' }],
    });
    const forFilters = await filters.get('/permissions');
    const grantable = forFilters.body.items.filter((p: { grantable: boolean }) => p.grantable).map((p: { action: string; subject: string }) => ({ action: p.action, subject: p.subject }));
    expect(grantable).toEqual(expect.arrayContaining(FILTERS_AND_USERS));
    expect(grantable).not.toContainEqual({ action: 'update', subject: 'Domain' });
    expect(grantable).not.toContainEqual({ action: 'create', subject: 'Alias' });
    const graphql = await filters.graphql('{ permissions { action subject grantable requires { action subject } } }');
    expect(graphql.data.permissions.map((p: { action: string; subject: string; grantable: boolean }) => `${p.action}:${p.subject}:${p.grantable}`)).toEqual(
      forFilters.body.items.map((p: { action: string; subject: string; grantable: boolean }) => `${p.action}:${p.subject}:${p.grantable}`),
    );
  });

  it('updates a set, refuses to delete one in use (409), and deletes an unused one', async () => {
    const updated = await people.staff.patch('/permission-sets/filters-and-users', { description: 'Filters, mailboxes' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ description: 'Filters, mailboxes', permissions: FILTERS_AND_USERS });
    const inUse = await people.staff.delete('/permission-sets/filters-and-users');
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toContain('1 assignment(s)');
    const graphqlInUse = await people.staff.graphql('mutation { deletePermissionSet(name: "filters-and-users") }');
    expect(graphqlInUse.errors?.[0]?.extensions.code).toBe('CONFLICT');

    const created = await people.staff.graphql(
      'mutation { createPermissionSet(input: { name: "short-lived", domain: "district2.k12.us", permissions: [{ action: "read", subject: "Account" }] }) { name domain permissions { action subject } } }',
    );
    expect(created.data.createPermissionSet).toEqual({ name: 'short-lived', domain: 'district2.k12.us', permissions: [{ action: 'read', subject: 'Account' }] });
    const listed = await people.postmaster2.graphql('{ permissionSets { items { name domain } nextCursor } }');
    expect(listed.data.permissionSets.items.map((s: { name: string }) => s.name)).toEqual(['delegator', 'filters-and-users', 'short-lived']);
    expect((await people.postmaster1.delete('/permission-sets/short-lived')).status).toBe(404);
    expect((await people.postmaster2.delete('/permission-sets/short-lived')).status).toBe(204);
    expect((await people.staff.get('/permission-sets/short-lived')).status).toBe(404);
    expect((await people.staff.get('/audit-events?action=permission-set.delete')).body.items[0]).toMatchObject({ actorName: 'pm2', subjectId: 'short-lived' });
  });
});
