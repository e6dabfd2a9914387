import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { adminWithSets, can, createMailbox } from '../support/addressing.js';

let api: TestApi;
let people: Districts;

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const ALIAS_FIELDS = 'address localPart domain targets createdAt updatedAt';
type GraphResult = { errors?: Array<{ message: string; extensions: { code: string; errors?: Array<{ field: string }> } }> };
const codeOf = (result: GraphResult) => result.errors?.[0]?.extensions.code;
const fieldOf = (result: GraphResult) => result.errors?.[0]?.extensions.errors?.[0]?.field;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(api, `jane@${WEST}`);
});
afterAll(() => api?.close());

describe('aliases', () => {
  it('creates an alias to local and external addresses, reads it back, and audits the write', async () => {
    const created = await people.postmaster1.post(`/domains/${WEST}/aliases`, {
      localPart: 'Principal',
      targets: [`Jane@${WEST}`, 'head@Example.org'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      address: `principal@${WEST}`,
      localPart: 'principal',
      domain: WEST,
      targets: [`jane@${WEST}`, 'head@example.org'],
    });
    const read = await people.westAdmin.get(`/aliases/principal@${WEST}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(await api.prisma.address.findUnique({ where: { address: `principal@${WEST}` } })).toMatchObject({ kind: 'alias' });

    const graph = await people.westAdmin.graphql(`query($a: String!) { alias(address: $a) { ${ALIAS_FIELDS} } }`, { a: `principal@${WEST}` });
    expect(graph.data.alias).toEqual(created.body);

    const audit = await people.staff.get('/audit-events?action=alias.create');
    expect(audit.body.items[0]).toMatchObject({
      action: 'alias.create',
      subjectType: 'Alias',
      subjectId: `principal@${WEST}`,
      actorName: 'pm1',
      interface: 'rest',
      outcome: 'success',
      after: { targets: [`jane@${WEST}`, 'head@example.org'] },
    });
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const cases: Array<[unknown, string, string?]> = [
      [{ localPart: 'a1' }, 'targets'],
      [{ localPart: 'a1', targets: [] }, 'targets', 'at least one'],
      [{ localPart: 'a1', targets: ['ok@example.org', 'not-an-address'] }, 'targets.1', 'not an e-mail address'],
      [{ localPart: 'a1', targets: ['ok@example.org', 'x@bad_domain.org'] }, 'targets.1', 'not a valid e-mail address'],
      [{ localPart: 'a1', targets: ['ok@example.org', 'b@example.org', 'OK@example.org'] }, 'targets.2', 'repeats'],
      [{ localPart: 'a1', targets: Array.from({ length: 1001 }, (_, i) => `u${i}@example.org`) }, 'targets', 'at most 1000'],
      [{ localPart: 'a1', targets: ['b@example.org', `A1@${WEST}`] }, 'targets.1', 'itself'],
      [{ localPart: 'two..dots', targets: ['b@example.org'] }, 'localPart'],
      [{ localPart: 'x'.repeat(65), targets: ['b@example.org'] }, 'localPart', '64'],
    ];
    for (const [body, field, message] of cases) {
      const response = await people.postmaster1.post(`/domains/${WEST}/aliases`, body);
      expect(response.status, field).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors[0].field, JSON.stringify(body).slice(0, 80)).toBe(field);
      if (message) expect(response.body.errors[0].message).toContain(message);
    }
    const unknown = await people.postmaster1.post(`/domains/${WEST}/aliases`, { localPart: 'a1', targets: ['b@example.org'], owner: 'x' });
    expect(unknown.status).toBe(400);
    expect(await api.prisma.alias.count({ where: { localPart: 'a1' } })).toBe(0);
    expect(await api.prisma.address.count({ where: { address: `a1@${WEST}` } })).toBe(0);

    const graph = await people.postmaster1.graphql(
      `mutation($t: [String!]!) { createAlias(domain: "${WEST}", input: { localPart: "a1", targets: $t }) { address } }`,
      { t: ['ok@example.org', 'not-an-address'] },
    );
    expect(codeOf(graph)).toBe('BAD_USER_INPUT');
    expect(fieldOf(graph)).toBe('targets.1');
  });

  it('answers 409 naming localPart when the address belongs to an account, a list or another alias, and frees it on delete', async () => {
    expect((await people.postmaster1.post(`/domains/${WEST}/lists`, { localPart: 'office' })).status).toBe(201);
    for (const localPart of ['office', 'jane', 'principal']) {
      const response = await people.postmaster1.post(`/domains/${WEST}/aliases`, { localPart, targets: ['b@example.org'] });
      expect(response.status, localPart).toBe(409);
      expect(response.body.errors[0].field).toBe('localPart');
    }
    const graph = await people.postmaster1.graphql(`mutation { createAlias(domain: "${WEST}", input: { localPart: "office", targets: ["b@example.org"] }) { address } }`);
    expect(codeOf(graph)).toBe('CONFLICT');
    expect(graph.errors![0]!.message).toContain('mailing list');

    const temp = await people.postmaster1.post(`/domains/${WEST}/aliases`, { localPart: 'temp', targets: ['b@example.org'] });
    expect(temp.status).toBe(201);
    expect((await people.postmaster1.post(`/domains/${WEST}/groups`, { localPart: 'temp' })).status).toBe(409);
    expect((await people.postmaster1.delete(`/aliases/temp@${WEST}`)).status).toBe(204);
    expect((await people.postmaster1.get(`/aliases/temp@${WEST}`)).status).toBe(404);
    expect((await people.postmaster1.post(`/domains/${WEST}/groups`, { localPart: 'temp' })).status).toBe(201);
    const audit = await people.staff.get('/audit-events?action=alias.delete');
    expect(audit.body.items[0]).toMatchObject({ subjectId: `temp@${WEST}`, before: { targets: ['b@example.org'] } });
  });

  it('replaces the targets with PATCH, refusing a self-target, and audits before and after', async () => {
    const address = `principal@${WEST}`;
    const self = await people.westAdmin.patch(`/aliases/${address}`, { targets: ['c@example.org', address] });
    expect(self.status).toBe(400);
    expect(self.body.errors[0].field).toBe('targets.1');
    const updated = await people.westAdmin.patch(`/aliases/${address}`, { targets: ['c@example.org'] });
    expect(updated.status).toBe(200);
    expect(updated.body.targets).toEqual(['c@example.org']);
    const audit = await people.staff.get('/audit-events?action=alias.update');
    expect(audit.body.items[0]).toMatchObject({
      actorName: 'westadmin',
      subjectId: address,
      before: { targets: [`jane@${WEST}`, 'head@example.org'] },
      after: { targets: ['c@example.org'] },
    });
    const graph = await people.westAdmin.graphql(`mutation($a: String!) { updateAlias(address: $a, input: { targets: ["d@example.org"] }) { targets } }`, { a: address });
    expect(graph.data.updateAlias.targets).toEqual(['d@example.org']);
  });

  it('keeps a sub-domain admin out of east and district2 with 404s, over REST and GraphQL', async () => {
    expect((await people.postmaster1.post(`/domains/${EAST}/aliases`, { localPart: 'eastie', targets: ['b@example.org'] })).status).toBe(201);
    expect((await people.postmaster2.post('/domains/district2.k12.us/aliases', { localPart: 'two', targets: ['b@example.org'] })).status).toBe(201);
    for (const address of [`eastie@${EAST}`, 'two@district2.k12.us']) {
      expect((await people.westAdmin.get(`/aliases/${address}`)).status).toBe(404);
      expect((await people.westAdmin.patch(`/aliases/${address}`, { targets: ['x@example.org'] })).status).toBe(404);
      expect((await people.westAdmin.delete(`/aliases/${address}`)).status).toBe(404);
      const graph = await people.westAdmin.graphql(`query($a: String!) { alias(address: $a) { address } }`, { a: address });
      expect(codeOf(graph)).toBe('NOT_FOUND');
      const deletion = await people.westAdmin.graphql(`mutation($a: String!) { deleteAlias(address: $a) }`, { a: address });
      expect(codeOf(deletion)).toBe('NOT_FOUND');
    }
    expect((await people.westAdmin.get(`/domains/${EAST}/aliases`)).status).toBe(404);
    expect((await people.westAdmin.post(`/domains/district2.k12.us/aliases`, { localPart: 'sneak', targets: ['b@example.org'] })).status).toBe(404);
    expect(codeOf(await people.westAdmin.graphql(`{ aliases(domain: "${EAST}") { items { address } } }`))).toBe('NOT_FOUND');
    expect((await people.postmaster1.get(`/aliases/eastie@${EAST}`)).status).toBe(200);
    expect((await people.postmaster1.get(`/aliases/principal@${WEST}`)).status).toBe(200);
    expect((await people.postmaster2.get(`/aliases/eastie@${EAST}`)).status).toBe(404);
    expect(await api.prisma.alias.count({ where: { localPart: 'sneak' } })).toBe(0);
  });

  it('answers 403 in scope without the right, from the guard and from the per-object check', async () => {
    const reader = await adminWithSets(api, 'alias-reader', [
      { name: 'aliases-read-only', domain: 'district1.k12.us', permissions: [...can(['read'], 'Domain'), ...can(['read'], 'Alias')] },
    ]);
    expect((await reader.get(`/aliases/eastie@${EAST}`)).status).toBe(200);
    expect((await reader.get(`/aliases/two@district2.k12.us`)).status).toBe(404);
    expect((await reader.post(`/domains/${EAST}/aliases`, { localPart: 'nope', targets: ['b@example.org'] })).status).toBe(403);
    expect((await reader.patch(`/aliases/eastie@${EAST}`, { targets: ['b@example.org'] })).status).toBe(403);
    expect((await reader.delete(`/aliases/eastie@${EAST}`)).status).toBe(403);
    expect(codeOf(await reader.graphql(`mutation { deleteAlias(address: "eastie@${EAST}") }`))).toBe('FORBIDDEN');

    const westEditor = await adminWithSets(api, 'west-alias-editor', [
      { name: 'district-alias-reader', domain: 'district1.k12.us', permissions: [...can(['read'], 'Domain'), ...can(['read'], 'Alias')] },
      { name: 'alias-editor', domain: WEST, permissions: can(['read', 'create', 'update', 'delete'], 'Alias') },
    ]);
    expect((await westEditor.patch(`/aliases/principal@${WEST}`, { targets: ['e@example.org'] })).status).toBe(200);
    expect((await westEditor.patch(`/aliases/eastie@${EAST}`, { targets: ['e@example.org'] })).status).toBe(403);
    expect((await westEditor.delete(`/aliases/eastie@${EAST}`)).status).toBe(403);
    expect((await westEditor.post(`/domains/${EAST}/aliases`, { localPart: 'nope', targets: ['b@example.org'] })).status).toBe(403);
    const graph = await westEditor.graphql(`mutation { updateAlias(address: "eastie@${EAST}", input: { targets: ["e@example.org"] }) { address } }`);
    expect(codeOf(graph)).toBe('FORBIDDEN');
    expect((await people.staff.get(`/aliases/eastie@${EAST}`)).body.targets).toEqual(['b@example.org']);
    expect(await api.prisma.alias.count({ where: { localPart: 'nope' } })).toBe(0);
  });

  it('pages through a domain with stable cursors and filters with q; GraphQL gives the same page', async () => {
    for (const n of [5, 3, 1, 4, 2]) {
      expect((await people.staff.post('/domains/district2.k12.us/aliases', { localPart: `teacher${n}`, targets: ['b@example.org'] })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: { body: { items: Array<{ address: string }>; nextCursor: string | null } } = await people.postmaster2.get(
        `/domains/district2.k12.us/aliases?limit=2&q=teacher${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...response.body.items.map((a) => a.address));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => `teacher${n}@district2.k12.us`));
    const rest = await people.postmaster2.get('/domains/district2.k12.us/aliases?limit=2');
    const graph = await people.postmaster2.graphql(`{ aliases(domain: "district2.k12.us", limit: 2) { items { ${ALIAS_FIELDS} } nextCursor } }`);
    expect(graph.data.aliases).toEqual(rest.body);
    expect((await people.postmaster2.get('/domains/district2.k12.us/aliases?cursor=garbage')).status).toBe(400);
  });

  it('creates once for the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'alias-retry-1' };
    const body = { localPart: 'retry', targets: ['b@example.org'] };
    const first = await people.postmaster2.post('/domains/district2.k12.us/aliases', body, headers);
    const second = await people.postmaster2.post('/domains/district2.k12.us/aliases', body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await api.prisma.alias.count({ where: { localPart: 'retry' } })).toBe(1);
  });

  it('documents the alias, list and group routes in the OpenAPI document', async () => {
    const docs = await api.anonymous.request('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    const paths = Object.keys(docs.body.paths);
    for (const path of [
      '/api/v1/domains/{domain}/aliases',
      '/api/v1/aliases/{address}',
      '/api/v1/domains/{domain}/lists',
      '/api/v1/lists/{address}/members/{member}',
      '/api/v1/domains/{domain}/groups',
      '/api/v1/groups/{address}/members/{member}',
    ]) {
      expect(paths).toContain(path);
    }
    expect(docs.body.paths['/api/v1/domains/{domain}/aliases'].post.requestBody.content['application/json'].schema.required).toEqual(['localPart', 'targets']);
  });
});
