import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { adminWithSets, can, createMailbox } from '../support/addressing.js';

let api: TestApi;
let people: Districts;

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const LIST_FIELDS = 'address localPart domain name postingPolicy memberCount createdAt updatedAt';
type GraphResult = { errors?: Array<{ message: string; extensions: { code: string; errors?: Array<{ field: string }> } }> };
const codeOf = (result: GraphResult) => result.errors?.[0]?.extensions.code;
const fieldOf = (result: GraphResult) => result.errors?.[0]?.extensions.errors?.[0]?.field;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(api, `jane@${WEST}`);
});
afterAll(() => api?.close());

describe('mailing lists', () => {
  it('creates a list with members, reads it over REST and GraphQL alike, and audits the write', async () => {
    const created = await people.postmaster1.post(`/domains/${WEST}/lists`, {
      localPart: 'Staff-All',
      name: 'All staff',
      postingPolicy: 'owners',
      members: [`jane@${WEST}`, 'Parent@Example.org'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      address: `staff-all@${WEST}`,
      localPart: 'staff-all',
      domain: WEST,
      name: 'All staff',
      postingPolicy: 'owners',
      memberCount: 2,
    });
    expect((await people.westAdmin.get(`/lists/staff-all@${WEST}`)).body).toEqual(created.body);
    const members = await people.westAdmin.get(`/lists/staff-all@${WEST}/members`);
    expect(members.body.items.map((m: { address: string; isOwner: boolean }) => [m.address, m.isOwner])).toEqual([
      [`jane@${WEST}`, false],
      ['parent@example.org', false],
    ]);
    expect(members.body.nextCursor).toBeNull();

    const graph = await people.westAdmin.graphql(`query($a: String!) { mailingList(address: $a) { ${LIST_FIELDS} members { address isOwner addedAt } } }`, {
      a: `staff-all@${WEST}`,
    });
    const { members: graphMembers, ...graphList } = graph.data.mailingList;
    expect(graphList).toEqual(created.body);
    expect(graphMembers).toEqual(members.body.items);

    const defaults = await people.postmaster1.post(`/domains/${WEST}/lists`, { localPart: 'plain' });
    expect(defaults.body).toMatchObject({ name: null, postingPolicy: 'members', memberCount: 0 });

    const audit = await people.staff.get('/audit-events?action=list.create');
    expect(audit.body.items.at(-1)).toMatchObject({
      action: 'list.create',
      subjectType: 'MailingList',
      subjectId: `staff-all@${WEST}`,
      actorName: 'pm1',
      after: { postingPolicy: 'owners', members: [`jane@${WEST}`, 'parent@example.org'] },
    });
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const cases: Array<[unknown, string, string?]> = [
      [{ localPart: 'bad1', postingPolicy: 'everyone' }, 'postingPolicy', 'anyone, members, owners'],
      [{ localPart: 'bad1', members: ['a@example.org', 'nope'] }, 'members.1', 'not an e-mail address'],
      [{ localPart: 'bad1', members: ['a@example.org', 'A@example.org'] }, 'members.1', 'repeats'],
      [{ localPart: 'bad1', members: ['a@example.org', `bad1@${WEST}`] }, 'members.1', 'itself'],
      [{ localPart: 'bad1', name: '   ' }, 'name'],
      [{ localPart: 'bad..1' }, 'localPart'],
      [{}, 'localPart'],
    ];
    for (const [body, field, message] of cases) {
      const response = await people.postmaster1.post(`/domains/${WEST}/lists`, body);
      expect(response.status, field).toBe(400);
      expect(response.body.errors[0].field).toBe(field);
      if (message) expect(response.body.errors[0].message).toContain(message);
    }
    expect(await api.prisma.mailingList.count({ where: { localPart: 'bad1' } })).toBe(0);
    expect(await api.prisma.address.count({ where: { address: `bad1@${WEST}` } })).toBe(0);

    const patch = await people.postmaster1.patch(`/lists/staff-all@${WEST}`, { postingPolicy: 'nobody' });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].field).toBe('postingPolicy');
    expect((await people.postmaster1.get(`/lists/staff-all@${WEST}`)).body.postingPolicy).toBe('owners');

    const graph = await people.postmaster1.graphql(`mutation { createMailingList(domain: "${WEST}", input: { localPart: "bad1", postingPolicy: "everyone" }) { address } }`);
    expect(codeOf(graph)).toBe('BAD_USER_INPUT');
    expect(fieldOf(graph)).toBe('postingPolicy');
  });

  it('adds members idempotently with PUT (201, then 200), updates the owner flag, removes them, and audits each change', async () => {
    const base = `/lists/staff-all@${WEST}/members`;
    const added = await people.westAdmin.put(`${base}/Coach@Example.org`);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ address: 'coach@example.org', isOwner: false });
    const again = await people.westAdmin.put(`${base}/coach@example.org`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(added.body);
    const owner = await people.westAdmin.put(`${base}/coach@example.org`, { isOwner: true });
    expect(owner.status).toBe(200);
    expect(owner.body.isOwner).toBe(true);
    expect((await people.westAdmin.get(`${base}/coach@example.org`)).body).toEqual(owner.body);
    expect((await people.westAdmin.get(`/lists/staff-all@${WEST}`)).body.memberCount).toBe(3);

    expect((await people.westAdmin.put(`${base}/not-an-address`)).body.errors[0].field).toBe('member');
    const self = await people.westAdmin.put(`${base}/staff-all@${WEST}`);
    expect(self.status).toBe(400);
    expect(self.body.errors[0].field).toBe('member');
    const badBody = await people.westAdmin.put(`${base}/x@example.org`, { isOwner: 'yes' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.errors[0].field).toBe('isOwner');
    expect((await people.westAdmin.get(`${base}/x@example.org`)).status).toBe(404);

    expect((await people.westAdmin.delete(`${base}/coach@example.org`)).status).toBe(204);
    expect((await people.westAdmin.delete(`${base}/coach@example.org`)).status).toBe(404);
    expect((await people.westAdmin.get(`${base}/coach@example.org`)).status).toBe(404);

    const actions = (await people.staff.get(`/audit-events?actor=westadmin&action=list.member`)).body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['list.member.remove', 'list.member.update', 'list.member.add']);

    const graphAdd = await people.westAdmin.graphql(`mutation { addMailingListMember(address: "staff-all@${WEST}", member: "g@example.org", isOwner: true) { address isOwner } }`);
    expect(graphAdd.data.addMailingListMember).toEqual({ address: 'g@example.org', isOwner: true });
    const graphRemove = await people.westAdmin.graphql(`mutation { removeMailingListMember(address: "staff-all@${WEST}", member: "g@example.org") }`);
    expect(graphRemove.data.removeMailingListMember).toBe(true);
    const graphMissing = await people.westAdmin.graphql(`mutation { removeMailingListMember(address: "staff-all@${WEST}", member: "g@example.org") }`);
    expect(codeOf(graphMissing)).toBe('NOT_FOUND');
  });

  it('pages through members with stable cursors, the same over GraphQL', async () => {
    for (let i = 0; i < 5; i++) await people.postmaster1.put(`/lists/plain@${WEST}/members/p${i}@example.org`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: { body: { items: Array<{ address: string }>; nextCursor: string | null } } = await people.postmaster1.get(
        `/lists/plain@${WEST}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...response.body.items.map((m) => m.address));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `p${i}@example.org`));
    const rest = await people.postmaster1.get(`/lists/plain@${WEST}/members?limit=2`);
    const graph = await people.postmaster1.graphql(`{ mailingListMembers(address: "plain@${WEST}", limit: 2) { items { address isOwner addedAt } nextCursor } }`);
    expect(graph.data.mailingListMembers).toEqual(rest.body);
    expect((await people.postmaster1.get(`/lists/plain@${WEST}/members?cursor=garbage`)).status).toBe(400);
  });

  it('loads the members of many lists in one GraphQL query', async () => {
    const graph = await people.postmaster1.graphql(`{ mailingLists(domain: "${WEST}") { items { address memberCount members { address } } } }`);
    const lists = graph.data.mailingLists.items as Array<{ address: string; memberCount: number; members: Array<{ address: string }> }>;
    expect(lists.map((l) => l.address)).toEqual([`plain@${WEST}`, `staff-all@${WEST}`]);
    for (const list of lists) expect(list.members).toHaveLength(list.memberCount);
    expect(lists[0]!.members.map((m) => m.address)).toEqual([0, 1, 2, 3, 4].map((i) => `p${i}@example.org`));
  });

  it('answers 409 naming localPart when the address is taken by an alias, an account or a group', async () => {
    await people.postmaster1.post(`/domains/${WEST}/aliases`, { localPart: 'office', targets: ['a@example.org'] });
    await people.postmaster1.post(`/domains/${WEST}/groups`, { localPart: 'teachers' });
    for (const localPart of ['office', 'jane', 'teachers', 'plain']) {
      const response = await people.postmaster1.post(`/domains/${WEST}/lists`, { localPart });
      expect(response.status, localPart).toBe(409);
      expect(response.body.errors[0].field).toBe('localPart');
    }
    const graph = await people.postmaster1.graphql(`mutation { createMailingList(domain: "${WEST}", input: { localPart: "office" }) { address } }`);
    expect(codeOf(graph)).toBe('CONFLICT');
    expect(graph.errors![0]!.message).toContain('alias');
  });

  it('changes name and posting policy, deletes a list with its members and frees the address', async () => {
    const updated = await people.postmaster1.patch(`/lists/plain@${WEST}`, { name: 'Plain list', postingPolicy: 'anyone' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Plain list', postingPolicy: 'anyone', memberCount: 5 });
    const cleared = await people.postmaster1.graphql(`mutation { updateMailingList(address: "plain@${WEST}", input: { clearName: true }) { name postingPolicy } }`);
    expect(cleared.data.updateMailingList).toEqual({ name: null, postingPolicy: 'anyone' });
    const audit = await people.staff.get('/audit-events?action=list.update');
    expect(audit.body.items[1]).toMatchObject({ before: { postingPolicy: 'members', name: null }, after: { postingPolicy: 'anyone', name: 'Plain list' } });

    expect((await people.postmaster1.delete(`/lists/plain@${WEST}`)).status).toBe(204);
    expect((await people.postmaster1.get(`/lists/plain@${WEST}`)).status).toBe(404);
    expect(await api.prisma.mailingListMember.count({ where: { address: { startsWith: 'p' }, list: { address: `plain@${WEST}` } } })).toBe(0);
    expect((await people.postmaster1.post(`/domains/${WEST}/aliases`, { localPart: 'plain', targets: ['a@example.org'] })).status).toBe(201);
    expect((await people.staff.get('/audit-events?action=list.delete')).body.items[0]).toMatchObject({ subjectId: `plain@${WEST}` });
  });

  it('keeps a sub-domain admin out of east and district2 with 404s; 403 in scope without the right', async () => {
    expect((await people.postmaster1.post(`/domains/${EAST}/lists`, { localPart: 'eastlist', members: ['a@example.org'] })).status).toBe(201);
    expect((await people.postmaster2.post('/domains/district2.k12.us/lists', { localPart: 'twolist' })).status).toBe(201);
    for (const address of [`eastlist@${EAST}`, 'twolist@district2.k12.us']) {
      expect((await people.westAdmin.get(`/lists/${address}`)).status).toBe(404);
      expect((await people.westAdmin.patch(`/lists/${address}`, { name: 'x' })).status).toBe(404);
      expect((await people.westAdmin.delete(`/lists/${address}`)).status).toBe(404);
      expect((await people.westAdmin.get(`/lists/${address}/members`)).status).toBe(404);
      expect((await people.westAdmin.put(`/lists/${address}/members/spy@example.org`)).status).toBe(404);
      expect((await people.westAdmin.delete(`/lists/${address}/members/a@example.org`)).status).toBe(404);
      expect(codeOf(await people.westAdmin.graphql(`{ mailingList(address: "${address}") { address } }`))).toBe('NOT_FOUND');
      expect(codeOf(await people.westAdmin.graphql(`mutation { addMailingListMember(address: "${address}", member: "spy@example.org") { address } }`))).toBe('NOT_FOUND');
    }
    expect((await people.westAdmin.get(`/domains/${EAST}/lists`)).status).toBe(404);
    expect((await people.westAdmin.post(`/domains/${EAST}/lists`, { localPart: 'sneak' })).status).toBe(404);
    expect(await api.prisma.mailingListMember.count({ where: { address: 'spy@example.org' } })).toBe(0);
    expect((await people.postmaster1.get(`/lists/eastlist@${EAST}`)).status).toBe(200);
    expect((await people.postmaster2.get(`/lists/eastlist@${EAST}`)).status).toBe(404);

    const reader = await adminWithSets(api, 'list-reader', [
      { name: 'lists-read-only', domain: 'district1.k12.us', permissions: [...can(['read'], 'Domain'), ...can(['read'], 'MailingList')] },
    ]);
    expect((await reader.get(`/lists/eastlist@${EAST}/members`)).status).toBe(200);
    expect((await reader.put(`/lists/eastlist@${EAST}/members/b@example.org`)).status).toBe(403);
    expect((await reader.delete(`/lists/eastlist@${EAST}/members/a@example.org`)).status).toBe(403);
    expect((await reader.patch(`/lists/eastlist@${EAST}`, { name: 'x' })).status).toBe(403);
    expect(codeOf(await reader.graphql(`mutation { removeMailingListMember(address: "eastlist@${EAST}", member: "a@example.org") }`))).toBe('FORBIDDEN');

    const westEditor = await adminWithSets(api, 'west-list-editor', [
      { name: 'district-list-reader', domain: 'district1.k12.us', permissions: [...can(['read'], 'Domain'), ...can(['read'], 'MailingList')] },
      { name: 'west-list-editor', domain: WEST, permissions: can(['read', 'update'], 'MailingList') },
    ]);
    expect((await westEditor.put(`/lists/staff-all@${WEST}/members/w@example.org`)).status).toBe(201);
    expect((await westEditor.put(`/lists/eastlist@${EAST}/members/w@example.org`)).status).toBe(403);
    expect((await people.postmaster1.get(`/lists/eastlist@${EAST}`)).body.memberCount).toBe(1);
  });
});
