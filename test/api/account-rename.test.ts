/**
 * Renaming a mailbox (a new local part in its own domain) through REST and GraphQL: the
 * mailbox, its sessions and its id stay, the old address becomes an alias to the new one
 * unless told otherwise, and a taken or malformed address changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox, MAILBOX_PASSWORD } from '../support/accounts.js';
import { buildCli, cliFor } from '../cli/cli-runner.js';

const WEST = 'west.district1.k12.us';
let api: TestApi;
let people: Districts;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
});
afterAll(() => api?.close());

const accountRow = (address: string) => api.prisma.account.findUnique({ where: { address } });
const addressRow = (address: string) => api.prisma.address.findUnique({ where: { address } });

describe('rename through REST', () => {
  it('moves the mailbox to the new address, keeps the old one as an alias to it, and keeps the owner signed in', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'jsmith', displayName: 'Jane Smith' });
    const id = (await accountRow(`jsmith@${WEST}`))!.id;
    const owner = await api.login(`jsmith@${WEST}`, MAILBOX_PASSWORD);
    await createMailbox(people.postmaster1, WEST, { localPart: 'assistant' });
    expect((await people.westAdmin.post(`/accounts/assistant@${WEST}/send-as`, { address: `jsmith@${WEST}` })).status).toBe(201);

    const renamed = await people.westAdmin.post(`/accounts/jsmith@${WEST}/rename`, { localPart: 'Jane.Jones' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ address: `jane.jones@${WEST}`, localPart: 'jane.jones', domain: WEST, displayName: 'Jane Smith', version: 2 });
    expect(renamed.headers.get('etag')).toBe('"2"');
    expect((await accountRow(`jane.jones@${WEST}`))!.id).toBe(id);
    expect(await addressRow(`jane.jones@${WEST}`)).toMatchObject({ kind: 'account' });
    expect(await addressRow(`jsmith@${WEST}`)).toMatchObject({ kind: 'alias' });

    const aliases = await people.westAdmin.get(`/domains/${WEST}/aliases`);
    expect(aliases.body.items).toEqual([expect.objectContaining({ address: `jsmith@${WEST}`, targets: [`jane.jones@${WEST}`] })]);
    expect((await people.westAdmin.get(`/accounts/jsmith@${WEST}`)).status).toBe(404);
    // A right to send as the mailbox follows it to the new address.
    const sendAs = await people.westAdmin.get(`/accounts/assistant@${WEST}/send-as`);
    expect(sendAs.body.items.map((item: { address: string }) => item.address)).toEqual([`jane.jones@${WEST}`]);

    // Sessions are by account id: the owner's token reads the mailbox under its new name.
    expect((await owner.get(`/accounts/jane.jones@${WEST}`)).body).toMatchObject({ address: `jane.jones@${WEST}` });
    expect((await api.anonymous.post('/auth/login', { username: `jane.jones@${WEST}`, password: MAILBOX_PASSWORD })).status).toBe(200);
    expect((await api.anonymous.post('/auth/login', { username: `jsmith@${WEST}`, password: MAILBOX_PASSWORD })).status).toBe(401);
  });

  it('records who renamed what, with the address before and after', async () => {
    const events = await api.prisma.auditEvent.findMany({ where: { action: 'account.rename' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      subjectType: 'Account',
      subjectId: `jane.jones@${WEST}`,
      before: expect.objectContaining({ address: `jsmith@${WEST}`, version: 1 }),
      after: expect.objectContaining({ address: `jane.jones@${WEST}`, version: 2, oldAddressKeptAsAlias: true }),
    });
    expect(await api.prisma.auditEvent.count({ where: { action: 'alias.create', subjectId: `jsmith@${WEST}` } })).toBe(1);
  });

  it('honours If-Match: a stale version is 412 and changes nothing', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'stale' });
    const stale = await people.westAdmin.post(`/accounts/stale@${WEST}/rename`, { localPart: 'fresh' }, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(await accountRow(`fresh@${WEST}`)).toBeNull();
    const current = await people.westAdmin.post(`/accounts/stale@${WEST}/rename`, { localPart: 'fresh', keepOldAddressAsAlias: false }, { 'if-match': '"1"' });
    expect(current.status).toBe(200);
    expect(await addressRow(`stale@${WEST}`)).toBeNull();
  });

  it('answers 409 when anything already uses the new address, and changes nothing', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'kim' });
    await createMailbox(people.postmaster1, WEST, { localPart: 'lee' });
    expect((await people.westAdmin.post(`/domains/${WEST}/aliases`, { localPart: 'office', targets: [`lee@${WEST}`] })).status).toBe(201);
    for (const [taken, owner] of [['lee', 'an account'], ['office', 'an alias'], ['jsmith', 'an alias']] as const) {
      const conflict = await people.westAdmin.post(`/accounts/kim@${WEST}/rename`, { localPart: taken });
      expect(conflict.status).toBe(409);
      expect(conflict.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(conflict.body).toMatchObject({ status: 409, detail: `${taken}@${WEST} is already used by ${owner}`, errors: [{ field: 'localPart' }] });
    }
    expect((await accountRow(`kim@${WEST}`))!.version).toBe(1);
    expect(await addressRow(`kim@${WEST}`)).toMatchObject({ kind: 'account' });
  });

  it('refuses a malformed local part, an unknown field and the current name with a problem naming the field', async () => {
    for (const body of [{ localPart: 'two..dots' }, { localPart: 'kim@elsewhere.test' }, { localPart: '' }, { localPart: 'kim2', domain: 'district2.k12.us' }, { localPart: 'kim' }]) {
      const refused = await people.westAdmin.post(`/accounts/kim@${WEST}/rename`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.errors[0].field).toMatch(/localPart|\(body\)/);
    }
    expect((await accountRow(`kim@${WEST}`))!.version).toBe(1);
  });

  it('is 404 for an account out of scope or unknown, and 403 for a mailbox owner renaming itself', async () => {
    expect((await people.postmaster2.post(`/accounts/kim@${WEST}/rename`, { localPart: 'kimberly' })).status).toBe(404);
    expect((await people.westAdmin.post(`/accounts/nobody@${WEST}/rename`, { localPart: 'somebody' })).status).toBe(404);
    const owner = await api.login(`kim@${WEST}`, MAILBOX_PASSWORD);
    expect((await owner.post(`/accounts/kim@${WEST}/rename`, { localPart: 'kimberly' })).status).toBe(403);
    expect(await accountRow(`kimberly@${WEST}`)).toBeNull();
  });
});

describe('rename through GraphQL', () => {
  const mutation = `mutation($a: String!, $l: String!, $k: Boolean, $v: Int) {
    renameAccount(address: $a, localPart: $l, keepOldAddressAsAlias: $k, expectedVersion: $v) { address localPart version }
  }`;

  it('renames without keeping the old address: it is free again afterwards', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'pat' });
    const result = await people.postmaster1.graphql(mutation, { a: `pat@${WEST}`, l: 'patricia', k: false, v: 1 });
    expect(result.errors).toBeUndefined();
    expect(result.data.renameAccount).toEqual({ address: `patricia@${WEST}`, localPart: 'patricia', version: 2 });
    expect(await addressRow(`pat@${WEST}`)).toBeNull();
    expect(await api.prisma.alias.findUnique({ where: { address: `pat@${WEST}` } })).toBeNull();
    expect((await people.westAdmin.post(`/domains/${WEST}/aliases`, { localPart: 'pat', targets: [`patricia@${WEST}`] })).status).toBe(201);
  });

  it('keeps the old address as an alias by default and reports conflicts with the same code as REST', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'max' });
    const result = await people.postmaster1.graphql(mutation, { a: `max@${WEST}`, l: 'maxine' });
    expect(result.data.renameAccount.address).toBe(`maxine@${WEST}`);
    expect(await api.prisma.alias.findUnique({ where: { address: `max@${WEST}` } })).toMatchObject({ targets: [`maxine@${WEST}`] });
    const conflict = await people.postmaster1.graphql(mutation, { a: `maxine@${WEST}`, l: 'patricia' });
    expect(conflict.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const outOfScope = await people.postmaster2.graphql(mutation, { a: `maxine@${WEST}`, l: 'other' });
    expect(outOfScope.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

describe('schoolmail account rename', () => {
  it('renames by local part or same-domain address, frees the old address on request, and refuses another domain', async () => {
    buildCli();
    const key = await people.staff.post('/api-keys', { name: 'cli district1', role: 'postmaster', domain: 'district1.k12.us' });
    const cli = cliFor(api.baseUrl, key.body.secret);
    await createMailbox(people.postmaster1, WEST, { localPart: 'sam' });

    const renamed = await cli('account', 'rename', `sam@${WEST}`, 'samuel');
    expect(renamed.stderr).toBe('');
    expect(renamed.stdout).toBe(`sam@${WEST} is now samuel@${WEST} (sam@${WEST} stays as an alias)\n`);
    expect(await addressRow(`sam@${WEST}`)).toMatchObject({ kind: 'alias' });

    const freed = await cli('account', 'rename', `samuel@${WEST}`, `sammy@${WEST}`, '--no-keep-old-address', '--json');
    expect(freed.code).toBe(0);
    expect(JSON.parse(freed.stdout)).toMatchObject({ address: `sammy@${WEST}`, version: 3 });
    expect(await addressRow(`samuel@${WEST}`)).toBeNull();

    const elsewhere = await cli('account', 'rename', `sammy@${WEST}`, 'sammy@district2.k12.us');
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toMatch(/keeps its domain/);
    const taken = await cli('account', 'rename', `sammy@${WEST}`, 'sam');
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toMatch(/already used by an alias/);
  }, 120_000);
});

describe('aliases and mailing lists that name the old address', () => {
  const DISTRICT1 = 'district1.k12.us';
  const DISTRICT2 = 'district2.k12.us';
  const targetsOf = async (address: string) => (await api.prisma.alias.findUniqueOrThrow({ where: { address } })).targets;
  const membersOf = async (client: typeof people.staff, list: string) =>
    (await client.get(`/lists/${list}/members`)).body.items.map((m: { address: string; isOwner: boolean }) => [m.address, m.isOwner]);
  const auditOf = async (client: typeof people.staff, action: string, subjectId: string) =>
    (await client.get(`/audit-events?action=${action}&limit=100`)).body.items.filter((e: { action: string; subjectId: string }) => e.action === action && e.subjectId === subjectId);

  it('points them at the new address in every domain, so an account that later takes the old address gets none of their mail', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'coach' });
    const old = `coach@${WEST}`;
    expect((await people.westAdmin.post(`/domains/${WEST}/aliases`, { localPart: 'sports', targets: ['head@example.org', old, 'ad@example.org'] })).status).toBe(201);
    expect((await people.postmaster1.post(`/domains/${DISTRICT1}/aliases`, { localPart: 'coaches', targets: [old] })).status).toBe(201);
    expect((await people.postmaster2.post(`/domains/${DISTRICT2}/aliases`, { localPart: 'visiting-coach', targets: [old] })).status).toBe(201);
    expect((await people.westAdmin.post(`/domains/${WEST}/lists`, { localPart: 'team', members: [old, 'parent@example.org'] })).status).toBe(201);
    expect((await people.westAdmin.put(`/lists/team@${WEST}/members/${old}`, { isOwner: true })).status).toBe(200);

    // The sub-domain admin may rename the mailbox, though it may not touch district-level aliases.
    const renamed = await people.westAdmin.post(`/accounts/${old}/rename`, { localPart: 'trainer', keepOldAddressAsAlias: false });
    expect(renamed.status).toBe(200);
    const now = `trainer@${WEST}`;
    expect(await targetsOf(`sports@${WEST}`)).toEqual(['head@example.org', now, 'ad@example.org']);
    expect((await people.postmaster1.get(`/aliases/coaches@${DISTRICT1}`)).body.targets).toEqual([now]);
    expect((await people.postmaster2.get(`/aliases/visiting-coach@${DISTRICT2}`)).body.targets).toEqual([now]);
    expect(await membersOf(people.westAdmin, `team@${WEST}`)).toEqual([
      ['parent@example.org', false],
      [now, true],
    ]);

    // The old address is free again; whoever gets it is not reached through the alias or the list.
    await createMailbox(people.postmaster1, WEST, { localPart: 'coach' });
    expect(await api.prisma.alias.count({ where: { targets: { has: old } } })).toBe(0);
    expect(await api.prisma.mailingListMember.count({ where: { address: old } })).toBe(0);
    expect(await membersOf(people.westAdmin, `team@${WEST}`)).not.toContainEqual([old, expect.anything()]);

    // Each change is audited under the renaming admin, and its domain's admins see it.
    for (const [reader, alias, before] of [
      [people.staff, `sports@${WEST}`, ['head@example.org', old, 'ad@example.org']],
      [people.postmaster1, `coaches@${DISTRICT1}`, [old]],
      [people.postmaster2, `visiting-coach@${DISTRICT2}`, [old]],
    ] as const) {
      const events = await auditOf(reader, 'alias.update', alias);
      expect(events, alias).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorName: 'westadmin', before: { targets: before }, after: { targets: before.map((t) => (t === old ? now : t)) } });
    }
    const listEvents = await auditOf(people.westAdmin, 'list.member.update', `team@${WEST}`);
    expect(listEvents[0]).toMatchObject({ actorName: 'westadmin', before: { address: old, isOwner: true }, after: { address: now, isOwner: true } });
  });

  it('points them at the new address when the old one is kept as an alias too, and the kept alias points there as well', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'nurse' });
    const old = `nurse@${WEST}`;
    const now = `school.nurse@${WEST}`;
    expect((await people.westAdmin.post(`/domains/${WEST}/aliases`, { localPart: 'health', targets: [old] })).status).toBe(201);
    expect((await people.postmaster1.post(`/domains/${DISTRICT1}/lists`, { localPart: 'care-team', members: [old] })).status).toBe(201);

    expect((await people.westAdmin.post(`/accounts/${old}/rename`, { localPart: 'school.nurse' })).status).toBe(200);
    expect(await targetsOf(`health@${WEST}`)).toEqual([now]);
    expect(await targetsOf(old)).toEqual([now]);
    expect(await membersOf(people.postmaster1, `care-team@${DISTRICT1}`)).toEqual([[now, false]]);
    // The kept alias is created, not updated: it never pointed anywhere else.
    expect(await auditOf(people.staff, 'alias.update', old)).toHaveLength(0);
    expect(await auditOf(people.staff, 'alias.update', `health@${WEST}`)).toHaveLength(1);
    expect(await auditOf(people.staff, 'list.member.update', `care-team@${DISTRICT1}`)).toHaveLength(1);
  });

  it('leaves one entry of the new address where an alias or a list already named both', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'dana' });
    const old = `dana@${WEST}`;
    const now = `dana.lee@${WEST}`;
    expect((await people.westAdmin.post(`/domains/${WEST}/aliases`, { localPart: 'drama', targets: [old, 'x@example.org', now] })).status).toBe(201);
    expect((await people.westAdmin.post(`/domains/${WEST}/lists`, { localPart: 'club', members: [old, now, 'y@example.org'] })).status).toBe(201);
    expect((await people.westAdmin.put(`/lists/club@${WEST}/members/${old}`, { isOwner: true })).status).toBe(200);

    expect((await people.westAdmin.post(`/accounts/${old}/rename`, { localPart: 'dana.lee', keepOldAddressAsAlias: false })).status).toBe(200);
    expect(await targetsOf(`drama@${WEST}`)).toEqual(['x@example.org', now]);
    // One row for the new address, still an owner as the old one was.
    expect(await membersOf(people.westAdmin, `club@${WEST}`)).toEqual([
      [now, true],
      ['y@example.org', false],
    ]);
    expect((await people.westAdmin.get(`/lists/club@${WEST}`)).body.memberCount).toBe(2);

    const removed = await auditOf(people.westAdmin, 'list.member.remove', `club@${WEST}`);
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ before: { address: old, isOwner: true } });
    const promoted = await auditOf(people.westAdmin, 'list.member.update', `club@${WEST}`);
    expect(promoted[0]).toMatchObject({ before: { address: now, isOwner: false }, after: { address: now, isOwner: true } });
    expect((await auditOf(people.westAdmin, 'alias.update', `drama@${WEST}`))[0]).toMatchObject({ after: { targets: ['x@example.org', now] } });
  });
});
