/**
 * A domain deleted with its content (staff, ?force=true) announces every mailbox, alias,
 * mailing list, group and sub-domain it takes along exactly as their single deletes do: one
 * audit entry each, and the webhook events a CMS relies on (`account.deleted`...), scoped to
 * the webhooks whose subtree held them. The directory side is in test/ldap/domain-delete.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/accounts.js';

// Deliveries stay queued (the receiver is imaginary): the test reads the outbox itself.
process.env.SCHOOLMAIL_WEBHOOK_POLL_MS = '3600000';

const D1 = 'district1.k12.us';
const WEST = `west.${D1}`;
const SCHOOL = `school.${WEST}`;
const EAST = `east.${D1}`;
const EVENTS = ['account.deleted', 'alias.deleted', 'list.deleted', 'group.deleted', 'domain.deleted'];

let api: TestApi;
let people: Districts;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
});
afterAll(() => api?.close());

const created = async (response: Promise<{ status: number; body: any }>) => {
  const answer = await response;
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
};

async function deliveries(webhookId: number, afterId = 0n) {
  const rows = await api.prisma.webhookDelivery.findMany({ where: { webhookId, id: { gt: afterId } }, orderBy: { id: 'asc' } });
  return rows.map((row) => ({ id: row.id, event: row.event, data: row.payload as any }));
}

describe('DELETE /domains/{name}?force=true', () => {
  it('audits and announces each account, alias, list, group and sub-domain it removes, as their single deletes do', async () => {
    await created(people.staff.post('/domains', { name: SCHOOL, parent: WEST }));
    await createMailbox(people.staff, WEST, { localPart: 'ann', displayName: 'Ann' });
    await createMailbox(people.staff, WEST, { localPart: 'bob' });
    await createMailbox(people.staff, SCHOOL, { localPart: 'cy' });
    await createMailbox(people.staff, EAST, { localPart: 'solo' });
    await created(people.staff.post(`/domains/${WEST}/aliases`, { localPart: 'office', targets: [`ann@${WEST}`] }));
    await created(people.staff.post(`/domains/${WEST}/lists`, { localPart: 'parents' }));
    await created(people.staff.post(`/domains/${SCHOOL}/groups`, { localPart: 'teachers' }));
    const district1 = await created(people.postmaster1.post('/webhooks', { url: 'https://cms.example/district1', events: EVENTS }));
    const district2 = await created(people.postmaster2.post('/webhooks', { url: 'https://cms.example/district2', events: EVENTS }));

    // What a single delete announces, to compare with.
    expect((await people.staff.delete(`/accounts/solo@${EAST}`)).status).toBe(204);
    const [single] = await deliveries(district1.id);
    expect(single).toMatchObject({ event: 'account.deleted', data: { subject: { type: 'Account', id: `solo@${EAST}` } } });

    expect((await people.staff.delete(`/domains/${WEST}?force=true`)).status).toBe(204);

    const announced = await deliveries(district1.id, single!.id);
    const subjectsOf = (event: string) => announced.filter((d) => d.event === event).map((d) => d.data.subject.id).sort();
    expect(subjectsOf('account.deleted')).toEqual([`ann@${WEST}`, `bob@${WEST}`, `cy@${SCHOOL}`]);
    expect(subjectsOf('alias.deleted')).toEqual([`office@${WEST}`]);
    expect(subjectsOf('list.deleted')).toEqual([`parents@${WEST}`]);
    expect(subjectsOf('group.deleted')).toEqual([`teachers@${SCHOOL}`]);
    expect(subjectsOf('domain.deleted')).toEqual([SCHOOL, WEST]);
    expect(announced).toHaveLength(8);

    const ann = announced.find((d) => d.data.subject.id === `ann@${WEST}`)!;
    expect(ann.data).toMatchObject({
      actor: { type: 'admin', name: 'staff', interface: 'rest' },
      domain: WEST,
      subject: { type: 'Account', id: `ann@${WEST}` },
      before: { address: `ann@${WEST}`, domain: WEST, displayName: 'Ann', status: 'active' },
      after: null,
    });
    expect(Object.keys(ann.data).sort()).toEqual(Object.keys(single!.data).sort());
    expect(Object.keys(ann.data.before).sort()).toEqual(Object.keys(single!.data.before).sort());
    expect(announced.find((d) => d.data.subject.id === `cy@${SCHOOL}`)!.data.domain).toBe(SCHOOL);

    // Another district's webhook hears nothing of it.
    expect(await deliveries(district2.id)).toEqual([]);

    const audited = await api.prisma.auditEvent.findMany({ where: { action: { in: ['account.delete', 'alias.delete', 'list.delete', 'group.delete', 'domain.delete'] }, actorName: 'staff' }, orderBy: { id: 'asc' } });
    expect(audited.map((e) => [e.action, e.subjectId])).toEqual([
      ['account.delete', `solo@${EAST}`],
      ['account.delete', `ann@${WEST}`],
      ['account.delete', `bob@${WEST}`],
      ['account.delete', `cy@${SCHOOL}`],
      ['alias.delete', `office@${WEST}`],
      ['list.delete', `parents@${WEST}`],
      ['group.delete', `teachers@${SCHOOL}`],
      ['domain.delete', SCHOOL],
      ['domain.delete', WEST],
    ]);
    const annAudit = audited.find((e) => e.subjectId === `ann@${WEST}`)!;
    expect(annAudit).toMatchObject({ actorType: 'admin', role: 'staff', interface: 'rest', outcome: 'success', subjectType: 'Account' });
    expect(annAudit.before).toMatchObject({ address: `ann@${WEST}`, domain: WEST });
    expect(Math.abs(annAudit.at.getTime() - audited.at(-1)!.at.getTime())).toBeLessThan(60_000);
    // Filed where the account was, so the district's admins read it in their log.
    const pm1Log = await people.postmaster1.get('/audit-events?action=account.delete');
    expect(pm1Log.body.items.map((e: { subjectId: string }) => e.subjectId)).toEqual(expect.arrayContaining([`ann@${WEST}`, `cy@${SCHOOL}`]));
    expect((await people.postmaster2.get('/audit-events?action=account.delete')).body.items).toEqual([]);

    expect(await api.prisma.account.count({ where: { address: { endsWith: WEST } } })).toBe(0);
    expect(await api.prisma.address.count({ where: { address: { endsWith: WEST } } })).toBe(0);
  });
});
