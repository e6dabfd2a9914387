import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';

let api: TestApi;
let people: Districts;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
});
afterAll(() => api?.close());

describe('domains', () => {
  it('creates a sub-domain under its parent and shows the tree', async () => {
    const created = await people.staff.post('/domains', { name: 'north.district1.k12.us', parent: 'district1.k12.us', services: { pop3: false } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'north.district1.k12.us', parent: 'district1.k12.us', depth: 1 });
    expect(created.body.services).toEqual({ smtp: true, imap: true, pop3: false, webmail: true, rpop: true });
    const tree = await people.staff.graphql(`{ domain(name: "district1.k12.us") { name subDomains { name } } }`);
    expect(tree.data.domain.subDomains.map((d: { name: string }) => d.name)).toEqual([
      'east.district1.k12.us',
      'north.district1.k12.us',
      'west.district1.k12.us',
    ]);
  });

  it('stores international names as IDNA and refuses malformed ones naming the field', async () => {
    const idn = await people.staff.post('/domains', { name: 'Escuela-Niño.es' });
    expect(idn.status).toBe(201);
    expect(idn.body.name).toBe('xn--escuela-nio-beb.es');
    for (const [name, message] of [
      ['no_underscores.org', 'letters, digits and inner hyphens'],
      ['-lead.org', 'inner hyphens'],
      ['localhost', 'two labels'],
      [`${'a'.repeat(64)}.org`, 'longer than 63'],
      [`${'abcdefghi.'.repeat(26)}org`, 'longer than 253'],
    ]) {
      const response = await people.staff.post('/domains', { name });
      expect(response.status, name).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors[0].field).toBe('name');
      expect(response.body.errors[0].message).toContain(message);
    }
    expect(await api.prisma.domain.count({ where: { name: { contains: 'lead' } } })).toBe(0);
  });

  it('answers 409 for a duplicate name and 400 for a cycle of parents', async () => {
    const duplicate = await people.staff.post('/domains', { name: 'district2.k12.us' });
    expect(duplicate.status).toBe(409);
    const cycle = await people.staff.patch('/domains/district1.k12.us', { parent: 'west.district1.k12.us' });
    expect(cycle.status).toBe(400);
    expect(cycle.body.errors[0].field).toBe('parent');
    expect(cycle.body.detail).toContain('cycle');
  });

  it('honours If-Match with 412 on a stale version', async () => {
    const read = await people.staff.get('/domains/district2.k12.us');
    const etag = read.headers.get('etag')!;
    expect(etag).toBe(`"${read.body.version}"`);
    const first = await people.staff.patch('/domains/district2.k12.us', { branding: { productName: 'District 2 Mail' } }, { 'if-match': etag });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(read.body.version + 1);
    const stale = await people.staff.patch('/domains/district2.k12.us', { status: 'suspended' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect((await people.staff.get('/domains/district2.k12.us')).body.status).toBe('active');
  });

  it('replays a create with the same Idempotency-Key instead of creating twice', async () => {
    const headers = { 'idempotency-key': 'create-south-1' };
    const first = await people.staff.post('/domains', { name: 'south.k12.us' }, headers);
    const second = await people.staff.post('/domains', { name: 'south.k12.us' }, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotency-replayed')).toBe('true');
    const reused = await people.staff.post('/domains', { name: 'other.k12.us' }, headers);
    expect(reused.status).toBe(422);
  });

  it('keeps a sub-domain admin inside its subtree', async () => {
    const mine = await people.westAdmin.get('/domains');
    expect(mine.body.items.map((d: { name: string }) => d.name)).toEqual(['west.district1.k12.us']);
    expect((await people.westAdmin.get('/domains/east.district1.k12.us')).status).toBe(404);
    expect((await people.westAdmin.get('/domains/district2.k12.us')).status).toBe(404);
    expect((await people.westAdmin.post('/domains', { name: 'x.k12.us' })).status).toBe(403);
    const sub = await people.westAdmin.post('/domains', { name: 'school1.west.district1.k12.us', parent: 'west.district1.k12.us' });
    expect(sub.status).toBe(201);
    expect((await people.westAdmin.post('/domains', { name: 'school9.k12.us', parent: 'east.district1.k12.us' })).status).toBe(400);
  });

  it('refuses to delete a domain with sub-domains unless staff forces it, and audits each write', async () => {
    await people.staff.post('/domains', { name: 'gone.k12.us' });
    await people.staff.post('/domains', { name: 'a.gone.k12.us', parent: 'gone.k12.us' });
    expect((await people.staff.delete('/domains/gone.k12.us')).status).toBe(409);
    expect((await people.postmaster1.delete('/domains/district1.k12.us')).status).toBe(403);
    expect((await people.staff.delete('/domains/gone.k12.us?force=true')).status).toBe(204);
    expect((await people.staff.get('/domains/a.gone.k12.us')).status).toBe(404);
    const audit = await people.staff.get('/audit-events?action=domain.delete');
    expect(audit.body.items[0]).toMatchObject({ action: 'domain.delete', subjectId: 'gone.k12.us', actorName: 'staff', role: 'staff', interface: 'rest', outcome: 'success' });
  });

  it('pages through a list with stable cursors', async () => {
    for (let i = 0; i < 7; i++) await people.staff.post('/domains', { name: `page${i}.district2.k12.us`, parent: 'district2.k12.us' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: { body: { items: Array<{ name: string }>; nextCursor: string | null } } = await people.postmaster2.get(
        `/domains?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...response.body.items.map((d) => d.name));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toHaveLength(8);
    expect((await people.staff.get('/domains?cursor=garbage')).status).toBe(400);
  });
});
