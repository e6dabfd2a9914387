/**
 * The outbound queue against real SMTP servers (sinks on 127.0.0.1) and a real database:
 * delivery, backoff, virtual-queue hold / probe / release, reports (DSN), expiry, crash
 * recovery and two managers sharing one queue.
 */
import { createServer, type Socket } from 'node:net';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@schoolmail/prisma';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { startSmtpSink, type SmtpSink } from '../../../../test/support/smtp-sink.js';
import { createAccounts, createMailDomain, temporaryDirectory } from '../../../../test/support/storage.js';
import { loadEngineConfig, type EngineConfig } from '../config.js';
import { FileBlobStore } from '../storage/file-blob-store.js';
import { QueueManager } from './manager.js';
import { newQueueId, PrismaOutboundQueue } from './spool.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let blobs: FileBlobStore;
let sink: SmtpSink;
let localSenderId: number;
const localReports: Array<{ bytes: Buffer; sender: string; accountId: number }> = [];
const managers: QueueManager[] = [];

function engineConfig(overrides: Partial<EngineConfig['queue']> = {}, nodeId = 'node-a'): EngineConfig {
  const base = loadEngineConfig({});
  return {
    ...base,
    nodeId,
    hostname: 'mx.schoolmail.test',
    queue: { ...base.queue, workers: 2, retrySchedule: [1], holdAfterFailures: 3, probeIntervalSeconds: 2, claimSeconds: 30, pollMilliseconds: 50, connectTimeoutMs: 2000, ...overrides },
  };
}

function startManager(config = engineConfig(), prisma: PrismaClient = db.prisma) {
  const manager = new QueueManager({
    db: prisma,
    config,
    blobs,
    deliverLocal: async (bytes, sender, accountId) => {
      localReports.push({ bytes, sender, accountId });
    },
    reapIntervalMs: 200,
  });
  managers.push(manager);
  manager.start();
  return manager;
}

const message = (subject: string) => Buffer.from(`From: teacher@queue.k12.us\r\nTo: someone@remote.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@queue.k12.us>\r\n\r\nHello.\r\n`);

async function enqueue(sender: string, recipients: string[], subject: string, config = engineConfig()) {
  const id = newQueueId();
  const bytes = message(subject);
  await db.prisma.$transaction(async (tx) => {
    const stored = await blobs.store(tx, bytes, null);
    await new PrismaOutboundQueue(config).enqueue(tx, { id, blobId: stored.blobId, sender, recipients, size: bytes.length, clientIp: '192.0.2.1', authUser: null, senderDomainPath: '/1/' });
  });
  return id;
}

async function waitUntil(predicate: () => Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const entriesOf = (messageId: string) => db.prisma.queueEntry.findMany({ where: { messageId }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  db = await createTestDatabase();
  blobs = new FileBlobStore(db.prisma, { dataDir: temporaryDirectory('queue-data'), log: () => {} });
  const domain = await createMailDomain(db.prisma, 'queue.k12.us');
  localSenderId = (await createAccounts(db.prisma, domain, 1, 'teacher'))[0]!;
  sink = await startSmtpSink();
  for (const name of ['remote.test', 'other.test', 'held.test', 'pair.test']) await db.prisma.transport.create({ data: { domain: name, nextHop: sink.nextHop } });
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
  sink.setMode('accept');
  sink.received.length = 0;
  sink.attempts.length = 0;
  localReports.length = 0;
});

afterAll(async () => {
  await sink?.close();
  await db?.drop();
});

describe('outbound queue', () => {
  it('delivers the recipients of one domain in one SMTP transaction, once, and leaves nothing behind', async () => {
    const localSender = (await db.prisma.account.findUniqueOrThrow({ where: { id: localSenderId } })).address;
    const id = await enqueue(localSender, ['a@remote.test', 'b@remote.test', 'c@other.test'], 'grouped');
    expect((await entriesOf(id)).map((e) => [e.recipient, e.remoteDomain, e.state])).toEqual([
      ['a@remote.test', 'remote.test', 'queued'],
      ['b@remote.test', 'remote.test', 'queued'],
      ['c@other.test', 'other.test', 'queued'],
    ]);
    startManager();
    await waitUntil(async () => (await db.prisma.outboundMessage.count({ where: { id } })) === 0);
    const forMessage = sink.received.filter((r) => r.data.toString().includes('Subject: grouped'));
    expect(forMessage.map((r) => r.to.sort())).toEqual(expect.arrayContaining([['a@remote.test', 'b@remote.test'], ['c@other.test']]));
    expect(forMessage).toHaveLength(2);
    expect(forMessage[0]!.from).toBe(localSender);
    expect(await entriesOf(id)).toEqual([]);
    const events = await db.prisma.mailEvent.findMany({ where: { queueId: id } });
    expect(events.map((e) => [e.kind, e.recipient]).sort()).toEqual([
      ['delivered', 'a@remote.test'],
      ['delivered', 'b@remote.test'],
      ['delivered', 'c@other.test'],
    ]);
    expect((await db.prisma.remoteDomain.findUniqueOrThrow({ where: { domain: 'remote.test' } })).consecutiveFailures).toBe(0);
  });

  it('defers a temporary failure with backoff, holds the domain after N failures, probes once per interval, and releases on success', async () => {
    sink.setMode('tempfail');
    const ids = [await enqueue('x@queue.k12.us', ['one@held.test'], 'held-1'), await enqueue('x@queue.k12.us', ['two@held.test'], 'held-2')];
    startManager();
    await waitUntil(async () => (await db.prisma.queueEntry.count({ where: { messageId: ids[0], attempts: { gte: 1 } } })) === 1);
    const deferred = (await entriesOf(ids[0]!))[0]!;
    expect(deferred.state === 'deferred' || deferred.state === 'delivering').toBe(true);
    expect(deferred.lastError).toContain('451');
    expect(deferred.nextAttemptAt.getTime() - deferred.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(900);

    await waitUntil(async () => (await db.prisma.remoteDomain.findUnique({ where: { domain: 'held.test' } }))?.state === 'held');
    const domain = await db.prisma.remoteDomain.findUniqueOrThrow({ where: { domain: 'held.test' } });
    // Two workers may fail at the same moment, so the count can pass the threshold by one.
    expect(domain.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(domain.heldSince).not.toBeNull();
    expect(domain.lastError).toContain('451');
    await waitUntil(async () => (await db.prisma.queueEntry.count({ where: { remoteDomain: 'held.test', state: 'held' } })) === 2);

    // While held: one probe (one message) per 2-second interval, not every retry.
    const heldAt = Date.now();
    const before = sink.attempts.length;
    await new Promise((r) => setTimeout(r, 4500));
    const probes = sink.attempts.length - before;
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(probes).toBeLessThanOrEqual(Math.ceil((Date.now() - heldAt) / 2000) + 1);

    sink.setMode('accept');
    await waitUntil(async () => (await db.prisma.queueEntry.count({ where: { remoteDomain: 'held.test' } })) === 0, 10_000);
    const released = await db.prisma.remoteDomain.findUniqueOrThrow({ where: { domain: 'held.test' } });
    expect(released).toMatchObject({ state: 'active', heldSince: null, consecutiveFailures: 0 });
    expect(sink.received.map((r) => r.to[0]).sort()).toEqual(['one@held.test', 'two@held.test']);
  });

  it('bounces a permanent failure (550) with an RFC 3464 report delivered to the local sender', async () => {
    sink.setMode('reject');
    const sender = (await db.prisma.account.findUniqueOrThrow({ where: { id: localSenderId } })).address;
    const id = await enqueue(sender, ['nobody@remote.test'], 'rejected message');
    startManager();
    await waitUntil(async () => (await db.prisma.outboundMessage.count({ where: { id } })) === 0);
    expect(localReports).toHaveLength(1);
    const report = localReports[0]!;
    expect(report.sender).toBe('');
    expect(report.accountId).toBe(localSenderId);
    const text = report.bytes.toString();
    expect(text).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@mx\.schoolmail\.test>/m);
    expect(text).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(text).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status; boundary=/m);
    expect(text).toContain('Content-Type: text/plain; charset=utf-8');
    expect(text).toContain('<nobody@remote.test>:');
    expect(text).toContain('refused the message. It said:');
    expect(text).toContain('Content-Type: message/delivery-status');
    expect(text).toContain('Reporting-MTA: dns; mx.schoolmail.test');
    expect(text).toMatch(/Arrival-Date: \w{3}, \d\d \w{3} \d{4}/);
    expect(text).toContain('Final-Recipient: rfc822; nobody@remote.test');
    expect(text).toContain('Action: failed');
    expect(text).toContain('Status: 5.1.1');
    expect(text).toContain('Remote-MTA: dns; 127.0.0.1');
    expect(text).toMatch(/Diagnostic-Code: smtp; 550 5\.1\.1 No such user here/);
    expect(text).toContain('Content-Type: text/rfc822-headers');
    expect(text).toContain('Subject: rejected message');
    const events = await db.prisma.mailEvent.findMany({ where: { queueId: id } });
    expect(events.map((e) => e.kind)).toEqual(['bounced']);
  });

  it('queues the report to a remote sender as a new message from the null sender', async () => {
    sink.setMode('reject');
    const id = await enqueue('someone@pair.test', ['nobody@remote.test'], 'remote sender');
    startManager();
    await waitUntil(async () => (await db.prisma.outboundMessage.count({ where: { id } })) === 0);
    await waitUntil(async () => sink.attempts.some((a) => a.from === ''));
    expect(localReports).toEqual([]);
    // The report went out to pair.test (the sink refuses it too, and no report of a report follows).
    await waitUntil(async () => (await db.prisma.outboundMessage.count({ where: { isBounce: true } })) === 0);
    expect(await db.prisma.outboundMessage.count()).toBe(0);
    const bounceEvents = await db.prisma.mailEvent.findMany({ where: { sender: '', kind: 'bounced' } });
    expect(bounceEvents.map((e) => e.recipient)).toEqual(['someone@pair.test']);
  });

  it('sends no report for a null-sender message', async () => {
    sink.setMode('reject');
    const id = await enqueue('', ['nobody@remote.test'], 'null sender');
    startManager();
    await waitUntil(async () => (await db.prisma.outboundMessage.count({ where: { id } })) === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(localReports).toEqual([]);
    expect(await db.prisma.outboundMessage.count()).toBe(0);
  });

  it('bounces an expired entry with status 4.4.7 and its last error', async () => {
    const sender = (await db.prisma.account.findUniqueOrThrow({ where: { id: localSenderId } })).address;
    const id = await enqueue(sender, ['late@remote.test'], 'expired message');
    await db.prisma.queueEntry.updateMany({
      where: { messageId: id },
      data: { state: 'deferred', attempts: 7, lastError: '451 4.3.2 Try again later', nextAttemptAt: new Date(Date.now() + 3600_000), expiresAt: new Date(Date.now() - 1000) },
    });
    startManager();
    await waitUntil(async () => (await db.prisma.outboundMessage.count({ where: { id } })) === 0);
    expect(sink.received).toEqual([]);
    const text = localReports[0]!.bytes.toString();
    expect(text).toContain('Status: 4.4.7');
    expect(text).toContain('Diagnostic-Code: smtp; 451 4.3.2 Try again later');
    expect(text).toContain('could not be delivered in time');
  });

  it('retries an entry claimed by a worker that died (its lease ran out)', async () => {
    const id = await enqueue('x@queue.k12.us', ['orphan@remote.test'], 'crashed worker');
    await db.prisma.queueEntry.updateMany({ where: { messageId: id }, data: { state: 'delivering', claimedBy: 'dead-node', claimedUntil: new Date(Date.now() - 1000) } });
    startManager();
    await waitUntil(async () => (await db.prisma.outboundMessage.count({ where: { id } })) === 0);
    expect(sink.received.filter((r) => r.to.includes('orphan@remote.test'))).toHaveLength(1);
  });

  it('leaves an entry under a live lease alone', async () => {
    const id = await enqueue('x@queue.k12.us', ['busy@remote.test'], 'live lease');
    await db.prisma.queueEntry.updateMany({ where: { messageId: id }, data: { state: 'delivering', claimedBy: 'other-node', claimedUntil: new Date(Date.now() + 60_000) } });
    const manager = startManager();
    await manager.reap();
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.received).toEqual([]);
    expect((await entriesOf(id))[0]!.claimedBy).toBe('other-node');
    await db.prisma.outboundMessage.delete({ where: { id } });
  });

  it('shares one queue between two managers: every recipient is delivered exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await enqueue('x@queue.k12.us', [`r${i}a@remote.test`, `r${i}b@other.test`, `r${i}c@remote.test`], `shared ${i}`));
    startManager(engineConfig({ workers: 3 }, 'node-a'));
    startManager(engineConfig({ workers: 3 }, 'node-b'));
    await waitUntil(async () => (await db.prisma.queueEntry.count()) === 0, 30_000);
    const delivered = sink.received.flatMap((r) => r.to);
    expect(delivered).toHaveLength(90);
    expect(new Set(delivered).size).toBe(90);
    expect(await db.prisma.outboundMessage.count({ where: { id: { in: ids } } })).toBe(0);
  });

  it('polls an idle queue once per interval, not once per worker, and still finds entries queued by another process', async () => {
    const counting = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }), log: [{ emit: 'event', level: 'query' }] });
    let claims = 0;
    counting.$on('query', (event) => {
      if (event.query.includes('WITH lead AS')) claims++;
    });
    try {
      startManager(engineConfig({ workers: 8, pollMilliseconds: 50 }), counting);
      await new Promise((r) => setTimeout(r, 300));
      claims = 0;
      await new Promise((r) => setTimeout(r, 1_000));
      // One lookout: about 20 polls of two claim queries in a second; eight pollers made about 320.
      expect(claims).toBeGreaterThan(10);
      expect(claims).toBeLessThan(80);
      // Queued elsewhere (no wake-up in this process): the lookout finds it.
      await enqueue('x@queue.k12.us', ['idle@remote.test'], 'found by the lookout');
      await sink.waitFor(() => sink.received.some((r) => r.to.includes('idle@remote.test')), 2_000);
    } finally {
      await Promise.all(managers.splice(0).map((m) => m.stop()));
      await counting.$disconnect();
    }
  });

  it('keeps watching while the lookout is stuck in a slow delivery', async () => {
    // A remote host that accepts the connection and never greets: its delivery takes the whole greeting timeout.
    const stalled: Socket[] = [];
    const silent = createServer((socket) => stalled.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const { port } = silent.address() as { port: number };
    await db.prisma.transport.create({ data: { domain: 'slow.test', nextHop: `127.0.0.1:${port}` } });
    try {
      startManager(engineConfig({ workers: 3, pollMilliseconds: 50, connectTimeoutMs: 5_000 }));
      await new Promise((r) => setTimeout(r, 200));
      const slow = await enqueue('x@queue.k12.us', ['someone@slow.test'], 'to the slow host');
      await waitUntil(async () => stalled.length > 0, 2_000);
      await enqueue('x@queue.k12.us', ['quick@remote.test'], 'while the lookout waits');
      await sink.waitFor(() => sink.received.some((r) => r.to.includes('quick@remote.test')), 2_000);
      expect((await entriesOf(slow)).map((e) => e.state)).toEqual(['delivering']);
    } finally {
      for (const socket of stalled) socket.destroy();
      await Promise.all(managers.splice(0).map((m) => m.stop()));
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      await db.prisma.transport.delete({ where: { domain: 'slow.test' } });
    }
  });
});
