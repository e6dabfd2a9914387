/**
 * End-user self-service through the API: the published password policy is the one enforced
 * (owner's change, administrator's reset, create, bulk create), an owner proves its current
 * password, and the new password is the one that signs in; an owner manages its own word
 * list and remote POP sources, never another mailbox's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';

const WEST = 'west.district1.k12.us';
const JANE = `jane.doe@${WEST}`;
const START_PASSWORD = 'orange-kettle-fog';

let api: TestApi;
let people: Districts;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  for (const localPart of ['jane.doe', 'bob']) {
    const created = await people.westAdmin.post(`/domains/${WEST}/accounts`, { localPart, password: START_PASSWORD });
    expect(created.status).toBe(201);
  }
});
afterAll(() => api?.close());

const fieldError = (body: { errors?: Array<{ field: string; message: string }> }, field: string) => body.errors?.find((e) => e.field === field)?.message;

describe('the password policy', () => {
  it('is published to every signed-in person and to no one else, in REST and GraphQL alike', async () => {
    const jane = await api.login(JANE, START_PASSWORD);
    const published = await jane.get('/password-policy');
    expect(published.status).toBe(200);
    expect(published.body.minLength).toBe(10);
    expect(published.body.rules.map((r: { id: string }) => r.id)).toEqual(['length', 'personal', 'common']);
    expect(published.body.rules[0].text).toContain('10 characters');
    expect((await people.postmaster1.get('/password-policy')).body).toEqual(published.body);
    expect((await api.anonymous.get('/password-policy')).status).toBe(401);
    const graphql = await jane.graphql('{ passwordPolicy { minLength rules { id text } } }');
    expect(graphql.data.passwordPolicy).toEqual({ minLength: 10, rules: published.body.rules });
  });

  it('refuses weak passwords when an administrator creates mailboxes, one by one or in bulk, naming the field', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['shorty', 'short-1', /at least 10 characters/],
      ['carla', 'Welcome2024!', /too common/],
      ['dave', '2024-09-01!!', /too common/],
      ['erin', 'erin-likes-horses', /name before the @/],
      ['Fred', 'my-fRED-password', /name before the @/],
    ];
    for (const [localPart, password, message] of cases) {
      const refused = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart, password });
      expect(refused.status, `${localPart}/${password}`).toBe(400);
      expect(fieldError(refused.body, 'password')).toMatch(message);
    }
    expect(await api.prisma.account.count({ where: { localPart: { in: cases.map(([l]) => l.toLowerCase()) } } })).toBe(0);

    const bulk = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, {
      accounts: [
        { localPart: 'gina', password: 'gina-2024-pass' },
        { localPart: 'hank', password: 'quiet-river-stone' },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.results).toEqual([
      { index: 0, address: `gina@${WEST}`, status: 'error', error: { field: 'password', message: expect.stringContaining('name before the @'), code: 'BAD_USER_INPUT' } },
      { index: 1, address: `hank@${WEST}`, status: 'created' },
    ]);
  });

  it('applies to an administrator resetting a password too', async () => {
    const weak = await people.westAdmin.put(`/accounts/bob@${WEST}/password`, { password: 'password123' });
    expect(weak.status).toBe(400);
    expect(fieldError(weak.body, 'password')).toMatch(/too common/);
    const personal = await people.westAdmin.put(`/accounts/bob@${WEST}/password`, { password: 'bob-the-builder' });
    expect(fieldError(personal.body, 'password')).toMatch(/name before the @ \("bob"\)/);
    expect((await people.westAdmin.put(`/accounts/bob@${WEST}/password`, { password: 'violet-harbor-42' })).status).toBe(204);
    expect((await api.login(`bob@${WEST}`, 'violet-harbor-42')).token).toBeTruthy();
  });
});

describe('an owner changing its own password', () => {
  it('must give the current one and follow the policy; then only the new one signs in', async () => {
    const jane = await api.login(JANE, START_PASSWORD);
    const path = `/accounts/${JANE}/password`;
    const withoutCurrent = await jane.put(path, { password: 'silver-maple-road' });
    expect(withoutCurrent.status).toBe(400);
    expect(fieldError(withoutCurrent.body, 'currentPassword')).toMatch(/required/);

    const tooShort = await jane.put(path, { password: 'maple-1', currentPassword: START_PASSWORD });
    expect(tooShort.status).toBe(400);
    expect(fieldError(tooShort.body, 'password')).toBe('must have at least 10 characters');
    const withAddress = await jane.put(path, { password: `${JANE}-2`, currentPassword: START_PASSWORD });
    expect(fieldError(withAddress.body, 'password')).toMatch(/address/);

    const wrongCurrent = await jane.put(path, { password: 'silver-maple-road', currentPassword: 'not-my-password-1' });
    expect(wrongCurrent.status).toBe(403);
    expect(fieldError(wrongCurrent.body, 'currentPassword')).toMatch(/not the current password/);
    expect((await api.anonymous.post('/auth/login', { username: JANE, password: 'silver-maple-road' })).status).toBe(401);

    expect((await jane.put(path, { password: 'silver-maple-road', currentPassword: START_PASSWORD })).status).toBe(204);
    expect((await api.anonymous.post('/auth/login', { username: JANE, password: START_PASSWORD })).status).toBe(401);
    expect((await api.login(JANE, 'silver-maple-road')).token).toBeTruthy();
    // Someone else's password is out of reach: the mailbox does not exist for this owner.
    expect((await jane.put(`/accounts/bob@${WEST}/password`, { password: 'silver-maple-road', currentPassword: 'silver-maple-road' })).status).toBe(404);
  });
});

describe("an owner's word list and remote POP sources", () => {
  let bob: ApiClient;
  beforeAll(async () => {
    bob = await api.login(`bob@${WEST}`, 'violet-harbor-42');
  });

  it('keeps a word list of its own, with the action and direction it chooses', async () => {
    const created = await bob.post('/word-lists', { name: 'My word list', scope: 'account', account: `bob@${WEST}`, action: 'quarantine', direction: 'inbound' });
    expect(created.status).toBe(201);
    const added = await bob.patch(`/word-lists/${created.body.id}`, { addEntries: ['free ipad', 'casino'], action: 'reject' }, { 'if-match': `"${created.body.version}"` });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ action: 'reject', direction: 'inbound', entryCount: 2 });
    const own = await bob.get(`/word-lists?scope=account&account=bob@${WEST}`);
    expect(own.body.items.map((l: { id: number }) => l.id)).toEqual([created.body.id]);
    // Another mailbox's list is neither visible nor creatable.
    expect((await bob.post('/word-lists', { name: 'Hers', scope: 'account', account: JANE })).status).toBe(400);
    expect((await bob.post('/word-lists', { name: 'Domain', scope: 'domain', domain: WEST })).status).toBe(400);
    expect(await api.prisma.wordList.count({ where: { name: { in: ['Hers', 'Domain'] } } })).toBe(0);
  });

  it('adds, lists and removes its remote POP sources; the password is never shown back', async () => {
    const base = `/accounts/bob@${WEST}/rpop-sources`;
    const added = await bob.post(base, { host: 'pop.example.org', port: 995, tls: 'implicit', username: 'bob.old', password: 'old-pop-secret' });
    expect(added.status).toBe(201);
    const list = await bob.get(base);
    expect(list.body.items).toEqual([expect.objectContaining({ host: 'pop.example.org', port: 995, tls: 'implicit', username: 'bob.old', lastRunAt: null, consecutiveFailures: 0 })]);
    expect(JSON.stringify(list.body)).not.toContain('old-pop-secret');
    expect((await bob.get(`/accounts/${JANE}/rpop-sources`)).status).toBe(404);
    expect((await bob.delete(`${base}/${added.body.id}`)).status).toBe(204);
    expect((await bob.get(base)).body.items).toEqual([]);
  });
});
