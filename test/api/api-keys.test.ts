import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';

let api: TestApi;
let people: Districts;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
});
afterAll(() => api?.close());

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return read();
}

describe('API keys', () => {
  it('issues a key whose secret is shown once, works as a bearer on REST and GraphQL, and stops at once when revoked', async () => {
    const issued = await people.staff.post('/api-keys', { name: 'District 1 CMS', role: 'postmaster', domain: 'district1.k12.us' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ name: 'District 1 CMS', role: 'postmaster', permissionSet: null, domain: 'district1.k12.us', createdBy: 'staff', lastUsedAt: null, revokedAt: null });
    const { id, secret, prefix } = issued.body;
    expect(secret).toMatch(/^smk_[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{40,}$/);
    expect(secret.startsWith(`${prefix}.`)).toBe(true);
    const stored = await api.prisma.apiKey.findUniqueOrThrow({ where: { id } });
    expect(stored.secretHash).not.toContain(secret.split('.')[1]);

    const cms = new ApiClient(api.baseUrl, secret);
    const domains = await cms.get('/domains');
    expect(domains.status).toBe(200);
    expect(domains.body.items.map((d: { name: string }) => d.name)).toEqual(['district1.k12.us', 'east.district1.k12.us', 'west.district1.k12.us']);
    expect((await cms.get('/domains/district2.k12.us')).status).toBe(404);
    const graphql = await cms.graphql('{ domains { items { name } } }');
    expect(graphql.data.domains.items.map((d: { name: string }) => d.name)).toEqual(domains.body.items.map((d: { name: string }) => d.name));
    expect((await cms.post('/domains', { name: 'cms-made.district1.k12.us', parent: 'district1.k12.us' })).status).toBe(201);
    const audit = await people.staff.get('/audit-events?action=domain.create&actor=apikey:District 1 CMS');
    expect(audit.body.items[0]).toMatchObject({ actorType: 'apiKey', role: 'postmaster', subjectId: 'cms-made.district1.k12.us' });

    const listed = await waitFor(
      () => people.staff.get('/api-keys'),
      (response) => response.body.items.find((k: { id: number }) => k.id === id)?.lastUsedAt !== null,
    );
    const entry = listed.body.items.find((k: { id: number }) => k.id === id);
    expect(entry).toMatchObject({ id, prefix, name: 'District 1 CMS' });
    expect(new Date(entry.lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(listed.body)).not.toContain(secret.split('.')[1]);
    expect(JSON.stringify(listed.body)).not.toMatch(/secret|Hash/i);

    expect((await people.staff.delete(`/api-keys/${id}`)).status).toBe(204);
    const refused = await cms.get('/domains');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await cms.graphql('{ domains { items { name } } }')).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await people.staff.get('/api-keys')).body.items.find((k: { id: number }) => k.id === id).revokedAt).not.toBeNull();
    expect((await people.staff.get('/audit-events?action=api-key.revoke')).body.items[0]).toMatchObject({ subjectId: String(id) });
  });

  it('refuses a forged secret for a real prefix, and logout for a key', async () => {
    const issued = (await people.staff.post('/api-keys', { name: 'forge-target', role: 'subdomain-admin', domain: 'district2.k12.us' })).body;
    expect((await new ApiClient(api.baseUrl, `${issued.prefix}.not-the-secret`).get('/domains')).status).toBe(401);
    const logout = await new ApiClient(api.baseUrl, issued.secret).post('/auth/logout');
    expect(logout.status).toBe(400);
  });

  it('lets a postmaster issue keys only for rights and scope it holds', async () => {
    const before = await api.prisma.apiKey.count();
    const staffKey = await people.postmaster1.post('/api-keys', { name: 'escalate', role: 'staff' });
    expect(staffKey.status).toBe(403);
    expect(staffKey.body.detail).toBe('you cannot grant a right you do not hold or a scope wider than yours');
    expect((await people.postmaster1.post('/api-keys', { name: 'peer', role: 'postmaster', domain: 'district1.k12.us' })).status).toBe(403);
    const elsewhere = await people.postmaster1.post('/api-keys', { name: 'elsewhere', role: 'subdomain-admin', domain: 'district2.k12.us' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors[0]).toEqual({ field: 'domain', message: 'unknown domain "district2.k12.us"' });
    const graphql = await people.postmaster1.graphql('mutation { createApiKey(input: { name: "escalate", role: "staff" }) { id secret } }');
    expect(graphql.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(await api.prisma.apiKey.count()).toBe(before);

    const own = await people.postmaster1.post('/api-keys', { name: 'west provisioning', role: 'subdomain-admin', domain: 'west.district1.k12.us' });
    expect(own.status).toBe(201);
    const westKey = new ApiClient(api.baseUrl, own.body.secret);
    expect((await westKey.get('/domains')).body.items.map((d: { name: string }) => d.name)).toEqual(['west.district1.k12.us']);
    // A key cannot mint a wider key either.
    expect((await westKey.post('/api-keys', { name: 'wider', role: 'subdomain-admin', domain: 'district1.k12.us' })).status).toBe(400);
    expect((await westKey.post('/api-keys', { name: 'wider', role: 'postmaster', domain: 'west.district1.k12.us' })).status).toBe(403);

    const missing = await people.postmaster1.post('/api-keys', { name: 'no domain', role: 'subdomain-admin' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('domain');
    expect((await people.postmaster1.post('/api-keys', { role: 'subdomain-admin', domain: 'west.district1.k12.us' })).body.errors[0].field).toBe('name');
  });

  it('lists the keys of the scope in SQL, 404 outside it, on REST and GraphQL alike', async () => {
    const mine = await people.postmaster1.get('/api-keys');
    expect(mine.body.items.map((k: { name: string }) => k.name)).toEqual(['District 1 CMS', 'west provisioning']);
    expect((await people.postmaster2.get('/api-keys')).body.items.map((k: { name: string }) => k.name)).toEqual(['forge-target']);
    expect((await people.westAdmin.get('/api-keys')).body.items.map((k: { name: string }) => k.name)).toEqual(['west provisioning']);
    const graphql = await people.postmaster1.graphql('{ apiKeys { items { id name prefix lastUsedAt revokedAt } nextCursor } }');
    expect(graphql.data.apiKeys.items.map((k: { name: string }) => k.name)).toEqual(mine.body.items.map((k: { name: string }) => k.name));

    const westKey = mine.body.items.find((k: { name: string }) => k.name === 'west provisioning');
    expect((await people.postmaster2.delete(`/api-keys/${westKey.id}`)).status).toBe(404);
    const revoked = await people.postmaster2.graphql(`mutation { revokeApiKey(id: ${westKey.id}) { revokedAt } }`);
    expect(revoked.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const byGraphql = await people.westAdmin.graphql(`mutation { revokeApiKey(id: ${westKey.id}) { name revokedAt } }`);
    expect(byGraphql.data.revokeApiKey.name).toBe('west provisioning');
    expect(byGraphql.data.revokeApiKey.revokedAt).not.toBeNull();
    expect((await people.postmaster1.get('/api-keys?revoked=false')).body.items).toEqual([]);
  });
});

describe('the "scope" field', () => {
  it('takes "platform" or a domain name, as the provisioning contract names it', async () => {
    const platform = await api.staff.post('/api-keys', { name: 'cms-platform', role: 'staff', scope: 'platform' });
    expect(platform.status).toBe(201);
    expect(platform.body.domain).toBeNull();
    const district = await api.staff.post('/api-keys', { name: 'cms-district', role: 'postmaster', scope: 'district1.k12.us' });
    expect(district.status).toBe(201);
    expect(district.body.domain).toBe('district1.k12.us');
    const both = await api.staff.post('/api-keys', { name: 'cms-both', role: 'postmaster', scope: 'district1.k12.us', domain: 'district2.k12.us' });
    expect(both.status).toBe(400);
  });
});
