import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/mailboxes.js';

let api: TestApi;
let people: Districts;
let jane: ApiClient;

const LIST_FIELDS = 'id name scope domain account action direction entryCount version createdAt updatedAt';

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(api, 'jane@west.district1.k12.us', { password: 'jane-password-1' });
  await createMailbox(api, 'joe@district2.k12.us');
  jane = await api.login('jane@west.district1.k12.us', 'jane-password-1');
});
afterAll(() => api?.close());

async function entryCount(id: number) {
  return api.prisma.wordListEntry.count({ where: { wordListId: id } });
}

describe('word lists', () => {
  it('normalizes entries (NFKC, case, spaces, duplicates) and audits the create', async () => {
    const created = await people.staff.post('/word-lists', {
      name: 'Profanity',
      scope: 'system',
      action: 'quarantine',
      direction: 'inbound',
      entries: ['  Bad   Word ', 'BAD word', 'ＢＡＤ', '', '   ', 'ﬁne', 'Straße', 'bad\tword'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Profanity',
      scope: 'system',
      domain: null,
      account: null,
      action: 'quarantine',
      direction: 'inbound',
      entries: ['bad', 'bad word', 'fine', 'straße'],
      entryCount: 4,
      version: 1,
    });
    expect(created.headers.get('etag')).toBe('"1"');
    const audit = await people.staff.get('/audit-events?action=wordList.create');
    expect(audit.body.items[0]).toMatchObject({ subjectType: 'WordList', subjectId: String(created.body.id), actorName: 'staff', outcome: 'success' });
    expect(audit.body.items[0].after.entries).toEqual(['bad', 'bad word', 'fine', 'straße']);
  });

  it('lets only staff write system lists: 403 for a postmaster, who can still read them', async () => {
    const system = (await people.staff.get('/word-lists?scope=system')).body.items[0];
    const create = await people.postmaster1.post('/word-lists', { name: 'mine', scope: 'system', entries: ['x'] });
    expect(create.status).toBe(403);
    expect(await api.prisma.wordList.count({ where: { name: 'mine' } })).toBe(0);
    expect((await people.postmaster1.get(`/word-lists/${system.id}`)).status).toBe(200);
    expect((await people.postmaster1.patch(`/word-lists/${system.id}`, { addEntries: ['x'] })).status).toBe(403);
    expect((await people.postmaster1.post(`/word-lists/${system.id}/import`, { text: 'x' })).status).toBe(403);
    expect((await people.postmaster1.delete(`/word-lists/${system.id}`)).status).toBe(403);
    expect(await entryCount(system.id)).toBe(4);
    const graphql = await people.postmaster1.graphql(`mutation { updateWordList(id: ${system.id}, input: { addEntries: ["x"] }) { id } }`);
    expect(graphql.errors![0].extensions.code).toBe('FORBIDDEN');
    const graphqlCreate = await people.postmaster1.graphql(`mutation { createWordList(input: { name: "mine", scope: "system" }) { id } }`);
    expect(graphqlCreate.errors![0].extensions.code).toBe('FORBIDDEN');
    expect((await people.staff.get('/audit-events?outcome=denied&actor=pm1')).body.items.length).toBeGreaterThan(0);
    expect((await jane.post('/word-lists', { name: 'mine', scope: 'system' })).status).toBe(403);
  });

  it('enforces the scope rules and entry limits, naming the field, and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ scope: 'domain' }, 'domain', 'required for scope domain'],
      [{ scope: 'domain', domain: 'district1.k12.us', account: 'jane@west.district1.k12.us' }, 'account', 'must not be given'],
      [{ scope: 'system', domain: 'district1.k12.us' }, 'domain', 'must not be given'],
      [{ scope: 'account' }, 'account', 'required for scope account'],
      [{ scope: 'account', account: 'jane@west.district1.k12.us', domain: 'west.district1.k12.us' }, 'domain', 'must not be given'],
      [{ scope: 'account', account: 'not-an-address' }, 'account', 'not an e-mail address'],
      [{ scope: 'account', account: 'nobody@west.district1.k12.us' }, 'account', 'unknown mailbox'],
      [{ scope: 'domain', domain: 'nowhere.k12.us' }, 'domain', 'unknown domain'],
      [{ scope: 'domain', domain: 'district2.k12.us' }, 'domain', 'unknown domain'],
      [{ scope: 'planet' }, 'scope', 'must be one of'],
      [{ scope: 'domain', domain: 'district1.k12.us', action: 'delete' }, 'action', 'must be one of'],
      [{ scope: 'domain', domain: 'district1.k12.us', entries: ['ok', 'x'.repeat(201)] }, 'entries', 'entry 2 is longer than 200'],
      [{ scope: 'domain', domain: 'district1.k12.us', entries: Array.from({ length: 10_001 }, (_, i) => `w${i}`) }, 'entries', 'at most 10000'],
      [{ scope: 'domain', domain: 'district1.k12.us', entries: ['ok', 5] }, 'entries.1', 'must be a string'],
    ];
    for (const [body, field, message] of cases) {
      const response = await people.postmaster1.post('/word-lists', { name: 'broken', ...body });
      expect(response.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(response.body.errors[0].field, JSON.stringify(body).slice(0, 100)).toBe(field);
      expect(response.body.errors[0].message).toContain(message);
    }
    expect(await api.prisma.wordList.count({ where: { name: 'broken' } })).toBe(0);
    const graphql = await people.postmaster1.graphql(`mutation { createWordList(input: { name: "broken", scope: "domain" }) { id } }`);
    expect(graphql.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('keeps a domain list inside its subtree: 404 for another district, visible to sub-domain admins below it', async () => {
    const district = await people.postmaster1.post('/word-lists', { name: 'District words', scope: 'domain', domain: 'district1.k12.us', entries: ['alpha'] });
    expect(district.status).toBe(201);
    expect(district.body.domain).toBe('district1.k12.us');
    const west = await people.postmaster1.post('/word-lists', { name: 'West words', scope: 'domain', domain: 'west.district1.k12.us', entries: ['beta'] });
    expect(west.status).toBe(201);

    for (const response of [
      await people.postmaster2.get(`/word-lists/${district.body.id}`),
      await people.postmaster2.get(`/word-lists/${district.body.id}/export`),
      await people.postmaster2.patch(`/word-lists/${district.body.id}`, { name: 'mine now' }),
      await people.postmaster2.post(`/word-lists/${district.body.id}/import`, { text: 'x' }),
      await people.postmaster2.delete(`/word-lists/${district.body.id}`),
      await people.postmaster2.get('/word-lists/not-a-number'),
    ]) {
      expect(response.status).toBe(404);
    }
    const theirs = await people.postmaster2.get('/word-lists?limit=500');
    expect(theirs.body.items.map((l: { name: string }) => l.name)).toEqual(['Profanity']);
    const graphql = await people.postmaster2.graphql(`{ wordList(id: ${district.body.id}) { id } }`);
    expect(graphql.errors![0].extensions.code).toBe('NOT_FOUND');

    expect((await people.westAdmin.get(`/word-lists/${district.body.id}`)).status).toBe(404);
    const westEdit = await people.westAdmin.patch(`/word-lists/${west.body.id}`, { addEntries: ['Gamma'] });
    expect(westEdit.status).toBe(200);
    expect(westEdit.body.entries).toEqual(['beta', 'gamma']);
    const mine = await people.westAdmin.get('/word-lists?scope=domain');
    expect(mine.body.items.map((l: { name: string }) => l.name)).toEqual(['West words']);
  });

  it("lets a mailbox owner keep its own list, seen by its domain's admins and no one else", async () => {
    const own = await jane.post('/word-lists', { name: 'My blocks', scope: 'account', account: 'Jane@West.District1.k12.us', entries: ['Spam Offer'] });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ scope: 'account', account: 'jane@west.district1.k12.us', domain: null, entries: ['spam offer'] });
    const someoneElse = await jane.post('/word-lists', { name: 'Not mine', scope: 'account', account: 'joe@district2.k12.us' });
    expect(someoneElse.status).toBe(400);
    expect(someoneElse.body.errors[0].field).toBe('account');
    const seen = await jane.get('/word-lists');
    expect(seen.body.items.map((l: { name: string }) => l.name)).toEqual(['My blocks']);
    expect((await jane.patch(`/word-lists/${own.body.id}`, { removeEntries: ['SPAM   offer'] })).body.entries).toEqual([]);
    const system = (await people.staff.get('/word-lists?scope=system')).body.items.find((l: { name: string }) => l.name === 'Profanity');
    expect((await jane.patch(`/word-lists/${system.id}`, { name: 'x' })).status).toBe(404);

    expect((await people.westAdmin.get(`/word-lists/${own.body.id}`)).status).toBe(200);
    expect((await people.postmaster1.get(`/word-lists?account=jane@west.district1.k12.us`)).body.items).toHaveLength(1);
    expect((await people.postmaster2.get(`/word-lists/${own.body.id}`)).status).toBe(404);
    const byAdmin = await people.westAdmin.post('/word-lists', { name: 'Set by admin', scope: 'account', account: 'jane@west.district1.k12.us' });
    expect(byAdmin.status).toBe(201);
    const audit = await people.staff.get(`/audit-events?action=wordList.create&actor=jane@west.district1.k12.us`);
    expect(audit.body.items[0]).toMatchObject({ role: 'user', subjectId: String(own.body.id) });
  });

  it("never gives a mailbox owner the system lists' entries (404 out of sight); staff and postmasters still read them", async () => {
    const system = (await people.staff.get('/word-lists?scope=system')).body.items.find((l: { name: string }) => l.name === 'Profanity');
    expect((await jane.get(`/word-lists/${system.id}`)).status).toBe(404);
    expect((await jane.get(`/word-lists/${system.id}/export`)).status).toBe(404);
    expect((await jane.get('/word-lists?scope=system')).body.items).toEqual([]);
    const graph = await jane.graphql(`{ wordList(id: ${system.id}) { name entries } }`);
    expect(graph.errors![0]!.extensions.code).toBe('NOT_FOUND');
    const listed = await jane.graphql(`{ wordLists(scope: "system") { items { name entries } } }`);
    expect(listed.data.wordLists.items).toEqual([]);
    for (const client of [people.staff, people.postmaster1, people.westAdmin]) {
      expect((await client.get(`/word-lists/${system.id}`)).body.entries).toEqual(['bad', 'bad word', 'fine', 'straße']);
      expect((await client.get(`/word-lists/${system.id}/export`)).body).toBe('bad\nbad word\nfine\nstraße\n');
    }
  });

  it('replaces, adds and removes entries, honours If-Match, and lists without entries', async () => {
    const list = await people.postmaster2.post('/word-lists', { name: 'Edits', scope: 'domain', domain: 'district2.k12.us', entries: ['one', 'two'] });
    const id = list.body.id;
    const replaced = await people.postmaster2.patch(`/word-lists/${id}`, { entries: ['Three', 'four'], action: 'tag' }, { 'if-match': '"1"' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ entries: ['four', 'three'], action: 'tag', version: 2 });
    const stale = await people.postmaster2.patch(`/word-lists/${id}`, { addEntries: ['five'] }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    const both = await people.postmaster2.patch(`/word-lists/${id}`, { entries: ['a'], addEntries: ['b'] });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].field).toBe('entries');
    const scopeChange = await people.postmaster2.patch(`/word-lists/${id}`, { scope: 'system' });
    expect(scopeChange.status).toBe(400);
    const incremental = await people.postmaster2.patch(`/word-lists/${id}`, { addEntries: ['Five', 'four'], removeEntries: ['three', 'absent'] });
    expect(incremental.body).toMatchObject({ entries: ['five', 'four'], entryCount: 2, version: 3 });
    expect(await entryCount(id)).toBe(2);
    const audit = await people.staff.get('/audit-events?action=wordList.update');
    expect(audit.body.items[0].after).toMatchObject({ entriesAdded: 1, entriesRemoved: 1, added: ['five'], removed: ['three'] });

    const listed = await people.postmaster2.get('/word-lists?domain=district2.k12.us&q=edi');
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0].entryCount).toBe(2);
    expect(listed.body.items[0]).not.toHaveProperty('entries');
    expect((await people.postmaster2.get('/word-lists?scope=planet')).status).toBe(400);
  });

  it('exports text and imports text or JSON by merging', async () => {
    const list = await people.postmaster2.post('/word-lists', { name: 'Imports', scope: 'domain', domain: 'district2.k12.us', entries: ['zeta', 'alpha'] });
    const id = list.body.id;
    const exported = await people.postmaster2.get(`/word-lists/${id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('text/plain');
    expect(exported.body).toBe('alpha\nzeta\n');

    const plain = await people.postmaster2.request('POST', `/api/v1/word-lists/${id}/import`, 'Beta\r\n\r\n  ALPHA \nGamma  Ray\n', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(200);
    expect(plain.body.entries).toEqual(['alpha', 'beta', 'gamma ray', 'zeta']);
    const json = await people.postmaster2.post(`/word-lists/${id}/import`, { text: 'delta\nbeta' });
    expect(json.body).toMatchObject({ entries: ['alpha', 'beta', 'delta', 'gamma ray', 'zeta'], version: 3 });
    const tooLong = await people.postmaster2.request('POST', `/api/v1/word-lists/${id}/import`, `ok\n${'y'.repeat(201)}\n`, { 'content-type': 'text/plain' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0]).toMatchObject({ field: 'text', message: expect.stringContaining('line 2') });
    const wrongType = await people.postmaster2.request('POST', `/api/v1/word-lists/${id}/import`, '<x/>', { 'content-type': 'application/xml' });
    expect(wrongType.status).toBe(415);
    expect(await entryCount(id)).toBe(5);
    const graphql = await people.postmaster2.graphql(`mutation { importWordListEntries(id: ${id}, text: "epsilon") { entries entryCount } }`);
    expect(graphql.data.importWordListEntries.entryCount).toBe(6);
    const audit = await people.staff.get('/audit-events?action=wordList.import');
    expect(audit.body.items).toHaveLength(3);
  });

  it('gives the same answers over GraphQL, with entries batched for lists', async () => {
    const rest = await people.postmaster2.get('/word-lists?limit=100');
    const graphql = await people.postmaster2.graphql(`{ wordLists(limit: 100) { items { ${LIST_FIELDS} entries } nextCursor } }`);
    expect(graphql.data.wordLists.items.map(({ entries, ...rest }: { entries: string[] }) => rest)).toEqual(rest.body.items);
    for (const item of graphql.data.wordLists.items) {
      expect(item.entries).toEqual((await people.postmaster2.get(`/word-lists/${item.id}`)).body.entries);
    }
    const one = await people.postmaster2.get(`/word-lists/${rest.body.items[0].id}`);
    const oneGraphql = await people.postmaster2.graphql(`{ wordList(id: ${one.body.id}) { ${LIST_FIELDS} entries } }`);
    expect(oneGraphql.data.wordList).toEqual(one.body);
  });

  it('refuses to delete a list a class of service applies, and deletes it with its entries otherwise', async () => {
    const list = await people.staff.post('/word-lists', { name: 'Applied', scope: 'system', entries: ['x'] });
    await people.staff.post('/classes-of-service', { name: 'uses-applied', maxMessageSizeKb: 100, mailboxQuotaMb: 100, maxRecipients: 10, wordLists: [list.body.id] });
    const inUse = await people.staff.delete(`/word-lists/${list.body.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toContain('uses-applied');
    await people.staff.patch('/classes-of-service/uses-applied', { wordLists: [] });
    expect((await people.staff.delete(`/word-lists/${list.body.id}`)).status).toBe(204);
    expect((await people.staff.get(`/word-lists/${list.body.id}`)).status).toBe(404);
    expect(await entryCount(list.body.id)).toBe(0);
    const graphql = await people.staff.graphql(`mutation { deleteWordList(id: ${list.body.id}) }`);
    expect(graphql.errors![0].extensions.code).toBe('NOT_FOUND');
    const audit = await people.staff.get('/audit-events?action=wordList.delete');
    expect(audit.body.items[0]).toMatchObject({ subjectId: String(list.body.id), before: { name: 'Applied', entries: ['x'] } });
  });
});
