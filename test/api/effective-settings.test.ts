import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox, MAILBOX_PASSWORD } from '../support/accounts.js';

let api: TestApi;
let people: Districts;

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const JANE = `jane@${WEST}`;
const today = () => {
  const now = new Date();
  return `${now.getUTCDate()} ${now.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })} ${now.getUTCFullYear()}`;
};

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(people.postmaster1, WEST, { localPart: 'jane' });
  await createMailbox(people.postmaster1, EAST, { localPart: 'eve' });
});
afterAll(() => api?.close());

const settingsOf = async (address: string) => {
  const response = await people.staff.get(`/accounts/${address}/effective-settings`);
  expect(response.status).toBe(200);
  return response.body;
};

describe('effective settings', () => {
  it('comes from the server defaults when nothing is configured', async () => {
    const settings = await settingsOf(JANE);
    expect(settings.account).toBe(JANE);
    for (const service of ['smtp', 'imap', 'pop3', 'webmail', 'rpop']) {
      expect(settings.services[service]).toMatchObject({ value: true, decidedBy: { level: 'server' } });
    }
    expect(settings.mailboxQuotaMb).toMatchObject({ value: 2048, decidedBy: { level: 'server', name: 'server defaults' } });
    expect(settings.status).toMatchObject({ value: 'active', decidedBy: { level: 'account', name: JANE } });
    expect(settings.wordLists).toEqual([]);
  });

  it('shows a service switched off at the domain, by whom and when; the account cannot switch it back on', async () => {
    expect((await people.westAdmin.patch(`/domains/${WEST}`, { services: { imap: false } })).status).toBe(200);
    const settings = await settingsOf(JANE);
    expect(settings.services.imap).toMatchObject({
      value: false,
      decidedBy: { level: 'domain', name: WEST, changedBy: 'westadmin' },
      reason: `IMAP: off - disabled at domain ${WEST} by westadmin on ${today()}`,
    });
    expect(Date.parse(settings.services.imap.decidedBy.changedAt)).toBeGreaterThan(Date.now() - 60_000);

    const reEnable = await people.postmaster1.patch(`/accounts/${JANE}`, { services: { imap: true } });
    expect(reEnable.status).toBe(200);
    expect(reEnable.body.services.imap).toBe(true);
    const after = await settingsOf(JANE);
    expect(after.services.imap).toMatchObject({ value: false, decidedBy: { level: 'domain', name: WEST } });
    expect(after.services.imap.reason).toContain('cannot override');
    // The sibling sub-domain is not affected.
    expect((await settingsOf(`eve@${EAST}`)).services.imap.value).toBe(true);
  });

  it('takes limits from the class of service of the nearest domain, or the account\'s own', async () => {
    await api.prisma.classOfService.create({ data: { name: 'basic', pop3: false, mailboxQuotaMb: 300, maxMessageSizeKb: 5120, maxRecipients: 20, sendingRatePerHour: 100 } });
    await api.prisma.classOfService.create({ data: { name: 'staff-plan', mailboxQuotaMb: 10_240 } });
    expect((await people.staff.patch('/domains/district1.k12.us', { classOfService: 'basic' })).status).toBe(200);
    const settings = await settingsOf(JANE);
    expect(settings.classOfService).toEqual({ name: 'basic', assignedAt: { level: 'domain', name: 'district1.k12.us' } });
    expect(settings.services.pop3).toMatchObject({ value: false, decidedBy: { level: 'class-of-service', name: 'basic' } });
    expect(settings.mailboxQuotaMb).toMatchObject({ value: 300, decidedBy: { level: 'class-of-service', name: 'basic' } });
    expect(settings.maxMessageSizeKb.value).toBe(5120);
    expect(settings.maxRecipients.value).toBe(20);
    expect(settings.sendingRatePerHour.value).toBe(100);
    // The account representation's quota limit follows the same class of service.
    expect((await people.staff.get(`/accounts/${JANE}`)).body.quota.limitBytes).toBe(300 * 1024 * 1024);

    await people.staff.patch(`/accounts/${JANE}`, { classOfService: 'staff-plan' });
    const own = await settingsOf(JANE);
    expect(own.classOfService).toEqual({ name: 'staff-plan', assignedAt: { level: 'account', name: JANE } });
    expect(own.mailboxQuotaMb.value).toBe(10_240);
    expect(own.services.pop3.value).toBe(true);
    expect((await people.staff.get(`/accounts/${JANE}`)).body.quota.limitBytes).toBe(10_240 * 1024 * 1024);
    await people.staff.patch(`/accounts/${JANE}`, { classOfService: null });
  });

  it('lists the word lists that apply: system, the domain chain\'s and the account\'s own', async () => {
    const jane = await api.prisma.account.findUniqueOrThrow({ where: { address: JANE } });
    const district1 = await api.prisma.domain.findUniqueOrThrow({ where: { name: 'district1.k12.us' } });
    const east = await api.prisma.domain.findUniqueOrThrow({ where: { name: EAST } });
    const system = await api.prisma.wordList.create({ data: { name: 'profanity', scope: 'system', action: 'reject' } });
    const district = await api.prisma.wordList.create({ data: { name: 'district words', scope: 'domain', domainId: district1.id, action: 'quarantine', direction: 'outbound' } });
    await api.prisma.wordList.create({ data: { name: 'east words', scope: 'domain', domainId: east.id } });
    const own = await api.prisma.wordList.create({ data: { name: 'my list', scope: 'account', accountId: jane.id, action: 'tag', direction: 'inbound' } });
    const settings = await settingsOf(JANE);
    expect(settings.wordLists).toEqual([
      { id: system.id, name: 'profanity', scope: 'system', action: 'reject', direction: 'both', appliesVia: { level: 'server', name: 'system' } },
      { id: district.id, name: 'district words', scope: 'domain', action: 'quarantine', direction: 'outbound', appliesVia: { level: 'domain', name: 'district1.k12.us' } },
      { id: own.id, name: 'my list', scope: 'account', action: 'tag', direction: 'inbound', appliesVia: { level: 'account', name: JANE } },
    ]);
  });

  it('shows a mailbox of a suspended domain as suspended', async () => {
    await people.staff.patch('/domains/district1.k12.us', { status: 'suspended' });
    const settings = await settingsOf(JANE);
    expect(settings.status).toMatchObject({ value: 'suspended', decidedBy: { level: 'domain', name: 'district1.k12.us' } });
    await people.staff.patch('/domains/district1.k12.us', { status: 'active' });
    expect((await settingsOf(JANE)).status.value).toBe('active');
  });

  it('is scoped like the account, readable by its owner, and the same through GraphQL', async () => {
    expect((await people.westAdmin.get(`/accounts/eve@${EAST}/effective-settings`)).status).toBe(404);
    expect((await people.postmaster2.get(`/accounts/${JANE}/effective-settings`)).status).toBe(404);
    const owner = await api.login(JANE, MAILBOX_PASSWORD);
    const mine = await owner.get(`/accounts/${JANE}/effective-settings`);
    expect(mine.status).toBe(200);
    expect(mine.body.services.imap.decidedBy.name).toBe(WEST);
    expect((await owner.get(`/accounts/eve@${EAST}/effective-settings`)).status).toBe(404);

    const decision = 'value decidedBy { level name changedBy changedAt } reason';
    const gql = await people.westAdmin.graphql(`query($a: String!) { account(address: $a) { effectiveSettings {
      account classOfService { name assignedAt { level name } }
      services { smtp { ${decision} } imap { ${decision} } pop3 { ${decision} } webmail { ${decision} } rpop { ${decision} } }
      maxMessageSizeKb { ${decision} } mailboxQuotaMb { ${decision} } maxRecipients { ${decision} } sendingRatePerHour { ${decision} }
      status { ${decision} } wordLists { id name scope action direction appliesVia { level name } } } } }`, { a: JANE });
    expect(gql.errors).toBeUndefined();
    const rest = (await people.westAdmin.get(`/accounts/${JANE}/effective-settings`)).body;
    // GraphQL answers null where REST leaves an optional member out (changedBy of a class of service).
    const withoutNulls = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, v) => (v === null ? undefined : v)));
    expect(withoutNulls(gql.data.account.effectiveSettings)).toEqual(withoutNulls(rest));
  });
});
