import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@schoolmail/prisma';
import { createTestDatabase } from '../../../../test/support/database.js';
import { makeAccount, makeDomain, makeGroup } from '../../../../test/support/acceptance.js';
import { AcceptancePolicyResolver, invalidateAcceptancePolicies, resolveAcceptancePolicy } from './resolve-policy.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: PrismaClient;
const ids: Record<string, number> = {};

async function policy(level: 'server' | 'domain' | 'group' | 'account', target: { domainId?: number; groupId?: number; accountId?: number }, body: { whitelistedSenders?: string[]; trustedNetworks?: string[]; maxAttachmentKb?: number | null }) {
  await db.acceptancePolicy.create({
    data: { level, ...target, whitelistedSenders: body.whitelistedSenders ?? [], trustedNetworks: body.trustedNetworks ?? [], maxAttachmentKb: body.maxAttachmentKb ?? null },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.prisma;
  ids.district1 = (await makeDomain(db, 'district1.k12.us')).id;
  ids.west = (await makeDomain(db, 'west.district1.k12.us', 'district1.k12.us')).id;
  ids.district2 = (await makeDomain(db, 'district2.k12.us')).id;
  ids.student = (await makeAccount(db, 'student@west.district1.k12.us')).id;
  ids.teacher = (await makeAccount(db, 'teacher@west.district1.k12.us')).id;
  ids.other = (await makeAccount(db, 'kid@district2.k12.us')).id;
  ids.staffGroup = (await makeGroup(db, 'staff@west.district1.k12.us', [ids.teacher])).id;

  await policy('server', {}, { whitelistedSenders: ['alerts@state.gov'], maxAttachmentKb: 20_000 });
  await policy('domain', { domainId: ids.district1 }, { trustedNetworks: ['10.0.0.0/8', '2001:db8::/32'], maxAttachmentKb: 10_000 });
  await policy('group', { groupId: ids.staffGroup }, { whitelistedSenders: ['*@publisher.example'] });
  await policy('account', { accountId: ids.student }, { whitelistedSenders: ['grandma@family.example'], maxAttachmentKb: 500 });
});

afterAll(async () => {
  await database?.drop();
});

const none = { clientIp: '192.0.2.1', sender: 'someone@elsewhere.example' };

describe('effective acceptance policy', () => {
  it('applies the server whitelist to every domain', async () => {
    const decision = await resolveAcceptancePolicy(db, { ...none, sender: 'ALERTS@state.gov', recipientAccountId: ids.other });
    expect(decision).toEqual({ skipContentChecks: true, reason: 'whitelisted sender alerts@state.gov at server', maxAttachmentKb: 20_000 });
    const byDomain = await resolveAcceptancePolicy(db, { ...none, sender: 'alerts@state.gov', recipientDomainId: ids.district2 });
    expect(byDomain.skipContentChecks).toBe(true);
    const noRecipient = await resolveAcceptancePolicy(db, { ...none, sender: 'alerts@state.gov' });
    expect(noRecipient.skipContentChecks).toBe(true);
  });

  it("applies a domain's trusted networks to its sub-domains, IPv4 and IPv6, and not to other districts", async () => {
    expect(await resolveAcceptancePolicy(db, { ...none, clientIp: '10.20.30.40', recipientAccountId: ids.student })).toEqual({
      skipContentChecks: true,
      reason: 'trusted network 10.0.0.0/8 at domain district1.k12.us',
      maxAttachmentKb: 500,
    });
    expect((await resolveAcceptancePolicy(db, { ...none, clientIp: '::ffff:10.1.1.1', recipientDomainId: ids.west })).reason).toBe(
      'trusted network 10.0.0.0/8 at domain district1.k12.us',
    );
    expect((await resolveAcceptancePolicy(db, { ...none, clientIp: '2001:db8:5::9', recipientAccountId: ids.teacher })).reason).toBe(
      'trusted network 2001:db8::/32 at domain district1.k12.us',
    );
    expect((await resolveAcceptancePolicy(db, { ...none, clientIp: '10.20.30.40', recipientAccountId: ids.other })).skipContentChecks).toBe(false);
  });

  it('applies a group whitelist to its members only', async () => {
    const teacher = await resolveAcceptancePolicy(db, { ...none, sender: 'books@publisher.example', recipientAccountId: ids.teacher });
    expect(teacher.reason).toBe('whitelisted sender *@publisher.example at group staff@west.district1.k12.us');
    const student = await resolveAcceptancePolicy(db, { ...none, sender: 'books@publisher.example', recipientAccountId: ids.student });
    expect(student.skipContentChecks).toBe(false);
  });

  it("applies an account's whitelist to that account only", async () => {
    expect((await resolveAcceptancePolicy(db, { ...none, sender: 'grandma@family.example', recipientAccountId: ids.student })).reason).toBe(
      'whitelisted sender grandma@family.example at account student@west.district1.k12.us',
    );
    expect((await resolveAcceptancePolicy(db, { ...none, sender: 'grandma@family.example', recipientAccountId: ids.teacher })).skipContentChecks).toBe(false);
  });

  it('takes the strictest attachment limit along the chain', async () => {
    expect((await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.student })).maxAttachmentKb).toBe(500);
    expect((await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.teacher })).maxAttachmentKb).toBe(10_000);
    expect((await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.other })).maxAttachmentKb).toBe(20_000);
    // An authenticated sender's own chain counts too.
    expect((await resolveAcceptancePolicy(db, { ...none, recipientAccountId: ids.other, senderAccountId: ids.student })).maxAttachmentKb).toBe(500);
  });

  it('does not whitelist the null sender', async () => {
    expect((await resolveAcceptancePolicy(db, { ...none, sender: '', recipientAccountId: ids.student })).skipContentChecks).toBe(false);
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
