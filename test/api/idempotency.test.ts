/**
 * `Idempotency-Key` when the retry does not wait for the first answer: a CMS that times out
 * sends the same create again while the first is still running. It must create once, and
 * both calls must get the same answer; a create that failed leaves its key free.
 */
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

describe('Idempotency-Key', () => {
  it('runs a create once when its retries arrive while it is still running, and gives every call the same answer', async () => {
    const headers = { 'idempotency-key': 'import-run-7' };
    const body = { name: 'racing.k12.us' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => people.staff.post('/domains', body, headers)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
    expect(answers.filter((a) => a.headers.get('idempotency-replayed') === 'true')).toHaveLength(4);
    expect(await api.prisma.auditEvent.count({ where: { action: 'domain.create', subjectId: 'racing.k12.us' } })).toBe(1);
  });

  it('leaves the key free when the request failed, so the corrected request can use it', async () => {
    const headers = { 'idempotency-key': 'import-run-8' };
    expect((await people.staff.post('/domains', { name: 'not a domain' }, headers)).status).toBe(400);
    const corrected = await people.staff.post('/domains', { name: 'corrected.k12.us' }, headers);
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotency-replayed')).toBeNull();
    expect((await people.staff.post('/domains', { name: 'corrected.k12.us' }, headers)).headers.get('idempotency-replayed')).toBe('true');
  });

  it('keeps keys apart per principal', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    expect((await people.staff.post('/domains', { name: 'staff-made.k12.us' }, headers)).status).toBe(201);
    const other = await people.postmaster1.post('/domains', { name: 'pm-made.district1.k12.us', parent: 'district1.k12.us' }, headers);
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotency-replayed')).toBeNull();
  });
});
