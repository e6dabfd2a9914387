import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@schoolmail/prisma';
import { createTestDatabase } from '../../../../test/support/database.js';
import { makeAccount, makeDomain, makeGroup } from '../../../../test/support/acceptance.js';
import { AcceptancePolicyResolver, invalidateAcceptancePolicies, resolveAcceptancePolicy } from './resolve-policy.js';
import { applicableWordLists, waiverOf, type RuleOwner } from './waivers.js';
import type { AppliedWordList } from '../settings/resolve-settings.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: PrismaClient;
const ids: Record<string, number> = {};
const paths: Record<string, string> = {};

async function policy(level: 'server' | 'domain' | 'group' | 'account', target: { domainId?: number; groupId?: number; accountId?: number }, body: { whitelistedSenders?: string[]; trustedNetworks?: string[]; maxAttachmentKb?: number | null }) {
  await db.acceptancePolicy.create({
    data: { level, ...target, whitelistedSenders: body.whitelistedSenders ?? [], trustedNetworks: body.trustedNetworks ?? [], maxAttachmentKb: body.maxAttachmentKb ?? null },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.prisma;
  for (const [key, name, parent] of [
    ['district1', 'district1.k12.us'],
    ['west', 'west.district1.k12.us', 'district1.k12.us'],
    ['east', 'east.district1.k12.us', 'district1.k12.us'],
    ['district2', 'district2.k12.us'],
  ] as const) {
    const domain = await makeDomain(db, name, parent);
    ids[key] = domain.id;
    paths[key] = domain.path;
  }
  ids.student = (await makeAccount(db, 'student@west.district1.k12.us')).id;
  ids.teacher = (await makeAccount(db, 'teacher@west.district1.k12.us')).id;
  ids.other = (await makeAccount(db, 'kid@district2.k12.us')).id;
  ids.eastKid = (await makeAccount(db, 'kid@east.district1.k12.us')).id;
  ids.staffGroup = (await makeGroup(db, 'staff@west.district1.k12.us', [ids.teacher])).id;

  await policy('server', {}, { whitelistedSenders: ['alerts@state.gov'], maxAttachmentKb: 20_000 });
  await policy('domain', { domainId: ids.district1 }, { trustedNetworks: ['10.0.0.0/8', '2001:db8::/32'], maxAttachmentKb: 10_000 });
  await policy('group', { groupId: ids.staffGroup }, { whitelistedSenders: ['*@publisher.example'] });
  await policy('account', { accountId: ids.student }, { whitelistedSenders: ['grandma@family.example'], maxAttachmentKb: 500 });
  await policy('domain', { domainId: ids.east }, { trustedNetworks: ['172.16.0.0/12'], maxAttachmentKb: 2_000 });
});

const server: RuleOwner = { level: 'server' };
const domainOwner = (key: string): RuleOwner => ({ level: 'domain', path: paths[key]! });
const accountOwner = (key: string, domain: string): RuleOwner => ({ level: 'account', id: ids[key]!, domainPath: paths[domain]! });

afterAll(async () => {
  await database?.drop();
});

const none = { clientIp: '192.0.2.1', sender: 'someone@elsewhere.example' };

describe('effective acceptance policy', () => {
  it('applies the server whitelist to every domain', async () => {
    const decision = await resolveAcceptancePolicy(db, { ...none, sender: 'ALERTS@state.gov', recipientAccountId: ids.other });
    // Staff's waiver covers every rule, the attachment limits of every level included.
    expect(decision).toEqual({
      skipContentChecks: true,
      reason: 'whitelisted sender alerts@state.gov at server',
      waivers: [{ at: { level: 'server' }, reason: 'whitelisted sender alerts@state.gov at server' }],
      maxAttachmentKb: null,
    });
    expect(waiverOf(decision, server)).toBeDefined();
    const byDomain = await resolveAcceptancePolicy(db, { ...none, sender: 'alerts@state.gov', recipientDomainId: ids.district2 });
    expect(byDomain.skipContentChecks).toBe(true);
    const noRecipient = await resolveAcceptancePolicy(db, { ...none, sender: 'alerts@state.gov' });
    expect(noRecipient.skipContentChecks).toBe(true);
  });

  it("applies a domain's trusted networks to its sub-domains, IPv4 and IPv6, and not to other districts", async () => {
    const student = await resolveAcceptancePolicy(db, { ...none, clientIp: '10.20.30.40', recipientAccountId: ids.student });
    // Not everything: the district's waiver lifts its own limit (10,000) and the student's
    // (500), not the server's (20,000).
    expect(student).toEqual({
      skipContentChecks: false,
      reason: 'trusted network 10.0.0.0/8 at domain district1.k12.us',
      waivers: [{ at: { level: 'domain', id: ids.district1, name: 'district1.k12.us', path: paths.district1 }, reason: 'trusted network 10.0.0.0/8 at domain district1.k12.us' }],
      maxAttachmentKb: 20_000,
    });
    expect((await resolveAcceptancePolicy(db, { ...none, clientIp: '::ffff:10.1.1.1', recipientDomainId: ids.west })).reason).toBe(
      'trusted network 10.0.0.0/8 at domain district1.k12.us',
    );
    expect((await resolveAcceptancePolicy(db, { ...none, clientIp: '2001:db8:5::9', recipientAccountId: ids.teacher })).reason).toBe(
      'trusted network 2001:db8::/32 at domain district1.k12.us',
    );
    expect((await resolveAcceptancePolicy(db, { ...none, clientIp: '10.20.30.40', recipientAccountId: ids.other })).waivers).toEqual([]);
  });

  it("lets a domain's waiver skip only the rules of its own subtree: never the server's, a parent's or another district's", async () => {
    const byDistrict = await resolveAcceptancePolicy(db, { ...none, clientIp: '10.20.30.40', recipientAccountId: ids.student });
    expect(waiverOf(byDistrict, server)).toBeUndefined();
    expect(waiverOf(byDistrict, domainOwner('district1'))?.reason).toBe('trusted network 10.0.0.0/8 at domain district1.k12.us');
    expect(waiverOf(byDistrict, domainOwner('west'))).toBeDefined();
    expect(waiverOf(byDistrict, accountOwner('student', 'west'))).toBeDefined();
    expect(waiverOf(byDistrict, domainOwner('district2'))).toBeUndefined();

    const bySubdomain = await resolveAcceptancePolicy(db, { ...none, clientIp: '172.16.5.5', recipientAccountId: ids.eastKid });
    expect(bySubdomain.reason).toBe('trusted network 172.16.0.0/12 at domain east.district1.k12.us');
    expect(waiverOf(bySubdomain, domainOwner('east'))).toBeDefined();
    expect(waiverOf(bySubdomain, accountOwner('eastKid', 'east'))).toBeDefined();
    expect(waiverOf(bySubdomain, domainOwner('district1'))).toBeUndefined();
    expect(waiverOf(bySubdomain, server)).toBeUndefined();
    // The parent district's limit (10,000) stays; east's own (2,000) is lifted.
    expect(bySubdomain.maxAttachmentKb).toBe(10_000);

    // An authenticated sender's district trusting the client does not waive the recipient's district.
    const crossDistrict = await resolveAcceptancePolicy(db, { ...none, clientIp: '10.1.1.1', recipientAccountId: ids.other, senderAccountId: ids.student });
    expect(crossDistrict.waivers.map((w) => w.reason)).toEqual(['trusted network 10.0.0.0/8 at domain district1.k12.us']);
    expect(waiverOf(crossDistrict, domainOwner('district2'))).toBeUndefined();
    expect(waiverOf(crossDistrict, accountOwner('other', 'district2'))).toBeUndefined();
  });

  it('sorts out the effective word lists of a mailbox: waived ones apart, with the waiver', async () => {
    const make = async (name: string, scope: 'system' | 'domain' | 'account', owner: { domainId?: number; accountId?: number }, direction: 'inbound' | 'both' = 'both') => {
      const row = await db.wordList.create({ data: { name, scope, ...owner, action: 'reject', direction } });
      return { id: row.id, name, scope, action: 'reject', direction, appliesVia: { level: 'server', name: 'test' } } satisfies AppliedWordList;
    };
    const lists = [
      await make('system', 'system', {}),
      await make('district', 'domain', { domainId: ids.district1 }),
      await make('west', 'domain', { domainId: ids.west }),
      await make('own', 'account', { accountId: ids.student }, 'inbound'),
    ];
    const names = (result: { apply: AppliedWordList[]; waived: Array<{ list: AppliedWordList }> }) => ({
      apply: result.apply.map((l) => l.name),
      waived: result.waived.map((w) => w.list.name),
    });
    const byDistrict = await resolveAcceptancePolicy(db, { ...none, clientIp: '10.20.30.40', recipientAccountId: ids.student });
    expect(names(await applicableWordLists(db, lists, 'inbound', byDistrict))).toEqual({ apply: ['system'], waived: ['district', 'west', 'own'] });
    expect(names(await applicableWordLists(db, lists, 'outbound', byDistrict))).toEqual({ apply: ['system'], waived: ['district', 'west'] });
    const byAccount = await resolveAcceptancePolicy(db, { ...none, sender: 'grandma@family.example', recipientAccountId: ids.student });
    expect(names(await applicableWordLists(db, lists, 'inbound', byAccount))).toEqual({ apply: ['system', 'district', 'west'], waived: ['own'] });
    const byServer = await resolveAcceptancePolicy(db, { ...none, sender: 'alerts@state.gov', recipientAccountId: ids.student });
    expect(names(await applicableWordLists(db, lists, 'inbound', byServer))).toEqual({ apply: [], waived: ['system', 'district', 'west', 'own'] });
    const nobody = await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.student });
    expect(names(await applicableWordLists(db, lists, 'inbound', nobody))).toEqual({ apply: ['system', 'district', 'west', 'own'], waived: [] });
    await db.wordList.deleteMany({ where: { id: { in: lists.map((l) => l.id) } } });
  });

  it('applies a group whitelist to its members only', async () => {
    const teacher = await resolveAcceptancePolicy(db, { ...none, sender: 'books@publisher.example', recipientAccountId: ids.teacher });
    expect(teacher.reason).toBe('whitelisted sender *@publisher.example at group staff@west.district1.k12.us');
    const student = await resolveAcceptancePolicy(db, { ...none, sender: 'books@publisher.example', recipientAccountId: ids.student });
    expect(student.waivers).toEqual([]);
    // It waives the rules of its members (their own lists and limits), not the domain's.
    expect(waiverOf(teacher, accountOwner('teacher', 'west'))).toBeDefined();
    expect(waiverOf(teacher, accountOwner('student', 'west'))).toBeUndefined();
    expect(waiverOf(teacher, domainOwner('west'))).toBeUndefined();
  });

  it("applies an account's whitelist to that account only", async () => {
    expect((await resolveAcceptancePolicy(db, { ...none, sender: 'grandma@family.example', recipientAccountId: ids.student })).reason).toBe(
      'whitelisted sender grandma@family.example at account student@west.district1.k12.us',
    );
    expect((await resolveAcceptancePolicy(db, { ...none, sender: 'grandma@family.example', recipientAccountId: ids.teacher })).waivers).toEqual([]);
    const byAccount = await resolveAcceptancePolicy(db, { ...none, sender: 'grandma@family.example', recipientAccountId: ids.student });
    expect(waiverOf(byAccount, accountOwner('student', 'west'))).toBeDefined();
    expect(waiverOf(byAccount, domainOwner('west'))).toBeUndefined();
    // Its own limit (500) is lifted; the district's (10,000) is not.
    expect(byAccount.maxAttachmentKb).toBe(10_000);
  });

  it('takes the strictest attachment limit along the chain', async () => {
    expect((await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.student })).maxAttachmentKb).toBe(500);
    expect((await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.teacher })).maxAttachmentKb).toBe(10_000);
    expect((await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.other })).maxAttachmentKb).toBe(20_000);
    // An authenticated sender's own chain counts too.
    expect((await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.other, senderAccountId: ids.student })).maxAttachmentKb).toBe(500);
  });

  it('does not whitelist the null sender', async () => {
    expect((await resolveAcceptancePolicy(db, { ...none, sender: '', recipientAccountId: ids.student })).waivers).toEqual([]);
  });

  it('caches for a few seconds, and forgets on invalidation', async () => {
    const sender = 'late@newcomer.example';
    expect((await resolveAcceptancePolicy(db, { ...none, sender, recipientAccountId: ids.other })).skipContentChecks).toBe(false);
    await db.acceptancePolicy.updateMany({ where: { level: 'server' }, data: { whitelistedSenders: ['alerts@state.gov', sender] } });
    expect((await resolveAcceptancePolicy(db, { ...none, sender, recipientAccountId: ids.other })).skipContentChecks).toBe(false);
    invalidateAcceptancePolicies(db);
    expect((await resolveAcceptancePolicy(db, { ...none, sender, recipientAccountId: ids.other })).skipContentChecks).toBe(true);
  });

  it('answers from the cache without queries when warm', async () => {
    const resolver = new AcceptancePolicyResolver(db, 60_000);
    await resolver.resolve({ ...none, recipientAccountId: ids.teacher });
    let queries = 0;
    const counting = new Proxy(db, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (property === 'account' || property === 'domain' || property === 'acceptancePolicy') {
          return new Proxy(value as object, { get: (model, method) => (queries++, Reflect.get(model, method)) });
        }
        return value;
      },
    });
    const warm = new AcceptancePolicyResolver(counting, 60_000);
    await warm.resolve({ ...none, recipientAccountId: ids.teacher });
    const cold = queries;
    await warm.resolve({ ...none, sender: 'x@y.example', recipientAccountId: ids.teacher });
    expect(cold).toBeGreaterThan(0);
    expect(queries).toBe(cold);
  });
});
