import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { adminWithPermissions, createMailbox, MAILBOX_PASSWORD, preHashed } from '../support/accounts.js';

let api: TestApi;
let people: Districts;

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(people.postmaster1, WEST, { localPart: 'wendy', displayName: 'Wendy West' });
  await createMailbox(people.postmaster1, EAST, { localPart: 'eddie', displayName: 'Eddie East' });
  await createMailbox(people.postmaster2, 'district2.k12.us', { localPart: 'dora' });
});
afterAll(() => api?.close());

const addresses = (body: { items: Array<{ address: string }> }) => body.items.map((a) => a.address);

describe('accounts: create, read, update, delete', () => {
  it('creates a mailbox and never shows its password hash', async () => {
    const created = await people.postmaster1.post(`/domains/${WEST}/accounts`, {
      localPart: 'Jane.Doe',
      password: 'jane-password-1',
      displayName: 'Jane Doe',
      services: { pop3: false },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      address: `jane.doe@${WEST}`,
      localPart: 'jane.doe',
      domain: WEST,
      displayName: 'Jane Doe',
      classOfService: null,
      status: 'active',
      quota: { usedBytes: 0, limitBytes: 2048 * 1024 * 1024 },
      version: 1,
      lastLoginAt: null,
    });
    expect(created.body.services).toEqual({ smtp: true, imap: true, pop3: false, webmail: true, rpop: true });
    expect(created.headers.get('etag')).toBe('"1"');
    expect(JSON.stringify(created.body)).not.toMatch(/SCRYPT|passwordHash/);
    const stored = await api.prisma.account.findUniqueOrThrow({ where: { address: `jane.doe@${WEST}` } });
    expect(stored.passwordHash).toMatch(/^\{SCRYPT\}\$/);
    expect(await api.prisma.address.findUnique({ where: { address: `jane.doe@${WEST}` } })).toMatchObject({ kind: 'account' });

    const read = await people.westAdmin.get(`/accounts/jane.doe@${WEST}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    // The owner can sign in with the password it was given.
    expect((await api.anonymous.post('/auth/login', { username: `jane.doe@${WEST}`, password: 'jane-password-1' })).status).toBe(200);
  });

  it('updates with If-Match, answers 412 on a stale version and changes nothing', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'upd' });
    const read = await people.westAdmin.get(`/accounts/upd@${WEST}`);
    const etag = read.headers.get('etag')!;
    const first = await people.westAdmin.patch(`/accounts/upd@${WEST}`, { displayName: 'Updated', status: 'locked', services: { imap: false } }, { 'if-match': etag });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ displayName: 'Updated', status: 'locked', version: 2 });
    expect(first.body.services.imap).toBe(false);
    const stale = await people.westAdmin.patch(`/accounts/upd@${WEST}`, { displayName: 'Lost' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect((await people.westAdmin.get(`/accounts/upd@${WEST}`)).body.displayName).toBe('Updated');
    const unknownField = await people.westAdmin.patch(`/accounts/upd@${WEST}`, { passwordHash: 'x' });
    expect(unknownField.status).toBe(400);
    const badStatus = await people.westAdmin.patch(`/accounts/upd@${WEST}`, { status: 'gone' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors[0].field).toBe('status');
    const unknownClass = await people.westAdmin.patch(`/accounts/upd@${WEST}`, { classOfService: 'nope' });
    expect(unknownClass.status).toBe(400);
    expect(unknownClass.body.errors[0].field).toBe('classOfService');
    const cleared = await people.westAdmin.patch(`/accounts/upd@${WEST}`, { displayName: null });
    expect(cleared.body.displayName).toBeNull();
  });

  it('deletes a mailbox and frees its address', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'gone' });
    expect((await people.westAdmin.delete(`/accounts/gone@${WEST}`)).status).toBe(204);
    expect((await people.westAdmin.get(`/accounts/gone@${WEST}`)).status).toBe(404);
    expect(await api.prisma.address.findUnique({ where: { address: `gone@${WEST}` } })).toBeNull();
    expect((await people.westAdmin.post(`/domains/${WEST}/accounts`, { localPart: 'gone', password: MAILBOX_PASSWORD })).status).toBe(201);
    expect((await people.westAdmin.delete(`/accounts/nobody@${WEST}`)).status).toBe(404);
  });
});

describe('accounts: bad input', () => {
  it('refuses invalid local parts naming localPart and writes nothing', async () => {
    const before = await api.prisma.account.count();
    for (const [localPart, message] of [
      ['ja ne', 'not a valid local part'],
      ['a..b', 'not a valid local part'],
      ['.lead', 'not a valid local part'],
      ['trail.', 'not a valid local part'],
      ['semi;colon', 'not a valid local part'],
      ['ünï', 'not a valid local part'],
      ['a'.repeat(65), 'longer than 64 octets'],
      ['', 'is required'],
    ]) {
      const response = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart, password: MAILBOX_PASSWORD });
      expect(response.status, localPart).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors[0].field, localPart).toBe('localPart');
      expect(response.body.errors[0].message, localPart).toContain(message);
    }
    expect(await api.prisma.account.count()).toBe(before);
  });

  it('refuses an address longer than 254 characters (RFC 5321)', async () => {
    const longDomain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(60)}.k12.us`;
    expect((await people.staff.post('/domains', { name: longDomain })).status).toBe(201);
    const response = await people.staff.post(`/domains/${longDomain}/accounts`, { localPart: 'x'.repeat(64), password: MAILBOX_PASSWORD });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('localPart');
    expect(response.body.errors[0].message).toContain('254');
    expect((await people.staff.post(`/domains/${longDomain}/accounts`, { localPart: 'x'.repeat(50), password: MAILBOX_PASSWORD })).status).toBe(201);
  });

  it('asks for exactly one of password and passwordHash, and only hashes it can verify', async () => {
    const missing = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart: 'nopw' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('password');
    const short = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart: 'nopw', password: 'short' });
    expect(short.body.errors[0].field).toBe('password');
    for (const passwordHash of ['$1$abc$def', '{MD5-CRYPT}$1$abc$def', '{SCRYPT}garbage']) {
      const response = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart: 'nopw', passwordHash });
      expect(response.status, passwordHash).toBe(400);
      expect(response.body.errors[0].field).toBe('passwordHash');
    }
    const both = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart: 'nopw', password: MAILBOX_PASSWORD, passwordHash: await preHashed() });
    expect(both.status).toBe(400);
    expect(await api.prisma.account.count({ where: { localPart: 'nopw' } })).toBe(0);

    const hashed = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart: 'prehashed', passwordHash: await preHashed() });
    expect(hashed.status).toBe(201);
    expect((await api.login(`prehashed@${WEST}`, MAILBOX_PASSWORD)).token).toBeTruthy();
  });

  it('answers 409 naming localPart when the address is taken by an account or an alias', async () => {
    const west = await api.prisma.domain.findUniqueOrThrow({ where: { name: WEST } });
    await api.prisma.address.create({ data: { address: `info@${WEST}`, kind: 'alias', domainId: west.id } });
    const alias = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart: 'info', password: MAILBOX_PASSWORD });
    expect(alias.status).toBe(409);
    expect(alias.body.errors[0].field).toBe('localPart');
    expect(alias.body.detail).toContain('alias');
    const account = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart: 'WENDY', password: MAILBOX_PASSWORD });
    expect(account.status).toBe(409);
    expect(account.body.errors[0].field).toBe('localPart');
    expect(await api.prisma.account.count({ where: { localPart: 'info' } })).toBe(0);
  });

  it('replays a create with the same Idempotency-Key instead of creating twice', async () => {
    const headers = { 'idempotency-key': 'cms-create-retry-1' };
    const body = { localPart: 'retry', password: MAILBOX_PASSWORD };
    const first = await people.postmaster1.post(`/domains/${WEST}/accounts`, body, headers);
    const second = await people.postmaster1.post(`/domains/${WEST}/accounts`, body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotency-replayed')).toBe('true');
    expect(await api.prisma.account.count({ where: { localPart: 'retry' } })).toBe(1);
  });
});

describe('accounts: lists', () => {
  it('filters by q, sorts, pages with stable cursors, and includes sub-domains on request', async () => {
    for (const [localPart, displayName] of [['pa', 'Zed'], ['pb', null], ['pc', 'Amy'], ['pd', null], ['pe', 'Mia']] as const) {
      await createMailbox(people.postmaster1, EAST, { localPart, ...(displayName ? { displayName } : {}) });
    }
    for (const order of ['asc', 'desc']) {
      for (const sort of ['address', 'displayName', 'createdAt']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { status: number; body: { items: Array<{ address: string }>; nextCursor: string | null } } = await people.postmaster1.get(
            `/domains/${EAST}/accounts?limit=2&sort=${sort}&order=${order}${cursor ? `&cursor=${cursor}` : ''}`,
          );
          expect(page.status).toBe(200);
          seen.push(...addresses(page.body));
          cursor = page.body.nextCursor;
        } while (cursor);
        const all = await people.postmaster1.get(`/domains/${EAST}/accounts?limit=100&sort=${sort}&order=${order}`);
        expect(seen, `${sort} ${order}`).toEqual(addresses(all.body));
        expect(new Set(seen).size).toBe(6);
      }
    }
    const byName = await people.postmaster1.get(`/domains/${EAST}/accounts?sort=displayName`);
    expect(byName.body.items.slice(0, 4).map((a: { displayName: string }) => a.displayName)).toEqual(['Amy', 'Eddie East', 'Mia', 'Zed']);
    const q = await people.postmaster1.get(`/domains/${EAST}/accounts?q=EAST`);
    expect(addresses(q.body)).toEqual(addresses((await people.postmaster1.get(`/domains/${EAST}/accounts?limit=100`)).body));
    const byDisplay = await people.postmaster1.get(`/domains/${EAST}/accounts?q=mi`);
    expect(addresses(byDisplay.body)).toEqual([`pe@${EAST}`]);
    const subtree = await people.postmaster1.get(`/domains/district1.k12.us/accounts?subtree=true&limit=500`);
    expect(addresses(subtree.body)).toEqual(expect.arrayContaining([`wendy@${WEST}`, `eddie@${EAST}`]));
    expect(addresses((await people.postmaster1.get(`/domains/district1.k12.us/accounts`)).body)).toEqual([]);
    expect((await people.postmaster1.get(`/domains/${EAST}/accounts?sort=size`)).status).toBe(400);
    expect((await people.postmaster1.get(`/domains/${EAST}/accounts?cursor=nonsense`)).status).toBe(400);
  });
});

describe('accounts: delegated administration', () => {
  it('keeps a sub-domain admin inside its subtree (404 outside)', async () => {
    const west = people.westAdmin;
    expect((await west.get(`/domains/${EAST}/accounts`)).status).toBe(404);
    expect((await west.get(`/domains/district2.k12.us/accounts`)).status).toBe(404);
    expect((await west.get(`/accounts/eddie@${EAST}`)).status).toBe(404);
    expect((await west.get(`/accounts/dora@district2.k12.us`)).status).toBe(404);
    expect((await west.patch(`/accounts/eddie@${EAST}`, { displayName: 'x' })).status).toBe(404);
    expect((await west.put(`/accounts/eddie@${EAST}/password`, { password: 'another-pass-1' })).status).toBe(404);
    expect((await west.delete(`/accounts/eddie@${EAST}`)).status).toBe(404);
    expect((await west.post(`/domains/${EAST}/accounts`, { localPart: 'sneaky', password: MAILBOX_PASSWORD })).status).toBe(404);
    expect((await west.get(`/accounts/eddie@${EAST}/effective-settings`)).status).toBe(404);
    const subtree = await west.get(`/domains/district1.k12.us/accounts?subtree=true`);
    expect(subtree.status).toBe(404);
    const mine = await west.get(`/domains/${WEST}/accounts?limit=500`);
    expect(addresses(mine.body)).toContain(`wendy@${WEST}`);
    expect((await people.postmaster2.get(`/accounts/wendy@${WEST}`)).status).toBe(404);
  });

  it('lets a postmaster see the accounts of all its sub-domains', async () => {
    expect((await people.postmaster1.get(`/accounts/wendy@${WEST}`)).status).toBe(200);
    expect((await people.postmaster1.get(`/accounts/eddie@${EAST}`)).status).toBe(200);
    expect((await people.postmaster1.get(`/accounts/dora@district2.k12.us`)).status).toBe(404);
  });

  it('answers 403 in scope without the right', async () => {
    const reader = await adminWithPermissions(api, 'reader1', 'district1.k12.us', [{ action: 'read', subject: 'Account' }]);
    expect((await reader.get(`/accounts/wendy@${WEST}`)).status).toBe(200);
    // Account rights without domain rights still list the accounts of the domains in scope.
    expect(addresses((await reader.get(`/domains/${WEST}/accounts`)).body)).toContain(`wendy@${WEST}`);
    expect((await reader.patch(`/accounts/wendy@${WEST}`, { displayName: 'x' })).status).toBe(403);
    expect((await reader.put(`/accounts/wendy@${WEST}/password`, { password: 'another-pass-1' })).status).toBe(403);
    expect((await reader.delete(`/accounts/wendy@${WEST}`)).status).toBe(403);
    expect((await reader.post(`/domains/${WEST}/accounts`, { localPart: 'x1', password: MAILBOX_PASSWORD })).status).toBe(403);
    expect((await reader.get(`/accounts/dora@district2.k12.us`)).status).toBe(404);
    expect((await api.prisma.account.findUniqueOrThrow({ where: { address: `wendy@${WEST}` } })).displayName).toBe('Wendy West');
  });
});

describe('accounts: mailbox owner self-service', () => {
  let owner: ApiClient;
  beforeAll(async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'self' });
    owner = await api.login(`self@${WEST}`, MAILBOX_PASSWORD);
  });

  it('reads its own account and settings and nothing else', async () => {
    expect((await owner.get(`/accounts/self@${WEST}`)).body.address).toBe(`self@${WEST}`);
    expect((await owner.get(`/accounts/self@${WEST}/effective-settings`)).status).toBe(200);
    expect((await owner.get(`/accounts/wendy@${WEST}`)).status).toBe(404);
    expect((await owner.get(`/domains/${WEST}/accounts`)).status).toBe(404);
    expect((await owner.patch(`/accounts/self@${WEST}`, { displayName: 'Me' })).status).toBe(403);
    expect((await owner.patch(`/accounts/self@${WEST}`, { status: 'active' })).status).toBe(403);
    expect((await owner.patch(`/accounts/self@${WEST}`, {})).status).toBe(403);
    expect((await owner.delete(`/accounts/self@${WEST}`)).status).toBe(403);
    expect((await owner.post(`/domains/${WEST}/accounts`, { localPart: 'x2', password: MAILBOX_PASSWORD })).status).toBe(403);
    expect((await owner.put(`/accounts/wendy@${WEST}/password`, { password: 'another-pass-1', currentPassword: MAILBOX_PASSWORD })).status).toBe(404);
  });

  it('changes its own password only with the current one', async () => {
    const without = await owner.put(`/accounts/self@${WEST}/password`, { password: 'sunny-meadow-2' });
    expect(without.status).toBe(400);
    expect(without.body.errors[0].field).toBe('currentPassword');
    const wrong = await owner.put(`/accounts/self@${WEST}/password`, { password: 'sunny-meadow-2', currentPassword: 'not-it-at-all' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.errors[0].field).toBe('currentPassword');
    const hash = await owner.put(`/accounts/self@${WEST}/password`, { passwordHash: await preHashed(), currentPassword: MAILBOX_PASSWORD });
    expect(hash.status).toBe(400);
    expect(hash.body.errors[0].field).toBe('passwordHash');
    const right = await owner.put(`/accounts/self@${WEST}/password`, { password: 'sunny-meadow-2', currentPassword: MAILBOX_PASSWORD });
    expect(right.status).toBe(204);
    await expect(api.login(`self@${WEST}`, MAILBOX_PASSWORD)).rejects.toThrow();
    expect((await api.login(`self@${WEST}`, 'sunny-meadow-2')).token).toBeTruthy();
  });

  it('lets an administrator set a password or a pre-hashed one without the current password', async () => {
    const plain = await people.westAdmin.put(`/accounts/self@${WEST}/password`, { password: 'admin-set-pass-3' });
    expect(plain.status).toBe(204);
    expect((await api.login(`self@${WEST}`, 'admin-set-pass-3')).token).toBeTruthy();
    const hashed = await people.westAdmin.put(`/accounts/self@${WEST}/password`, { passwordHash: await preHashed() });
    expect(hashed.status).toBe(204);
    expect((await api.login(`self@${WEST}`, MAILBOX_PASSWORD)).token).toBeTruthy();
    const bad = await people.westAdmin.put(`/accounts/self@${WEST}/password`, { passwordHash: '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('passwordHash');
    const version = (await people.westAdmin.get(`/accounts/self@${WEST}`)).body.version;
    const stale = await people.westAdmin.put(`/accounts/self@${WEST}/password`, { password: 'admin-set-pass-4' }, { 'if-match': `"${version - 1}"` });
    expect(stale.status).toBe(412);
  });
});

describe('accounts: audit', () => {
  it('records every write with before and after, and never a password hash', async () => {
    await createMailbox(people.postmaster1, WEST, { localPart: 'audited' });
    await people.postmaster1.patch(`/accounts/audited@${WEST}`, { displayName: 'Audited' });
    await people.postmaster1.put(`/accounts/audited@${WEST}/password`, { password: 'ledger-pass-22' });
    await people.postmaster1.delete(`/accounts/audited@${WEST}`);
    const events = (await people.staff.get('/audit-events?action=account.&limit=500')).body.items.filter(
      (e: { subjectId: string }) => e.subjectId === `audited@${WEST}`,
    );
    expect(events.map((e: { action: string }) => e.action)).toEqual(['account.delete', 'account.set-password', 'account.update', 'account.create']);
    const [remove, password, update, create] = events;
    expect(create).toMatchObject({ actorName: 'pm1', role: 'postmaster', interface: 'rest', outcome: 'success', before: null });
    expect(create.after).toMatchObject({ address: `audited@${WEST}`, displayName: null });
    expect(update.before.displayName).toBeNull();
    expect(update.after.displayName).toBe('Audited');
    expect(password.after).toMatchObject({ passwordChanged: true, scheme: 'SCRYPT' });
    expect(remove.before.address).toBe(`audited@${WEST}`);
    expect(JSON.stringify(events)).not.toMatch(/SCRYPT\}|passwordHash|audited-pass/);
    // The sub-domain admin sees the events of its subtree.
    const westLog = await people.westAdmin.get('/audit-events?action=account.create&limit=500');
    expect(westLog.body.items.some((e: { subjectId: string }) => e.subjectId === `audited@${WEST}`)).toBe(true);
  });
});

describe('accounts: GraphQL', () => {
  const fields = 'address localPart domain displayName classOfService services { smtp imap pop3 webmail rpop } status quota { usedBytes limitBytes } version createdAt updatedAt lastLoginAt';

  it('gives the same answers as REST', async () => {
    const rest = await people.westAdmin.get(`/accounts/wendy@${WEST}`);
    const gql = await people.westAdmin.graphql(`query($a: String!) { account(address: $a) { ${fields} } }`, { a: `wendy@${WEST}` });
    expect(gql.data.account).toEqual(rest.body);
    const list = await people.westAdmin.graphql(`{ accounts(domain: "${WEST}", limit: 500) { items { address } nextCursor } }`);
    expect(list.data.accounts.items.map((a: { address: string }) => a.address)).toEqual(addresses((await people.westAdmin.get(`/domains/${WEST}/accounts?limit=500`)).body));

    const outOfScope = await people.westAdmin.graphql(`{ account(address: "eddie@${EAST}") { address } }`);
    expect(outOfScope.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const reader = await api.login('reader1', 'correct-horse-1');
    const forbidden = await reader.graphql(`mutation { updateAccount(address: "wendy@${WEST}", input: { displayName: "x" }) { address } }`);
    expect(forbidden.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const invalid = await people.westAdmin.graphql(`mutation { createAccount(domain: "${WEST}", input: { localPart: "a b", password: "${MAILBOX_PASSWORD}" }) { address } }`);
    expect(invalid.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect((invalid.errors?.[0]?.extensions as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('localPart');
    const duplicate = await people.westAdmin.graphql(`mutation { createAccount(domain: "${WEST}", input: { localPart: "wendy", password: "${MAILBOX_PASSWORD}" }) { address } }`);
    expect(duplicate.errors?.[0]?.extensions.code).toBe('CONFLICT');
  });

  it('runs the whole account life cycle through mutations', async () => {
    const created = await people.westAdmin.graphql(
      `mutation { createAccount(domain: "${WEST}", input: { localPart: "gql", password: "${MAILBOX_PASSWORD}", services: { rpop: false } }) { ${fields} } }`,
    );
    expect(created.data.createAccount).toMatchObject({ address: `gql@${WEST}`, version: 1, services: { rpop: false } });
    expect(created.data.createAccount).toEqual((await people.westAdmin.get(`/accounts/gql@${WEST}`)).body);
    const stale = await people.westAdmin.graphql(`mutation { updateAccount(address: "gql@${WEST}", input: { displayName: "G" }, expectedVersion: 7) { version } }`);
    expect(stale.errors?.[0]?.extensions.code).toBe('PRECONDITION_FAILED');
    const updated = await people.westAdmin.graphql(`mutation { updateAccount(address: "gql@${WEST}", input: { displayName: "G" }, expectedVersion: 1) { displayName version } }`);
    expect(updated.data.updateAccount).toEqual({ displayName: 'G', version: 2 });
    const password = await people.westAdmin.graphql(`mutation { setAccountPassword(address: "gql@${WEST}", password: "graph-phrase-22") }`);
    expect(password.data.setAccountPassword).toBe(true);
    expect((await api.login(`gql@${WEST}`, 'graph-phrase-22')).token).toBeTruthy();
    const owner = await api.login(`gql@${WEST}`, 'graph-phrase-22');
    const ownerWithout = await owner.graphql(`mutation { setAccountPassword(address: "gql@${WEST}", password: "graph-phrase-33") }`);
    expect(ownerWithout.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const deleted = await people.westAdmin.graphql(`mutation { deleteAccount(address: "gql@${WEST}") }`);
    expect(deleted.data.deleteAccount).toBe(true);
    expect((await people.westAdmin.get(`/accounts/gql@${WEST}`)).status).toBe(404);
  });

  it('reads domains -> sub-domains -> accounts -> effective settings in one request, scoped', async () => {
    const query = `{ domains(limit: 50) { items { name subDomains { name accounts(limit: 3) { items { address effectiveSettings { services { imap { value } } status { value } } } nextCursor } } } } }`;
    const staffView = await people.staff.graphql(query);
    expect(staffView.errors).toBeUndefined();
    const district1 = staffView.data.domains.items.find((d: { name: string }) => d.name === 'district1.k12.us');
    const east = district1.subDomains.find((d: { name: string }) => d.name === EAST);
    expect(east.accounts.items).toHaveLength(3);
    expect(east.accounts.nextCursor).toBeTruthy();
    expect(east.accounts.items[0]).toEqual({ address: `eddie@${EAST}`, effectiveSettings: { services: { imap: { value: true } }, status: { value: 'active' } } });
    const next = await people.staff.graphql(`{ domain(name: "${EAST}") { accounts(limit: 3, cursor: "${east.accounts.nextCursor}") { items { address } } } }`);
    expect(next.data.domain.accounts.items.map((a: { address: string }) => a.address)).toEqual([`pc@${EAST}`, `pd@${EAST}`, `pe@${EAST}`]);
    const westView = await people.westAdmin.graphql(`{ domain(name: "${WEST}") { accounts(limit: 500, q: "wen") { items { address } } } }`);
    expect(westView.data.domain.accounts.items).toEqual([{ address: `wendy@${WEST}` }]);
  });
});
