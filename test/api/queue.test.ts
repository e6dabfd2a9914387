/**
 * Queue administration over REST and GraphQL: scoped listing with filters and keyset
 * pages, entry detail with headers, actions by ids and by filter (with counts, audited),
 * bounces carried out by the queue workers, and the virtual queues' hold / release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore, loadEngineConfig, newQueueId, PrismaOutboundQueue, QueueManager } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/mailboxes.js';

let api: TestApi;
let d: Districts;
let blobs: FileBlobStore;
const paths: Record<string, string> = {};
const engineConfig = { ...loadEngineConfig({}), hostname: 'mx.schoolmail.test', nodeId: 'api-test' };

async function queueMessage(sender: string, recipients: string[], senderDomain: string | null, subject = 'Hello') {
  const id = newQueueId();
  const bytes = Buffer.from(`From: <${sender}>\r\nTo: <${recipients[0]}>\r\nSubject: ${subject}\r\n\r\nBody of ${subject}\r\n`);
  await api.prisma.$transaction(async (tx) => {
    const stored = await blobs.store(tx, bytes, null);
    await new PrismaOutboundQueue(engineConfig).enqueue(tx, {
      id, blobId: stored.blobId, sender, recipients, size: bytes.length, clientIp: '192.0.2.7', authUser: sender, senderDomainPath: senderDomain ? paths[senderDomain]! : null,
    });
  });
  // Far in the future: no worker of another test picks them up unless an action makes them due.
  await api.prisma.queueEntry.updateMany({ where: { messageId: id }, data: { nextAttemptAt: new Date(Date.now() + 86400_000) } });
  return api.prisma.queueEntry.findMany({ where: { messageId: id }, orderBy: { id: 'asc' } });
}

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((e) => e.id);

let d1: Awaited<ReturnType<typeof queueMessage>>;
let west: Awaited<ReturnType<typeof queueMessage>>;
let d2: Awaited<ReturnType<typeof queueMessage>>;

beforeAll(async () => {
  api = await startTestApi();
  d = await seedDistricts(api);
  for (const domain of await api.prisma.domain.findMany()) paths[domain.name] = domain.path;
  blobs = new FileBlobStore(api.prisma, { dataDir: api.config.dataDir, log: () => {} });
  await createMailbox(api, 'principal@district1.k12.us');
  d1 = await queueMessage('principal@district1.k12.us', ['a@gmail.test', 'b@gmail.test', 'c@yahoo.test'], 'district1.k12.us', 'From district one');
  west = await queueMessage('teacher@west.district1.k12.us', ['d@gmail.test'], 'west.district1.k12.us', 'From west');
  d2 = await queueMessage('clerk@district2.k12.us', ['e@gmail.test'], 'district2.k12.us', 'From district two');
  await api.prisma.queueEntry.update({ where: { id: d1[2]!.id }, data: { state: 'deferred', attempts: 3, lastError: '451 4.7.1 greylisted', size: 50_000 } });
  await api.prisma.queueEntry.update({ where: { id: west[0]!.id }, data: { size: 2_000_000, createdAt: new Date(Date.now() - 3 * 86400_000) } });
});
afterAll(() => api?.close());

describe('GET /queue: scope', () => {
  it('shows staff everything, and each administrator the entries of its subtree only', async () => {
    const all = [...d1, ...west, ...d2].map((e) => String(e.id));
    expect(ids((await d.staff.get('/queue')).body)).toEqual(all);
    expect(ids((await d.postmaster1.get('/queue')).body)).toEqual([...d1, ...west].map((e) => String(e.id)));
    expect(ids((await d.westAdmin.get('/queue')).body)).toEqual(west.map((e) => String(e.id)));
    expect(ids((await d.postmaster2.get('/queue')).body)).toEqual(d2.map((e) => String(e.id)));
  });

  it('answers 404 for an entry outside the scope, over REST and GraphQL alike', async () => {
    const response = await d.postmaster1.get(`/queue/${d2[0]!.id}`);
    expect(response.status).toBe(404);
    expect(response.body.title).toBe('Not found');
    expect((await d.westAdmin.get(`/queue/${d1[0]!.id}`)).status).toBe(404);
    expect((await d.postmaster1.get('/queue/not-a-number')).status).toBe(404);
    const gql = await d.postmaster1.graphql(`query($id: String!) { queueEntry(id: $id) { id } }`, { id: String(d2[0]!.id) });
    expect(gql.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('shows one entry with its message headers', async () => {
    const response = await d.postmaster1.get(`/queue/${d1[0]!.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: String(d1[0]!.id),
      queueId: d1[0]!.messageId,
      sender: 'principal@district1.k12.us',
      recipient: 'a@gmail.test',
      remoteDomain: 'gmail.test',
      state: 'queued',
      attempts: 0,
      lastError: null,
      message: { clientIp: '192.0.2.7', isBounce: false },
    });
    expect(response.body.message.headers).toContain('Subject: From district one');
    const gql = await d.postmaster1.graphql(`query($id: String!) { queueEntry(id: $id) { id recipient message { headers } } }`, { id: String(d1[0]!.id) });
    expect(gql.data.queueEntry).toEqual({ id: String(d1[0]!.id), recipient: 'a@gmail.test', message: { headers: response.body.message.headers } });
  });

  it('refuses a mailbox user', async () => {
    await createMailbox(api, 'kid@district1.k12.us', { password: 'kid-password-1' });
    const kid = await api.login('kid@district1.k12.us', 'kid-password-1');
    expect((await kid.get('/queue')).status).toBe(403);
    expect((await kid.post('/queue/actions', { action: 'delete', filter: {} })).status).toBe(403);
  });
});

describe('GET /queue: filters and pages', () => {
  const q = async (query: string) => ids((await d.staff.get(`/queue?${query}`)).body);

  it('filters by sender, recipient, remote domain, state, size, attempts and age', async () => {
    expect(await q('sender=Principal@District1.k12.us')).toEqual(d1.map((e) => String(e.id)));
    expect(await q('recipient=e@gmail.test')).toEqual([String(d2[0]!.id)]);
    expect(await q('remoteDomain=YAHOO.test')).toEqual([String(d1[2]!.id)]);
    expect(await q('state=deferred')).toEqual([String(d1[2]!.id)]);
    expect(await q('minSize=10000&maxSize=100000')).toEqual([String(d1[2]!.id)]);
    expect(await q('minSize=1000000')).toEqual([String(west[0]!.id)]);
    expect(await q('minAttempts=1')).toEqual([String(d1[2]!.id)]);
    expect(await q('maxAttempts=0')).toHaveLength(4);
    expect(await q('olderThan=2d')).toEqual([String(west[0]!.id)]);
    expect(await q('newerThan=1h')).toHaveLength(4);
    expect(await q(`olderThan=${new Date(Date.now() - 86400_000).toISOString()}`)).toEqual([String(west[0]!.id)]);
    expect(await q('remoteDomain=gmail.test&sender=principal@district1.k12.us')).toEqual([d1[0]!, d1[1]!].map((e) => String(e.id)));
  });

  it('pages with a cursor', async () => {
    const first = await d.staff.get('/queue?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await d.staff.get(`/queue?limit=2&cursor=${first.body.nextCursor}`);
    const third = await d.staff.get(`/queue?limit=2&cursor=${second.body.nextCursor}`);
    expect([...ids(first.body), ...ids(second.body), ...ids(third.body)]).toEqual([...d1, ...west, ...d2].map((e) => String(e.id)));
    expect(third.body.nextCursor).toBeNull();
  });

  it('answers 400 naming the field for a bad filter, over REST and GraphQL', async () => {
    const response = await d.staff.get('/queue?olderThan=yesterday&state=lost');
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['olderThan', 'state']);
    const gql = await d.staff.graphql(`{ queueEntries(filter: { state: "lost" }) { items { id } } }`);
    expect(gql.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('gives the same page over GraphQL', async () => {
    const gql = await d.postmaster1.graphql(`{ queueEntries(filter: { remoteDomain: "gmail.test" }) { items { id sender state } nextCursor } }`);
    const rest = await d.postmaster1.get('/queue?remoteDomain=gmail.test');
    expect(gql.data.queueEntries.items.map((e: { id: string }) => e.id)).toEqual(ids(rest.body));
  });
});

describe('POST /queue/actions', () => {
  it('reschedules by ids, counting only entries in scope, and audits it', async () => {
    const response = await d.postmaster1.post('/queue/actions', { action: 'reschedule', ids: [String(d1[2]!.id), String(d2[0]!.id)] });
    expect(response.status).toBe(200);
    // The other district's entry is reported as not found, as a single request for it would be.
    expect(response.body).toEqual({ affected: 1, notFound: [String(d2[0]!.id)] });
    const [mine, theirs] = await Promise.all([api.prisma.queueEntry.findUniqueOrThrow({ where: { id: d1[2]!.id } }), api.prisma.queueEntry.findUniqueOrThrow({ where: { id: d2[0]!.id } })]);
    expect(mine.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(theirs.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'queue.reschedule' }, orderBy: { id: 'desc' } });
    expect(audit).toMatchObject({ actorName: 'pm1', subjectType: 'QueueEntry', domainPath: paths['district1.k12.us'] });
    expect(audit.after).toMatchObject({ affected: 1 });
    await api.prisma.queueEntry.update({ where: { id: d1[2]!.id }, data: { nextAttemptAt: new Date(Date.now() + 86400_000) } });
  });

  it('acts on everything a filter matches in the scope, and answers the count', async () => {
    const response = await d.postmaster1.post('/queue/actions', { action: 'reschedule', filter: { remoteDomain: 'gmail.test' } });
    expect(response.body).toEqual({ affected: 3 });
    expect((await d.westAdmin.post('/queue/actions', { action: 'reschedule', filter: {} })).body).toEqual({ affected: 1 });
    const gql = await d.staff.graphql(`mutation { queueAction(action: "reschedule", filter: { state: "deferred" }) { affected } }`);
    expect(gql.data.queueAction).toEqual({ affected: 1 });
    await api.prisma.queueEntry.updateMany({ data: { nextAttemptAt: new Date(Date.now() + 86400_000) } });
  });

  it('refuses bad action bodies with 400 and changes nothing', async () => {
    const before = await api.prisma.queueEntry.count();
    for (const body of [{ action: 'explode', ids: ['1'] }, { action: 'delete' }, { action: 'delete', ids: ['1'], filter: {} }, { action: 'delete', ids: ['x'] }, { action: 'delete', filter: { minSize: -1 } }]) {
      const response = await d.staff.post('/queue/actions', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.errors.length).toBeGreaterThan(0);
    }
    expect(await api.prisma.queueEntry.count()).toBe(before);
  });

  it('deletes by ids (out of scope ids untouched), and removes the message with its last entry', async () => {
    const extra = await queueMessage('clerk@district2.k12.us', ['z1@gmail.test', 'z2@yahoo.test'], 'district2.k12.us', 'to delete');
    // None of the ids is in district1's scope: 404 (REST and GraphQL), as for one entry, and nothing is deleted.
    const outside = await d.postmaster1.post('/queue/actions', { action: 'delete', ids: extra.map((e) => String(e.id)) });
    expect(outside.status).toBe(404);
    expect(outside.body).toMatchObject({ status: 404 });
    const gqlOutside = await d.postmaster1.graphql(`mutation($ids: [String!]) { queueAction(action: "delete", ids: $ids) { affected } }`, { ids: [String(extra[0]!.id)] });
    expect(gqlOutside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await api.prisma.queueEntry.count({ where: { id: { in: extra.map((e) => e.id) } } })).toBe(2);
    expect((await d.postmaster2.post('/queue/actions', { action: 'delete', ids: [String(extra[0]!.id)] })).body).toEqual({ affected: 1, notFound: [] });
    expect(await api.prisma.outboundMessage.count({ where: { id: extra[0]!.messageId } })).toBe(1);
    expect((await d.postmaster2.post('/queue/actions', { action: 'delete', filter: { sender: 'clerk@district2.k12.us', remoteDomain: 'yahoo.test' } })).body).toEqual({ affected: 1 });
    expect(await api.prisma.outboundMessage.count({ where: { id: extra[0]!.messageId } })).toBe(0);
    expect(await api.prisma.queueEntry.count({ where: { id: d2[0]!.id } })).toBe(1);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'queue.delete' }, orderBy: { id: 'desc' } });
    expect(audit.after).toMatchObject({ affected: 1, filter: { sender: 'clerk@district2.k12.us', remoteDomain: 'yahoo.test' } });
  });

  it('deletes in batches by filter: a thousand and more entries', async () => {
    const many = await queueMessage('bulk@district2.k12.us', Array.from({ length: 1500 }, (_, i) => `u${i}@bulk.test`), 'district2.k12.us', 'bulk');
    expect(many).toHaveLength(1500);
    const auditsBefore = await api.prisma.auditEvent.count({ where: { action: 'queue.delete' } });
    expect((await d.postmaster2.post('/queue/actions', { action: 'delete', filter: { remoteDomain: 'bulk.test' } })).body).toEqual({ affected: 1500 });
    expect(await api.prisma.outboundMessage.count({ where: { id: many[0]!.messageId } })).toBe(0);
    // One audit event for the whole action, with its total.
    expect(await api.prisma.auditEvent.count({ where: { action: 'queue.delete' } })).toBe(auditsBefore + 1);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'queue.delete' }, orderBy: { id: 'desc' } });
    expect(audit.after).toMatchObject({ affected: 1500 });
  });

  it('bounces: the queue workers send the report to the sender, then remove the entry', async () => {
    const reports: Array<{ bytes: Buffer; accountId: number }> = [];
    const manager = new QueueManager({
      db: api.prisma,
      config: { ...engineConfig, queue: { ...engineConfig.queue, workers: 1, pollMilliseconds: 50 } },
      blobs,
      deliverLocal: async (bytes, _sender, accountId) => {
        reports.push({ bytes, accountId });
      },
      reapIntervalMs: 100,
    });
    const target = await queueMessage('principal@district1.k12.us', ['gone@held-by-staff.test', 'kept@gmail.test'], 'district1.k12.us', 'bounce me');
    // One of them waits for a held destination: a bounce reaches it all the same.
    expect((await d.staff.post('/queue/remote-domains/held-by-staff.test/hold')).status).toBe(200);
    manager.start();
    try {
      const response = await d.postmaster1.post('/queue/actions', { action: 'bounce', ids: [String(target[0]!.id)] });
      expect(response.body).toEqual({ affected: 1, notFound: [] });
      const start = Date.now();
      while ((await api.prisma.queueEntry.count({ where: { id: target[0]!.id } })) > 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
      expect(await api.prisma.queueEntry.count({ where: { id: target[0]!.id } })).toBe(0);
      expect(await api.prisma.queueEntry.count({ where: { id: target[1]!.id } })).toBe(1);
      const account = await api.prisma.account.findUniqueOrThrow({ where: { address: 'principal@district1.k12.us' } });
      expect(reports.map((r) => r.accountId)).toEqual([account.id]);
      const text = reports[0]!.bytes.toString();
      expect(text).toContain('Final-Recipient: rfc822; gone@held-by-staff.test');
      expect(text).toContain('An administrator of this mail system returned the message');
      expect(text).toContain('Subject: bounce me');
      const events = await api.prisma.mailEvent.findMany({ where: { queueId: target[0]!.messageId } });
      expect(events.map((e) => [e.kind, e.recipient])).toEqual([['bounced', 'gone@held-by-staff.test']]);
    } finally {
      await manager.stop();
    }
  });
});

describe('virtual queues (remote domains)', () => {
  it('lets staff hold a destination: its entries wait held, visible with counts; release puts them back in line', async () => {
    const waiting = await queueMessage('principal@district1.k12.us', ['x@slow.test', 'y@slow.test'], 'district1.k12.us', 'slow');
    const held = await d.staff.post('/queue/remote-domains/Slow.test/hold');
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ domain: 'slow.test', state: 'held', heldBy: 'staff', queued: 2, nextProbeAt: null });
    expect(held.body.heldSince).not.toBeNull();
    expect(await api.prisma.queueEntry.count({ where: { remoteDomain: 'slow.test', state: 'held' } })).toBe(2);
    expect(ids((await d.postmaster1.get('/queue?state=held&remoteDomain=slow.test')).body)).toEqual(waiting.map((e) => String(e.id)));

    const list = await d.staff.get('/queue/remote-domains?state=held');
    expect(list.body.items.find((r: { domain: string }) => r.domain === 'slow.test')).toMatchObject({ state: 'held', queued: 2 });
    // A postmaster sees the destinations of its own mail only, with its own counts.
    expect((await d.postmaster2.get('/queue/remote-domains')).body.items.map((r: { domain: string }) => r.domain)).not.toContain('slow.test');
    expect((await d.postmaster1.get('/queue/remote-domains')).body.items.map((r: { domain: string }) => r.domain)).toContain('slow.test');

    const refused = await d.postmaster1.post('/queue/remote-domains/slow.test/release');
    expect(refused.status).toBe(403);
    const gqlRefused = await d.postmaster1.graphql(`mutation { holdRemoteDomain(domain: "other.test") { state } }`);
    expect(gqlRefused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');

    const released = await d.staff.graphql(`mutation { releaseRemoteDomain(domain: "slow.test") { domain state heldSince queued } }`);
    expect(released.data.releaseRemoteDomain).toEqual({ domain: 'slow.test', state: 'active', heldSince: null, queued: 2 });
    const entries = await api.prisma.queueEntry.findMany({ where: { remoteDomain: 'slow.test' } });
    expect(entries.map((e) => e.state)).toEqual(['queued', 'queued']);
    expect(entries.every((e) => e.nextAttemptAt.getTime() <= Date.now())).toBe(true);
    expect(await api.prisma.auditEvent.count({ where: { action: { in: ['remoteDomain.hold', 'remoteDomain.release'] }, subjectId: 'slow.test' } })).toBe(2);
    await api.prisma.queueEntry.updateMany({ where: { remoteDomain: 'slow.test' }, data: { nextAttemptAt: new Date(Date.now() + 86400_000) } });
  });

  it('answers 404 when releasing a destination it never saw, 400 for a bad name', async () => {
    expect((await d.staff.post('/queue/remote-domains/never-seen.test/release')).status).toBe(404);
    expect((await d.staff.post('/queue/remote-domains/not_a_domain/hold')).status).toBe(400);
  });
});
