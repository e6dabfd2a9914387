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

const isProblem = (response: { headers: Headers; body: any }, status: number) => {
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status, type: expect.stringMatching(/^urn:schoolmail:problem:/), title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(js|ts):\d+/);
};

describe('errors are problem documents, never stack traces', () => {
  it('answers malformed JSON with 400', async () => {
    const response = await people.staff.request('POST', '/api/v1/domains', '{"name": "x.org",', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    isProblem(response, 400);
    expect(response.body.detail).toContain('JSON');
  });

  it('answers an oversize body with 413 and writes nothing', async () => {
    const huge = JSON.stringify({ name: 'huge.k12.us', padding: 'x'.repeat(21 * 1024 * 1024) });
    const response = await people.staff.request('POST', '/api/v1/domains', huge, { 'content-type': 'application/json' });
    expect(response.status).toBe(413);
    isProblem(response, 413);
    expect(await api.prisma.domain.count({ where: { name: 'huge.k12.us' } })).toBe(0);
  });

  it('answers unknown fields, unknown routes and missing tokens precisely', async () => {
    const unknownField = await people.staff.post('/domains', { name: 'ok.k12.us', colour: 'red' });
    expect(unknownField.status).toBe(400);
    isProblem(unknownField, 400);
    const route = await people.staff.get('/no-such-thing');
    expect(route.status).toBe(404);
    isProblem(route, 404);
    const anonymous = await api.anonymous.get('/domains');
    expect(anonymous.status).toBe(401);
    isProblem(anonymous, 401);
    const forged = await new (people.staff.constructor as any)(api.baseUrl, 'sms_forged').get('/domains');
    expect(forged.status).toBe(401);
  });

  it('records refused attempts in the audit log', async () => {
    expect((await people.westAdmin.post('/domains', { name: 'rogue.k12.us' })).status).toBe(403);
    const denied = await people.staff.get('/audit-events?outcome=denied&actor=westadmin');
    expect(denied.body.items[0]).toMatchObject({ actorName: 'westadmin', outcome: 'denied', action: 'POST /api/v1/domains' });
  });
});

describe('GraphQL limits and errors', () => {
  it('refuses queries nested too deep', async () => {
    const deep = `{ domains { items { subDomains { subDomains { subDomains { subDomains { subDomains { subDomains { subDomains { subDomains { name } } } } } } } } } } }`;
    const result = await people.staff.graphql(deep);
    expect(result.errors?.[0].message).toContain('deeper than');
    expect(result.data).toBeUndefined();
  });

  it('refuses queries that are too expensive before running them', async () => {
    const result = await people.staff.graphql(`{ domains(limit: 500) { items { subDomains { subDomains { subDomains { name status depth version createdAt updatedAt } } } } } }`);
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain('too expensive');
  });

  it('gives the same answer as REST, with matching codes', async () => {
    const outOfScope = await people.westAdmin.graphql(`{ domain(name: "district2.k12.us") { name } }`);
    expect(outOfScope.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await people.westAdmin.get('/domains/district2.k12.us')).status).toBe(404);
    const forbidden = await people.westAdmin.graphql(`mutation { createDomain(input: { name: "rogue2.k12.us" }) { name } }`);
    expect(forbidden.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const invalid = await people.staff.graphql(`mutation { createDomain(input: { name: "bad_name.org" }) { name } }`);
    expect(invalid.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(invalid.errors?.[0].extensions.errors[0].field).toBe('name');
    const unauthenticated = await api.anonymous.graphql(`{ domains { items { name } } }`);
    expect(unauthenticated.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('pagination over big-integer ids', () => {
  it('pages through the audit log (BigInt ids) with cursors', async () => {
    const first = await people.staff.get('/audit-events?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await people.staff.get(`/audit-events?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(Number(second.body.items[0].id)).toBeLessThan(Number(first.body.items[1].id));
  });
});
