import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineConfig, PrismaQuarantine, reportQuotaExceeded, Throttle, verifyWebhookSignature } from '@schoolmail/mail-engine';
import { createHttpApp } from '../../apps/api/src/http-app.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/accounts.js';

// Seconds instead of hours, so retries and expiry happen within a test.
process.env.SCHOOLMAIL_WEBHOOK_BACKOFF_SECONDS = '1,1,2';
process.env.SCHOOLMAIL_WEBHOOK_MAX_AGE_SECONDS = '6';
process.env.SCHOOLMAIL_WEBHOOK_POLL_MS = '150';
process.env.SCHOOLMAIL_WEBHOOK_TIMEOUT_MS = '1000';
// The receivers listen on 127.0.0.1; the default policy (staff only) has a test of its own.
process.env.SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS = 'all';

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A CMS stand-in on 127.0.0.1: records every POST and answers with the next scripted status. */
async function startReceiver() {
  const received: Received[] = [];
  const script: Array<number | 'hang'> = [];
  let fallback: number | 'hang' = 200;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ at: Date.now(), headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = script.shift() ?? fallback;
      if (answer === 'hang') return;
      response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer === 200 ? 'ok' : 'receiver is down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer(...statuses: Array<number | 'hang'>) {
      script.push(...statuses);
    },
    always(status: number | 'hang') {
      fallback = status;
    },
    events: () => received.map((r) => JSON.parse(r.body) as { id: string; event: string; occurredAt: string; data: any }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function until<T>(probe: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let api: TestApi;
let people: Districts;
const receivers: Receiver[] = [];

async function receiver() {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await api?.close();
});

describe('webhook registration', () => {
  it('shows the secret once, at creation, and never in reads or lists (REST and GraphQL)', async () => {
    const hook = await receiver();
    const created = await people.staff.post('/webhooks', { url: hook.url, events: ['domain.*'], description: 'CMS' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: hook.url, events: ['domain.*'], domain: null, active: true, createdBy: 'staff' });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);

    const one = await people.staff.get(`/webhooks/${created.body.id}`);
    const list = await people.staff.get('/webhooks');
    for (const body of [one.body, ...list.body.items]) {
      expect(body).not.toHaveProperty('secret');
      expect(JSON.stringify(body)).not.toContain(created.body.secret);
    }
    const row = await api.prisma.webhook.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.secretSealed).not.toContain(created.body.secret);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'webhook.create' } });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(created.body.secret);

    const gql = await people.staff.graphql(`mutation { createWebhook(input: { url: "${hook.url}", events: ["alias.*"], secret: "a-secret-of-my-choosing" }) { id secret events } }`);
    expect(gql.data.createWebhook).toMatchObject({ secret: 'a-secret-of-my-choosing', events: ['alias.*'] });
    const noSecretField = await people.staff.graphql('{ webhooks { items { id secret } } }');
    expect(noSecretField.errors?.[0]?.message).toMatch(/secret/);
    await people.staff.delete(`/webhooks/${created.body.id}`);
    await people.staff.delete(`/webhooks/${gql.data.createWebhook.id}`);
  });

  it('refuses other URL schemes and unknown events with field errors', async () => {
    for (const url of ['ftp://cms.example/hook', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url', 'https://user:pw@cms.example/hook']) {
      const response = await people.staff.post('/webhooks', { url, events: ['*'] });
      expect(response.status, url).toBe(400);
      expect(response.body.errors[0].field).toBe('url');
    }
    const badEvent = await people.staff.post('/webhooks', { url: 'https://cms.example/hook', events: ['account.created', 'account.exploded', 'nope.*'] });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.errors.map((e: { field: string }) => e.field)).toEqual(['events.1', 'events.2']);
    const empty = await people.staff.post('/webhooks', { url: 'https://cms.example/hook', events: [] });
    expect(empty.status).toBe(400);
    expect(await api.prisma.webhook.count()).toBe(0);
  });
  it('can be switched off, re-pointed and re-subscribed; the changes apply to the next write', async () => {
    const hook = await receiver();
    const created = await people.staff.post('/webhooks', { url: 'https://cms.example/old', events: ['domain.created'] }, { 'idempotency-key': 'hook-1' });
    // The secret is never stored for an Idempotency-Key replay.
    expect(await api.prisma.idempotencyRecord.count({ where: { key: 'hook-1' } })).toBe(0);
    const off = await people.staff.patch(`/webhooks/${created.body.id}`, { url: hook.url, active: false });
    expect(off.body).toMatchObject({ url: hook.url, active: false });
    await people.staff.post('/domains', { name: 'while-off.k12.us' });
    expect(await api.prisma.webhookDelivery.count({ where: { webhookId: created.body.id } })).toBe(0);

    const gql = await people.staff.graphql(`mutation { updateWebhook(id: ${created.body.id}, input: { active: true, events: ["domain.deleted"] }) { active events } }`);
    expect(gql.data.updateWebhook).toEqual({ active: true, events: ['domain.deleted'] });
    await people.staff.post('/domains', { name: 'while-on.k12.us' });
    await people.staff.delete('/domains/while-off.k12.us');
    await until(() => hook.received.length, (n) => n >= 1);
    expect(hook.events().map((e) => [e.event, e.data.subject.id])).toEqual([['domain.deleted', 'while-off.k12.us']]);
    expect((await people.staff.patch(`/webhooks/${created.body.id}`, { url: 'gopher://cms.example' })).status).toBe(400);
    expect((await people.staff.patch(`/webhooks/${created.body.id}`, { secret: 'change-it-please' })).status).toBe(400);
    await people.staff.delete(`/webhooks/${created.body.id}`);
    expect((await people.staff.get(`/webhooks/${created.body.id}`)).status).toBe(404);
  });
});

describe('deliveries', () => {
  it('posts a signed JSON event for a change, and logs the delivery', async () => {
    const hook = await receiver();
    const created = await people.staff.post('/webhooks', { url: hook.url, events: ['account.created', 'account.deleted'] });
    const secret: string = created.body.secret;
    await createMailbox(people.postmaster1, 'west.district1.k12.us', { localPart: 'signed', displayName: 'Signed One' });

    await until(() => hook.received.length, (n) => n >= 1);
    const [request] = hook.received;
    const signature = String(request!.headers['schoolmail-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, request!.body, signature)).toBe(true);
    expect(verifyWebhookSignature('another-secret-entirely', request!.body, signature)).toBe(false);
    expect(verifyWebhookSignature(secret, request!.body.replace('signed@', 'forged@'), signature)).toBe(false);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['schoolmail-event']).toBe('account.created');
    const payload = JSON.parse(request!.body);
    expect(payload).toEqual({ id: request!.headers['schoolmail-delivery'], event: 'account.created', occurredAt: expect.any(String), data: expect.any(Object) });
    expect(Math.abs(Date.parse(payload.occurredAt) - Date.now())).toBeLessThan(30_000);
    expect(payload.data).toMatchObject({
      subject: { type: 'Account', id: 'signed@west.district1.k12.us' },
      domain: 'west.district1.k12.us',
      actor: { type: 'admin', name: 'pm1', interface: 'rest' },
      before: null,
      after: { address: 'signed@west.district1.k12.us', displayName: 'Signed One' },
    });
    expect(JSON.stringify(payload.data)).not.toMatch(/\{SCRYPT\}/);

    const log = await until(
      () => people.staff.get(`/webhooks/${created.body.id}/deliveries`),
      (r) => r.body.items[0]?.status === 'delivered',
    );
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({ id: payload.id, event: 'account.created', status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(log.body.items[0].deliveredAt).toEqual(expect.any(String));
    // An unsubscribed event (account.updated) queues nothing.
    await people.postmaster1.patch('/accounts/signed@west.district1.k12.us', { displayName: 'Renamed' });
    await people.postmaster1.delete('/accounts/signed@west.district1.k12.us');
    await until(() => hook.received.length, (n) => n >= 2);
    expect(hook.events().map((e) => e.event)).toEqual(['account.created', 'account.deleted']);
    await people.staff.delete(`/webhooks/${created.body.id}`);
  });

  it('retries failures with backoff until the receiver accepts, recording each answer', async () => {
    const hook = await receiver();
    hook.answer(500, 503);
    const created = await people.staff.post('/webhooks', { url: hook.url, events: ['domain.*'] });
    await people.staff.post('/domains', { name: 'retry.k12.us' });

    const failing = await until(
      () => people.staff.get(`/webhooks/${created.body.id}/deliveries`),
      (r) => r.body.items[0]?.attempts >= 1 && r.body.items[0]?.lastStatusCode === 500,
    );
    expect(failing.body.items[0]).toMatchObject({ status: 'pending', lastError: 'HTTP 500: receiver is down' });
    expect(Date.parse(failing.body.items[0].nextAttemptAt)).toBeGreaterThan(Date.now() - 1000);

    const delivered = await until(
      () => people.staff.get(`/webhooks/${created.body.id}/deliveries`),
      (r) => r.body.items[0]?.status === 'delivered',
    );
    expect(delivered.body.items[0]).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
    expect(hook.received).toHaveLength(3);
    // The same event each time (same delivery id and body), each attempt freshly signed, spaced by the backoff (1 s +-20%).
    const ids = hook.received.map((r) => r.headers['schoolmail-delivery']);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    for (let i = 1; i < hook.received.length; i++) expect(hook.received[i]!.at - hook.received[i - 1]!.at).toBeGreaterThanOrEqual(750);
    await people.staff.delete(`/webhooks/${created.body.id}`);
  });

  it('marks a delivery failed after the maximum age, and an administrator can retry it', async () => {
    const hook = await receiver();
    hook.always(500);
    const created = await people.staff.post('/webhooks', { url: hook.url, events: ['domain.created'] });
    await people.staff.post('/domains', { name: 'expire.k12.us' });
    const failed = await until(
      () => people.staff.get(`/webhooks/${created.body.id}/deliveries?status=failed`),
      (r) => r.body.items.length === 1,
      20_000,
    );
    expect(failed.body.items[0].attempts).toBeGreaterThanOrEqual(3);
    const attempts = hook.received.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hook.received).toHaveLength(attempts);

    hook.always(204);
    const retried = await people.staff.post(`/webhooks/${created.body.id}/deliveries/${failed.body.items[0].id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('pending');
    await until(() => people.staff.get(`/webhooks/${created.body.id}/deliveries`), (r) => r.body.items[0]?.status === 'delivered');
    const again = await people.staff.post(`/webhooks/${created.body.id}/deliveries/${failed.body.items[0].id}/retry`);
    expect(again.status).toBe(409);
    await people.staff.delete(`/webhooks/${created.body.id}`);
  });

  it('never makes the write wait for a receiver that does not answer', async () => {
    const hook = await receiver();
    hook.always('hang');
    const created = await people.staff.post('/webhooks', { url: hook.url, events: ['domain.created'] });
    await people.staff.post('/domains', { name: 'slow1.k12.us' });
    await until(() => hook.received.length, (n) => n >= 1);
    const started = Date.now();
    const write = await people.staff.post('/domains', { name: 'slow2.k12.us' });
    expect(write.status).toBe(201);
    // Blocked, it would take the full 1000 ms receiver timeout or more.
    expect(Date.now() - started).toBeLessThan(950);
    const log = await until(
      () => people.staff.get(`/webhooks/${created.body.id}/deliveries`),
      (r) => r.body.items.some((d: { lastError: string | null }) => d.lastError?.includes('no answer within 1000 ms')),
    );
    expect(log.body.items.every((d: { status: string }) => d.status === 'pending')).toBe(true);
    await people.staff.delete(`/webhooks/${created.body.id}`);
  });
});

describe('scope', () => {
  it("sends a postmaster's webhook only the events of its own district; staff's hears all", async () => {
    const district1 = await receiver();
    const platform = await receiver();
    const pm1Hook = await people.postmaster1.post('/webhooks', { url: district1.url, events: ['account.*'] });
    expect(pm1Hook.status).toBe(201);
    expect(pm1Hook.body.domain).toBe('district1.k12.us');
    const staffHook = await people.staff.post('/webhooks', { url: platform.url, events: ['account.created'] });

    await createMailbox(people.postmaster2, 'district2.k12.us', { localPart: 'other-district' });
    await createMailbox(people.westAdmin, 'west.district1.k12.us', { localPart: 'in-subtree' });
    await until(() => platform.received.length, (n) => n >= 2);
    await until(() => district1.received.length, (n) => n >= 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(district1.events().map((e) => e.data.subject.id)).toEqual(['in-subtree@west.district1.k12.us']);
    expect(platform.events().map((e) => e.data.subject.id).sort()).toEqual(['in-subtree@west.district1.k12.us', 'other-district@district2.k12.us']);

    // Out of scope: 404, in REST and GraphQL alike.
    expect((await people.postmaster2.get(`/webhooks/${pm1Hook.body.id}`)).status).toBe(404);
    expect((await people.postmaster2.get(`/webhooks/${pm1Hook.body.id}/deliveries`)).status).toBe(404);
    expect((await people.postmaster2.delete(`/webhooks/${pm1Hook.body.id}`)).status).toBe(404);
    expect((await people.postmaster2.get('/webhooks')).body.items).toEqual([]);
    const gql = await people.postmaster2.graphql(`{ webhook(id: ${pm1Hook.body.id}) { id } }`);
    expect(gql.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect((await people.postmaster1.get('/webhooks')).body.items.map((w: { id: number }) => w.id)).toEqual([pm1Hook.body.id]);
    // A sub-domain admin cannot register a webhook for the whole district.
    expect((await people.westAdmin.post('/webhooks', { url: district1.url, events: ['*'], domain: 'district1.k12.us' })).status).toBe(404);
    expect((await people.postmaster1.post('/webhooks', { url: district1.url, events: ['*'], domain: 'district2.k12.us' })).status).toBe(404);

    await people.postmaster1.delete(`/webhooks/${pm1Hook.body.id}`);
    await people.staff.delete(`/webhooks/${staffHook.body.id}`);
  });

  it('announces nothing for refused or invalid writes', async () => {
    const hook = await receiver();
    const created = await people.staff.post('/webhooks', { url: hook.url, events: ['*'] });
    const before = await api.prisma.webhookDelivery.count();
    expect((await people.postmaster2.post('/domains/district1.k12.us/accounts', { localPart: 'intruder', password: 'long-enough-1' })).status).toBe(404);
    expect((await people.westAdmin.delete('/domains/west.district1.k12.us')).status).toBe(403);
    expect((await people.postmaster1.post('/domains/district1.k12.us/accounts', { localPart: 'bad local', password: 'long-enough-1' })).status).toBe(400);
    await until(() => api.prisma.auditEvent.count({ where: { outcome: 'denied' } }), (n) => n > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await api.prisma.webhookDelivery.count()).toBe(before);
    expect(hook.received).toHaveLength(0);
    await people.staff.delete(`/webhooks/${created.body.id}`);
  });

  it('sends one account.created per mailbox of a bulk call', async () => {
    const hook = await receiver();
    const created = await people.postmaster1.post('/webhooks', { url: hook.url, events: ['account.created'] });
    const bulk = await people.postmaster1.post('/domains/east.district1.k12.us/accounts/bulk', {
      accounts: [{ localPart: 'bulk1', password: 'long-enough-1' }, { localPart: 'bad local', password: 'long-enough-1' }, { localPart: 'bulk2', password: 'long-enough-1' }],
    });
    expect(bulk.body).toMatchObject({ created: 2, failed: 1 });
    await until(() => hook.received.length, (n) => n >= 2);
    expect(hook.events().map((e) => e.data.subject.id).sort()).toEqual(['bulk1@east.district1.k12.us', 'bulk2@east.district1.k12.us']);
    await people.postmaster1.delete(`/webhooks/${created.body.id}`);
  });

  it('announces a rename and a send-as grant as account.updated, with the addresses before and after', async () => {
    const hook = await receiver();
    const created = await people.postmaster1.post('/webhooks', { url: hook.url, events: ['account.updated'] });
    await createMailbox(people.postmaster1, 'east.district1.k12.us', { localPart: 'coach' });
    await createMailbox(people.postmaster1, 'east.district1.k12.us', { localPart: 'assistant' });
    expect((await people.postmaster1.post('/accounts/coach@east.district1.k12.us/rename', { localPart: 'trainer' })).status).toBe(200);
    expect((await people.postmaster1.post('/accounts/assistant@east.district1.k12.us/send-as', { address: 'trainer@east.district1.k12.us' })).status).toBe(201);
    await until(() => hook.received.length, (n) => n >= 2);
    const [renamed, granted] = hook.events();
    expect(renamed).toMatchObject({ event: 'account.updated', data: { subject: { id: 'trainer@east.district1.k12.us' }, before: { address: 'coach@east.district1.k12.us' }, after: { address: 'trainer@east.district1.k12.us' } } });
    expect(granted).toMatchObject({ event: 'account.updated', data: { subject: { type: 'Account' } } });
    await people.postmaster1.delete(`/webhooks/${created.body.id}`);
  });

  it('announces a remote domain held by the engine to staff webhooks only', async () => {
    const platform = await receiver();
    const district = await receiver();
    const staffHook = await people.staff.post('/webhooks', { url: platform.url, events: ['queue.*'] });
    const pmHook = await people.postmaster1.post('/webhooks', { url: district.url, events: ['*'] });
    const throttle = new Throttle({ queue: { ...loadEngineConfig({}).queue, holdAfterFailures: 2 } });
    for (let i = 0; i < 2; i++) await api.prisma.$transaction((tx) => throttle.recordTemporaryFailure(tx, 'unreachable.example', '421 try later'));
    await until(() => platform.received.length, (n) => n >= 1);
    expect(platform.events()[0]).toMatchObject({ event: 'queue.remote-domain-held', data: { remoteDomain: 'unreachable.example', lastError: '421 try later' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(district.received).toHaveLength(0);
    await people.staff.delete(`/webhooks/${staffHook.body.id}`);
    await people.postmaster1.delete(`/webhooks/${pmHook.body.id}`);
  });
});

describe('private addresses', () => {
  it("by default keeps a district's webhook off local and private addresses; a staff webhook may reach them", async () => {
    process.env.SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS = 'staff';
    const guarded = await startTestApi().finally(() => {
      process.env.SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS = 'all';
    });
    try {
      const guardedPeople = await seedDistricts(guarded);
      const hook = await receiver();
      const local = await guardedPeople.postmaster1.post('/webhooks', { url: hook.url, events: ['domain.*'] });
      const named = await guardedPeople.postmaster1.post('/webhooks', { url: hook.url.replace('127.0.0.1', 'localhost'), events: ['domain.*'] });
      const platform = await guarded.staff.post('/webhooks', { url: hook.url, events: ['domain.created'] });
      await guardedPeople.postmaster1.post('/domains', { name: 'guarded.district1.k12.us', parent: 'district1.k12.us' });
      for (const id of [local.body.id, named.body.id]) {
        // An attempt is counted when it is claimed and its outcome written after: wait for the outcome.
        const log = await until(() => guardedPeople.postmaster1.get(`/webhooks/${id}/deliveries`), (r) => r.body.items[0]?.lastError != null || r.body.items[0]?.lastStatusCode != null);
        expect(log.body.items[0]).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: expect.stringMatching(/^refused to connect to (127\.0\.0\.1|::1): a private or local address/) });
      }
      await until(() => hook.received.length, (n) => n >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]!.headers['schoolmail-delivery']).toBe((await guarded.staff.get(`/webhooks/${platform.body.id}/deliveries`)).body.items[0].id);
    } finally {
      await guarded.close();
    }
  });
});

describe('engine events', () => {
  it('announces a quarantined message and a full mailbox to the webhooks of that district', async () => {
    const district1 = await receiver();
    const district2 = await receiver();
    const pm1Hook = await people.postmaster1.post('/webhooks', { url: district1.url, events: ['quarantine.added', 'quota.exceeded'] });
    const pm2Hook = await people.postmaster2.post('/webhooks', { url: district2.url, events: ['*'] });
    const west = await api.prisma.domain.findUniqueOrThrow({ where: { name: 'west.district1.k12.us' } });
    const unit = await api.prisma.storageUnit.create({ data: { name: 'hooks', directory: '/tmp/schoolmail-hooks-unit', capacityBytes: 1n << 30n } });
    const blob = await api.prisma.messageBlob.create({ data: { sha256: 'f'.repeat(64), size: 10, storageUnitId: unit.id } });
    await api.prisma.$transaction((tx) =>
      new PrismaQuarantine().add(tx, { blobId: blob.id, sender: 'x@remote.example', recipient: 'kid@west.district1.k12.us', accountId: null, domainPath: west.path, direction: 'inbound', subject: 'Hello', matches: [{ list: 'district', word: 'badword' }] }),
    );
    const mailbox = { accountId: 999_001, address: 'full@west.district1.k12.us', domainPath: west.path, usedBytes: 2048, quotaBytes: 1024 };
    reportQuotaExceeded(api.prisma, mailbox);
    reportQuotaExceeded(api.prisma, mailbox);

    await until(() => district1.received.length, (n) => n >= 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = district1.events();
    expect(events).toHaveLength(2);
    expect(events.find((e) => e.event === 'quarantine.added')?.data).toEqual({ sender: 'x@remote.example', recipient: 'kid@west.district1.k12.us', direction: 'inbound', subject: 'Hello', matches: [{ list: 'district', word: 'badword' }] });
    expect(events.find((e) => e.event === 'quota.exceeded')?.data).toEqual({ address: 'full@west.district1.k12.us', usedBytes: 2048, quotaBytes: 1024 });
    expect(district2.received).toHaveLength(0);
    await people.postmaster1.delete(`/webhooks/${pm1Hook.body.id}`);
    await people.postmaster2.delete(`/webhooks/${pm2Hook.body.id}`);
  });
});

describe('the outbox across a restart', () => {
  it('delivers, from a new API process on the same database, what the stopped one could not', async () => {
    const restartApi = await startTestApi();
    const hook = await receiver();
    hook.always(503);
    const created = await restartApi.staff.post('/webhooks', { url: hook.url, events: ['domain.created'] });
    await restartApi.staff.post('/domains', { name: 'before-restart.k12.us' });
    await until(() => hook.received.length, (n) => n >= 1);
    await restartApi.app.close();
    expect(await restartApi.prisma.webhookDelivery.count({ where: { status: 'pending' } })).toBe(1);

    hook.always(200);
    const second = await createHttpApp(restartApi.config, restartApi.prisma, { logLevels: ['error'] });
    await second.listen(0, '127.0.0.1');
    try {
      await until(() => restartApi.prisma.webhookDelivery.findFirst(), (d) => d?.status === 'delivered');
      const ids = new Set(hook.received.map((r) => r.headers['schoolmail-delivery']));
      expect(ids.size).toBe(1);
      expect(hook.events().at(-1)).toMatchObject({ event: 'domain.created', data: { subject: { id: 'before-restart.k12.us' } } });
      expect(created.status).toBe(201);
    } finally {
      await second.close();
      await restartApi.close();
    }
  });
});
