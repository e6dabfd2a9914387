/**
 * Moving a sub-domain takes its mail along: its quarantine entries, queue entries and mail
 * events (which scoping and the dashboard read through copies of the domain path) are filed
 * under its new place in the move's transaction, so the old district's admins lose sight of
 * them at once and the new district's gain it; older mail events follow through a job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore, loadEngineConfig, newQueueId, PrismaOutboundQueue } from '@schoolmail/mail-engine';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { blobStoreFor, makeAccount, quarantineMessage } from '../support/acceptance.js';
import { DOMAIN_PATH_COLUMNS, rewriteStatement, sweepStatement } from '../../apps/api/src/domains/domain-paths.js';

const D1 = 'district1.k12.us';
const D2 = 'district2.k12.us';
const WEST = `west.${D1}`;
const SCHOOL = `school.${WEST}`;
const EAST = `east.${D1}`;

let api: TestApi;
let people: Districts;
const pathOf = async (name: string) => (await api.prisma.domain.findUniqueOrThrow({ where: { name } })).path;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);

async function queueMessage(sender: string, recipient: string, paths: { sender: string | null; forwardedBy?: string }) {
  const id = newQueueId();
  const bytes = Buffer.from(`From: <${sender}>\r\nTo: <${recipient}>\r\nSubject: moving\r\n\r\nbody\r\n`);
  const blobs = new FileBlobStore(api.prisma, { dataDir: api.config.dataDir, log: () => {} });
  await api.prisma.$transaction(async (tx) => {
    const stored = await blobs.store(tx, bytes, null);
    await new PrismaOutboundQueue(loadEngineConfig({})).enqueue(tx, {
      id, blobId: stored.blobId, sender, recipients: [recipient], size: bytes.length, clientIp: '192.0.2.7', authUser: null,
      senderDomainPath: paths.sender, localDomainPaths: paths.forwardedBy ? new Map([[recipient, paths.forwardedBy]]) : undefined,
    });
  });
  // Far in the future: no queue worker picks it up while the test looks at it.
  await api.prisma.queueEntry.updateMany({ where: { messageId: id }, data: { nextAttemptAt: new Date(Date.now() + 86400_000) } });
  return String((await api.prisma.queueEntry.findFirstOrThrow({ where: { messageId: id } })).id);
}

const idsOf = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);
const delivered = async (client: ApiClient) => {
  const response = await client.get('/stats/dashboard');
  expect(response.status).toBe(200);
  return (response.body.traffic as Array<{ delivered: number }>).reduce((sum, hour) => sum + hour.delivered, 0);
};

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  expect((await people.staff.post('/domains', { name: SCHOOL, parent: WEST })).status).toBe(201);
});
afterAll(() => api?.close());

describe('moving a sub-domain to another district', () => {
  it('files its quarantine, queue and mail events under the new district: the old one gets 404, the new one and its own admin see them', async () => {
    await makeAccount(api.prisma, `student@${WEST}`);
    await makeAccount(api.prisma, `pupil@${SCHOOL}`);
    await makeAccount(api.prisma, `teacher@${EAST}`);
    const blobs = blobStoreFor(api.prisma);
    const hold = (recipient: string, subject: string) =>
      quarantineMessage(api.prisma, blobs, { raw: `Subject: ${subject}\r\n\r\nbad words\r\n`, sender: 'stranger@outside.example', recipient, subject }).then(String);
    const held = { west: await hold(`student@${WEST}`, 'west'), school: await hold(`pupil@${SCHOOL}`, 'school'), east: await hold(`teacher@${EAST}`, 'east') };
    const [westPath, schoolPath, eastPath] = [await pathOf(WEST), await pathOf(SCHOOL), await pathOf(EAST)];
    const queued = {
      sent: await queueMessage(`student@${WEST}`, 'friend@gmail.test', { sender: westPath }),
      // From outside, forwarded by an alias of the school: its admins see the entry through localDomainPath.
      forwarded: await queueMessage('someone@outside.example', 'parent@yahoo.test', { sender: null, forwardedBy: schoolPath }),
      east: await queueMessage(`teacher@${EAST}`, 'friend@gmail.test', { sender: eastPath }),
    };
    await api.prisma.mailEvent.createMany({
      data: [
        { kind: 'delivered', at: hoursAgo(2), queueId: 'west-1', recipient: 'friend@gmail.test', domainPath: westPath },
        { kind: 'delivered', at: hoursAgo(2), queueId: 'school-1', recipient: 'x@gmail.test', domainPath: schoolPath },
        { kind: 'delivered', at: hoursAgo(2), queueId: 'east-1', recipient: 'y@gmail.test', domainPath: eastPath },
      ],
    });
    expect(await delivered(people.postmaster1)).toBe(3);
    expect(await delivered(people.postmaster2)).toBe(0);

    const moved = await people.staff.patch(`/domains/${WEST}`, { parent: D2 });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ name: WEST, parent: D2, depth: 1 });
    const [newWest, newSchool] = [await pathOf(WEST), await pathOf(SCHOOL)];
    expect(newWest.startsWith(await pathOf(D2))).toBe(true);

    // The old district: 404 on each entry (REST and GraphQL), absent from lists, no action reaches them.
    for (const id of [held.west, held.school]) {
      expect((await people.postmaster1.get(`/quarantine/${id}`)).status).toBe(404);
      expect((await people.postmaster1.post(`/quarantine/${id}/release`)).status).toBe(404);
      expect((await people.postmaster1.post(`/quarantine/${id}/delete`)).status).toBe(404);
    }
    expect(idsOf((await people.postmaster1.get('/quarantine')).body)).toEqual([held.east]);
    for (const id of [queued.sent, queued.forwarded]) {
      expect((await people.postmaster1.get(`/queue/${id}`)).status).toBe(404);
      const gql = await people.postmaster1.graphql(`query($id: String!) { queueEntry(id: $id) { id } }`, { id });
      expect(gql.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    }
    expect((await people.postmaster1.post('/queue/actions', { action: 'delete', ids: [queued.sent, queued.forwarded] })).status).toBe(404);
    expect(idsOf((await people.postmaster1.get('/queue')).body)).toEqual([queued.east]);
    expect(await delivered(people.postmaster1)).toBe(1);

    // The new district and the moved domain's own admin see all of it.
    for (const client of [people.postmaster2, people.westAdmin]) {
      expect((await client.get('/quarantine')).body.items.map((e: { id: string }) => e.id).sort()).toEqual([held.west, held.school].sort());
      expect((await client.get(`/quarantine/${held.school}`)).status).toBe(200);
      expect(idsOf((await client.get('/queue')).body).sort()).toEqual([queued.sent, queued.forwarded].sort());
      expect((await client.get(`/queue/${queued.forwarded}`)).status).toBe(200);
    }
    expect(await delivered(people.postmaster2)).toBe(2);
    expect((await people.postmaster2.post(`/quarantine/${held.west}/delete`)).status).toBe(200);

    // Every copy of the paths, sub-domain included.
    expect((await api.prisma.quarantineEntry.findUniqueOrThrow({ where: { id: BigInt(held.school) } })).domainPath).toBe(newSchool);
    const sent = await api.prisma.queueEntry.findUniqueOrThrow({ where: { id: BigInt(queued.sent) }, include: { message: true } });
    expect([sent.senderDomainPath, sent.message.senderDomainPath]).toEqual([newWest, newWest]);
    expect((await api.prisma.queueEntry.findUniqueOrThrow({ where: { id: BigInt(queued.forwarded) } })).localDomainPath).toBe(newSchool);
    expect((await api.prisma.mailEvent.findMany({ where: { queueId: { in: ['west-1', 'school-1'] } }, orderBy: { queueId: 'asc' } })).map((e) => e.domainPath)).toEqual([newSchool, newWest]);
  });

  it('sends the older mail events after the move in a job, to wherever the domain is by then', async () => {
    expect((await people.staff.post('/domains', { name: `north.${D1}`, parent: D1 })).status).toBe(201);
    const oldPath = await pathOf(`north.${D1}`);
    await api.prisma.mailEvent.createMany({
      data: [
        { kind: 'delivered', at: hoursAgo(24 * 40), queueId: 'north-old', domainPath: oldPath },
        { kind: 'delivered', at: hoursAgo(1), queueId: 'north-new', domainPath: oldPath },
      ],
    });
    expect((await people.staff.patch(`/domains/north.${D1}`, { parent: D2 })).status).toBe(200);
    const newPath = await pathOf(`north.${D1}`);
    // Within the dashboard's window: in the move's transaction.
    expect((await api.prisma.mailEvent.findFirstOrThrow({ where: { queueId: 'north-new' } })).domainPath).toBe(newPath);
    await expect
      .poll(async () => (await api.prisma.mailEvent.findFirstOrThrow({ where: { queueId: 'north-old' } })).domainPath, { timeout: 15_000 })
      .toBe(newPath);
    const job = await api.prisma.job.findFirstOrThrow({ where: { kind: 'domain-paths', domain: { name: `north.${D1}` } } });
    await expect.poll(async () => (await api.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status, { timeout: 15_000 }).toBe('succeeded');
    expect(job.createdBy).toBe('staff');
    expect(await api.prisma.auditEvent.count({ where: { action: 'job.create', subjectId: job.id, domainPath: newPath } })).toBe(1);
  });

  it('keeps a prefix index under every column holding a domain path, and rewrites each through it', async () => {
    const columns = await api.prisma.$queryRaw<Array<{ table: string; column: string }>>`
      SELECT table_name::text AS "table", column_name::text AS "column" FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name ILIKE '%domainpath' ORDER BY 1, 2`;
    const known = DOMAIN_PATH_COLUMNS.map(({ table, column }) => ({ table, column })).sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
    expect(columns).toEqual(known);
    for (const entry of DOMAIN_PATH_COLUMNS) {
      const plans = await api.prisma.$transaction(async (tx) => {
        // Tiny tables: without this the planner would rightly read them whole.
        await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
        const explain = async (statement: ReturnType<typeof rewriteStatement>) =>
          (await tx.$queryRaw<Array<{ 'QUERY PLAN': string }>>`EXPLAIN ${statement}`).map((row) => row['QUERY PLAN']).join('\n');
        return [await explain(rewriteStatement(entry, '/1/2/', '/3/2/')), await explain(sweepStatement(entry, 2, '/1/2/'))];
      });
      for (const plan of plans) {
        expect(plan, `${entry.table}.${entry.column}`).toMatch(new RegExp(`(Index (Only )?Scan using|Bitmap Index Scan on) "?${entry.table}_${entry.column}_prefix_idx`));
        expect(plan, `${entry.table}.${entry.column}`).not.toMatch(new RegExp(`Seq Scan on "?${entry.table}"?`));
      }
    }
  });
});
