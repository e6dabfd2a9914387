/** The dashboard figures: each section in the reader's scope, or null when the reader may not see that kind of object. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore, loadEngineConfig, newQueueId, PrismaOutboundQueue } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';

let api: TestApi;
let districts: Districts;
const paths: Record<string, string> = {};

async function queueMessage(sender: string, recipients: string[], senderDomain: string, createdAt: Date) {
  const id = newQueueId();
  const bytes = Buffer.from(`From: <${sender}>\r\nSubject: stats\r\n\r\nbody\r\n`);
  const blobs = new FileBlobStore(api.prisma, { dataDir: api.config.dataDir, log: () => {} });
  await api.prisma.$transaction(async (tx) => {
    const stored = await blobs.store(tx, bytes, null);
    await new PrismaOutboundQueue(loadEngineConfig({})).enqueue(tx, {
      id, blobId: stored.blobId, sender, recipients, size: bytes.length, clientIp: '192.0.2.7', authUser: sender, senderDomainPath: paths[senderDomain]!,
    });
  });
  await api.prisma.queueEntry.updateMany({ where: { messageId: id }, data: { createdAt, nextAttemptAt: new Date(Date.now() + 86400_000) } });
  return id;
}

beforeAll(async () => {
  api = await startTestApi();
  districts = await seedDistricts(api);
  for (const domain of await api.prisma.domain.findMany()) paths[domain.name] = domain.path;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
  await queueMessage('a@district1.k12.us', ['x@remote.example', 'y@remote.example'], 'district1.k12.us', hoursAgo(5));
  await queueMessage('b@district2.k12.us', ['z@remote.example'], 'district2.k12.us', hoursAgo(5));
  // A message of district1 deferred 3 hours ago and delivered 1 hour ago: it was waiting in between.
  await api.prisma.mailEvent.createMany({
    data: [
      { kind: 'deferred', at: hoursAgo(3), queueId: 'old-1', recipient: 'w@remote.example', domainPath: paths['district1.k12.us'] },
      { kind: 'delivered', at: hoursAgo(1), queueId: 'old-1', recipient: 'w@remote.example', domainPath: paths['district1.k12.us'] },
      { kind: 'delivered', at: hoursAgo(1), queueId: 'other', recipient: 'v@remote.example', domainPath: paths['district2.k12.us'] },
      { kind: 'refused', at: hoursAgo(1), recipient: 'nobody@district1.k12.us' },
    ],
  });
  await api.prisma.remoteDomain.create({ data: { domain: 'remote.example', state: 'held', heldSince: hoursAgo(2), lastError: '421 try later' } });
});
afterAll(() => api?.close());

describe('GET /stats/dashboard', () => {
  it('gives a postmaster the queue depth and traffic of its district only, and no platform-wide sections', async () => {
    const response = await districts.postmaster1.get('/stats/dashboard');
    expect(response.status).toBe(200);
    const { queueDepth, traffic, heldRemoteDomains, storage } = response.body;
    expect(queueDepth).toHaveLength(24);
    // The last point (now): the two entries of district1 still queued; the delivered one is gone.
    expect(queueDepth.at(-1).depth).toBe(2);
    // Two hours ago: the deferred message was still waiting too.
    expect(queueDepth.at(-3).depth).toBe(3);
    expect(queueDepth[0].depth).toBe(0);
    const totals = traffic.reduce((sum: any, h: any) => ({ delivered: sum.delivered + h.delivered, refused: sum.refused + h.refused }), { delivered: 0, refused: 0 });
    expect(totals).toEqual({ delivered: 1, refused: 0 });
    expect(heldRemoteDomains).toBeNull();
    expect(storage.kind).toBe('domains');
    expect(storage.items.map((d: { name: string }) => d.name).sort()).toEqual(['district1.k12.us', 'east.district1.k12.us', 'west.district1.k12.us']);
  });

  it('gives staff the whole platform: all queues, refusals, held remote domains and storage units', async () => {
    const { body } = await districts.staff.get('/stats/dashboard');
    expect(body.queueDepth.at(-1).depth).toBe(3);
    expect(body.traffic.reduce((n: number, h: any) => n + h.refused, 0)).toBe(1);
    expect(body.heldRemoteDomains).toMatchObject({ count: 1, domains: [{ domain: 'remote.example', lastError: '421 try later' }] });
    expect(body.quarantineWaiting).toEqual({ count: 0, oldestAt: null });
    expect(body.storage.kind).toBe('units');
  });

  it('refuses anonymous callers', async () => {
    expect((await api.anonymous.get('/stats/dashboard')).status).toBe(401);
  });
});
