import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../libs/mail-engine/src/storage/file-blob-store.js';
import { BlobCorruptError } from '../../libs/mail-engine/src/storage/errors.js';
import { blobPath } from '../../libs/mail-engine/src/storage/blob-paths.js';
import { foldStorageUsage } from '../../libs/mail-engine/src/storage/usage.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { temporaryDirectory } from '../support/storage.js';

let api: TestApi;
let people: Districts;
let root: string;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  root = temporaryDirectory('units');
});
afterAll(() => api?.close());

const UNIT_FIELDS = 'id name directory state capacityBytes usedBytes freeBytes blobCount domains version createdAt updatedAt';

describe('storage units', () => {
  it('lets staff add a unit: directory created and probed, domains assigned, audited, listed with its usage', async () => {
    const directory = join(root, 'volume1', 'mail');
    const created = await people.staff.post('/storage-units', { name: 'volume1', directory, capacityGb: 2, domains: ['district1.k12.us'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'volume1',
      directory,
      state: 'active',
      capacityBytes: 2 * 1024 ** 3,
      usedBytes: 0,
      freeBytes: 2 * 1024 ** 3,
      blobCount: 0,
      domains: ['district1.k12.us'],
      version: 1,
    });
    expect(created.headers.get('etag')).toBe('"1"');
    expect(existsSync(directory)).toBe(true);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'storage-unit.create', subjectId: 'volume1' } });
    expect(audit).toMatchObject({ actorName: 'staff', subjectType: 'StorageUnit' });

    const list = await people.staff.get('/storage-units');
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { name: string }) => u.name)).toContain('volume1');
    const read = await people.staff.get(`/storage-units/${created.body.id}`);
    expect(read.body).toEqual(created.body);
    const graph = await people.staff.graphql(`query($id: Int!) { storageUnit(id: $id) { ${UNIT_FIELDS} } }`, { id: created.body.id });
    expect(graph.data.storageUnit).toEqual(created.body);
  });

  it('refuses everyone but staff with 403, over REST and GraphQL, and writes nothing', async () => {
    const before = await api.prisma.storageUnit.count();
    for (const client of [people.postmaster1, people.westAdmin]) {
      const attempt = await client.post('/storage-units', { name: 'sneaky', directory: join(root, 'sneaky'), capacityGb: 1 });
      expect(attempt.status).toBe(403);
      expect(attempt.headers.get('content-type')).toContain('application/problem+json');
      expect((await client.get('/storage-units')).status).toBe(403);
      expect((await client.get('/storage-units/1')).status).toBe(403);
      expect((await client.patch('/storage-units/1', { state: 'read_only' })).status).toBe(403);
      expect((await client.get('/storage-units/1/problems')).status).toBe(403);
      const graph = await client.graphql(`mutation { createStorageUnit(input: { name: "sneaky", directory: "${join(root, 'sneaky')}", capacityGb: 1 }) { id } }`);
      expect(graph.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      expect((await client.graphql('{ storageUnits { items { id } } }')).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    }
    expect(await api.prisma.storageUnit.count()).toBe(before);
    expect(existsSync(join(root, 'sneaky'))).toBe(false);
  });

  it('answers 400 naming the field for a directory it cannot use, and 409 for a name or directory in use', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const before = await api.prisma.storageUnit.count();
    for (const [body, field, message] of [
      [{ name: 'rel', directory: 'relative/path', capacityGb: 1 }, 'directory', 'absolute'],
      [{ name: 'under-file', directory: join(blocker, 'mail'), capacityGb: 1 }, 'directory', 'not a directory'],
      [{ name: 'is-file', directory: blocker, capacityGb: 1 }, 'directory', 'cannot store mail'],
      [{ name: 'inside', directory: join(root, 'volume1', 'mail', 'sub'), capacityGb: 1 }, 'directory', 'overlaps storage unit volume1'],
      [{ name: 'no-capacity', directory: join(root, 'nc') }, 'capacityGb', 'required'],
      [{ name: 'both', directory: join(root, 'both'), capacityGb: 1, capacityBytes: 10 }, 'capacityBytes', 'not both'],
      [{ name: 'bad-state', directory: join(root, 'bs'), capacityGb: 1, state: 'offline' }, 'state', ''],
      [{ name: 'ghost-domain', directory: join(root, 'gd'), capacityGb: 1, domains: ['nowhere.k12.us'] }, 'domains', 'nowhere.k12.us'],
    ] as const) {
      const response = await people.staff.post('/storage-units', body);
      expect(response.status, body.name).toBe(400);
      expect(response.body.errors[0].field, body.name).toBe(field);
      expect(response.body.errors[0].message, body.name).toContain(message);
    }
    const graph = await people.staff.graphql(`mutation { createStorageUnit(input: { name: "rel", directory: "relative", capacityGb: 1 }) { id } }`);
    expect(graph.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(existsSync(join(root, 'gd'))).toBe(false);

    const sameName = await people.staff.post('/storage-units', { name: 'volume1', directory: join(root, 'other'), capacityGb: 1 });
    expect(sameName.status).toBe(409);
    expect(sameName.body.errors[0].field).toBe('name');
    const sameDirectory = await people.staff.post('/storage-units', { name: 'twin', directory: join(root, 'volume1', 'mail/'), capacityGb: 1 });
    expect(sameDirectory.status).toBe(409);
    expect(sameDirectory.body.errors[0].field).toBe('directory');
    expect(await api.prisma.storageUnit.count()).toBe(before);
  });

  it('changes state, capacity and domains, audited with before and after; 404 for an unknown unit', async () => {
    const created = await people.staff.post('/storage-units', { name: 'volume2', directory: join(root, 'volume2'), capacityBytes: 1_000_000 });
    expect(created.status).toBe(201);
    const patched = await people.staff.patch(`/storage-units/${created.body.id}`, {
      state: 'read_only',
      capacityGb: 1.5,
      domains: ['district2.k12.us', 'west.district1.k12.us'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ state: 'read_only', capacityBytes: 1.5 * 1024 ** 3, domains: ['district2.k12.us', 'west.district1.k12.us'] });
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'storage-unit.update', subjectId: 'volume2' } });
    expect(audit.before).toMatchObject({ state: 'active', domains: [] });
    expect(audit.after).toMatchObject({ state: 'read_only', domains: ['district2.k12.us', 'west.district1.k12.us'] });

    const graph = await people.staff.graphql(`mutation($id: Int!) { updateStorageUnit(id: $id, input: { state: "draining", domains: [] }) { ${UNIT_FIELDS} } }`, {
      id: created.body.id,
    });
    expect(graph.data.updateStorageUnit).toEqual((await people.staff.get(`/storage-units/${created.body.id}`)).body);
    expect(graph.data.updateStorageUnit).toMatchObject({ state: 'draining', domains: [] });

    expect((await people.staff.patch('/storage-units/999999', { state: 'active' })).status).toBe(404);
    expect((await people.staff.get('/storage-units/not-a-number')).status).toBe(404);
    const missing = await people.staff.graphql('{ storageUnit(id: 999999) { id } }');
    expect(missing.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const invalid = await people.staff.patch(`/storage-units/${created.body.id}`, { state: 'gone' });
    expect(invalid.status).toBe(400);
    expect((await people.staff.get(`/storage-units/${created.body.id}`)).body.state).toBe('draining');
  });

  it('honours If-Match: ETag on reads and writes, every change a new version, 412 on a stale one changing nothing', async () => {
    const created = await people.staff.post('/storage-units', { name: 'volume4', directory: join(root, 'volume4'), capacityGb: 1, domains: ['west.district1.k12.us'] });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const read = await people.staff.get(`/storage-units/${id}`);
    const etag = read.headers.get('etag')!;
    expect(etag).toBe(`"${read.body.version}"`);
    expect(read.body.version).toBe(1);

    // Two staff members read version 1; the first saves its domain list...
    const first = await people.staff.patch(`/storage-units/${id}`, { domains: ['east.district1.k12.us', 'west.district1.k12.us'] }, { 'if-match': etag });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 2, domains: ['east.district1.k12.us', 'west.district1.k12.us'] });
    expect(first.headers.get('etag')).toBe('"2"');
    // ...the second, still at version 1, is refused with a problem document and changes nothing.
    const auditsBefore = await api.prisma.auditEvent.count({ where: { action: 'storage-unit.update', subjectId: 'volume4' } });
    const stale = await people.staff.patch(`/storage-units/${id}`, { domains: ['district1.k12.us'], state: 'read_only' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body).toMatchObject({ status: 412, title: 'The resource has changed', detail: 'the resource is at version 2, not 1: read it again and retry' });
    const after = await people.staff.get(`/storage-units/${id}`);
    expect(after.body).toMatchObject({ version: 2, state: 'active', domains: ['east.district1.k12.us', 'west.district1.k12.us'] });
    expect(after.headers.get('etag')).toBe('"2"');
    expect(await api.prisma.auditEvent.count({ where: { action: 'storage-unit.update', subjectId: 'volume4' } })).toBe(auditsBefore);
    // An entity tag this API never gave out is a 400 on the header.
    const malformed = await people.staff.patch(`/storage-units/${id}`, { state: 'read_only' }, { 'if-match': 'two' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('If-Match');

    // Without If-Match (as for accounts and domains) the change is made, and is a new version too.
    const unconditional = await people.staff.patch(`/storage-units/${id}`, { state: 'read_only' });
    expect(unconditional.status).toBe(200);
    expect(unconditional.body).toMatchObject({ version: 3, state: 'read_only' });
    expect(unconditional.headers.get('etag')).toBe('"3"');
    expect((await people.staff.patch(`/storage-units/${id}`, { capacityGb: 2 }, { 'if-match': '"3"' })).body.version).toBe(4);

    // GraphQL: expectedVersion as for the other mutations.
    const mutation = `mutation($id: Int!, $v: Int) { updateStorageUnit(id: $id, input: { state: "active" }, expectedVersion: $v) { state version } }`;
    const staleGraph = await people.staff.graphql(mutation, { id, v: 3 });
    expect(staleGraph.errors?.[0]?.extensions.code).toBe('PRECONDITION_FAILED');
    expect((await api.prisma.storageUnit.findUniqueOrThrow({ where: { id } })).state).toBe('read_only');
    const graph = await people.staff.graphql(mutation, { id, v: 4 });
    expect(graph.data.updateStorageUnit).toEqual({ state: 'active', version: 5 });
    expect((await people.staff.graphql(`query($id: Int!) { storageUnit(id: $id) { version } }`, { id })).data.storageUnit.version).toBe(5);
  });

  it('keeps the version when the engine folds mail usage into the unit: that is not an edit of it', async () => {
    const created = await people.staff.post('/storage-units', { name: 'volume5', directory: join(root, 'volume5'), capacityGb: 1 });
    expect(created.body.version).toBe(1);
    // What accepting 5000 bytes of mail writes, then the engine's fold of it into usedBytes.
    await api.prisma.storageUsageDelta.create({ data: { storageUnitId: created.body.id, bytes: 5000n } });
    await foldStorageUsage(api.prisma);
    const row = await api.prisma.storageUnit.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row).toMatchObject({ usedBytes: 5000n, version: 1 });
    const read = await people.staff.get(`/storage-units/${created.body.id}`);
    expect(read.body).toMatchObject({ usedBytes: 5000, version: 1 });
    expect(read.headers.get('etag')).toBe('"1"');
    // So a form opened before the mail came saves without a 412.
    expect((await people.staff.patch(`/storage-units/${created.body.id}`, { capacityGb: 2 }, { 'if-match': '"1"' })).status).toBe(200);
  });

  it('lists the problems found in a unit after a corrupt blob was read', async () => {
    const created = await people.staff.post('/storage-units', { name: 'volume3', directory: join(root, 'volume3'), capacityGb: 1, domains: ['district2.k12.us'] });
    const district2 = await api.prisma.domain.findUniqueOrThrow({ where: { name: 'district2.k12.us' } });
    const store = new FileBlobStore(api.prisma, { dataDir: temporaryDirectory('engine'), log: () => {} });
    const bytes = Buffer.from('Subject: report cards\r\n\r\nattached\r\n');
    const blob = await api.prisma.$transaction((tx) => store.store(tx, bytes, district2.id));
    const path = blobPath(join(root, 'volume3'), blob.sha256);
    const withUsage = await people.staff.get(`/storage-units/${created.body.id}`);
    expect(withUsage.body).toMatchObject({ blobCount: 1, usedBytes: bytes.length, freeBytes: 1024 ** 3 - bytes.length });

    expect((await people.staff.get(`/storage-units/${created.body.id}/problems`)).body).toEqual({ items: [], nextCursor: null });
    const corrupted = readFileSync(path);
    corrupted[0] ^= 0x20;
    writeFileSync(path, corrupted);
    await expect(store.read(blob.blobId)).rejects.toBeInstanceOf(BlobCorruptError);

    const problems = await people.staff.get(`/storage-units/${created.body.id}/problems`);
    expect(problems.status).toBe(200);
    expect(problems.body.items).toHaveLength(1);
    expect(problems.body.items[0]).toMatchObject({ kind: 'corrupt-blob', blobId: String(blob.blobId), resolvedAt: null });
    expect(problems.body.items[0].isolatedPath).toContain(join(root, 'volume3', 'quarantine'));
    expect(problems.body.items[0].detail).toContain(blob.sha256);
    const graph = await people.staff.graphql(
      `query($id: Int!) { storageUnitProblems(id: $id, unresolved: true) { items { id kind detail blobId isolatedPath detectedAt resolvedAt } nextCursor } }`,
      { id: created.body.id },
    );
    expect(graph.data.storageUnitProblems).toEqual(problems.body);
    expect((await people.postmaster2.get(`/storage-units/${created.body.id}/problems`)).status).toBe(403);

    // An operator who has dealt with it marks it resolved; the "unresolved" list no longer shows it.
    const problemId = problems.body.items[0].id;
    expect((await people.postmaster2.post(`/storage-units/${created.body.id}/problems/${problemId}/resolve`, {})).status).toBe(403);
    const resolved = await people.staff.post(`/storage-units/${created.body.id}/problems/${problemId}/resolve`, {});
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual({ ...problems.body.items[0], resolvedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect((await people.staff.get(`/storage-units/${created.body.id}/problems?unresolved=true`)).body.items).toEqual([]);
    expect((await people.staff.get(`/storage-units/${created.body.id}/problems`)).body.items).toEqual([resolved.body]);
    const again = await people.staff.graphql(`mutation($id: Int!, $problemId: Int!) { resolveStorageProblem(id: $id, problemId: $problemId) { id resolvedAt } }`, {
      id: created.body.id,
      problemId,
    });
    expect(again.data.resolveStorageProblem).toEqual({ id: problemId, resolvedAt: resolved.body.resolvedAt });
    expect(await api.prisma.auditEvent.count({ where: { action: 'storage-problem.resolve', subjectId: 'volume3' } })).toBe(1);
    // A problem is a row of its own: resolving it is no new version of the unit.
    expect((await people.staff.get(`/storage-units/${created.body.id}`)).body.version).toBe(created.body.version);
    // Another unit's problem, or none at all, is not found.
    const volume1 = (await people.staff.get('/storage-units')).body.items.find((unit: { name: string }) => unit.name === 'volume1');
    expect((await people.staff.post(`/storage-units/${volume1.id}/problems/${problemId}/resolve`, {})).status).toBe(404);
    expect((await people.staff.post(`/storage-units/${created.body.id}/problems/999999/resolve`, {})).status).toBe(404);
    expect((await people.staff.post(`/storage-units/${created.body.id}/problems/not-a-number/resolve`, {})).status).toBe(404);
  });
});
