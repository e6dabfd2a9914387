import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/mailboxes.js';

let api: TestApi;
let people: Districts;

const limits = { maxMessageSizeKb: 25600, mailboxQuotaMb: 2048, maxRecipients: 100 };
const COS_FIELDS = 'name description domain services { smtp imap pop3 webmail rpop } maxMessageSizeKb mailboxQuotaMb maxRecipients sendingRatePerHour wordLists { id name } version createdAt updatedAt';

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
});
afterAll(() => api?.close());

describe('classes of service', () => {
  it('creates a platform-wide class, audits it, and reads the same over REST and GraphQL', async () => {
    const created = await people.staff.post('/classes-of-service', {
      name: 'Standard',
      description: 'Default for schools',
      services: { pop3: false },
      ...limits,
      sendingRatePerHour: 500,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Standard',
      description: 'Default for schools',
      domain: null,
      services: { smtp: true, imap: true, pop3: false, webmail: true, rpop: true },
      ...limits,
      sendingRatePerHour: 500,
      wordLists: [],
      version: 1,
    });
    const read = await people.postmaster2.get('/classes-of-service/standard');
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    const graphql = await people.postmaster2.graphql(`{ classOfService(name: "Standard") { ${COS_FIELDS} } }`);
    expect(graphql.data.classOfService).toEqual(read.body);
    const audit = await people.staff.get('/audit-events?action=classOfService.create');
    expect(audit.body.items[0]).toMatchObject({ action: 'classOfService.create', subjectType: 'ClassOfService', subjectId: 'Standard', actorName: 'staff', outcome: 'success' });
    expect(audit.body.items[0].after.maxRecipients).toBe(100);
  });

  it('refuses negative, zero and absurd limits and bad names, naming the field, and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ mailboxQuotaMb: 20_000_000 }, 'mailboxQuotaMb', 'at most 10485760'],
      [{ mailboxQuotaMb: -5 }, 'mailboxQuotaMb', 'at least 1'],
      [{ mailboxQuotaMb: 1.5 }, 'mailboxQuotaMb', 'whole number'],
      [{ maxMessageSizeKb: 0 }, 'maxMessageSizeKb', 'at least 1'],
      [{ maxMessageSizeKb: 2_000_000 }, 'maxMessageSizeKb', 'at most 1048576'],
      [{ maxRecipients: 10_001 }, 'maxRecipients', 'at most 10000'],
      [{ maxRecipients: undefined }, 'maxRecipients', 'is required'],
      [{ sendingRatePerHour: 0 }, 'sendingRatePerHour', 'at least 1'],
      [{ name: 'gold/silver' }, 'name', 'letters, digits'],
      [{ name: 'x'.repeat(101) }, 'name', 'longer than 100'],
      [{ domain: 'nowhere.k12.us' }, 'domain', 'unknown domain'],
      [{ wordLists: [999999] }, 'wordLists', 'unknown word list'],
    ];
    for (const [override, field, message] of cases) {
      const response = await people.staff.post('/classes-of-service', { name: 'broken', ...limits, ...override });
      expect(response.status, field).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors[0].field, JSON.stringify(override)).toBe(field);
      expect(response.body.errors[0].message).toContain(message);
    }
    expect(await api.prisma.classOfService.count({ where: { name: 'broken' } })).toBe(0);
    const graphql = await people.staff.graphql(
      `mutation { createClassOfService(input: { name: "broken", maxMessageSizeKb: 100, mailboxQuotaMb: 20000000, maxRecipients: 10 }) { name } }`,
    );
    expect(graphql.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect((graphql.errors![0].extensions as any).errors[0].field).toBe('mailboxQuotaMb');
  });

  it('keeps names unique whatever their case, and honours If-Match', async () => {
    await people.staff.post('/classes-of-service', { name: 'Gold', ...limits });
    const duplicate = await people.staff.post('/classes-of-service', { name: 'GOLD', ...limits });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors[0].field).toBe('name');
    const read = await people.staff.get('/classes-of-service/gold');
    const changed = await people.staff.patch('/classes-of-service/gold', { maxRecipients: 200, sendingRatePerHour: null }, { 'if-match': read.headers.get('etag')! });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Gold', maxRecipients: 200, sendingRatePerHour: null, version: 2 });
    const stale = await people.staff.patch('/classes-of-service/gold', { maxRecipients: 300 }, { 'if-match': read.headers.get('etag')! });
    expect(stale.status).toBe(412);
    expect((await people.staff.get('/classes-of-service/gold')).body.maxRecipients).toBe(200);
    expect((await people.staff.patch('/classes-of-service/gold', { mailboxQuotaMb: 0 })).body.errors[0].field).toBe('mailboxQuotaMb');
  });

  it('lets a district manage its own classes, hides them from other districts, and keeps platform classes staff-only', async () => {
    const platform = await people.postmaster1.post('/classes-of-service', { name: 'pm1-platform', ...limits });
    expect(platform.status).toBe(403);
    const elsewhere = await people.postmaster1.post('/classes-of-service', { name: 'pm1-d2', domain: 'district2.k12.us', ...limits });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors[0].field).toBe('domain');
    const own = await people.postmaster1.post('/classes-of-service', { name: 'd1-teachers', domain: 'district1.k12.us', ...limits });
    expect(own.status).toBe(201);
    expect(own.body.domain).toBe('district1.k12.us');
    expect(await api.prisma.classOfService.count({ where: { name: { in: ['pm1-platform', 'pm1-d2'] } } })).toBe(0);

    expect((await people.postmaster2.get('/classes-of-service/d1-teachers')).status).toBe(404);
    expect((await people.postmaster2.patch('/classes-of-service/d1-teachers', { maxRecipients: 5 })).status).toBe(404);
    expect((await people.postmaster2.delete('/classes-of-service/d1-teachers')).status).toBe(404);
    const listed = await people.postmaster2.get('/classes-of-service?limit=500');
    expect(listed.body.items.map((c: { name: string }) => c.name)).not.toContain('d1-teachers');
    expect(listed.body.items.map((c: { name: string }) => c.name)).toContain('Standard');

    expect((await people.postmaster1.patch('/classes-of-service/Standard', { maxRecipients: 5 })).status).toBe(403);
    expect((await people.postmaster1.delete('/classes-of-service/Standard')).status).toBe(403);
    expect((await people.postmaster1.patch('/classes-of-service/d1-teachers', { maxRecipients: 50 })).status).toBe(200);

    const hidden = await people.postmaster2.graphql(`{ classOfService(name: "d1-teachers") { name } }`);
    expect(hidden.errors![0].extensions.code).toBe('NOT_FOUND');
    const refused = await people.postmaster1.graphql(`mutation { updateClassOfService(name: "Standard", input: { maxRecipients: 5 }) { name } }`);
    expect(refused.errors![0].extensions.code).toBe('FORBIDDEN');
    const denied = await people.staff.get('/audit-events?outcome=denied&actor=pm1');
    expect(denied.body.items.length).toBeGreaterThan(0);
  });

  it("keeps a district's own class within the limits of the class assigned to its domain", async () => {
    await people.staff.post('/classes-of-service', { name: 'district-cap', ...limits, services: { pop3: false }, sendingRatePerHour: 1000 });
    expect((await people.staff.patch('/domains/district1.k12.us', { classOfService: 'district-cap' })).status).toBe(200);

    const tooBig = await people.postmaster1.post('/classes-of-service', { name: 'd1-huge', domain: 'district1.k12.us', ...limits, mailboxQuotaMb: 4096, sendingRatePerHour: 500 });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors).toEqual([{ field: 'mailboxQuotaMb', message: expect.stringContaining('at most 2048') }]);
    expect(tooBig.body.errors[0].message).toContain('district-cap');
    const pop3 = await people.postmaster1.post('/classes-of-service', { name: 'd1-pop', domain: 'west.district1.k12.us', ...limits, sendingRatePerHour: 10, services: { pop3: true } });
    expect(pop3.status).toBe(400);
    expect(pop3.body.errors[0].field).toBe('services.pop3');
    const unlimited = await people.postmaster1.post('/classes-of-service', { name: 'd1-fast', domain: 'district1.k12.us', ...limits });
    expect(unlimited.body.errors[0].field).toBe('sendingRatePerHour');

    const fits = await people.westAdmin.post('/classes-of-service', { name: 'west-small', domain: 'west.district1.k12.us', ...limits, mailboxQuotaMb: 1024, sendingRatePerHour: 100 });
    expect(fits.status).toBe(201);
    expect(fits.body.services.pop3).toBe(false);
    const raise = await people.westAdmin.patch('/classes-of-service/west-small', { maxMessageSizeKb: 51200 });
    expect(raise.status).toBe(400);
    expect(raise.body.errors[0].field).toBe('maxMessageSizeKb');
    expect((await people.westAdmin.get('/classes-of-service/west-small')).body.maxMessageSizeKb).toBe(25600);
    await people.staff.patch('/domains/district1.k12.us', { classOfService: null });
  });

  it('counts the accounts and domains a change affects, within what the asker can see', async () => {
    await people.staff.post('/classes-of-service', { name: 'impact', ...limits });
    await people.staff.post('/classes-of-service', { name: 'other', ...limits });
    await people.staff.patch('/domains/east.district1.k12.us', { classOfService: 'impact' });
    await createMailbox(api, 'a1@east.district1.k12.us');
    await createMailbox(api, 'a2@east.district1.k12.us');
    await createMailbox(api, 'a3@east.district1.k12.us', { classOfService: 'other' });
    await createMailbox(api, 'b1@district2.k12.us', { classOfService: 'impact' });
    await createMailbox(api, 'b2@district2.k12.us');

    const staffView = await people.staff.get('/classes-of-service/impact/impact');
    expect(staffView.status).toBe(200);
    expect(staffView.body).toEqual({ accounts: 3, domains: 2 });
    expect((await people.postmaster1.get('/classes-of-service/impact/impact')).body).toEqual({ accounts: 2, domains: 1 });
    const graphql = await people.postmaster2.graphql(`{ classOfServiceImpact(name: "impact") { accounts domains } }`);
    expect(graphql.data.classOfServiceImpact).toEqual({ accounts: 1, domains: 1 });
    expect((await people.staff.get('/classes-of-service/other/impact')).body).toEqual({ accounts: 1, domains: 1 });
  });

  it('refuses to delete a class still in use, with the counts, and deletes it once free', async () => {
    const inUse = await people.staff.delete('/classes-of-service/impact');
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toContain('1 domain(s) and 1 account(s)');
    const graphql = await people.staff.graphql(`mutation { deleteClassOfService(name: "impact") }`);
    expect(graphql.errors![0].extensions.code).toBe('CONFLICT');
    expect(await api.prisma.classOfService.count({ where: { name: 'impact' } })).toBe(1);

    await people.staff.patch('/domains/east.district1.k12.us', { classOfService: null });
    await api.prisma.account.update({ where: { address: 'b1@district2.k12.us' }, data: { classOfServiceId: null } });
    expect((await people.staff.delete('/classes-of-service/impact')).status).toBe(204);
    expect((await people.staff.get('/classes-of-service/impact')).status).toBe(404);
    const audit = await people.staff.get('/audit-events?action=classOfService.delete');
    expect(audit.body.items[0]).toMatchObject({ subjectId: 'impact', before: { name: 'impact' } });
  });

  it('applies word lists it may use, and refuses the others', async () => {
    const system = await people.staff.post('/word-lists', { name: 'profanity', scope: 'system', entries: ['badword'] });
    const district2 = await people.postmaster2.post('/word-lists', { name: 'd2 words', scope: 'domain', domain: 'district2.k12.us' });
    const created = await people.staff.post('/classes-of-service', { name: 'filtered', ...limits, wordLists: [system.body.id] });
    expect(created.status).toBe(201);
    expect(created.body.wordLists).toEqual([{ id: system.body.id, name: 'profanity' }]);
    const platformWithDomainList = await people.staff.patch('/classes-of-service/filtered', { wordLists: [district2.body.id] });
    expect(platformWithDomainList.status).toBe(400);
    expect(platformWithDomainList.body.errors[0].field).toBe('wordLists');
    const foreign = await people.postmaster1.post('/classes-of-service', { name: 'd1-filtered', domain: 'district1.k12.us', ...limits, wordLists: [district2.body.id] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].message).toContain('unknown word list');
    const cleared = await people.staff.graphql(`mutation { updateClassOfService(name: "filtered", input: { wordLists: [], clearDescription: true }) { wordLists { id } version } }`);
    expect(cleared.data.updateClassOfService).toEqual({ wordLists: [], version: 2 });
  });
});
