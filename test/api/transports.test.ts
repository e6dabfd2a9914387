/**
 * Next-hop overrides (transport map): staff only, validated (domain name rules, host, port
 * 1..65535), audited, the same over REST and GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';

let api: TestApi;
let d: Districts;

beforeAll(async () => {
  api = await startTestApi();
  d = await seedDistricts(api);
});
afterAll(() => api?.close());

describe('transports', () => {
  it('creates, reads, lists and deletes an override, audited', async () => {
    const created = await d.staff.post('/transports', { domain: 'Partner.Example.org', nextHop: 'Relay.Example.net:2525' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ domain: 'partner.example.org', nextHop: 'relay.example.net:2525' });
    expect((await d.staff.post('/transports', { domain: 'ipv4.example.org', nextHop: '192.0.2.10:25' })).body.nextHop).toBe('192.0.2.10:25');
    expect((await d.staff.post('/transports', { domain: 'ipv6.example.org', nextHop: '[2001:DB8::1]:25' })).body.nextHop).toBe('[2001:db8::1]:25');
    expect((await d.staff.get('/transports/partner.example.org')).body.nextHop).toBe('relay.example.net:2525');
    const list = await d.staff.get('/transports?limit=2');
    expect(list.body.items.map((t: { domain: string }) => t.domain)).toEqual(['ipv4.example.org', 'ipv6.example.org']);
    const rest = await d.staff.get(`/transports?limit=2&cursor=${list.body.nextCursor}`);
    expect(rest.body).toMatchObject({ items: [{ domain: 'partner.example.org' }], nextCursor: null });

    const duplicate = await d.staff.post('/transports', { domain: 'partner.example.org', nextHop: 'other.example.net:25' });
    expect(duplicate.status).toBe(409);

    expect((await d.staff.delete('/transports/partner.example.org')).status).toBe(204);
    expect((await d.staff.get('/transports/partner.example.org')).status).toBe(404);
    expect((await d.staff.delete('/transports/partner.example.org')).status).toBe(404);
    const audit = await api.prisma.auditEvent.findMany({ where: { subjectType: 'Transport', subjectId: 'partner.example.org' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['transport.create', 'transport.delete']);
  });

  it('validates the domain and the next hop, naming the field, and writes nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ domain: 'nodot', nextHop: 'relay.example.net:25' }, 'domain'],
      [{ domain: 'bad_label.example.org', nextHop: 'relay.example.net:25' }, 'domain'],
      [{ domain: 'ok.example.org', nextHop: 'relay.example.net' }, 'nextHop'],
      [{ domain: 'ok.example.org', nextHop: 'relay.example.net:0' }, 'nextHop'],
      [{ domain: 'ok.example.org', nextHop: 'relay.example.net:65536' }, 'nextHop'],
      [{ domain: 'ok.example.org', nextHop: 'bad host:25' }, 'nextHop'],
      [{ domain: 'ok.example.org', nextHop: '[not-ipv6]:25' }, 'nextHop'],
      [{ domain: 'ok.example.org' }, 'nextHop'],
      [{ domain: 'ok.example.org', nextHop: 'relay.example.net:25', extra: 1 }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const response = await d.staff.post('/transports', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field), JSON.stringify(body)).toContain(field);
    }
    expect(await api.prisma.transport.count({ where: { domain: 'ok.example.org' } })).toBe(0);
    const gql = await d.staff.graphql(`mutation { createTransport(input: { domain: "ok.example.org", nextHop: "relay:99999" }) { domain } }`);
    expect(gql.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('is for staff only: 403 for postmasters over REST and GraphQL', async () => {
    expect((await d.postmaster1.post('/transports', { domain: 'x.example.org', nextHop: 'relay.example.net:25' })).status).toBe(403);
    expect((await d.postmaster1.get('/transports')).status).toBe(403);
    expect((await d.westAdmin.delete('/transports/ipv4.example.org')).status).toBe(403);
    expect(await api.prisma.transport.count({ where: { domain: 'x.example.org' } })).toBe(0);
    expect(await api.prisma.transport.count({ where: { domain: 'ipv4.example.org' } })).toBe(1);
    const gql = await d.postmaster1.graphql(`{ transports { items { domain } } }`);
    expect(gql.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('answers the same over GraphQL', async () => {
    const created = await d.staff.graphql(`mutation { createTransport(input: { domain: "gql.example.org", nextHop: "127.0.0.1:2526" }) { domain nextHop } }`);
    expect(created.data.createTransport).toEqual({ domain: 'gql.example.org', nextHop: '127.0.0.1:2526' });
    const read = await d.staff.graphql(`{ transport(domain: "gql.example.org") { nextHop } }`);
    expect(read.data.transport).toEqual({ nextHop: '127.0.0.1:2526' });
    expect((await d.staff.graphql(`mutation { deleteTransport(domain: "gql.example.org") }`)).data.deleteTransport).toBe(true);
    const gone = await d.staff.graphql(`{ transport(domain: "gql.example.org") { nextHop } }`);
    expect(gone.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});
