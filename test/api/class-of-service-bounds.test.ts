/**
 * Assigning a class of service stays within the limits set above (ARCHITECTURE.md §3-5): a
 * district's administrators may not give a domain or an account a class bigger than the one
 * staff gave the district, nor remove the district's own class; staff may do anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox, MAILBOX_PASSWORD, preHashed } from '../support/accounts.js';

process.env.SCHOOLMAIL_JOB_POLL_MS = '100';

let api: TestApi;
let people: Districts;

const ROOT = 'district1.k12.us';
const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const JANE = `jane@${WEST}`;
const basic = { name: 'basic', services: { imap: false }, mailboxQuotaMb: 500, maxMessageSizeKb: 10240, maxRecipients: 50 };
const premium = { name: 'premium', mailboxQuotaMb: 10240, maxMessageSizeKb: 25600, maxRecipients: 100 };

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  for (const body of [basic, premium]) expect((await people.staff.post('/classes-of-service', body)).status).toBe(201);
  expect((await people.staff.patch(`/domains/${ROOT}`, { classOfService: 'basic' })).status).toBe(200);
  await createMailbox(people.postmaster1, WEST, { localPart: 'jane' });
});
afterAll(() => api?.close());

const classOf = async (kind: 'domains' | 'accounts', key: string) => (await people.staff.get(`/${kind}/${key}`)).body.classOfService;

/** A 400 naming classOfService, the class asked for and the limit that refuses it. */
function expectBeyondLimits(response: { status: number; body: any }) {
  expect(response.status).toBe(400);
  expect(response.body.errors.length).toBeGreaterThan(0);
  for (const error of response.body.errors) expect(error.field).toBe('classOfService');
  const messages = response.body.errors.map((e: { message: string }) => e.message).join('\n');
  expect(messages).toContain('"premium"');
  expect(messages).toContain(`mailboxQuotaMb must be at most 500, the limit of class of service "basic" assigned to ${ROOT}`);
  expect(messages).toContain(`services.imap cannot be on: class of service "basic" assigned to ${ROOT} switches it off`);
}

describe('assigning a class of service within the limits set above', () => {
  it("refuses a postmaster a bigger platform class on the district's root, a sub-domain or an account", async () => {
    const root = await people.postmaster1.patch(`/domains/${ROOT}`, { classOfService: 'premium' });
    expect(root.status).toBe(403);
    expect(root.body.errors).toEqual([{ field: 'classOfService', message: expect.stringContaining('only platform staff may change it') }]);
    expect(await classOf('domains', ROOT)).toBe('basic');

    expectBeyondLimits(await people.postmaster1.patch(`/domains/${WEST}`, { classOfService: 'premium' }));
    expect(await classOf('domains', WEST)).toBeNull();
    expectBeyondLimits(await people.postmaster1.post('/domains', { name: `new.${WEST}`, parent: WEST, classOfService: 'premium' }));
    expect((await people.staff.get(`/domains/new.${WEST}`)).status).toBe(404);

    expectBeyondLimits(await people.postmaster1.patch(`/accounts/${JANE}`, { classOfService: 'premium' }));
    expect(await classOf('accounts', JANE)).toBeNull();
    expectBeyondLimits(await people.westAdmin.post(`/domains/${WEST}/accounts`, { localPart: 'big', password: MAILBOX_PASSWORD, classOfService: 'premium' }));
    expect(await api.prisma.account.count({ where: { address: `big@${WEST}` } })).toBe(0);

    // GraphQL shares the use case: the same refusal.
    const gql = await people.postmaster1.graphql(`mutation { updateAccount(address: "${JANE}", input: { classOfService: "premium" }) { classOfService } }`);
    expect(gql.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect((gql.errors![0].extensions as any).errors[0].field).toBe('classOfService');
    const gqlDomain = await people.postmaster1.graphql(`mutation { updateDomain(name: "${WEST}", input: { classOfService: "premium" }) { classOfService } }`);
    expect(gqlDomain.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await classOf('accounts', JANE)).toBeNull();
    expect(await classOf('domains', WEST)).toBeNull();
  });

  it("keeps the district's cap: a postmaster may not remove the root's class", async () => {
    const removed = await people.postmaster1.patch(`/domains/${ROOT}`, { classOfService: null });
    expect(removed.status).toBe(403);
    expect(removed.body.errors[0].field).toBe('classOfService');
    const gql = await people.postmaster1.graphql(`mutation { updateDomain(name: "${ROOT}", input: { clearClassOfService: true }) { classOfService } }`);
    expect(gql.errors![0].extensions.code).toBe('FORBIDDEN');
    expect(await classOf('domains', ROOT)).toBe('basic');
    // So a district's own class stays bounded by it.
    const huge = await people.postmaster1.post('/classes-of-service', { name: 'd1-huge', domain: ROOT, mailboxQuotaMb: 4096, maxMessageSizeKb: 10240, maxRecipients: 50 });
    expect(huge.status).toBe(400);
    expect(huge.body.errors[0].field).toBe('mailboxQuotaMb');
    // Other changes to the root stay the postmaster's, and sending the class it has is no change.
    expect((await people.postmaster1.patch(`/domains/${ROOT}`, { classOfService: 'basic', branding: { productName: 'District 1 Mail' } })).status).toBe(200);
  });

  it('lets a sub-domain admin keep the class its sub-domain got from above', async () => {
    expect((await people.postmaster1.post('/classes-of-service', { name: 'd1-small', domain: ROOT, mailboxQuotaMb: 200, maxMessageSizeKb: 5120, maxRecipients: 20 })).status).toBe(201);
    expect((await people.postmaster1.patch(`/domains/${EAST}`, { classOfService: 'd1-small' })).status).toBe(200);
    // The postmaster may undo it: east then follows the district's class again, no more.
    expect((await people.postmaster1.patch(`/domains/${EAST}`, { classOfService: null })).status).toBe(200);
    expect(await classOf('domains', EAST)).toBeNull();

    expect((await people.postmaster1.patch(`/domains/${WEST}`, { classOfService: 'd1-small' })).status).toBe(200);
    for (const classOfService of ['basic', null]) {
      const response = await people.westAdmin.patch(`/domains/${WEST}`, { classOfService });
      expect(response.status, String(classOfService)).toBe(403);
      expect(response.body.errors[0].message).toContain('an administrator of its parent domain');
    }
    expect(await classOf('domains', WEST)).toBe('d1-small');
    // Accounts of west are bounded by west's class now.
    const bigger = await people.westAdmin.patch(`/accounts/${JANE}`, { classOfService: 'basic' });
    expect(bigger.status).toBe(400);
    expect(bigger.body.errors.map((e: { message: string }) => e.message).join('\n')).toContain(`at most 200, the limit of class of service "d1-small" assigned to ${WEST}`);
    expect((await people.postmaster1.patch(`/domains/${WEST}`, { classOfService: null })).status).toBe(200);
  });

  it("accepts a district's own class within the bounds on a sub-domain and an account", async () => {
    const own = await people.postmaster1.post('/classes-of-service', { name: 'd1-teachers', domain: ROOT, mailboxQuotaMb: 400, maxMessageSizeKb: 10240, maxRecipients: 50 });
    expect(own.status).toBe(201);
    expect(own.body.services.imap).toBe(false);
    expect((await people.postmaster1.patch(`/domains/${EAST}`, { classOfService: 'd1-teachers' })).status).toBe(200);
    expect(await classOf('domains', EAST)).toBe('d1-teachers');
    const account = await people.postmaster1.patch(`/accounts/${JANE}`, { classOfService: 'd1-teachers' });
    expect(account.status).toBe(200);
    expect(account.body.quota.limitBytes).toBe(400 * 1024 * 1024);
    // The district's own cap itself may be assigned below the root, and removed from an account.
    expect((await people.postmaster1.patch(`/domains/${EAST}`, { classOfService: 'basic' })).status).toBe(200);
    expect((await people.postmaster1.patch(`/accounts/${JANE}`, { classOfService: null })).status).toBe(200);
    expect(await classOf('accounts', JANE)).toBeNull();
  });

  it("keeps the account's effective quota and services within the district's class", async () => {
    await people.postmaster1.patch(`/accounts/${JANE}`, { classOfService: 'premium' });
    await people.postmaster1.patch(`/domains/${WEST}`, { classOfService: 'premium' });
    await people.postmaster1.patch(`/domains/${ROOT}`, { classOfService: null });
    const settings = (await people.staff.get(`/accounts/${JANE}/effective-settings`)).body;
    expect(settings.classOfService).toEqual({ name: 'basic', assignedAt: { level: 'domain', name: ROOT } });
    expect(settings.mailboxQuotaMb.value).toBe(500);
    expect(settings.services.imap.value).toBe(false);
  });

  it('refuses a bigger class in bulk creation and in a CSV import, dry run or not', async () => {
    const hash = await preHashed();
    const bulk = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, {
      accounts: [
        { localPart: 'bulk-ok', passwordHash: hash, classOfService: 'basic' },
        { localPart: 'bulk-big', passwordHash: hash, classOfService: 'PREMIUM' },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ created: 1, failed: 1 });
    expect(bulk.body.results[1]).toMatchObject({ address: `bulk-big@${WEST}`, status: 'error', error: { field: 'classOfService', code: 'BAD_USER_INPUT' } });
    expect(bulk.body.results[1].error.message).toContain('mailboxQuotaMb must be at most 500');
    expect(await api.prisma.account.count({ where: { address: `bulk-big@${WEST}` } })).toBe(0);
    const atomic = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, { atomic: true, accounts: [{ localPart: 'bulk-big', passwordHash: hash, classOfService: 'premium' }] });
    expect(atomic.status).toBe(400);
    expect(atomic.body.errors[0].field).toBe('accounts.0.classOfService');

    const csv = `address,passwordHash,classOfService\ncsv-ok@${EAST},${hash},basic\ncsv-big@${EAST},${hash},premium\n`;
    for (const dryRun of [true, false]) {
      const started = await people.postmaster1.post('/accounts/imports', { csv: dryRun ? csv : csv.replace(/csv-/g, 'csv2-'), dryRun });
      expect(started.status).toBe(202);
      const job = await finished(people.postmaster1, started.body.id);
      expect(job, `dryRun ${dryRun}`).toMatchObject({ status: 'succeeded', succeeded: 1, failed: 1 });
      const report = await people.postmaster1.get(`/jobs/${started.body.id}/report`);
      expect(report.body.rows).toEqual([expect.objectContaining({ row: 3, field: 'classOfService', reason: expect.stringContaining('mailboxQuotaMb must be at most 500') })]);
    }
    expect(await api.prisma.account.count({ where: { address: { in: [`csv-big@${EAST}`, `csv2-big@${EAST}`] } } })).toBe(0);
  });

  it('leaves staff free to assign anything anywhere, and to remove the cap', async () => {
    expect((await people.staff.patch(`/accounts/${JANE}`, { classOfService: 'premium' })).status).toBe(200);
    expect((await people.staff.patch(`/domains/${WEST}`, { classOfService: 'premium' })).status).toBe(200);
    expect((await people.staff.post(`/domains/${WEST}/accounts`, { localPart: 'vip', password: MAILBOX_PASSWORD, classOfService: 'premium' })).status).toBe(201);
    const settings = (await people.staff.get(`/accounts/${JANE}/effective-settings`)).body;
    expect(settings.mailboxQuotaMb.value).toBe(10240);
    expect(settings.services.imap.value).toBe(true);
    // A class staff gave stays when a postmaster sends it back unchanged with other changes.
    const unchanged = await people.postmaster1.patch(`/accounts/${JANE}`, { classOfService: 'premium', displayName: 'Jane' });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ classOfService: 'premium', displayName: 'Jane' });
    expect((await people.staff.patch(`/domains/${ROOT}`, { classOfService: 'premium' })).status).toBe(200);
    expect((await people.staff.patch(`/domains/${ROOT}`, { classOfService: null })).status).toBe(200);
    expect(await classOf('domains', ROOT)).toBeNull();
  });
});

/**
 * Moving a domain carries its classes along, so a move is held to the limits of the new place
 * as an assignment there would be. north has "premium" and south "basic", both from staff; a
 * postmaster of the district may give premium below north, not below south.
 */
describe('moving a domain within the limits of its new place', () => {
  const NORTH = `north.${ROOT}`;
  const SOUTH = `south.${ROOT}`;
  const created = async (promise: Promise<{ status: number; body: unknown }>) => {
    const response = await promise;
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };
  const placeOf = async (name: string) => {
    const row = await api.prisma.domain.findUniqueOrThrow({ where: { name }, include: { parent: true, classOfService: true } });
    return { parent: row.parent?.name ?? null, path: row.path, classOfService: row.classOfService?.name ?? null };
  };
  /** A 400 naming parent, the class the subtree carries and south's limit. */
  const expectCarriesPremium = (response: { status: number; body: any }) => {
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.errors.length).toBeGreaterThan(0);
    for (const error of response.body.errors) expect(error.field).toBe('parent');
    const messages = response.body.errors.map((e: { message: string }) => e.message).join('\n');
    expect(messages).toContain('class of service "premium" is beyond the limits of');
    expect(messages).toContain(`mailboxQuotaMb must be at most 500, the limit of class of service "basic" assigned to ${SOUTH}`);
  };

  beforeAll(async () => {
    for (const [name, classOfService] of [[NORTH, 'premium'], [SOUTH, 'basic']] as const) {
      await created(people.staff.post('/domains', { name, parent: ROOT }));
      expect((await people.staff.patch(`/domains/${name}`, { classOfService })).status).toBe(200);
    }
  });

  it('refuses a postmaster a move that carries premium below south, on the domain, a sub-domain or an account; staff may', async () => {
    const [own, sub, deep, held] = [`own.${NORTH}`, `sub.${NORTH}`, `deep.sub.${NORTH}`, `held.${NORTH}`];
    await created(people.postmaster1.post('/domains', { name: own, parent: NORTH, classOfService: 'premium' }));
    await created(people.postmaster1.post('/domains', { name: sub, parent: NORTH }));
    await created(people.postmaster1.post('/domains', { name: deep, parent: sub, classOfService: 'premium' }));
    await created(people.postmaster1.post('/domains', { name: held, parent: NORTH }));
    await createMailbox(people.postmaster1, held, { localPart: 'big', classOfService: 'premium' });

    for (const name of [own, sub, held]) {
      const before = await placeOf(name);
      expectCarriesPremium(await people.postmaster1.patch(`/domains/${name}`, { parent: SOUTH }));
      expect(await placeOf(name), name).toEqual(before);
    }
    expect((await placeOf(deep)).path.startsWith((await placeOf(sub)).path)).toBe(true);
    expect((await people.staff.get(`/domains/${deep}`)).body.parent).toBe(sub);
    // GraphQL shares the use case.
    const gql = await people.postmaster1.graphql(`mutation { updateDomain(name: "${own}", input: { parent: "${SOUTH}" }) { parent } }`);
    expect(gql.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect((gql.errors![0].extensions as any).errors[0].field).toBe('parent');
    expect((await placeOf(own)).parent).toBe(NORTH);

    const moved = await people.staff.patch(`/domains/${own}`, { parent: SOUTH });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parent: SOUTH, classOfService: 'premium' });
  });

  it('lets a postmaster move a subtree once every class in it fits the new place', async () => {
    const [fits, inner] = [`fits.${NORTH}`, `inner.fits.${NORTH}`];
    await created(people.postmaster1.post('/domains', { name: fits, parent: NORTH }));
    await created(people.postmaster1.post('/domains', { name: inner, parent: fits, classOfService: 'basic' }));
    await createMailbox(people.postmaster1, fits, { localPart: 'teacher', classOfService: 'premium' });
    await createMailbox(people.postmaster1, inner, { localPart: 'pupil', classOfService: 'basic' });
    expectCarriesPremium(await people.postmaster1.patch(`/domains/${fits}`, { parent: SOUTH }));
    expect((await placeOf(fits)).parent).toBe(NORTH);

    expect((await people.postmaster1.patch(`/accounts/teacher@${fits}`, { classOfService: 'basic' })).status).toBe(200);
    const moved = await people.postmaster1.patch(`/domains/${fits}`, { parent: SOUTH });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.parent).toBe(SOUTH);
    const [south, after, innerAfter] = [await placeOf(SOUTH), await placeOf(fits), await placeOf(inner)];
    expect(after.path.startsWith(south.path)).toBe(true);
    expect(innerAfter).toMatchObject({ parent: fits, classOfService: 'basic' });
    expect(innerAfter.path.startsWith(after.path)).toBe(true);
  });

  it('decides a class given with the move at the new place', async () => {
    const [plain, up, down] = [`plain.${NORTH}`, `up.${SOUTH}`, `down.${NORTH}`];
    await created(people.postmaster1.post('/domains', { name: plain, parent: NORTH }));
    await created(people.postmaster1.post('/domains', { name: up, parent: SOUTH }));
    await created(people.postmaster1.post('/domains', { name: down, parent: NORTH, classOfService: 'premium' }));

    // Premium fits below north, where plain is, but not below south, where it would go.
    const refused = await people.postmaster1.patch(`/domains/${plain}`, { parent: SOUTH, classOfService: 'premium' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['classOfService']));
    expect(refused.body.errors.map((e: { message: string }) => e.message).join('\n')).toContain(`the limit of class of service "basic" assigned to ${SOUTH}`);
    expect(await placeOf(plain)).toMatchObject({ parent: NORTH, classOfService: null });
    // And the other way: premium does not fit below south, where up is, but below north.
    const raised = await people.postmaster1.patch(`/domains/${up}`, { parent: NORTH, classOfService: 'premium' });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(await placeOf(up)).toMatchObject({ parent: NORTH, classOfService: 'premium' });
    // A domain may leave with a smaller class that fits its new place.
    const lowered = await people.postmaster1.patch(`/domains/${down}`, { parent: SOUTH, classOfService: 'basic' });
    expect(lowered.status, JSON.stringify(lowered.body)).toBe(200);
    expect(await placeOf(down)).toMatchObject({ parent: SOUTH, classOfService: 'basic' });
  });
});

async function finished(client: ApiClient, id: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await client.get(`/jobs/${id}`);
    if (!['queued', 'running'].includes(job.body.status)) return job.body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
