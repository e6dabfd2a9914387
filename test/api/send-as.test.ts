import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { makeAccount, makeAlias, makeGroup } from '../support/acceptance.js';
import { adminWithSets } from '../support/addressing.js';
import { sendAsAllowed } from '../../libs/mail-engine/src/acceptance/index.js';

const D1 = 'district1.k12.us';
const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const D2 = 'district2.k12.us';

let api: TestApi;
let people: Districts;
let readOnly: ApiClient;
let teacherId: number;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  teacherId = (await makeAccount(api.prisma, `teacher@${WEST}`)).id;
  await makeAccount(api.prisma, `principal@${D1}`);
  await makeAccount(api.prisma, `nurse@${EAST}`);
  await makeAccount(api.prisma, `kid@${D2}`);
  await makeGroup(api.prisma, `office@${WEST}`);
  await makeGroup(api.prisma, `board@${D1}`);
  await makeGroup(api.prisma, `pta@${D2}`);
  await makeAlias(api.prisma, `help@${WEST}`, [`teacher@${WEST}`]);
  readOnly = await adminWithSets(api, 'account-reader', [{ name: 'read-accounts', domain: D1, permissions: [{ action: 'read', subject: 'Account' }] }]);
});
afterAll(() => api?.close());

const grantCount = () => api.prisma.sendAsGrant.count();

describe('send as API', () => {
  it('grants a group and another account of the district, audited, and the engine honours it', async () => {
    expect(await sendAsAllowed(api.prisma, teacherId, `office@${WEST}`)).toBe(false);
    const group = await people.westAdmin.post(`/accounts/teacher@${WEST}/send-as`, { address: `Office@${WEST}` });
    expect(group.status).toBe(201);
    expect(group.body).toMatchObject({ account: `teacher@${WEST}`, address: `office@${WEST}`, kind: 'group' });
    const account = await people.postmaster1.post(`/accounts/teacher@${WEST}/send-as`, { address: `principal@${D1}` });
    expect(account.status).toBe(201);
    expect(account.body.kind).toBe('account');
    expect(await sendAsAllowed(api.prisma, teacherId, `office@${WEST}`)).toBe(true);
    expect(await sendAsAllowed(api.prisma, teacherId, `principal@${D1}`)).toBe(true);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'account.send-as.grant', actorName: 'westadmin' } });
    expect(audit).toMatchObject({ subjectType: 'Account', subjectId: `teacher@${WEST}`, after: expect.objectContaining({ address: `office@${WEST}` }) });
    const list = await people.westAdmin.get(`/accounts/teacher@${WEST}/send-as`);
    expect(list.body.items.map((g: { address: string }) => g.address)).toEqual([`office@${WEST}`, `principal@${D1}`]);
    expect(list.body.nextCursor).toBeNull();
    const graph = await people.westAdmin.graphql(`{ sendAsGrants(account: "teacher@${WEST}") { items { account address kind createdAt } nextCursor } }`);
    expect(graph.data.sendAsGrants).toEqual(list.body);
  });

  it('refuses what cannot be granted, naming the field, and writes nothing', async () => {
    const before = await grantCount();
    const cases: Array<[ApiClient, unknown, number, string]> = [
      [people.postmaster1, { address: `teacher@${WEST}` }, 400, 'own address'],
      [people.postmaster1, { address: `help@${WEST}` }, 400, 'alias'],
      [people.postmaster1, { address: `ghost@${WEST}` }, 400, 'no account or group'],
      [people.postmaster1, { address: 'not an address' }, 400, 'e-mail address'],
      [people.westAdmin, { address: `nurse@${EAST}` }, 400, 'no account or group'],
      [people.westAdmin, { address: `office@${WEST}` }, 409, 'already'],
      [people.staff, { address: `pta@${D2}` }, 400, 'another district'],
    ];
    for (const [client, body, status, message] of cases) {
      const response = await client.post(`/accounts/teacher@${WEST}/send-as`, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.body.detail, JSON.stringify(body)).toContain(message);
      if (status === 400) expect(response.body.errors[0].field).toBe('address');
    }
    const graph = await people.postmaster1.graphql(`mutation { grantSendAs(account: "teacher@${WEST}", address: "help@${WEST}") { address } }`);
    expect(graph.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(await grantCount()).toBe(before);
  });

  it('answers 404 out of scope and 403 in scope without the right to update the account', async () => {
    expect((await people.postmaster2.get(`/accounts/teacher@${WEST}/send-as`)).status).toBe(404);
    expect((await people.postmaster2.post(`/accounts/teacher@${WEST}/send-as`, { address: `pta@${D2}` })).status).toBe(404);
    expect((await people.westAdmin.post(`/accounts/nurse@${EAST}/send-as`, { address: `board@${D1}` })).status).toBe(404);
    expect((await people.postmaster2.delete(`/accounts/teacher@${WEST}/send-as/office@${WEST}`)).status).toBe(404);
    expect((await readOnly.get(`/accounts/teacher@${WEST}/send-as`)).status).toBe(200);
    // The route needs `update` Account somewhere: a read-only admin is refused before the service.
    expect((await readOnly.post(`/accounts/teacher@${WEST}/send-as`, { address: `board@${D1}` })).status).toBe(403);
    const limited = await adminWithSets(api, 'west-updater', [
      { name: 'update-west', domain: WEST, permissions: [{ action: 'read', subject: 'Account' }, { action: 'update', subject: 'Account' }] },
      { name: 'read-east', domain: EAST, permissions: [{ action: 'read', subject: 'Account' }] },
    ]);
    expect((await limited.post(`/accounts/nurse@${EAST}/send-as`, { address: `principal@${D1}` })).status).toBe(403);
    const graph = await limited.graphql(`mutation { grantSendAs(account: "nurse@${EAST}", address: "teacher@${WEST}") { address } }`);
    expect(graph.errors![0]!.extensions.code).toBe('FORBIDDEN');
    const graph404 = await people.postmaster2.graphql(`mutation { revokeSendAs(account: "teacher@${WEST}", address: "office@${WEST}") }`);
    expect(graph404.errors![0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('revokes a grant, audited; the engine stops honouring it; a second revoke is 404', async () => {
    expect((await people.westAdmin.delete(`/accounts/teacher@${WEST}/send-as/OFFICE@${WEST}`)).status).toBe(204);
    expect(await sendAsAllowed(api.prisma, teacherId, `office@${WEST}`)).toBe(false);
    expect(await sendAsAllowed(api.prisma, teacherId, `help@${WEST}`)).toBe(true);
    expect((await people.westAdmin.delete(`/accounts/teacher@${WEST}/send-as/office@${WEST}`)).status).toBe(404);
    expect(await api.prisma.auditEvent.count({ where: { action: 'account.send-as.revoke' } })).toBe(1);
    const graph = await people.postmaster1.graphql(`mutation { revokeSendAs(account: "teacher@${WEST}", address: "principal@${D1}") }`);
    expect(graph.data.revokeSendAs).toBe(true);
    expect((await people.postmaster1.get(`/accounts/teacher@${WEST}/send-as`)).body.items).toEqual([]);
  });

  it('leaves no grant or policy behind when the account or the group granted from is deleted', async () => {
    await makeGroup(api.prisma, `choir@${WEST}`);
    const singer = await makeAccount(api.prisma, `singer@${WEST}`);
    expect((await people.westAdmin.post(`/accounts/singer@${WEST}/send-as`, { address: `choir@${WEST}` })).status).toBe(201);
    expect((await people.westAdmin.post(`/accounts/teacher@${WEST}/send-as`, { address: `singer@${WEST}` })).status).toBe(201);
    expect((await people.westAdmin.put(`/policies/accounts/singer@${WEST}`, { maxAttachmentKb: 300 })).status).toBe(201);
    expect((await people.westAdmin.put(`/policies/groups/choir@${WEST}`, { maxAttachmentKb: 300 })).status).toBe(201);

    expect((await people.westAdmin.delete(`/groups/choir@${WEST}`)).status).toBe(204);
    expect(await api.prisma.sendAsGrant.count({ where: { address: `choir@${WEST}` } })).toBe(0);
    expect(await api.prisma.acceptancePolicy.count({ where: { level: 'group' } })).toBe(0);

    expect((await people.westAdmin.delete(`/accounts/singer@${WEST}`)).status).toBe(204);
    expect(await api.prisma.sendAsGrant.count({ where: { OR: [{ accountId: singer.id }, { address: `singer@${WEST}` }] } })).toBe(0);
    expect(await api.prisma.acceptancePolicy.count({ where: { accountId: singer.id } })).toBe(0);
  });
});
