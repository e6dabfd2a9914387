import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { adminWithSets, can, createMailbox } from '../support/addressing.js';

let api: TestApi;
let people: Districts;

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const GROUP_FIELDS = 'address localPart domain name memberCount createdAt updatedAt';
type GraphResult = { errors?: Array<{ message: string; extensions: { code: string; errors?: Array<{ field: string }> } }> };
const codeOf = (result: GraphResult) => result.errors?.[0]?.extensions.code;
const fieldOf = (result: GraphResult) => result.errors?.[0]?.extensions.errors?.[0]?.field;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(api, `jane@${WEST}`, 'Jane Doe');
  await createMailbox(api, `tom@${WEST}`);
  await createMailbox(api, `bob@${EAST}`, 'Bob East');
  await createMailbox(api, 'ann@district2.k12.us');
});
afterAll(() => api?.close());

describe('groups', () => {
  it('creates a group of accounts, reads it over REST and GraphQL alike, and audits the write', async () => {
    const created = await people.postmaster1.post(`/domains/${WEST}/groups`, {
      localPart: 'Teachers',
      name: 'Teachers',
      members: [`Jane@${WEST}`, `bob@${EAST}`],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ address: `teachers@${WEST}`, localPart: 'teachers', domain: WEST, name: 'Teachers', memberCount: 2 });
    expect((await people.postmaster1.get(`/groups/teachers@${WEST}`)).body).toEqual(created.body);
    const members = await people.postmaster1.get(`/groups/teachers@${WEST}/members`);
    expect(members.body.items).toMatchObject([
      { address: `bob@${EAST}`, displayName: 'Bob East', domain: EAST },
      { address: `jane@${WEST}`, displayName: 'Jane Doe', domain: WEST },
    ]);
    const graph = await people.postmaster1.graphql(`query($a: String!) { group(address: $a) { ${GROUP_FIELDS} members { address displayName domain addedAt } } }`, {
      a: `teachers@${WEST}`,
    });
    const { members: graphMembers, ...graphGroup } = graph.data.group;
    expect(graphGroup).toEqual(created.body);
    expect(graphMembers).toEqual(members.body.items);
    const audit = await people.staff.get('/audit-events?action=group.create');
    expect(audit.body.items[0]).toMatchObject({
      subjectType: 'Group',
      subjectId: `teachers@${WEST}`,
      actorName: 'pm1',
      after: { memberCount: 2, members: [`jane@${WEST}`, `bob@${EAST}`] },
    });
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const cases: Array<[unknown, string, string?]> = [
      [{ localPart: 'bad1', members: [`jane@${WEST}`, `ghost@${WEST}`] }, 'members.1', `there is no account ghost@${WEST}`],
      [{ localPart: 'bad1', members: ['outside@example.org'] }, 'members.0', 'there is no account'],
      [{ localPart: 'bad1', members: ['nope'] }, 'members.0', 'not an e-mail address'],
      [{ localPart: 'bad1', members: [`jane@${WEST}`, `JANE@${WEST}`] }, 'members.1', 'repeats'],
      [{ localPart: 'bad1', name: '' }, 'name'],
      [{ localPart: 'bad 1' }, 'localPart'],
    ];
    for (const [body, field, message] of cases) {
      const response = await people.postmaster1.post(`/domains/${WEST}/groups`, body);
      expect(response.status, field).toBe(400);
      expect(response.body.errors[0].field).toBe(field);
      if (message) expect(response.body.errors[0].message).toContain(message);
    }
    expect(await api.prisma.group.count({ where: { localPart: 'bad1' } })).toBe(0);
    expect(await api.prisma.address.count({ where: { address: `bad1@${WEST}` } })).toBe(0);
    const graph = await people.postmaster1.graphql(`mutation { createGroup(domain: "${WEST}", input: { localPart: "bad1", members: ["ghost@${WEST}"] }) { address } }`);
    expect(codeOf(graph)).toBe('BAD_USER_INPUT');
    expect(fieldOf(graph)).toBe('members.0');
  });

  it('treats an account outside the actor scope exactly like one that does not exist', async () => {
    const outside = await people.westAdmin.post(`/domains/${WEST}/groups`, { localPart: 'mixed', members: [`bob@${EAST}`] });
    const missing = await people.westAdmin.post(`/domains/${WEST}/groups`, { localPart: 'mixed', members: [`bob@${WEST}`] });
    expect(outside.status).toBe(400);
    expect(missing.status).toBe(400);
    expect(outside.body.errors[0].field).toBe('members.0');
    expect(outside.body.detail.replace(EAST, 'D')).toBe(missing.body.detail.replace(WEST, 'D'));

    expect((await people.westAdmin.post(`/domains/${WEST}/groups`, { localPart: 'mixed' })).status).toBe(201);
    const putOutside = await people.westAdmin.put(`/groups/mixed@${WEST}/members/bob@${EAST}`);
    const putMissing = await people.westAdmin.put(`/groups/mixed@${WEST}/members/bob@${WEST}`);
    expect(putOutside.status).toBe(400);
    expect(putOutside.body.errors[0].field).toBe('member');
    expect(putOutside.body.detail.replace(EAST, 'D')).toBe(putMissing.body.detail.replace(WEST, 'D'));
    const graph = await people.westAdmin.graphql(`mutation { addGroupMember(address: "mixed@${WEST}", member: "bob@${EAST}") { address } }`);
    expect(codeOf(graph)).toBe('BAD_USER_INPUT');
    expect(fieldOf(graph)).toBe('member');
    expect(await api.prisma.groupMember.count({ where: { group: { address: `mixed@${WEST}` } } })).toBe(0);
  });

  it('hides member accounts the actor cannot read', async () => {
    const members = await people.westAdmin.get(`/groups/teachers@${WEST}/members`);
    expect(members.body.items.map((m: { address: string }) => m.address)).toEqual([`jane@${WEST}`]);
    expect((await people.westAdmin.get(`/groups/teachers@${WEST}/members/bob@${EAST}`)).status).toBe(404);
    expect((await people.westAdmin.delete(`/groups/teachers@${WEST}/members/bob@${EAST}`)).status).toBe(404);
    const graph = await people.westAdmin.graphql(`{ group(address: "teachers@${WEST}") { members { address } } }`);
    expect(graph.data.group.members).toEqual([{ address: `jane@${WEST}` }]);
    expect(await api.prisma.groupMember.count({ where: { group: { address: `teachers@${WEST}` } } })).toBe(2);
  });

  it('adds members idempotently with PUT (201, then 200), removes them, and audits each change', async () => {
    const base = `/groups/teachers@${WEST}/members`;
    const added = await people.westAdmin.put(`${base}/Tom@${WEST}`);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ address: `tom@${WEST}`, domain: WEST, displayName: null });
    const again = await people.westAdmin.put(`${base}/tom@${WEST}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(added.body);
    expect((await people.westAdmin.get(`${base}/tom@${WEST}`)).body).toEqual(added.body);
    expect((await people.westAdmin.get(`/groups/teachers@${WEST}`)).body.memberCount).toBe(3);
    expect((await people.westAdmin.put(`${base}/not-an-address`)).body.errors[0].field).toBe('member');

    expect((await people.westAdmin.delete(`${base}/tom@${WEST}`)).status).toBe(204);
    expect((await people.westAdmin.delete(`${base}/tom@${WEST}`)).status).toBe(404);
    expect((await people.westAdmin.get(`${base}/tom@${WEST}`)).status).toBe(404);
    expect(await api.prisma.account.count({ where: { address: `tom@${WEST}` } })).toBe(1);

    const actions = (await people.staff.get('/audit-events?actor=westadmin&action=group.member')).body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['group.member.remove', 'group.member.add']);

    const graphAdd = await people.westAdmin.graphql(`mutation { addGroupMember(address: "teachers@${WEST}", member: "tom@${WEST}") { address domain } }`);
    expect(graphAdd.data.addGroupMember).toEqual({ address: `tom@${WEST}`, domain: WEST });
    expect((await people.westAdmin.graphql(`mutation { removeGroupMember(address: "teachers@${WEST}", member: "tom@${WEST}") }`)).data.removeGroupMember).toBe(true);
    expect(codeOf(await people.westAdmin.graphql(`mutation { removeGroupMember(address: "teachers@${WEST}", member: "tom@${WEST}") }`))).toBe('NOT_FOUND');
  });

  it('pages members and groups with stable cursors; GraphQL loads the members of many groups in one query', async () => {
    await people.postmaster1.post(`/domains/${WEST}/groups`, { localPart: 'coaches', members: [`tom@${WEST}`, `jane@${WEST}`] });
    const page1 = await people.postmaster1.get(`/groups/teachers@${WEST}/members?limit=1`);
    const page2 = await people.postmaster1.get(`/groups/teachers@${WEST}/members?limit=1&cursor=${page1.body.nextCursor}`);
    expect([...page1.body.items, ...page2.body.items].map((m: { address: string }) => m.address)).toEqual([`bob@${EAST}`, `jane@${WEST}`]);
    expect(page2.body.nextCursor).toBeNull();
    const graphPage = await people.postmaster1.graphql(`{ groupMembers(address: "teachers@${WEST}", limit: 1) { items { address displayName domain addedAt } nextCursor } }`);
    expect(graphPage.data.groupMembers).toEqual(page1.body);

    const restGroups = await people.postmaster1.get(`/domains/${WEST}/groups?q=ch`);
    const graph = await people.postmaster1.graphql(`{ groups(domain: "${WEST}", q: "ch") { items { ${GROUP_FIELDS} members { address } } nextCursor } }`);
    const graphGroups = graph.data.groups.items as Array<{ address: string; memberCount: number; members: Array<{ address: string }> }>;
    expect(graphGroups.map(({ members: _, ...group }) => group)).toEqual(restGroups.body.items);
    expect(graphGroups.map((g) => [g.address, g.members.map((m) => m.address)])).toEqual([
      [`coaches@${WEST}`, [`jane@${WEST}`, `tom@${WEST}`]],
      [`teachers@${WEST}`, [`bob@${EAST}`, `jane@${WEST}`]],
    ]);
  });

  it('answers 409 naming localPart when the address is taken by an alias, a list or an account', async () => {
    await people.postmaster1.post(`/domains/${WEST}/aliases`, { localPart: 'office', targets: ['a@example.org'] });
    await people.postmaster1.post(`/domains/${WEST}/lists`, { localPart: 'news' });
    for (const localPart of ['office', 'news', 'jane', 'teachers']) {
      const response = await people.postmaster1.post(`/domains/${WEST}/groups`, { localPart });
      expect(response.status, localPart).toBe(409);
      expect(response.body.errors[0].field).toBe('localPart');
    }
    const graph = await people.postmaster1.graphql(`mutation { createGroup(domain: "${WEST}", input: { localPart: "news" }) { address } }`);
    expect(codeOf(graph)).toBe('CONFLICT');
    expect(graph.errors![0]!.message).toContain('mailing list');
  });

  it('renames and deletes a group, keeping its accounts and freeing its address', async () => {
    const renamed = await people.postmaster1.patch(`/groups/coaches@${WEST}`, { name: 'Coaches' });
    expect(renamed.body).toMatchObject({ name: 'Coaches', memberCount: 2 });
    const graph = await people.postmaster1.graphql(`mutation { updateGroup(address: "coaches@${WEST}", input: { clearName: true }) { name } }`);
    expect(graph.data.updateGroup.name).toBeNull();
    expect((await people.staff.get('/audit-events?action=group.update')).body.items[1]).toMatchObject({ before: { name: null }, after: { name: 'Coaches' } });
    expect((await people.postmaster1.delete(`/groups/coaches@${WEST}`)).status).toBe(204);
    expect((await people.postmaster1.get(`/groups/coaches@${WEST}`)).status).toBe(404);
    expect(await api.prisma.account.count({ where: { address: { in: [`tom@${WEST}`, `jane@${WEST}`] } } })).toBe(2);
    expect((await people.postmaster1.post(`/domains/${WEST}/lists`, { localPart: 'coaches' })).status).toBe(201);
    expect((await people.staff.get('/audit-events?action=group.delete')).body.items[0]).toMatchObject({ subjectId: `coaches@${WEST}` });
  });

  it('keeps a sub-domain admin out of east and district2 with 404s; 403 in scope without the right', async () => {
    expect((await people.postmaster1.post(`/domains/${EAST}/groups`, { localPart: 'eastgroup', members: [`bob@${EAST}`] })).status).toBe(201);
    expect((await people.postmaster2.post('/domains/district2.k12.us/groups', { localPart: 'twogroup' })).status).toBe(201);
    for (const address of [`eastgroup@${EAST}`, 'twogroup@district2.k12.us']) {
      expect((await people.westAdmin.get(`/groups/${address}`)).status).toBe(404);
      expect((await people.westAdmin.patch(`/groups/${address}`, { name: 'x' })).status).toBe(404);
      expect((await people.westAdmin.delete(`/groups/${address}`)).status).toBe(404);
      expect((await people.westAdmin.get(`/groups/${address}/members`)).status).toBe(404);
      expect((await people.westAdmin.put(`/groups/${address}/members/jane@${WEST}`)).status).toBe(404);
      expect(codeOf(await people.westAdmin.graphql(`{ group(address: "${address}") { address } }`))).toBe('NOT_FOUND');
      expect(codeOf(await people.westAdmin.graphql(`mutation { deleteGroup(address: "${address}") }`))).toBe('NOT_FOUND');
    }
    expect((await people.westAdmin.get(`/domains/${EAST}/groups`)).status).toBe(404);
    expect((await people.westAdmin.post(`/domains/district2.k12.us/groups`, { localPart: 'sneak' })).status).toBe(404);
    expect((await people.postmaster1.get(`/groups/eastgroup@${EAST}`)).status).toBe(200);
    expect((await people.postmaster2.get(`/groups/eastgroup@${EAST}`)).status).toBe(404);
    expect((await people.postmaster2.put(`/groups/twogroup@district2.k12.us/members/jane@${WEST}`)).status).toBe(400);

    const reader = await adminWithSets(api, 'group-reader', [
      { name: 'groups-read-only', domain: 'district1.k12.us', permissions: [...can(['read'], 'Domain'), ...can(['read'], 'Group'), ...can(['read'], 'Account')] },
    ]);
    expect((await reader.get(`/groups/eastgroup@${EAST}/members`)).body.items).toHaveLength(1);
    expect((await reader.put(`/groups/eastgroup@${EAST}/members/jane@${WEST}`)).status).toBe(403);
    expect((await reader.delete(`/groups/eastgroup@${EAST}/members/bob@${EAST}`)).status).toBe(403);
    expect((await reader.delete(`/groups/eastgroup@${EAST}`)).status).toBe(403);
    expect(codeOf(await reader.graphql(`mutation { addGroupMember(address: "eastgroup@${EAST}", member: "jane@${WEST}") { address } }`))).toBe('FORBIDDEN');

    const westEditor = await adminWithSets(api, 'west-group-editor', [
      { name: 'district-group-reader', domain: 'district1.k12.us', permissions: [...can(['read'], 'Domain'), ...can(['read'], 'Group'), ...can(['read'], 'Account')] },
      { name: 'west-group-editor', domain: WEST, permissions: can(['read', 'update'], 'Group') },
    ]);
    expect((await westEditor.put(`/groups/teachers@${WEST}/members/tom@${WEST}`)).status).toBe(201);
    expect((await westEditor.put(`/groups/eastgroup@${EAST}/members/jane@${WEST}`)).status).toBe(403);
    expect((await people.postmaster1.get(`/groups/eastgroup@${EAST}`)).body.memberCount).toBe(1);
  });
});
