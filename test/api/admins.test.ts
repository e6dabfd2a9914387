import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';

let api: TestApi;
let people: Districts;

const NEW_PASSWORD = 'a-long-password-1';

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
});
afterAll(() => api?.close());

async function newAdmin(by: ApiClient, username: string) {
  const created = await by.post('/admins', { username, password: NEW_PASSWORD });
  if (created.status !== 201) throw new Error(`create ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body as { id: number; username: string; version: number };
}

const domainNames = async (client: ApiClient) => (await client.get('/domains')).body.items.map((d: { name: string }) => d.name);
const adminId = async (username: string) => (await api.prisma.admin.findUniqueOrThrow({ where: { username } })).id;

describe('administrators and delegation', () => {
  it('lets a postmaster create an admin and make it sub-domain admin of west; the new admin sees only west', async () => {
    const created = await people.postmaster1.post('/admins', { username: 'West.Helper', password: NEW_PASSWORD, displayName: 'West helper' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'west.helper', displayName: 'West helper', disabled: false, assignments: [], version: 1 });
    expect(JSON.stringify(created.body)).not.toMatch(/passwordHash|SCRYPT/);
    expect(created.headers.get('etag')).toBe('"1"');

    const assigned = await people.postmaster1.post(`/admins/${created.body.id}/assignments`, { role: 'subdomain-admin', domain: 'west.district1.k12.us' });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ role: 'subdomain-admin', permissionSet: null, domain: 'west.district1.k12.us' });
    const stored = await api.prisma.roleAssignment.findUniqueOrThrow({ where: { id: assigned.body.id } });
    expect(stored).toMatchObject({ role: 'subdomain_admin', grantedById: await adminId('pm1') });

    const helper = await api.login('west.helper', NEW_PASSWORD);
    expect(await domainNames(helper)).toEqual(['west.district1.k12.us']);
    expect((await helper.get('/domains/east.district1.k12.us')).status).toBe(404);

    const read = await people.postmaster1.get(`/admins/${created.body.id}`);
    expect(read.body.assignments).toEqual([assigned.body]);
    const audit = await people.postmaster1.get('/audit-events?action=assignment.create');
    expect(audit.body.items[0]).toMatchObject({ actorName: 'pm1', subjectType: 'RoleAssignment', subjectId: String(assigned.body.id) });
    expect((await people.postmaster1.get('/audit-events?action=admin.create')).body.items[0]).toMatchObject({ actorName: 'pm1', subjectId: String(created.body.id) });
  });

  it('refuses to let a postmaster grant postmaster or staff (403), and writes nothing', async () => {
    const target = await newAdmin(people.postmaster1, 'hopeful');
    const before = await api.prisma.roleAssignment.count();
    for (const body of [{ role: 'postmaster', domain: 'district1.k12.us' }, { role: 'postmaster', domain: 'west.district1.k12.us' }, { role: 'staff' }]) {
      const refused = await people.postmaster1.post(`/admins/${target.id}/assignments`, body);
      expect(refused.status, JSON.stringify(body)).toBe(403);
      expect(refused.body.detail).toBe('you cannot grant a right you do not hold or a scope wider than yours');
    }
    const graphql = await people.postmaster1.graphql(`mutation { assignRole(adminId: ${target.id}, input: { role: "postmaster", domain: "district1.k12.us" }) { id } }`);
    expect(graphql.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(await api.prisma.roleAssignment.count()).toBe(before);
    // The refusal itself is audited.
    const denied = await people.staff.get('/audit-events?outcome=denied&actor=pm1');
    expect(denied.body.items.length).toBeGreaterThanOrEqual(4);
  });

  it('answers 400 naming the domain for a missing, unknown or out-of-scope domain, with the same message', async () => {
    const target = await newAdmin(people.postmaster1, 'scoped');
    const outOfScope = await people.postmaster1.post(`/admins/${target.id}/assignments`, { role: 'subdomain-admin', domain: 'district2.k12.us' });
    const unknown = await people.postmaster1.post(`/admins/${target.id}/assignments`, { role: 'subdomain-admin', domain: 'nowhere.k12.us' });
    expect(outOfScope.status).toBe(400);
    expect(outOfScope.body.errors).toEqual([{ field: 'domain', message: 'unknown domain "district2.k12.us"' }]);
    expect(unknown.body.errors).toEqual([{ field: 'domain', message: 'unknown domain "nowhere.k12.us"' }]);
    const missing = await people.postmaster1.post(`/admins/${target.id}/assignments`, { role: 'subdomain-admin' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('domain');
    const staffWithDomain = await people.staff.post(`/admins/${target.id}/assignments`, { role: 'staff', domain: 'district1.k12.us' });
    expect(staffWithDomain.status).toBe(400);
    expect(staffWithDomain.body.errors[0]).toEqual({ field: 'domain', message: 'the staff role is platform-wide and takes no domain' });
    const neither = await people.staff.post(`/admins/${target.id}/assignments`, { domain: 'district1.k12.us' });
    expect(neither.status).toBe(400);
    expect(neither.body.errors[0].field).toBe('role');
    const graphql = await people.postmaster1.graphql(`mutation { assignRole(adminId: ${target.id}, input: { role: "subdomain-admin", domain: "district2.k12.us" }) { id } }`);
    expect(graphql.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(await api.prisma.roleAssignment.count({ where: { adminId: target.id } })).toBe(0);
  });

  it('keeps a sub-domain admin from granting over its parent or beyond its role', async () => {
    const mine = await newAdmin(people.westAdmin, 'west.deputy');
    // district1 is outside westAdmin's subtree: it answers as if it did not exist.
    const overParent = await people.westAdmin.post(`/admins/${mine.id}/assignments`, { role: 'subdomain-admin', domain: 'district1.k12.us' });
    expect(overParent.status).toBe(400);
    expect(overParent.body.errors[0]).toEqual({ field: 'domain', message: 'unknown domain "district1.k12.us"' });
    const wider = await people.westAdmin.post(`/admins/${mine.id}/assignments`, { role: 'postmaster', domain: 'west.district1.k12.us' });
    expect(wider.status).toBe(403);
    const ok = await people.westAdmin.post(`/admins/${mine.id}/assignments`, { role: 'subdomain-admin', domain: 'west.district1.k12.us' });
    expect(ok.status).toBe(201);
    // An admin it did not create and that holds nothing in its subtree is not even visible.
    const stranger = await newAdmin(people.postmaster2, 'stranger');
    expect((await people.westAdmin.post(`/admins/${stranger.id}/assignments`, { role: 'subdomain-admin', domain: 'west.district1.k12.us' })).status).toBe(404);
  });

  it('lets several admins share a domain', async () => {
    for (const username of ['west.one', 'west.two']) {
      const admin = await newAdmin(people.postmaster1, username);
      expect((await people.postmaster1.post(`/admins/${admin.id}/assignments`, { role: 'subdomain-admin', domain: 'west.district1.k12.us' })).status).toBe(201);
      expect(await domainNames(await api.login(username, NEW_PASSWORD))).toEqual(['west.district1.k12.us']);
    }
    const listed = await people.postmaster1.get('/admins?q=west.');
    expect(listed.body.items.map((a: { username: string }) => a.username)).toEqual(['west.deputy', 'west.helper', 'west.one', 'west.two']);
    const all = (await people.postmaster1.get('/admins?limit=500')).body.items.map((a: { username: string }) => a.username);
    expect(all).toContain('westadmin');
    expect(all).not.toContain('pm2');
    expect(all).not.toContain('staff');
    const graphql = await people.postmaster1.graphql('{ admins(q: "west.", limit: 10) { items { username assignments { role domain } } nextCursor } }');
    expect(graphql.data.admins.items.map((a: { username: string }) => a.username)).toEqual(listed.body.items.map((a: { username: string }) => a.username));
  });

  it('lets one admin hold several assignments and see the union of their scopes', async () => {
    const admin = await newAdmin(people.postmaster1, 'twohats');
    expect((await people.postmaster1.post(`/admins/${admin.id}/assignments`, { role: 'subdomain-admin', domain: 'west.district1.k12.us' })).status).toBe(201);
    expect((await people.staff.post(`/admins/${admin.id}/assignments`, { role: 'subdomain-admin', domain: 'district2.k12.us' })).status).toBe(201);
    const duplicate = await people.staff.post(`/admins/${admin.id}/assignments`, { role: 'subdomain-admin', domain: 'district2.k12.us' });
    expect(duplicate.status).toBe(409);
    const client = await api.login('twohats', NEW_PASSWORD);
    expect(await domainNames(client)).toEqual(['district2.k12.us', 'west.district1.k12.us']);
    // Each postmaster sees only the assignment inside its own district.
    expect((await people.postmaster1.get(`/admins/${admin.id}`)).body.assignments.map((a: { domain: string }) => a.domain)).toEqual(['west.district1.k12.us']);
    expect((await people.postmaster2.get(`/admins/${admin.id}/assignments`)).body.items.map((a: { domain: string }) => a.domain)).toEqual(['district2.k12.us']);
    expect((await people.staff.get(`/admins/${admin.id}`)).body.assignments).toHaveLength(2);
    // Resetting its password would hand pm1 rights in district2: refused.
    const takeover = await people.postmaster1.patch(`/admins/${admin.id}`, { password: 'taken-over-password' });
    expect(takeover.status).toBe(403);
    expect((await people.postmaster1.delete(`/admins/${admin.id}`)).status).toBe(403);
    expect((await api.login('twohats', NEW_PASSWORD))).toBeTruthy();
  });

  it('gives the administrator a new version (ETag) when its assignments change, so no cache shows stale rights', async () => {
    const admin = await newAdmin(people.postmaster1, 'etagged');
    const etag = async () => (await people.postmaster1.get(`/admins/${admin.id}`)).headers.get('etag');
    const before = await etag();
    const assigned = await people.postmaster1.post(`/admins/${admin.id}/assignments`, { role: 'subdomain-admin', domain: 'west.district1.k12.us' });
    const afterAssign = await etag();
    expect(afterAssign).not.toBe(before);
    expect((await people.postmaster1.delete(`/admins/${admin.id}/assignments/${assigned.body.id}`)).status).toBe(204);
    expect(await etag()).not.toBe(afterAssign);
  });

  it('answers 404 for an admin out of scope, on REST and GraphQL alike', async () => {
    const id = await adminId('west.helper');
    const rest = await people.postmaster2.get(`/admins/${id}`);
    expect(rest.status).toBe(404);
    const graphql = await people.postmaster2.graphql(`{ admin(id: ${id}) { username } }`);
    expect(graphql.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect((await people.postmaster2.patch(`/admins/${id}`, { disabled: true })).status).toBe(404);
    expect((await people.postmaster2.get('/admins/not-a-number')).status).toBe(404);
    const same = await people.postmaster1.graphql(`{ admin(id: ${id}) { username assignments { domain } } }`);
    expect(same.data.admin).toEqual({ username: 'west.helper', assignments: [{ domain: 'west.district1.k12.us' }] });
  });

  it('validates usernames and passwords, naming the field and writing nothing', async () => {
    const before = await api.prisma.admin.count();
    for (const [body, field] of [
      [{ username: 'jane@district1.k12.us', password: NEW_PASSWORD }, 'username'],
      [{ username: 'ab', password: NEW_PASSWORD }, 'username'],
      [{ username: 'has space', password: NEW_PASSWORD }, 'username'],
      [{ username: 'shortpass', password: 'short-pw' }, 'password'],
      [{ username: 'extra', password: NEW_PASSWORD, role: 'staff' }, '(body)'],
    ] as const) {
      const response = await people.postmaster1.post('/admins', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.errors[0].field).toBe(field);
    }
    const duplicate = await people.postmaster1.post('/admins', { username: 'westadmin', password: NEW_PASSWORD });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors[0].field).toBe('username');
    expect(await api.prisma.admin.count()).toBe(before);
  });

  it('updates with If-Match, refuses to disable or delete oneself, and disabling ends sign-ins', async () => {
    const admin = await newAdmin(people.postmaster1, 'patchme');
    await people.postmaster1.post(`/admins/${admin.id}/assignments`, { role: 'subdomain-admin', domain: 'east.district1.k12.us' });
    const session = await api.login('patchme', NEW_PASSWORD);
    const read = await people.postmaster1.get(`/admins/${admin.id}`);
    const etag = read.headers.get('etag')!;
    const renamed = await people.postmaster1.patch(`/admins/${admin.id}`, { displayName: 'Patch Me' }, { 'if-match': etag });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ displayName: 'Patch Me', version: read.body.version + 1 });
    expect((await people.postmaster1.patch(`/admins/${admin.id}`, { disabled: true }, { 'if-match': etag })).status).toBe(412);
    expect((await session.get('/domains')).status).toBe(200);
    const disabled = await people.postmaster1.patch(`/admins/${admin.id}`, { disabled: true });
    expect(disabled.body.disabled).toBe(true);
    expect((await session.get('/domains')).status).toBe(401);
    expect((await api.anonymous.post('/auth/login', { username: 'patchme', password: NEW_PASSWORD })).status).toBe(401);

    const pm1 = await adminId('pm1');
    const selfDisable = await people.postmaster1.patch(`/admins/${pm1}`, { disabled: true });
    expect(selfDisable.status).toBe(409);
    expect((await people.postmaster1.delete(`/admins/${pm1}`)).status).toBe(409);
    const staffId = await adminId('staff');
    expect((await people.staff.delete(`/admins/${staffId}`)).status).toBe(409);
    // Editing oneself needs no power over one's own rights.
    expect((await people.postmaster1.patch(`/admins/${pm1}`, { displayName: 'District 1 postmaster' })).status).toBe(200);
  });

  it('takes assignments back only within what the remover could grant', async () => {
    const admin = await newAdmin(people.postmaster1, 'temp.west');
    const assignment = (await people.postmaster1.post(`/admins/${admin.id}/assignments`, { role: 'subdomain-admin', domain: 'west.district1.k12.us' })).body;
    const client = await api.login('temp.west', NEW_PASSWORD);
    expect((await client.get('/domains')).status).toBe(200);
    expect((await people.postmaster2.delete(`/admins/${admin.id}/assignments/${assignment.id}`)).status).toBe(404);
    expect((await people.postmaster1.delete(`/admins/${admin.id}/assignments/${assignment.id}`)).status).toBe(204);
    // The right is gone at once, for the session that already existed.
    expect((await client.get('/domains')).status).toBe(403);
    expect((await people.postmaster1.get(`/admins/${admin.id}/assignments`)).body.items).toEqual([]);

    const pm1 = await adminId('pm1');
    const own = (await people.postmaster1.get(`/admins/${pm1}/assignments`)).body.items[0];
    expect(own).toMatchObject({ role: 'postmaster', domain: 'district1.k12.us' });
    expect((await people.postmaster1.delete(`/admins/${pm1}/assignments/${own.id}`)).status).toBe(403);
    const staffAssignment = await api.prisma.roleAssignment.findFirstOrThrow({ where: { role: 'staff' } });
    expect((await people.postmaster1.delete(`/admins/${staffAssignment.adminId}/assignments/${staffAssignment.id}`)).status).toBe(404);
    expect((await people.staff.delete(`/admins/${staffAssignment.adminId}/assignments/${staffAssignment.id}`)).status).toBe(409);
    const audit = await people.postmaster1.get('/audit-events?action=assignment.delete');
    expect(audit.body.items[0]).toMatchObject({ subjectId: String(assignment.id), actorName: 'pm1' });
  });

  it('deletes an admin through GraphQL as through REST', async () => {
    const created = await people.postmaster1.graphql(`mutation { createAdmin(input: { username: "gql.admin", password: "${NEW_PASSWORD}" }) { id username disabled version assignments { id } } }`);
    expect(created.errors).toBeUndefined();
    expect(created.data.createAdmin).toMatchObject({ username: 'gql.admin', disabled: false, version: 1, assignments: [] });
    const id = created.data.createAdmin.id;
    const assigned = await people.postmaster1.graphql(`mutation { assignRole(adminId: ${id}, input: { role: "subdomain-admin", domain: "east.district1.k12.us" }) { id role domain } }`);
    expect(assigned.data.assignRole).toMatchObject({ role: 'subdomain-admin', domain: 'east.district1.k12.us' });
    // The assignment made version 2.
    const updated = await people.postmaster1.graphql(`mutation { updateAdmin(id: ${id}, input: { displayName: "GQL" }, expectedVersion: 2) { displayName version } }`);
    expect(updated.data.updateAdmin).toEqual({ displayName: 'GQL', version: 3 });
    const stale = await people.postmaster1.graphql(`mutation { updateAdmin(id: ${id}, input: { displayName: "x" }, expectedVersion: 2) { version } }`);
    expect(stale.errors?.[0]?.extensions.code).toBe('PRECONDITION_FAILED');
    expect((await people.postmaster1.graphql(`mutation { removeAssignment(adminId: ${id}, assignmentId: ${assigned.data.assignRole.id}) }`)).data.removeAssignment).toBe(true);
    expect((await people.postmaster1.graphql(`mutation { deleteAdmin(id: ${id}) }`)).data.deleteAdmin).toBe(true);
    expect(await api.prisma.admin.count({ where: { username: 'gql.admin' } })).toBe(0);
    expect((await people.postmaster1.delete(`/admins/${id}`)).status).toBe(404);
  });
});
