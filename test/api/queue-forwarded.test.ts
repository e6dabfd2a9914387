/**
 * Mail that a district's alias or list forwards to a remote address is that district's mail
 * too: its administrators see and act on those queue entries, though the sender is outside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore, loadEngineConfig, newQueueId, PrismaOutboundQueue } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';

let api: TestApi;
let d: Districts;
let forwarded: bigint;
let direct: bigint;

async function queue(sender: string, recipient: string, viaDomain: string | null) {
  const blobs = new FileBlobStore(api.prisma, { dataDir: api.config.dataDir, log: () => {} });
  const id = newQueueId();
  const bytes = Buffer.from(`From: <${sender}>\r\nSubject: ${id}\r\n\r\nhello\r\n`);
  const path = viaDomain ? (await api.prisma.domain.findUniqueOrThrow({ where: { name: viaDomain } })).path : null;
  await api.prisma.$transaction(async (tx) => {
    const stored = await blobs.store(tx, bytes, null);
    await new PrismaOutboundQueue(loadEngineConfig({})).enqueue(tx, {
      id, blobId: stored.blobId, sender, recipients: [recipient], size: bytes.length, clientIp: '192.0.2.9', authUser: null, senderDomainPath: null,
      localDomainPaths: path ? new Map([[recipient, path]]) : undefined,
    });
  });
  await api.prisma.queueEntry.updateMany({ where: { messageId: id }, data: { nextAttemptAt: new Date(Date.now() + 86400_000) } });
  return (await api.prisma.queueEntry.findFirstOrThrow({ where: { messageId: id } })).id;
}

beforeAll(async () => {
  api = await startTestApi();
  d = await seedDistricts(api);
  forwarded = await queue('news@outside.example', 'coach@gmail.test', 'west.district1.k12.us');
  direct = await queue('news@outside.example', 'other@gmail.test', null);
});
afterAll(() => api?.close());

describe('queue scope by local recipient', () => {
  it('shows an entry forwarded by a sub-domain alias to that sub-domain and its parents, not to others', async () => {
    const listed = async (client: typeof d.staff) => ((await client.get('/queue')).body.items as Array<{ id: string }>).map((e) => e.id);
    expect(await listed(d.westAdmin)).toEqual([String(forwarded)]);
    expect(await listed(d.postmaster1)).toEqual([String(forwarded)]);
    expect(await listed(d.postmaster2)).toEqual([]);
    expect(await listed(d.staff)).toEqual([String(forwarded), String(direct)]);
    expect((await d.postmaster2.get(`/queue/${forwarded}`)).status).toBe(404);
    expect((await d.westAdmin.get(`/queue/${direct}`)).status).toBe(404);
  });

  it('lets those administrators act on it', async () => {
    const response = await d.westAdmin.post('/queue/actions', { action: 'delete', ids: [String(forwarded), String(direct)] });
    expect(response.body).toMatchObject({ affected: 1 });
    expect(await api.prisma.queueEntry.count({ where: { id: direct } })).toBe(1);
  });
});
